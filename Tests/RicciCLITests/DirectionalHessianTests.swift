import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci hessian PROGRAM --wrt W --direction V`: d²f[V] = H : V in the variable's shape (issue 9,
/// item 5), checked against the finite-difference Hessian applied to a random V at random points
/// with distinct sizes; and the command-line surface of the symmetric conventions.
final class DirectionalHessianTests: XCTestCase {
    func settings(_ p: String, seed: UInt64) -> EvaluationSettings {
        SymmetricConventionTests.settings(p, seed: seed, sizes: ["n": 5, "d": 3, "k": 4])
    }

    func testDirectionalHessiansByValue() throws {
        let cases: [(String, String, String?)] = [
            ("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2", "W", "2*X'*X*V"),
            ("A: matrix(n, n); x: vector(n)\nx'*A*x + sum(exp(x))", "x", nil),
            ("X: matrix(n, d); y: vector(n); w: vector(d)\nsum(log(1 + exp(X*w))) - y'*X*w", "w", nil),
            ("S: matrix(n, n), spd\nlogdet(S)", "S", nil),
            ("X: matrix(n, d); W: matrix(d, k)\nsum(tanh(X*W))", "W", nil),
            ("A: matrix(k, n); W: matrix(n, d); B: matrix(d, k)\ntr(A*W*B*A*W*B)", "W", nil),
        ]
        for (p, w, expected) in cases {
            let direction = w == "x" || w == "w" ? "v" : "V"
            for seed in [UInt64(2), 13] {
                let c = try DirectionalHessianCheck.run(source: p, wrt: w, direction: direction, settings: settings(p, seed: seed))
                XCTAssertTrue(c.passed, "\(p) along \(direction): matrix \(c.matrixError ?? -1), einstein \(c.einsteinError)")
                XCTAssertNotNil(c.result.matrix, p)
                XCTAssertEqual(c.result.direction, direction)
                let full = try Derivatives.derivative(of: p, wrt: w, kind: .gradient)
                XCTAssertEqual(c.result.shape, full.shape, "d²f[V] has the variable's shape")
                if let e = expected { XCTAssertEqual(c.result.matrix, e) }
            }
        }
    }

    func testDirectionUnderEachConvention() throws {
        let p = "S: matrix(n, n), spd; x: vector(n)\nlogdet(S) + x'*S*S*x"
        for c in SymmetricConvention.allCases {
            let check = try DirectionalHessianCheck.run(source: p, wrt: "S", direction: "V", settings: settings(p, seed: 4), symmetric: c)
            XCTAssertTrue(check.passed, "\(c.rawValue): \(check.einsteinError)")
            XCTAssertEqual(check.result.symmetric, c)
        }
        // a declared symmetric direction gives the short form
        let q = "S: matrix(n, n), spd; V: matrix(n, n), symmetric\nlogdet(S)"
        let r = try DirectionalHessianCheck.run(source: q, wrt: "S", direction: "V", settings: settings(q, seed: 4))
        XCTAssertEqual(r.result.matrix, "-inv(S)*V*inv(S)")
        XCTAssertTrue(r.passed)
    }

    func testDirectionErrors() throws {
        let p = "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2"
        XCTAssertThrowsError(try Derivatives.hessian(of: p, wrt: "W", direction: "X")) { e in
            XCTAssertTrue("\(e)".contains("shape"), "\(e)")
        }
        XCTAssertThrowsError(try Derivatives.hessian(of: p, wrt: "W", direction: "W"))
        XCTAssertThrowsError(try Derivatives.hessian(of: p, wrt: "W", direction: "sum"))
        XCTAssertThrowsError(try Derivatives.hessian(of: p, wrt: "W", direction: "n"), "a dimension's name")
        XCTAssertThrowsError(try Derivatives.hessian(of: p, wrt: "W", direction: "V[1]"))
        XCTAssertThrowsError(try Derivatives.hessian(of: "E = X*W; normF(E)^2", wrt: "W", direction: "E"))
    }

    // MARK: - the command line

    func run(_ args: [String]) throws -> (status: Int32, stdout: String) {
        let binary = ClaimCheckTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("ricci is not built") }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testCommandLine() throws {
        let h = try run(["hessian", "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2", "--wrt", "W", "--direction", "V"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("H = 2*X'*X*V"), h.stdout)
        XCTAssertTrue(h.stdout.contains("along V"), h.stdout)
        let two = try run(["hessian", "normF(X*W - Y)^2", "--wrt", "W", "--wrt", "X", "--direction", "V"])
        XCTAssertNotEqual(two.status, 0, "one direction, one variable")
        let c = try run(["check", "normF(X*W - Y)^2", "--wrt", "W", "--direction", "V"])
        XCTAssertEqual(c.status, 0, c.stdout)
        XCTAssertTrue(c.stdout.contains("pass"), c.stdout)
        let j = try run(["jacobian", "X*W", "--wrt", "W"])
        XCTAssertTrue(j.stdout.contains("# vec: kron("), "text output shows the vec form: \(j.stdout)")
        for (convention, form) in [("sym", "G = inv(S)"), ("cookbook", "G = 2*inv(S) - Diag(diag(inv(S)))"), ("none", "G = inv(S)")] {
            let g = try run(["grad", "S: matrix(n, n), spd; logdet(S)", "--wrt", "S", "--symmetric", convention])
            XCTAssertTrue(g.stdout.contains(form), g.stdout)
            XCTAssertTrue(g.stdout.contains("convention \(convention)"), "the output names the convention: \(g.stdout)")
            let json = try run(["grad", "S: matrix(n, n), spd; logdet(S)", "--wrt", "S", "--symmetric", convention, "--format", "json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            XCTAssertEqual(object?["symmetric"] as? String, convention)
            let check = try run(["check", "S: matrix(n, n), spd; A: matrix(n, n); tr(A*inv(S))", "--wrt", "S", "--symmetric", convention])
            XCTAssertEqual(check.status, 0, check.stdout)
        }
        let plain = try run(["grad", "normF(X*W - Y)^2", "--wrt", "W", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any]
        XCTAssertTrue(object?["symmetric"] is NSNull, "null for a variable not declared symmetric")
        let bad = try run(["grad", "S: matrix(n, n), spd; logdet(S)", "--wrt", "S", "--symmetric", "half"])
        XCTAssertNotEqual(bad.status, 0)
    }
}
