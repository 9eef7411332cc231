import Foundation
import Ricci

/// A compiled evaluation of a program and its derivatives: a straight-line list of kernel calls over
/// named buffers, planned once from shapes alone and run many times with new inputs of the same sizes.
///
/// ```swift
/// let plan = try NumericPlan(source: src, requests: [.value, .gradient("W")], dims: ["n": 2000, "d": 500])
/// let out = try plan.run(["X": x, "W": w, "Y": y])   // out["value"], out["grad_W"]
/// ```
///
/// The value comes from the program itself, each gradient and Hessian from the derivative Ricci
/// derives (its matrix form where there is one, else its index form as einsum contractions).
/// Common subexpressions are computed once across all outputs. The plan is data (``buffers``,
/// ``steps``): exporters read it; ``run(_:functions:)`` walks it.
public struct NumericPlan: Sendable {
    /// Every buffer: inputs, outputs and temporaries, indexed by id.
    public internal(set) var buffers: [PlanBuffer]
    /// The steps in execution order.
    public internal(set) var steps: [PlanStep]
    /// Input names to buffer ids (the program's declared values that are used).
    public internal(set) var inputs: [(name: String, buffer: Int)]
    /// Requested outputs in request order: `value`, `grad_W`, `hessian_W` to buffer ids.
    public internal(set) var outputs: [(name: String, buffer: Int)]
    /// The size of every symbolic dimension the plan was compiled for.
    public internal(set) var sizes: [String: Int]
    /// User `elementwise` functions the plan calls (each needs a stand-in at run time).
    public internal(set) var elementwiseFunctions: [String]
    /// Opaque functions the plan calls (each needs an instance at run time).
    public internal(set) var opaqueFunctions: [String]
    /// Bytes of every slot live at once at the worst step: inputs, outputs and temporaries.
    public internal(set) var peakBytes: Double
    /// Total floating-point operations of one run.
    public var flops: Double { steps.reduce(0) { $0 + $1.flops } }
    /// How long compiling took, in milliseconds.
    public internal(set) var compileMilliseconds: Double = 0
    /// Storage sizes of the temporary slots, in elements.
    var slotCounts: [Int] = []
    /// Contraction plans of einsum steps, by step index (execution detail, not part of the IR).
    var contractions: [Int: ContractionPlan] = [:]
    /// Runs of steps fused to read a large matrix once, by first step (execution detail, ``PlanRowStream``).
    var rowStreams: [Int: PlanRowStream] = [:]
    /// Scratch elements a kernel needs beyond its buffers (the scaled copy of `scaledGram`).
    var scratchCount: Int {
        steps.reduce(0) { acc, s in
            if case .scaledGram(let x, _, _, _) = s.kernel { return max(acc, buffers[x].count) }
            return acc
        }
    }
    /// Storage reused across runs.
    var workspace = PlanWorkspace()

    /// The default memory limit for ``init(source:requests:dims:layout:memoryLimit:)``: 8 GiB.
    public static let defaultMemoryLimit: Double = 8 * 1024 * 1024 * 1024

    /// Derives what `requests` need from `source` and compiles one plan for all of them.
    /// - Parameters:
    ///   - source: a program in the language of SYNTAX.md (its last statement is the objective).
    ///   - requests: `.value`, `.gradient(W)`, `.hessian(W)` in the order outputs are wanted.
    ///   - dims: the size of every symbolic dimension (all must be given).
    ///   - layout: the layout of the gradients (denominator: the variable's shape).
    ///   - memoryLimit: bytes; compiling throws a clear error when the peak would exceed it.
    /// - Throws: ``/Ricci/RicciError`` for a program or request that cannot be planned, or when the plan
    ///   would not fit in `memoryLimit`.
    public init(source: String, requests: [PlanRequest], dims: [String: Int], layout: Layout = .denominator,
                memoryLimit: Double = NumericPlan.defaultMemoryLimit) throws {
        var results: [DerivativeResult] = []
        for r in requests {
            switch r {
            case .value: continue
            case .gradient(let w):
                results.append(try Derivatives.derivative(of: source, wrt: w, kind: .gradient, layout: layout))
            case .hessian(let w):
                results.append(try Derivatives.derivative(of: source, wrt: w, kind: .hessian, layout: layout))
            }
        }
        try self.init(source: source, requests: requests, results: results, dims: dims, memoryLimit: memoryLimit)
    }

    /// Compiles a plan from derivative results already derived (as `ricci grad` prints them): one
    /// result per `.gradient`/`.hessian` request, in order.
    public init(source: String, requests: [PlanRequest], results: [DerivativeResult], dims: [String: Int],
                memoryLimit: Double = NumericPlan.defaultMemoryLimit) throws {
        let start = Date()
        var compiler = try PlanCompiler(source: source, dims: dims)
        var k = 0
        for r in requests {
            switch r {
            case .value:
                try compiler.addValue()
            case .gradient, .hessian:
                guard k < results.count else { throw RicciError(.usage, "no derivative result for \(r.outputName)") }
                try compiler.addResult(results[k], as: r.outputName)
                k += 1
            }
        }
        self = try compiler.finish(memoryLimit: memoryLimit)
        compileMilliseconds = Date().timeIntervalSince(start) * 1e3
    }

    init(buffers: [PlanBuffer], steps: [PlanStep], inputs: [(name: String, buffer: Int)],
         outputs: [(name: String, buffer: Int)], sizes: [String: Int], elementwiseFunctions: [String],
         opaqueFunctions: [String], peakBytes: Double) {
        self.buffers = buffers
        self.steps = steps
        self.inputs = inputs
        self.outputs = outputs
        self.sizes = sizes
        self.elementwiseFunctions = elementwiseFunctions
        self.opaqueFunctions = opaqueFunctions
        self.peakBytes = peakBytes
    }
}

/// What stands for a user function at run time.
public enum PlanFunction: Sendable {
    /// A built-in entrywise function standing in for an `elementwise` one (`--set h=tanh`).
    case builtin(EntrywiseFunction)
    /// A random smooth stand-in for an `elementwise` function (as the reference evaluator draws).
    case elementwise(ElementwiseInstance)
    /// An instance of an opaque `function`.
    case opaque(OpaqueInstance)
}
