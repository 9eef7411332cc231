import Ricci

/// Compiles a program and derivative results into a ``NumericPlan``: builds one graph for every
/// output (common subexpressions shared), chooses kernels, assigns storage by liveness.
struct PlanCompiler {
    var graph = PlanGraph()
    let source: TypedProgram
    var sizes: [String: Int]
    var roots: [(name: String, node: Int)] = []
    var inputNodes: [String: Int] = [:]

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
        for (n, id) in b.env where program.symbols[n]?.definition == nil { inputNodes[n] = id }
        roots.append((name, root))
    }

    func finish(memoryLimit: Double) throws -> NumericPlan {
        throw RicciError(.usage, "plan lowering is not implemented yet")
    }
}
