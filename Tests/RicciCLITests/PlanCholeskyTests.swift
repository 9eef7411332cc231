import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Solves, inverses and determinants of matrices known spd (declared `spd`, Gram products) run
/// through Cholesky, equal the reference (LU) by value, and fall back to LU when the values given
/// are not positive definite.
final class PlanCholeskyTests: XCTestCase {
    func testSPDStepsUseCholeskyAndEqualTheReference() throws {
        let cases: [(String, [String: Int])] = [
            ("S: matrix(n, n), spd; b: vector(n)\nb'*inv(S)*b + logdet(S) + det(S)", ["n": 6]),
            ("S: matrix(n, n), spd; B: matrix(n, k)\nsum(inv(S)*B) + tr(inv(S))", ["n": 5, "k": 3]),
            ("X: matrix(n, d); y: vector(d)\ny'*inv(X'*X)*y + logdet(2*X'*X)", ["n": 9, "d": 4]),
        ]
        for (src, dims) in cases {
            var s = EvaluationSettings()
            s.seed = 7
            s.dims = dims
            let r = try PlanEvaluation.evaluate(source: src, requests: [.value], results: [], settings: s)
            let factored = r.plan.steps.filter { step in
                switch step.kernel {
                case .solve(_, _, _, let f), .inverse(_, let f), .determinant(_, let f), .logDeterminant(_, let f): return f == .cholesky
                default: return false
                }
            }
            XCTAssertFalse(factored.isEmpty, "\(src)\n\(r.plan.text)")
            let ref = try Evaluator.evaluate(source: src, settings: s).value
            XCTAssertLessThan(NumericPlanTests.error(ref, r.outputs["value"] ?? Tensor(scalar: .nan)), 1e-10, "\(src)\n\(r.plan.text)")
        }
    }

    /// Values that are not positive definite for a matrix declared spd: LU's answer, or LU's error.
    func testNotPositiveDefiniteFallsBackToLU() throws {
        let src = "S: matrix(n, n), spd; b: vector(n)\nb'*inv(S)*b + logdet(S)"
        let plan = try NumericPlan(source: src, requests: [.value], dims: ["n": 3])
        let b = Tensor(vector: [1, 2, 3])
        // symmetric, indefinite, det = 2 > 0
        let s = try Tensor(shape: [3, 3], data: [-1, 0, 0, 0, -2, 0, 0, 0, 1])
        let out = try plan.run(["S": s, "b": b])["value"]?.data.first ?? .nan
        XCTAssertEqual(out, -1 - 2 + 9 + log(2.0), accuracy: 1e-12)
        // det < 0: logdet's error, located at its step
        let bad = try Tensor(shape: [3, 3], data: [-1, 0, 0, 0, 2, 0, 0, 0, 1])
        XCTAssertThrowsError(try plan.run(["S": bad, "b": b])) { e in
            XCTAssertTrue("\(e)".contains("logdet"), "\(e)")
        }
    }
}
