import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Common factors taken out of sums of products (`X'*a - X'*b` as `X'*(a - b)`): the plan equals
/// the reference evaluator by value, and does fewer products than the sum has terms.
final class PlanFactoringTests: XCTestCase {
    /// Each program's value through a plan against the reference, and the number of products it runs.
    static let cases: [(program: String, products: Int, dims: [String: Int])] = [
        ("X: matrix(n, d); a: vector(n); b: vector(n)\nsum(X'*a - X'*b)", 1, ["n": 7, "d": 4]),
        ("A: matrix(m, k); B: matrix(k, n); C: matrix(k, n)\nsum(A*B + A*C)", 1, ["m": 3, "k": 5, "n": 4]),
        ("A: matrix(k, n); B: matrix(m, k); C: matrix(m, k)\nsum(B*A - C*A)", 1, ["m": 3, "k": 5, "n": 4]),
        ("X: matrix(n, d); a: vector(n); b: vector(n); s: scalar\nsum(2*X'*a + X'*b/s)", 1, ["n": 6, "d": 3]),
        ("X: matrix(n, d); a: vector(n); b: vector(n)\nsum(-X'*a - X'*b)", 1, ["n": 6, "d": 3]),
        ("X: matrix(n, d); a: vector(n); b: vector(n); c: vector(d)\nsum(X'*a - X'*b + c)", 1, ["n": 6, "d": 3]),
        ("X: matrix(n, d); a: vector(n); b: vector(n); c: vector(d)\nsum((X'*a - X'*b) .* c)", 1, ["n": 6, "d": 3]),
        // a chain: A*B*C + A*D → A*(B*C + D)
        ("A: matrix(m, k); B: matrix(k, p); C: matrix(p, n); D: matrix(k, n)\nsum(A*B*C + A*D)", 2,
         ["m": 3, "k": 4, "p": 5, "n": 2]),
        // the logistic gradient as its two terms print: one pass over X back, not two
        ("X: matrix(n, d); w: vector(d); y: vector(n)\nG = X'*sigmoid(X*w) - X'*y\nG", 2, ["n": 9, "d": 4]),
        // X*w, needed by the value too, is computed once
        ("X: matrix(n, d); w: vector(d); y: vector(n)\nG = X'*tanh(X*w) - X'*y\nsum(G) + sum(X*w)", 2, ["n": 8, "d": 3]),
    ]

    func testFactoredSumsEqualTheReference() throws {
        for c in Self.cases {
            var s = EvaluationSettings()
            s.seed = 5
            s.dims = c.dims
            let r = try PlanEvaluation.evaluate(source: c.program, requests: [.value], results: [], settings: s)
            let ref = try Evaluator.evaluate(source: c.program, settings: s).value
            XCTAssertLessThan(NumericPlanTests.error(ref, r.outputs["value"] ?? Tensor(scalar: .nan)), 1e-12,
                              "\(c.program)\n\(r.plan.text)")
            let products = r.plan.steps.filter { ["gemm", "gemv", "ger", "syrk", "scaledGram"].contains($0.kernel.name) }
            XCTAssertEqual(products.count, c.products, "\(c.program)\n\(r.plan.text)")
        }
    }

    /// The logistic loss written with softplus: its gradient `X'*sigmoid(X*w) - X'*y` is one pass
    /// over X forward and one back (two matrix-vector products), equal to the reference.
    func testLogisticGradientPassesOverXTwice() throws {
        let src = "X: matrix(n, d); w: vector(d); y: vector(n)\nsum(softplus(X*w) - y .* (X*w))"
        let result = try Derivatives.derivative(of: src, wrt: "w", kind: .gradient)
        var s = EvaluationSettings()
        s.seed = 3
        s.dims = ["n": 40, "d": 7]
        let r = try PlanEvaluation.evaluate(source: src, requests: [.value, .gradient("w")], results: [result], settings: s)
        let ref = try result.evaluate(settings: s).value
        XCTAssertLessThan(NumericPlanTests.error(ref, r.outputs["grad_w"] ?? Tensor(scalar: .nan)), 1e-12, r.plan.text)
        let value = try Evaluator.evaluate(source: src, settings: s).value
        XCTAssertLessThan(NumericPlanTests.error(value, r.outputs["value"] ?? Tensor(scalar: .nan)), 1e-12, r.plan.text)
        XCTAssertEqual(r.plan.steps.filter { $0.kernel.name == "gemv" }.count, 2, r.plan.text)
    }
}
