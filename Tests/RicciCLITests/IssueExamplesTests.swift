import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The five examples of issue 11 ("never mislead"), each as a new user tried it, and the
/// mechanisms behind their fixes: re-drawn random points, 1×1 constants as scalars, symbolic
/// exponents, derivations of Jacobians.
final class IssueExamplesTests: XCTestCase {
    func settings(seed: UInt64, dims: [String: Int] = [:]) -> EvaluationSettings {
        var s = EvaluationSettings()
        s.seed = seed
        s.dims = dims
        return s
    }

    // MARK: 1. a badly conditioned random point does not convict the engine's own answer

    static let bilinearInverse = "a: vector(n)\nX: matrix(n, n)\nb: vector(n)\na'*inv(X)*b"

    func testExample1EngineAnswerAtSeed3IsCorrect() throws {
        let c = try ClaimCheck.run(source: Self.bilinearInverse, wrt: "X", claim: "-inv(X)'*a*b'*inv(X)'",
                                   settings: settings(seed: 3, dims: ["n": 5]))
        XCTAssertEqual(c.verdict, .correct, c.message)
        let own = try DerivativeCheck.run(source: Self.bilinearInverse, wrt: "X", settings: settings(seed: 3, dims: ["n": 5]))
        XCTAssertTrue(own.passed, "einstein error \(own.einsteinError), \(own.inconclusive ?? "")")
    }

    func testExample1NeverWrongOverManySeeds() throws {
        for seed in UInt64(1)...15 {
            let c = try ClaimCheck.run(source: Self.bilinearInverse, wrt: "X", claim: "-inv(X)'*a*b'*inv(X)'",
                                       settings: settings(seed: seed, dims: ["n": 5]))
            XCTAssertNotEqual(c.verdict, .wrongValues, "seed \(seed): \(c.message)")
        }
        // and a wrong claim is still caught
        let wrong = try ClaimCheck.run(source: Self.bilinearInverse, wrt: "X", claim: "-inv(X)*a*b'*inv(X)",
                                       settings: settings(seed: 3, dims: ["n": 5]))
        XCTAssertEqual(wrong.verdict, .wrongValues, wrong.message)
    }

    func testBadlyConditionedPointsAreRedrawnWithTheReason() throws {
        var points = try CheckPoints(source: Self.bilinearInverse, wrt: "X", kind: .gradient, layout: .denominator,
                                     wrtOrder: 2, settings: settings(seed: 1, dims: ["n": 4]), budget: 3)
        points.conditionLimit = 1   // every matrix is "badly conditioned": nothing can be accepted
        var seed: UInt64 = 1
        XCTAssertNil(try points.draw(settings(seed: 1, dims: ["n": 4]), seed: &seed))
        XCTAssertEqual(points.rejections.count, 4)
        XCTAssertTrue(points.rejections.allSatisfy { $0.reason.contains("badly conditioned") && $0.reason.contains("inv(X)") },
                      points.summary ?? "")
    }

    func testNoTrustworthyPointIsInconclusiveNotWrong() throws {
        // a tolerance below what finite differences can reach: every point is rejected, no verdict
        let c = try ClaimCheck.run(source: Self.bilinearInverse, wrt: "X", claim: "-inv(X)'*a*b'*inv(X)'",
                                   settings: settings(seed: 1, dims: ["n": 3]), tolerance: 1e-15, redraws: 2)
        XCTAssertEqual(c.verdict, .inconclusive, c.message)
        XCTAssertTrue(c.message.contains("not accurate enough"), c.message)
    }

    // MARK: 2. a point outside the domain is re-drawn

    func testExample2LogdetOfGeneralMatrix() throws {
        let c = try ClaimCheck.run(source: "X: matrix(n, n)\nlogdet(X)", wrt: "X", claim: "inv(X)'", settings: settings(seed: 3))
        XCTAssertEqual(c.verdict, .correct, c.message)
        XCTAssertTrue(c.rejections.contains { $0.reason.contains("determinant is negative") }, c.message)
        XCTAssertTrue(c.message.contains("re-drew"), c.message)
        let own = try DerivativeCheck.run(source: "X: matrix(n, n)\nlogdet(X)", wrt: "X", settings: settings(seed: 5))
        XCTAssertTrue(own.passed, own.inconclusive ?? "einstein error \(own.einsteinError)")
    }

    // MARK: 3. 1×1 constants are scalars

    func testExample3UnitConstants() throws {
        let g = try Derivatives.derivative(of: "x: vector(n)\nx'*x + eye(1)", wrt: "x", kind: .gradient)
        XCTAssertEqual(g.matrix, "2*x")
        let ones = try Lowerer.lower(source: "x: vector(n)\nx'*x + ones(1,1)")
        XCTAssertEqual(EinsteinPrinter.print(ones, format: .text).split(separator: "\n").last, "result = x[k]*x[k] + 1")
        let zeros = try Lowerer.lower(source: "x: vector(n)\nx'*x + zeros(1,1)")
        XCTAssertEqual(EinsteinPrinter.print(zeros, format: .text).split(separator: "\n").last, "result = x[k]*x[k] + 0")
        for e in ["x'*x + eye(1)", "x'*x*eye(1)", "exp(eye(1)*x'*x)", "sqrt(x'*x + ones(1,1))", "inv(x'*x + eye(1))",
                  "B = x'*x*eye(1); B + zeros(1, 1)", "(x'*x)*eye(1) + eye(1)*ones(1,1)"] {
            let c = try DerivativeCheck.run(source: "x: vector(n)\n" + e, wrt: "x", settings: settings(seed: 2, dims: ["n": 4]))
            XCTAssertTrue(c.passed, "\(e): \(c.result.einstein)")
            XCTAssertNotNil(c.result.matrix, e)
        }
    }

