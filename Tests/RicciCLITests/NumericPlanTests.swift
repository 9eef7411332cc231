import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The compiled plan against the tree-walking reference evaluator, by value: every gradient and
/// Hessian of the derivative table, the five problems and random programs. Gradients' plans never
/// hold a tensor of order 3 or 4 (no Γ) unless an input or an opaque function has one.
final class NumericPlanTests: XCTestCase {
    /// Largest entry difference relative to the largest entry (at least 1).
    static func error(_ a: Tensor, _ b: Tensor) -> Double {
        guard a.count == b.count else { return .infinity }
        let scale = max(1, a.data.filter(\.isFinite).map(abs).max() ?? 0)
        // the same NaN or infinity on both sides agrees (a log of a negative draw, say)
        let diffs = zip(a.data, b.data).map { x, y in x.isNaN && y.isNaN || x == y ? 0 : abs(x - y) }
        return diffs.max().map { $0 / scale } ?? 0
    }

    /// Compares the plan's value and derivative with the reference; returns problems (empty when right).
    static func compare(_ c: DerivativeCase) -> [String] {
        guard c.kind != .jacobian else { return [] }
        var settings = DerivativeChecker.settings(for: c.program, seed: c.seed)
        settings.values = c.values
        do {
            let result = try Derivatives.derivative(of: c.program, wrt: c.wrt, kind: c.kind, layout: c.layout)
            let request: PlanRequest = c.kind == .hessian ? .hessian(c.wrt) : .gradient(c.wrt)
            let r = try PlanEvaluation.evaluate(source: c.program, requests: [.value, request], results: [result], settings: settings)
            let value = try Evaluator.evaluate(source: c.program, settings: settings).value
            // the derivative program may name dimensions of its own (k_d in a kron result): the plan's sizes
            var resultSettings = settings
            if let text = result.program(.matrix) ?? result.program(.einstein) {
                let names = Set(try TypeChecker.check(source: text).dims.symbolicNames)
                resultSettings.dims = r.plan.sizes.filter { names.contains($0.key) }
            }
            let derivative = try result.evaluate(settings: resultSettings).value
            var problems: [String] = []
            guard let pv = r.outputs["value"], let pd = r.outputs[request.outputName] else { return ["missing outputs"] }
            let ev = error(value, pv), ed = error(derivative, pd)
            if !(ev <= 1e-9) { problems.append("value differs by \(ev)") }
            if !(ed <= 1e-9) { problems.append("\(request.outputName) differs by \(ed): plan\n\(r.plan.text)") }
            if c.kind == .gradient && r.plan.opaqueFunctions.isEmpty {
                let inputOrder = r.plan.inputs.map { r.plan.buffers[$0.buffer].sizes.count }.max() ?? 0
                let allowed = max(2, inputOrder, derivative.order)
                if let big = r.plan.buffers.first(where: { $0.sizes.count > allowed }) {
                    problems.append("the gradient's plan materializes \(big.name) of order \(big.sizes.count)")
                }
            }
            return problems
        } catch {
            return ["\(error)"]
        }
    }

    func assertAll(_ cases: [DerivativeCase], _ title: String) {
        var failed = 0, compared = 0
        for c in cases where c.kind != .jacobian {
            compared += 1
            let p = Self.compare(c)
            if !p.isEmpty {
                failed += 1
                XCTFail("\(c.label): " + p.joined(separator: "; "), file: c.file, line: c.line)
            }
        }
        print("[plan \(title)] \(compared) compared, \(failed) differ from the reference")
        XCTAssertGreaterThan(compared, 0)
    }

    func testDerivativeTable() {
        assertAll(DerivativeTableTests.allCases, "derivative table")
    }

    func testFiveProblems() {
        let p = ProblemsTests.self
        assertAll([
            grad(p.p1, "W", ["d", "n"]),
            grad(p.p2, "W", ["m", "10"]), grad(p.p2, "W", ["10", "m"], layout: .numerator),
            grad(p.p3, "X", ["r", "s"]),
            grad(p.p4, "W", ["d", "k"]), grad(p.p4WithE, "W", ["d", "k"]),
            grad(p.p5, "V", ["m", "k"]), grad(p.p5, "W", ["k", "d"]),
            hess(p.p4, "W", ["d", "k", "d", "k"]),
        ], "five problems")
    }

