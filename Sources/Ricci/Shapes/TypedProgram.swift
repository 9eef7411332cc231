/// A program after name resolution and shape checking.
public struct TypedProgram: Sendable {
    /// One checked statement: a definition (`name` set) or a bare expression (the objective).
    public struct Statement: Sendable, Hashable {
        /// The defined name, `nil` for a bare expression.
        public var name: String?
        /// The indices of an indexed left side, or the implicit free indices (alphabetical) of an
        /// Einstein-notation right side; `nil` for matrix notation.
        public var indices: [String]?
        /// The checked right side (or the bare expression).
        public var value: TypedExpr
        /// The dimension of every index name used in the statement.
        public var indexDims: [String: DimVar]
        /// The shape of the statement's value as a tensor.
        public var shape: [DimVar]
        /// Where the statement starts.
        public var location: SourceLocation
    }

    /// The parsed program.
    public let program: Program
    /// The dimensions, unified over the whole program.
    public let dims: DimTable
    /// Every name, in order of first appearance.
    public var names: [String]
    /// Every name's symbol: kind, properties, definition.
    public var symbols: [String: Symbol]
    /// Definitions and bare expressions in program order; the last one is the objective.
    public var statements: [Statement]

    /// The objective: the last statement.
    public var result: Statement { statements[statements.count - 1] }

    /// A shape as it resolves now.
    public func resolve(_ shape: [DimVar]) -> [Dim] { shape.map { dims.resolve($0) } }

    /// A symbol's type as a declaration writes it: `matrix(n, d), spd`, `elementwise`, `function -> matrix(n, l)`.
    public func typeText(of s: Symbol) -> String {
        var t: String
        switch s.kind {
        case .tensor(let shape): t = dims.typeText(shape)
        case .elementwise: t = "elementwise"
        case .function(let r, _): t = "function -> " + dims.typeText(r)
        }
        if !s.properties.isEmpty { t += ", " + s.properties.map(\.rawValue).joined(separator: ", ") }
        return t
    }
}
