import XCTest
import Ricci

/// Issue 10: powers of equal factors through the library API (not the CLI, whose watchdog used to
/// be the only thing that stopped them): each answers quickly, and the answer is checked by value.
final class RobustnessPowerTests: XCTestCase {
    /// `(x'^n:x)^p` (x a vector of length 1, so x' is 1×1) and `((x'*X)^m)^q` for several exponents.
    func testPowersOfEqualFactorsAnswerByValue() {
        var cases: [DerivativeCase] = []
        for (n, p) in [(2, 2), (5, 3), (9, 5), (12, 2)] {
            cases.append(grad("(x'^\(n):x)^\(p)", "x", ["1"]))
            cases.append(hess("(x'^\(n):x)^\(p)", "x", ["1", "1"]))
        }
        for (m, q) in [(3, 2), (8, 3), (13, 3)] {
            cases.append(grad("x: vector(n); X: matrix(n, 1)\n((x'*X)^\(m))^\(q)", "x", ["n"], tolerance: 1e-5))
            cases.append(hess("x: vector(n); X: matrix(n, 1)\n((x'*X)^\(m))^\(q)", "x", ["n", "n"], tolerance: 1e-4))
        }
        // the fuzzer's `((S*x'*X)^64)^5`, smaller: a Jacobian of order 3 whose vec form raises
        // products of many factors (the raiser was cubic in a term's factors, and unbudgeted)
        let sxx = "S: matrix(m, 1); x: vector(n); X: matrix(n, m)\n"
        for (m, q) in [(2, 2), (5, 3)] {
            cases.append(jac(sxx + "((S*x'*X)^\(m))^\(q)", "x", ["m", "m", "n"], tolerance: 1e-5))
        }
        // and its `((8'*X)^64)^5`, whose vec form split the terms' factors in cubic time
        for (m, q) in [(2, 2), (4, 3)] {
            cases.append(jac("X: matrix(n, n)\n((2'*X)^\(m))^\(q)", "X", ["n", "n", "n", "n"], tolerance: 1e-4))
        }
        let start = Date()
        assertCases(cases, "powers of equal factors")
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }

    /// The issue's two inputs, at their own exponents: answered within a second or two each.
    func testIssueInputsFinish() throws {
        for (source, kind) in [("(x'^9:x)^5", DerivativeKind.gradient), ("(x'^9:x)^5", .hessian),
                               ("((x'*X)^55)^3", .gradient), ("((x'*X)^55)^3", .hessian), ("((x'*X)^64)^5", .hessian)] {
            let start = Date()
            let r = try Derivatives.derivative(of: source, wrt: "x", kind: kind)
            XCTAssertLessThan(r.einstein.count, 5_000, "\(source): a power, not \(source.count) copies")
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "\(kind.rawValue) of \(source)")
        }
    }

    /// The fuzzer's `((S*x'*X)^64)^5` by x: a Jacobian of 320 terms of 320 factors. Raising it back to
    /// matrix notation was cubic in the factors of a term and spent from no budget, so the library
    /// ran for minutes; now it is quadratic and charged to the raising budget, which names itself.
    func testLongJacobianTermsRaiseWithinTheirBudget() throws {
        let source = "((S*x'*X)^16)^3"
        let r = try Derivatives.derivative(of: source, wrt: "x", kind: .jacobian)
        XCTAssertNotNil(r.vec, "the Jacobian's vec form is raised")
        XCTAssertNoThrow(try Derivations.derive(source: "((8'*X)^16)^3", wrt: "X"))
        XCTAssertThrowsError(try WorkBudget.run(limits: [.raising: 50_000]) {
            try Derivatives.derivative(of: source, wrt: "x", kind: .jacobian)
        }) { e in
            XCTAssertTrue((e as? RicciError)?.message.contains("the raising budget ran out") ?? false, "\(e)")
        }
    }
}
