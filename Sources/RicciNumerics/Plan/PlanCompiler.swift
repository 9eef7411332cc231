import Ricci

/// Compiles a program and derivative results into a ``NumericPlan``: builds one graph for every
/// output (common subexpressions shared), chooses kernels, assigns storage by liveness.
struct PlanCompiler {
    var graph = PlanGraph()
    let source: TypedProgram
    var sizes: [String: Int]
    var roots: [(name: String, node: Int)] = []
    var inputNodes: [String: Int] = [:]
    var nodeNames: [Int: String] = [:]
    var resolvedSizes: [String: Int] = [:]

    init(source text: String, dims: [String: Int]) throws {
        source = try TypeChecker.check(source: text)
        sizes = dims
    }

    /// The objective's value as output `value`.
    mutating func addValue() throws {
        try add(program: source, as: "value")
    }

    /// A derivative result (its matrix form, else its Einstein form) as output `name`.
    mutating func addResult(_ r: DerivativeResult, as name: String) throws {
        guard let text = r.program(.matrix) ?? r.program(.einstein) else {
            throw RicciError(.usage, "the derivative by \(r.wrt) has no printed program")
        }
        try add(program: try TypeChecker.check(source: text), as: name)
    }

    mutating func add(program: TypedProgram, as name: String) throws {
        var b = try PlanGraphBuilder(program: program, sizes: sizes)
        let root = try b.build(into: &graph)
        for (n, id) in b.env {
            if program.symbols[n]?.definition == nil { inputNodes[n] = id } else if nodeNames[id] == nil { nodeNames[id] = n }
        }
        for n in program.dims.symbolicNames where resolvedSizes[n] == nil {
            resolvedSizes[n] = b.size(program.dims.named(n))
        }
        roots.append((name, root))
    }

    func finish(memoryLimit: Double) throws -> NumericPlan {
        var lowering = PlanLowering(graph: graph, roots: roots.map(\.node), nodeNames: nodeNames)
        lowering.spdInputs = Set(source.symbols.values.filter { $0.properties.contains(.spd) }.map(\.name))
        var outputs: [(name: String, buffer: Int)] = []
        for (name, root) in roots { outputs.append((name, try lowering.bindOutput(name, root: root))) }
        var buffers = lowering.buffers, steps = lowering.steps
        if let big = buffers.first(where: { b in b.sizes.contains { $0 > Int(Int32.max) } }) {
            throw RicciError(.value, "\(big.name) would have an axis of \(big.sizes.max() ?? 0) entries, more than BLAS can index; use smaller sizes")
        }
        let (slots, slotPeak) = PlanLiveness.assign(&buffers, &steps)
        let scratch = steps.reduce(0) { acc, s in
            if case .scaledGram(let x, _, _, _) = s.kernel { return max(acc, buffers[x].count) }
            return acc
        }
        let peak = slotPeak + 8 * Double(scratch)
        if peak > memoryLimit {
            throw RicciError(.value, String(format: "the plan needs %.3g GB at its peak, over the limit of %.3g GB; use smaller sizes",
                                            peak / 1e9, memoryLimit / 1e9))
        }
        let inputs = buffers.filter { $0.role == .input }.map { (name: $0.name, buffer: $0.id) }
        var plan = NumericPlan(buffers: buffers, steps: steps, inputs: inputs, outputs: outputs, sizes: resolvedSizes,
                               elementwiseFunctions: lowering.elementwise.sorted(), opaqueFunctions: lowering.opaque.sorted(),
                               peakBytes: peak)
        plan.slotCounts = slots
        try plan.prepareContractions()
        plan.rowStreams = PlanRowStream.find(in: plan)
        return plan
    }
}