    /// Gradients of 60 generated programs (seed 12), those that type-check and have an input.
    static var randomProgramCases: [DerivativeCase] {
        var g = ProgramGenerator(seed: 12)
        var cases: [DerivativeCase] = []
        for k in 0..<60 {
            let body = g.objective(depth: 1 + Int(g.rng.next(0, 3)))
            let inputs = g.used.sorted()
            guard !inputs.isEmpty else { continue }
            let program = ProgramGenerator.declarations + body
            guard (try? TypeChecker.check(source: program)) != nil else { continue }
            let wrt = g.pick(inputs)
            cases.append(grad(program, wrt, ProgramGenerator.inputShapes[wrt] ?? [], seed: UInt64(k) &+ 12))
        }
        return cases
    }

    func testRandomPrograms() {
        assertAll(Self.randomProgramCases, "random programs")
    }

    /// Several gradients in one plan: shared forward activations computed once.
    func testLayersShareTheForwardPass() throws {
        let src = """
        X: matrix(n, d); W1: matrix(d, k); W2: matrix(k, k); W3: matrix(k, m); Y: matrix(n, m)
        H1 = tanh(X*W1)
        H2 = tanh(H1*W2)
        normF(H2*W3 - Y)^2
        """
        let results = try Derivatives.derivatives(of: src, wrt: ["W1", "W2", "W3"], kind: .gradient)
        var settings = DerivativeChecker.settings(for: src, seed: 3)
        settings.dims = ["n": 7, "d": 4, "k": 5, "m": 3]
        let r = try PlanEvaluation.evaluate(source: src, requests: [.value, .gradient("W1"), .gradient("W2"), .gradient("W3")],
                                            results: results, settings: settings)
        for (w, res) in zip(["W1", "W2", "W3"], results) {
            let ref = try res.evaluate(settings: settings).value
            XCTAssertLessThan(Self.error(ref, r.outputs["grad_" + w] ?? Tensor(scalar: .nan)), 1e-9, w)
        }
        let tanhSteps = r.plan.steps.filter { $0.formula.contains("tanh(") }
        XCTAssertEqual(tanhSteps.count, 2, "each activation once:\n\(r.plan.text)")
    }

    /// Compile once, run with new inputs: the same as the reference at the new point.
    func testRunManyTimesWithNewInputs() throws {
        let src = "X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))"
        let result = try Derivatives.derivative(of: src, wrt: "w", kind: .hessian)
        let plan = try NumericPlan(source: src, requests: [.value, .hessian("w")], results: [result], dims: ["n": 9, "d": 4])
        XCTAssertTrue(plan.steps.contains { $0.kernel.name == "scaledGram" }, plan.text)
        XCTAssertFalse(plan.buffers.contains { $0.sizes == [9, 9] }, "no n×n matrix:\n\(plan.text)")
        for seed in [UInt64(1), 2, 3] {
            var s = EvaluationSettings()
            s.seed = seed
            s.dims = ["n": 9, "d": 4]
            let inputs = try PlanInputs(source: src, settings: s)
            let out = try plan.run(inputs.values)
            s.values = inputs.values
            let ref = try result.evaluate(settings: s).value
            XCTAssertLessThan(Self.error(ref, out["hessian_w"] ?? Tensor(scalar: .nan)), 1e-9)
        }
    }

