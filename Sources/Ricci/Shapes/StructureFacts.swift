/// What is known of the structure of a program's values: the declared properties of its inputs,
/// the properties its matrix-notation definitions get by ``StructureRules``, and queries on any
/// expression ("is this matrix expression symmetric?") for the simplifier and the raiser.
///
/// ```swift
/// let facts = StructureFacts(program: try TypeChecker.check(source: "S: matrix(n, n), spd; C = X'*inv(S)*X; tr(C)"))
/// facts.isSymmetric(name: "C")   // true, by "congruence X'*S*X" and "inverse keeps structure"
/// ```
public struct StructureFacts: Sendable, Hashable {
    /// Properties by name: declared, or inferred for definitions.
    public private(set) var known: [String: Set<Structure>] = [:]
    /// The deepest expression the queries descend into (deeper nodes have no known structure).
    public static let maxDepth = 64

    /// No facts: nothing is known to have any structure.
    public init() {}

    /// The facts of a checked program: its declarations, then its matrix-notation definitions in order.
    public init(program: TypedProgram) { self.init(program: program, ignoring: []) }

    /// The facts of a checked program with the declarations of `ignored` left out (so nothing
    /// derived from them either): a derivative that treats a symmetric variable's entries as
    /// independent must not use its symmetry before differentiating.
    public init(program: TypedProgram, ignoring ignored: Set<String>) {
        for (name, s) in program.symbols where s.definition == nil && !ignored.contains(name) {
            if !s.properties.isEmpty { known[name] = Set(s.properties.map(Structure.init)) }
        }
        for st in program.statements {
            guard let name = st.name, st.indices == nil else { continue }
            let node = StructureNode(st.value, dims: program.dims)
            let props = Set(Structure.allCases.filter { has($0, node) })
            if !props.isEmpty { known[name] = props }
        }
    }

    /// Records what is known of a name defined outside the program's text (a named activation, an adjoint).
    public mutating func learn(_ name: String, _ properties: Set<Structure>) {
        if properties.isEmpty { return }
        known[name, default: []].formUnion(properties)
    }

    /// Whether a name is known to have a property.
    public func has(_ s: Structure, name: String) -> Bool {
        guard let k = known[name] else { return false }
        switch s {
        case .symmetric: return k.contains(.symmetric) || k.contains(.spd) || k.contains(.diagonal)
        default: return k.contains(s)
        }
    }

    /// Whether a name is known to be a symmetric matrix.
    public func isSymmetric(name: String) -> Bool { has(.symmetric, name: name) }

    /// True when nothing is known.
    public var isEmpty: Bool { known.isEmpty }

    /// Whether the node is known to have the property.
    public func has(_ s: Structure, _ node: StructureNode) -> Bool { reason(s, node) != nil }

    /// The name of the first rule that shows the node has the property, or nil.
    public func reason(_ s: Structure, _ node: StructureNode) -> String? { reason(s, node, depth: 0) }

    func reason(_ s: Structure, _ node: StructureNode, depth: Int) -> String? {
        guard depth < Self.maxDepth else { return nil }
        let facts = self
        let q = StructureQuery(ask: { p, n in facts.reason(p, n, depth: depth + 1) != nil },
                               known: { p, name in facts.has(p, name: name) })
        return StructureRules.all.first { $0.concludes == s && $0.applies(node, q) }?.name
    }
}
