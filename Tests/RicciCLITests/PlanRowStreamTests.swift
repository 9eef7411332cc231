import Foundation
import XCTest
import Ricci
@testable import RicciNumerics

/// The fused row pass (`PlanRowStream`): `u = X*w`, row-local loops and sums, `g = X'*t` in one
/// read of X, block by block and band by band. By value against the reference evaluator and against
/// the same plan run step by step, on sizes that give several bands and several blocks per band.
final class PlanRowStreamTests: XCTestCase {
    override func tearDown() {
        PlanRowStream.minimumEntries = 1 << 21
        super.tearDown()
    }

    /// A gradient and value through the plan, with and without its fused runs, and the reference.
    private func check(_ src: String, wrt w: String, dims: [String: Int], expectFused: Bool,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Derivatives.derivative(of: src, wrt: w, kind: .gradient)
        var s = EvaluationSettings()
        s.seed = 11
        s.dims = dims
        let inputs = try PlanInputs(source: src, settings: s)
        var plan = try NumericPlan(source: src, requests: [.value, .gradient(w)], results: [result], dims: inputs.sizes)
        XCTAssertEqual(!plan.rowStreams.isEmpty, expectFused, "fused runs: \(plan.rowStreams)\n\(plan.text)", file: file, line: line)
        let fused = try plan.run(inputs.values, functions: inputs.functions)
        // twice: the second run reuses the workspace (slots written block by block)
        let again = try plan.run(inputs.values, functions: inputs.functions)
        plan.rowStreams = [:]
        let stepwise = try plan.run(inputs.values, functions: inputs.functions)
        s.values = inputs.values
        let reference = try result.evaluate(settings: s).value
        let value = try Evaluator.evaluate(source: src, settings: s).value
        for out in [fused, again] {
            let g = out["grad_" + w] ?? Tensor(scalar: .nan), v = out["value"] ?? Tensor(scalar: .nan)
            XCTAssertLessThan(NumericPlanTests.error(reference, g), 1e-9, "gradient of \(src)", file: file, line: line)
            XCTAssertLessThan(NumericPlanTests.error(stepwise["grad_" + w] ?? Tensor(scalar: .nan), g), 1e-12, file: file, line: line)
            XCTAssertLessThan(NumericPlanTests.error(value, v), 1e-9, "value of \(src)", file: file, line: line)
        }
    }

    /// Several bands of several blocks each (d = 300: blocks of 108 rows; n = 517 over the threads).
    func testGeneralizedLinearModelsReadXOnce() throws {
        PlanRowStream.minimumEntries = 1
        let dims = ["n": 517, "d": 300]
        let decl = "X: matrix(n, d); w: vector(d); y: vector(n)\n"
        try check(decl + "sum(log(1 + exp(-y .* (X*w))))", wrt: "w", dims: dims, expectFused: true)
        try check(decl + "sum(exp(X*w) - y .* (X*w))", wrt: "w", dims: dims, expectFused: true)
        try check(decl + "normF(X*w - y)^2", wrt: "w", dims: dims, expectFused: true)
        // a penalty: steps outside the run read what it leaves
        try check("X: matrix(n, d); w: vector(d); y: vector(n); lam: scalar\nsum(log(1 + exp(-y .* (X*w)))) + lam*norm2(w)^2",
                  wrt: "w", dims: dims, expectFused: true)
        // a sum used inside the row loops (a normalization) is not row-local: not fused, still right
        try check(decl + "sum(exp(X*w)) * sum(y .* (X*w))", wrt: "w", dims: dims, expectFused: false)
        // d larger than one block of the result (8,192 entries), and a remainder of rows
        try check(decl + "sum(log(1 + exp(-y .* (X*w))))", wrt: "w", dims: ["n": 23, "d": 8_500], expectFused: true)
    }

    /// Every program of the derivative table and the random programs with the fusion at any size:
    /// the plans (fused wherever the pattern appears) equal the reference.
    func testEveryTableProgramWithFusionAtAnySize() {
        PlanRowStream.minimumEntries = 1
        var fused = 0, compared = 0
        let cases = DerivativeTableTests.allCases.filter { $0.kind != .jacobian } + NumericPlanTests.randomProgramCases
        for c in cases {
            compared += 1
            let problems = NumericPlanTests.compare(c)
            XCTAssertTrue(problems.isEmpty, "\(c.label): " + problems.joined(separator: "; "), file: c.file, line: c.line)
            if let result = try? Derivatives.derivative(of: c.program, wrt: c.wrt, kind: c.kind, layout: c.layout),
               let plan = try? NumericPlan(source: c.program, requests: [.value, c.kind == .hessian ? .hessian(c.wrt) : .gradient(c.wrt)],
                                           results: [result], dims: DerivativeChecker.settings(for: c.program, seed: c.seed).dims),
               !plan.rowStreams.isEmpty {
                fused += 1
            }
        }
        print("[row streams] \(compared) programs compared, \(fused) with a fused run")
        XCTAssertGreaterThan(fused, 3, "the pattern appears in the table (logistic regression, least squares)")
    }

    /// At the default threshold (16 MiB of X): a large logistic gradient is fused; a smaller one is not.
    func testTheThresholdKeepsSmallProductsStepByStep() throws {
        let decl = "X: matrix(n, d); w: vector(d); y: vector(n)\n"
        try check(decl + "sum(log(1 + exp(-y .* (X*w))))", wrt: "w", dims: ["n": 4_300, "d": 500], expectFused: true)
        try check(decl + "sum(log(1 + exp(-y .* (X*w))))", wrt: "w", dims: ["n": 1_100, "d": 70], expectFused: false)
    }
}