    /// Sizes over the threshold of the threaded, tiled loops (same numbers as the reference).
    func testLargeSizesThroughTheThreadedLoops() throws {
        let cases: [(String, String, DerivativeKind, [String: Int])] = [
            ("A: matrix(n, n); x: vector(n)\nx'*A*x", "x", .hessian, ["n": 260]),
            ("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nnormF(tanh(X*W)*alpha - y)^2", "W", .gradient,
             ["n": 230, "d": 20, "k": 170]),
            ("X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))", "w", .hessian, ["n": 700, "d": 60]),
            ("A: matrix(n, d); B: matrix(n, d)\nsum(A .* tanh(B)) + normF(A' - B')^2", "A", .gradient, ["n": 190, "d": 210]),
            // SYRK's triangle mirrored in tiles (d over two tiles of 64)
            ("X: matrix(n, d); w: vector(d); y: vector(n)\nnormF(X*w - y)^2", "w", .hessian, ["n": 40, "d": 150]),
        ]
        for (src, w, kind, dims) in cases {
            let result = try Derivatives.derivative(of: src, wrt: w, kind: kind)
            var s = EvaluationSettings()
            s.seed = 4
            s.dims = dims
            let request: PlanRequest = kind == .hessian ? .hessian(w) : .gradient(w)
            let r = try PlanEvaluation.evaluate(source: src, requests: [.value, request], results: [result], settings: s)
            let ref = try result.evaluate(settings: s).value
            XCTAssertLessThan(Self.error(ref, r.outputs[request.outputName] ?? Tensor(scalar: .nan)), 1e-9, src)
            let value = try Evaluator.evaluate(source: src, settings: s).value
            XCTAssertLessThan(Self.error(value, r.outputs["value"] ?? Tensor(scalar: .nan)), 1e-9, src)
        }
    }

    /// `kron(A, B)*v` by the vec identity (no Kronecker product formed); `inv(S)*b` by a solve.
    func testKronAndInverseArePlannedAway() throws {
        let cases = [
            ("u: vector(mn); v: vector(kd); A: matrix(m, n); B: matrix(k, d)\nu'*kron(A, B)*v", "kron",
             ["m": 2, "n": 3, "k": 4, "d": 5]),
            ("S: matrix(n, n), spd; a: vector(n); b: vector(n)\na'*inv(S)*b", "inverse", ["n": 6]),
        ]
        for (src, absent, dims) in cases {
            var s = EvaluationSettings()
            s.seed = 2
            s.dims = dims
            let r = try PlanEvaluation.evaluate(source: src, requests: [.value], results: [], settings: s)
            XCTAssertFalse(r.plan.steps.contains { $0.kernel.name == absent }, r.plan.text)
            let ref = try Evaluator.evaluate(source: src, settings: s).value
            XCTAssertLessThan(Self.error(ref, r.outputs["value"] ?? Tensor(scalar: .nan)), 1e-9, src)
        }
    }

    func testPeakMemoryOverTheLimitIsRefused() {
        let src = "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2"
        XCTAssertThrowsError(try NumericPlan(source: src, requests: [.value, .gradient("W")],
                                             dims: ["n": 100_000, "d": 1000, "k": 1000], memoryLimit: 1e9)) { e in
            XCTAssertTrue("\(e)".contains("peak"), "\(e)")
        }
    }

    func testMissingInputAndWrongSizeAreErrors() throws {
        let src = "X: matrix(n, d); w: vector(d)\nsum(X*w)"
        let plan = try NumericPlan(source: src, requests: [.value], dims: ["n": 3, "d": 2])
        XCTAssertThrowsError(try plan.run(["X": try Tensor(zeros: [3, 2])]))
        XCTAssertThrowsError(try plan.run(["X": try Tensor(zeros: [2, 3]), "w": try Tensor(zeros: [2])]))
    }
}

extension NumericPlanTests {
    /// The plan's tanh (Cephes' rational form) against libm's, across its two branches and the tails.
    func testFastTanhMatchesLibm() throws {
        let src = "x: vector(n)\ntanh(x)"
        var worst = 0.0
        let xs = stride(from: -30.0, through: 30.0, by: 0.0137).map { $0 } + [0, 1e-300, -1e-12, 0.6249999, 0.625, 700, -800]
        let plan = try NumericPlan(source: "x: vector(n)\nG = tanh(x)\nG", requests: [.value], dims: ["n": xs.count])
        let out = try plan.run(["x": Tensor(vector: xs)])["value"]?.data ?? []
        XCTAssertEqual(out.count, xs.count, src)
        for (x, y) in zip(xs, out) {
            let ref = Foundation.tanh(x)
            worst = max(worst, ref == 0 ? abs(y) : abs(y - ref) / abs(ref))
        }
        XCTAssertLessThan(worst, 1e-15)
    }
}
