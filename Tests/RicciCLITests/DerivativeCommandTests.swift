import Foundation
import XCTest

/// End-to-end tests of `ricci grad | jacobian | hessian | derive | check` on the built executable:
/// the JSON of SYNTAX.md section 5, several variables, exit statuses and errors.
extension CommandLineTests {
    static let p4 = "X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise\nE = h(X*W)*alpha - y\nnormF(E)^2"

    func testGradJSONHasTheFieldsOfSection5() throws {
        let r = try ricci(["grad", Self.p4, "--wrt", "W", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        for key in ["input", "wrt", "kind", "order", "shape", "matrix", "einstein", "vec", "where", "latex", "unicode"] {
            XCTAssertNotNil(j[key], "missing \(key)")
        }
        XCTAssertEqual(j["kind"] as? String, "gradient")
        XCTAssertEqual(j["wrt"] as? [String], ["W"])
        XCTAssertEqual(j["shape"] as? [String], ["d", "k"])
        XCTAssertEqual(j["matrix"] as? String, "2*X'*((E*alpha') .* h'(X*W))")
        XCTAssertEqual(j["where"] as? [[String]], [["E", "h(X*W)*alpha - y"]])
        XCTAssertTrue((j["einstein"] as? String)?.hasPrefix("G[i, l] = ") == true)
        XCTAssertTrue(j["vec"] is NSNull)
    }

    func testSeveralVariablesGiveOneResultEach() throws {
        let p5 = "A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\nA*(B*V*relu(W*z)).^2"
        let r = try ricci(["grad", p5, "--wrt", "V", "--wrt", "W", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let results = json(r.stdout)["results"] as? [[String: Any]] ?? []
        XCTAssertEqual(results.map { $0["wrt"] as? [String] ?? [] }, [["V"], ["W"]])
        XCTAssertEqual(results.map { $0["shape"] as? [String] ?? [] }, [["m", "k"], ["k", "d"]])
    }

    func testJacobianIsTheExplicitTensorWithItsVecForm() throws {
        let r = try ricci(["jacobian", "X: matrix(n, d); W: matrix(d, k)\nX*W", "--wrt", "W", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        XCTAssertEqual(j["order"] as? Int, 4)
        XCTAssertEqual(j["shape"] as? [String], ["n", "k", "d", "k"])
        XCTAssertTrue(j["matrix"] is NSNull, "an order-4 result has no matrix form here")
        XCTAssertEqual(j["vec"] as? String, "kron(eye(k), X)")
        XCTAssertEqual(j["einstein"] as? String, "G[i, j, l, a] = X[i, l]*eye(k)[j, a]")
    }

    func testHessianAndNumeratorLayout() throws {
        let h = try ricci(["hessian", "x: vector(n); A: matrix(n, n)\nx'*A*x", "--wrt", "x", "--format", "json"])
        XCTAssertEqual(json(h.stdout)["matrix"] as? String, "A + A'")
        let g = try ricci(["grad", "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2", "--wrt", "W",
                           "--layout", "numerator", "--format", "json"])
        let j = json(g.stdout)
        XCTAssertEqual(j["shape"] as? [String], ["k", "d"])
        XCTAssertEqual(j["layout"] as? String, "numerator")
    }

    func testDerivativeErrorsAreClear() throws {
        let nonScalar = try ricci(["grad", "A: matrix(n, d); x: vector(d)\nA*x", "--wrt", "x", "--format", "json"])
        XCTAssertEqual(nonScalar.status, 1)
        let e = json(nonScalar.stdout)["error"] as? [String: Any]
        XCTAssertEqual(e?["kind"] as? String, "shape")
        XCTAssertTrue((e?["message"] as? String)?.contains("ricci jacobian") == true)
        let unknown = try ricci(["grad", "x'*x", "--wrt", "y"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("'y' is not a name of the program"), unknown.stderr)
        let missing = try ricci(["grad", "x'*x"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("--wrt"), missing.stderr)
        let defined = try ricci(["grad", "E = A*x\nsum(E)", "--wrt", "E"])
        XCTAssertEqual(defined.status, 1)
        XCTAssertTrue(defined.stderr.contains("defined by the program"), defined.stderr)
    }

    func testDeriveJSONStepsAndStandaloneLatex() throws {
        let r = try ricci(["derive", Self.p4, "--wrt", "W", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let steps = json(r.stdout)["steps"] as? [[String: Any]] ?? []
        XCTAssertGreaterThan(steps.count, 4)
        for s in steps {
            XCTAssertNotNil(s["rule"] as? String)
            XCTAssertNotNil(s["latex"] as? String)
            XCTAssertNotNil(s["text"] as? String)
            XCTAssertNotNil((s["lhs"] as? [String: Any])?["kind"] as? String)
        }
        XCTAssertTrue(steps.contains { ($0["lhs"] as? [String: Any])?["kind"] as? String == "gradient" })
        let tex = try ricci(["derive", Self.p4, "--wrt", "W", "--format", "latex", "--standalone"])
        XCTAssertTrue(tex.stdout.hasPrefix("\\documentclass"))
        XCTAssertTrue(tex.stdout.contains("\\end{document}"))
        let aligned = try ricci(["derive", Self.p4, "--wrt", "W", "--format", "latex"])
        XCTAssertTrue(aligned.stdout.hasPrefix("\\begin{aligned}"))
    }

    func testCheckExitStatus() throws {
        let program = "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2"
        XCTAssertEqual(try ricci(["check", program, "--wrt", "W"]).status, 0)
        XCTAssertEqual(try ricci(["check", program, "--wrt", "W", "--claim", "2*X'*(X*W - Y)"]).status, 0)
        XCTAssertEqual(try ricci(["check", program, "--wrt", "W", "--claim", "X'*(X*W - Y)"]).status, 1)
    }
}
