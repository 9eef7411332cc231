import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci derive` of a vector or matrix objective (PROBLEMS.md P2, issue 11): for every Jacobian
/// of the derivative table, each step of the derivation (dF, Γ = ∂F/∂W in index form, dF = Γ : dW,
/// vec(dF) = J·vec(dW)) is checked by value at a random point with distinct sizes, and the
/// standalone LaTeX document compiles with pdflatex.
final class JacobianDerivationTests: XCTestCase {
    static var cases: [DerivativeCase] {
        (DerivativeTableTests.allCases + DerivativeTableTests.regressionCases).filter { $0.kind == .jacobian } + [
            jac("x: vector(m); W: matrix(m, c); b: vector(c); W'*x + b", "W", ["c", "m", "c"]),
            jac("X: matrix(n, d); W: matrix(d, k); H = tanh(X*W); H .* H", "W", ["n", "k", "d", "k"]),
            jac("x: vector(n); A: matrix(n, n); u = A*x; exp(u) ./ sum(exp(u))", "x", ["n", "n"]),
            // a chain of definitions: Γ through named tangents (ta1, …), linear in the chain's length
            jac("x: vector(n)\na1 = tanh(x) .* x\na2 = tanh(a1) .* a1\na3 = tanh(a2) .* a2\na4 = tanh(a3) .* a3\na4", "x", ["n", "n"]),
        ]
    }

    func testEveryStepIsTrue() throws {
        let sizes = ["n": 3, "d": 4, "k": 5, "m": 2, "l": 6, "p": 7, "q": 4, "r": 3, "s": 5, "c": 4]
        XCTAssertGreaterThan(Self.cases.count, 15)
        for c in Self.cases {
            let d = try Derivations.derive(source: c.program, wrt: c.wrt)
            XCTAssertEqual(d.result.kind, .jacobian, c.program)
            XCTAssertTrue(d.steps.contains { $0.lhs.kind == .differential }, "no dF: \(c.program)")
            XCTAssertTrue(d.steps.contains { $0.lhs.kind == .jacobian && $0.rule.contains("Γ") }, "no Γ: \(c.program)")
            let typed = try TypeChecker.check(source: d.context.joined(separator: "\n") + "\n__x = 0")
            var s = EvaluationSettings()
            s.seed = 3
            s.dims = sizes.filter { typed.dims.symbolicNames.contains($0.key) }
            let errors = try DerivationCheck.errors(d, settings: s)
            XCTAssertEqual(errors.count, d.steps.count)
            for (step, e) in zip(d.steps, errors) {
                XCTAssertLessThan(e, 1e-5, "\(c.program) by \(c.wrt): step '\(step.text)' [\(step.rule)]")
            }
        }
    }

    func testP2LinearLayer() throws {
        let d = try Derivations.derive(source: "x: vector(m)\nW: matrix(m, c)\nb: vector(c)\nW'*x + b", wrt: "W")
        let text = DerivationReport(d).text()
        XCTAssertTrue(text.contains("dF = dWᵀ·x"), text)
        XCTAssertTrue(text.contains("Γ[i,k,l]"), text)
        XCTAssertTrue(text.contains("kron(eye(c), x')"), text)
        let json = DerivationReport(d).json().serialized()
        XCTAssertTrue(json.contains("\"kind\":\"jacobian\"") || json.contains("\"kind\": \"jacobian\""), json)
        // a vector by a vector: dF = J dW with the Jacobian matrix itself, read off
        let v = try Derivations.derive(source: "A: matrix(n, d); x: vector(d); tanh(A*x)", wrt: "x")
        XCTAssertTrue(v.steps.contains { $0.rule.contains("read off") }, DerivationReport(v).text())
    }

    func testStandaloneDocumentsCompile() throws {
        let documents = try Self.cases.enumerated().map { k, c in
            (name: "j\(k)", document: DerivationReport(try Derivations.derive(source: c.program, wrt: c.wrt)).standalone(),
             what: "\(c.program) by \(c.wrt)")
        }
        try assertStandaloneDocumentsCompile(documents)
    }
}