    // MARK: 4. symbolic exponents

    func testExample4SymbolicExponents() throws {
        let j = try Derivatives.derivative(of: "x: vector(k), positive\ni: scalar\nx.^i", wrt: "i", kind: .jacobian)
        XCTAssertEqual(j.matrix, "log(x) .* x.^i")
        let g = try Derivatives.derivative(of: "a: scalar, positive\nb: scalar\na^b", wrt: "b", kind: .gradient)
        XCTAssertEqual(g.matrix, "a.^b*log(a)")
        let cases: [(String, String)] = [
            ("x: vector(k), positive\ni: scalar\nx.^i", "i"), ("x: vector(k), positive\ni: scalar\nx.^i", "x"),
            ("a: scalar, positive\nb: scalar\na^b", "b"), ("a: scalar, positive\nb: scalar\na^b", "a"),
            ("x: vector(k), positive\np: scalar\nsum(x.^(p*p + 1))", "p"),
            ("X: matrix(n, d), positive\nP: matrix(n, d)\nsum(X.^P)", "P"),
            ("X: matrix(n, d), positive\nP: matrix(n, d)\nsum(X.^P)", "X"),
            ("x: vector(k), positive\np: scalar\ny[i] = x[i]^p\nsum(y)", "p"),
            ("x: vector(k)\nsum(2.^x)", "x"),
        ]
        for (program, wrt) in cases {
            let c = try DerivativeCheck.run(source: program, wrt: wrt, settings: DerivativeChecker.settings(for: program, seed: 4))
            XCTAssertTrue(c.passed, "\(program) by \(wrt): \(c.result.einstein), error \(c.einsteinError)")
        }
        let h = try DerivativeCheck.run(source: "a: scalar, positive\nb: scalar\na^b", wrt: "b", kind: .hessian,
                                        settings: settings(seed: 4), tolerance: 1e-5)
        XCTAssertTrue(h.passed, h.result.einstein)
        XCTAssertThrowsError(try TypeChecker.check(source: "X: matrix(n, n)\np: scalar\ntr(X^p)")) { e in
            XCTAssertTrue("\(e)".contains("matrix power"), "\(e)")
        }
    }

    func testIndexNamesAvoidProgramNames() throws {
        let lowered = try Lowerer.lower(source: "x: vector(k)\ni: scalar\ni*x")
        XCTAssertEqual(EinsteinPrinter.print(lowered, format: .text).split(separator: "\n").last, "result[j] = i*x[j]")
    }
}

extension IssueExamplesTests {
    // MARK: 5. derive of a non-scalar objective

    func testExample5DeriveLinearLayer() throws {
        let source = "x: vector(m)\nW: matrix(m, c)\nb: vector(c)\nW'*x + b"
        let d = try Derivations.derive(source: source, wrt: "W")
        XCTAssertEqual(d.result.kind, .jacobian)
        XCTAssertTrue(d.steps.contains { $0.text == "dF = dWᵀ·x" }, DerivationReport(d).text())
        var s = EvaluationSettings()
        s.seed = 2
        s.dims = ["m": 3, "c": 4]
        let errors = try DerivationCheck.errors(d, settings: s)
        XCTAssertEqual(errors.count, d.steps.count)
        for (step, e) in zip(d.steps, errors) { XCTAssertLessThan(e, 1e-6, step.text) }
        let latex = DerivationReport(d).standalone()
        XCTAssertTrue(latex.contains("Jacobian of $F$"), latex)
    }
}

extension IssueExamplesTests {
    /// exp(M*log(x)) with a matrix M is not a power (found by the 1,000-program verdict run: the
    /// gradient of a logsumexp of a product ending in log(p) was printed as p.^(...)).
    func testMatrixProductWithLogIsNotAPower() throws {
        let program = "A: matrix(n, d); C: matrix(n, n); p: vector(n), positive; alpha: scalar\n"
            + "logsumexp(((((C ./ sigmoid(C))*(alpha*(0.5*A))))'*log(p)))"
        let c = try DerivativeCheck.run(source: program, wrt: "A", settings: DerivativeChecker.settings(for: program, seed: 3))
        XCTAssertTrue(c.passed, "\(c.result.matrix ?? "") / \(c.result.einstein)")
        XCTAssertFalse((c.result.matrix ?? "").contains(".^"), c.result.matrix ?? "")
        let m = try DerivativeCheck.run(source: "x: vector(n), positive; M: matrix(n, n); sum(exp(M*log(x)))", wrt: "x",
                                        settings: DerivativeChecker.settings(for: "x: vector(n); M: matrix(n, n); x", seed: 3))
        XCTAssertTrue(m.passed, m.result.einstein)
    }
}
