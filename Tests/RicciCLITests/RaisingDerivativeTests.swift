import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Raising real derivatives: every case of the derivative table is differentiated by the engine, its
/// simplified index form is raised, and the raised matrix form (text and unicode) is evaluated as a
/// program and compared with the Einstein form of the same result at the same inputs.
final class RaisingDerivativeTests: XCTestCase {
    /// Raises one derivative; returns the text (nil when there is no matrix form), failing on a wrong value.
    @discardableResult
    func check(_ program: String, wrt: String, kind: DerivativeKind, layout: Layout = .denominator,
               given: [String: Tensor] = [:], seed: UInt64 = 5,
               file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let low = try Lowerer.lower(source: program)
            let r = try Derivatives.derivative(of: low, wrt: wrt, kind: kind, layout: layout)
            guard let m = Raiser(dims: low.typed.dims).raise(r.index) else { return nil }
            guard let reference = r.program(.einstein) else { return nil }
            let head = (r.declarations + r.indexDefinitions.map { "\($0.name) = \($0.value)" }).joined(separator: "\n")
            let typed = try TypeChecker.check(source: program)
            let names = Set(typed.dims.symbolicNames)
            let dims = RaisingOracle.sizes.filter { names.contains($0.key) }
            var s = EvaluationSettings()
            s.dims = dims
            s.seed = seed
            s.values = given
            let drawn = try Evaluator.evaluate(source: program, settings: s)
            let values = Dictionary(uniqueKeysWithValues: drawn.inputs)
            let want = try RaisingOracle.value(reference, values, dims, functions: [:], seed: seed)
            for format in [OutputFormat.text, .unicode] {
                let printed = m.rendered(format)
                let source = head + "\n\(r.name) = " + printed
                do {
                    let got = try RaisingOracle.value(source, values, dims, functions: [:], seed: seed)
                    RaisingOracle.assertSame(got, want, tolerance: 1e-8,
                                             "\n--- \(kind) of \(program) by \(wrt)\n--- einstein: \(r.einstein)\n--- raised: \(printed)",
                                             file: file, line: line)
                } catch {
                    XCTFail("raised \(format) form does not evaluate: \(error)\n--- \(program) by \(wrt)\n--- \(source)",
                            file: file, line: line)
                }
            }
            return m.rendered(.text)
        } catch {
            // programs the engine refuses are not this test's business
            return nil
        }
    }

    /// The whole derivative table: every raised form evaluates to the result, and every case that
    /// the table marks as needing a matrix form has one.
    func testDerivativeTable() {
        var raised = 0, missing: [String] = []
        let cases = DerivativeTableTests.allCases
        for c in cases {
            let text = check(c.program, wrt: c.wrt, kind: c.kind, layout: c.layout, given: c.values, seed: c.seed,
                             file: c.file, line: c.line)
            if text != nil { raised += 1 } else if c.needsMatrix { missing.append(c.label) }
        }
        print("[raising] \(raised) of \(cases.count) derivative-table results raised to matrix notation")
        XCTAssertEqual(missing, [], "cases that need a matrix form have none")
    }

    /// The five problems of PROBLEMS.md, exactly as a person writes their results.
    func testProblemsGolden() {
        let p1 = "D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
        XCTAssertEqual(check(p1 + "normF(F(W) - beta*D'*Z)^2", wrt: "W", kind: .gradient), "2*(F(W) - beta*D'*Z) : F'(W)")
        let p2 = "X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nf = X*W + b\nf*y"
        XCTAssertEqual(check(p2, wrt: "W", kind: .gradient), "X'*y'")
        XCTAssertEqual(check(p2, wrt: "b", kind: .gradient), "y'")
        let p2c = "x: vector(m); W: matrix(m, k); b: vector(k); y: vector(k)\nf = W'*x + b\nf'*y"
        XCTAssertEqual(check(p2c, wrt: "W", kind: .gradient), "x*y'")
        XCTAssertEqual(check(p2c, wrt: "W", kind: .gradient, layout: .numerator), "y*x'")
        let p3 = "A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\nsum(A .* log(A ./ (B'*X*C)))"
        XCTAssertEqual(check(p3, wrt: "X", kind: .gradient), "-B*(A ./ (B'*X*C))*C'")
        let p4 = "X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\n"
        XCTAssertEqual(check(p4 + "E = h(X*W)*alpha - y\nnormF(E)^2", wrt: "W", kind: .gradient), "2*X'*((E*alpha') .* h'(X*W))")
        XCTAssertEqual(check(p4 + "normF(h(X*W)*alpha - y)^2", wrt: "W", kind: .gradient),
                       "2*X'*(((h(X*W)*alpha - y)*alpha') .* h'(X*W))")
        let p5 = "A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\nA*(B*V*relu(W*z)).^2"
        XCTAssertEqual(check(p5, wrt: "V", kind: .gradient), "2*B'*(A' .* (B*V*relu(W*z)))*relu(W*z)'")
        XCTAssertEqual(check(p5, wrt: "W", kind: .gradient), "2*(step(W*z) .* (V'*B'*(A' .* (B*V*relu(W*z)))))*z'")
    }

    /// Textbook gradients (Matrix Cookbook), as written there.
    func testTextbookGolden() {
        let cases: [(String, String, String)] = [
            ("A: matrix(n, n); x: vector(n); x'*A*x", "x", "A*x + A'*x"),
            ("A: matrix(n, n); x: vector(n); x'*A*x", "A", "x*x'"),
            ("a: vector(n); x: vector(n); a'*x", "x", "a"),
            ("A: matrix(n, d); x: vector(d); y: vector(n); y'*A*x", "A", "y*x'"),
            ("A: matrix(d, n); X: matrix(n, k); B: matrix(k, d); tr(A*X*B)", "X", "A'*B'"),
            ("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", "2*X'*(X*W - Y)"),
            ("X: matrix(n, n); tr(X^2)", "X", "2*X'"),
            ("A: matrix(n, n), spd; logdet(A)", "A", "inv(A)"),   // inv(A)' = inv(A): A is symmetric
            ("x: vector(n); y: vector(n); w: vector(n); w'*(x .* y)", "x", "w .* y"),
            ("D: matrix(n, n); tr(sigmoid(D))", "D", "Diag(sigmoid(diag(D)) .* (1 - sigmoid(diag(D))))"),
            ("C: matrix(n, n); h: elementwise; tr(h'(C))", "C", "Diag(h''(diag(C)))"),
        ]
        for (p, w, want) in cases {
            XCTAssertEqual(check(p, wrt: w, kind: .gradient), want, "gradient of \(p) by \(w)")
        }
    }
}
