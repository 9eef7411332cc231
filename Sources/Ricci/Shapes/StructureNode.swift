/// A matrix expression as the structure rules (``StructureRules``) see it: the few operations that
/// preserve or create structure, each node marked scalar or not. Typed program expressions
/// (``TypedExpr``) and raised results (``MatrixExpr``) are both read into this view, so one set of
/// rules serves the definitions of a program and the raiser.
public struct StructureNode: Hashable, Sendable {
    /// The operation at the node.
    public indirect enum Kind: Hashable, Sendable {
        /// A program name (input or definition).
        case name(String)
        /// A constant.
        case number(Double)
        /// `eye(n)`.
        case identity
        /// A transpose.
        case transpose(StructureNode)
        /// A negation.
        case negate(StructureNode)
        /// Matrix products and scalings, left to right.
        case product([StructureNode])
        /// A sum; `negated[k]` when term k is subtracted.
        case sum([StructureNode], negated: [Bool])
        /// Entrywise products.
        case hadamard([StructureNode])
        /// Entrywise division.
        case hadamardDivide(StructureNode, StructureNode)
        /// Division by a scalar.
        case divide(StructureNode, StructureNode)
        /// An integer power of a square matrix, or a power of a scalar.
        case power(StructureNode, Double)
        /// An entrywise power.
        case entrywisePower(StructureNode, Double)
        /// A built-in call by its language name (`inv`, `Diag`, `exp`, `sum`, ...), or a user
        /// `elementwise` function (`entrywise: true`).
        case call(String, [StructureNode], entrywise: Bool)
        /// Anything else (Einstein notation, opaque functions, double dots): no structure known.
        case other
    }

    /// What the node is.
    public var kind: Kind
    /// True when the node's value is a scalar (1×1 included).
    public var scalar: Bool

    /// A node of `kind`, scalar or not.
    public init(_ kind: Kind, scalar: Bool) {
        self.kind = kind
        self.scalar = scalar
    }
}

extension StructureNode {
    /// Product items with nested non-scalar products spliced in (`(X'*S)*X` is the chain X', S, X).
    static func chain(_ xs: [StructureNode]) -> [StructureNode] {
        xs.flatMap { x -> [StructureNode] in
            if case .product(let ys) = x.kind, !x.scalar { return ys }
            return [x]
        }
    }

    /// The node of a checked expression of a program (`dims` tells which axes are 1).
    public init(_ e: TypedExpr, dims: DimTable) {
        let scalar = e.shape.allSatisfy { dims.isOne($0) }
        func n(_ x: TypedExpr) -> StructureNode { StructureNode(x, dims: dims) }
        let k: Kind
        if e.isIndexed {
            k = .other
        } else {
            switch e.kind {
            case .constant(let v): k = .number(v)
            case .variable(let name): k = .name(name)
            case .eye: k = .identity
            case .entrywise(let f, let d, let a): k = d == 0 ? .call(f.rawValue, [n(a)], entrywise: true) : .call(f.rawValue + "'", [n(a)], entrywise: true)
            case .userEntrywise(let f, _, let a): k = .call(f, [n(a)], entrywise: true)
            case .reduce(let r, let a): k = .call(r.rawValue, [n(a)], entrywise: false)
            case .matrixFunction(let m, let args): k = .call(m.rawValue, args.map(n), entrywise: false)
            case .negate(let a): k = .negate(n(a))
            case .sum(let ts): k = .sum(ts.map { n($0.expr) }, negated: ts.map(\.negated))
            case .matmul(let a, let b), .scale(let a, let b): k = .product(StructureNode.chain([n(a), n(b)]))
            case .divide(let a, let b): k = .divide(n(a), n(b))
            case .hadamard(let a, let b): k = .hadamard([n(a), n(b)])
            case .hadamardDivide(let a, let b): k = .hadamardDivide(n(a), n(b))
            case .power(let a, let p): k = .power(n(a), p)
            case .matrixPower(let a, let p): k = .power(n(a), Double(p))
            case .entrywisePower(let a, let p): k = .entrywisePower(n(a), p)
            case .transpose(let a): k = .transpose(n(a))
            case .ones, .zeros, .opaque, .doubleDot, .indexed, .delta, .reshapeDelta, .term: k = .other
            }
        }
        self.init(k, scalar: scalar)
    }

    /// The node of a raised matrix expression; `isScalar` says which subexpressions are scalars.
    public init(_ e: MatrixExpr, isScalar: (MatrixExpr) -> Bool) {
        func n(_ x: MatrixExpr) -> StructureNode { StructureNode(x, isScalar: isScalar) }
        let k: Kind
        switch e {
        case .number(let v): k = .number(v)
        case .symbol(let s): k = .name(s)
        case .identity: k = .identity
        case .transpose(let x): k = .transpose(n(x))
        case .negate(let x): k = .negate(n(x))
        case .product(let xs): k = .product(xs.map(n))
        case .hadamard(let xs): k = .hadamard(xs.map(n))
        case .hadamardDivide(let a, let b): k = .hadamardDivide(n(a), n(b))
        case .divide(let a, let b): k = .divide(n(a), n(b))
        case .sum(let xs): k = .sum(xs.map(n), negated: xs.map { _ in false })
        case .power(let x, let p): k = .power(n(x), p)
        case .entrywisePower(let x, let p): k = .entrywisePower(n(x), p)
        case .call(let f, let d, let xs):
            switch f {
            case .entrywise(let g): k = .call(g.rawValue + String(repeating: "'", count: d), xs.map(n), entrywise: true)
            case .user(let u): k = .call(u, xs.map(n), entrywise: true)
            case .reduction(let r): k = .call(r.rawValue, xs.map(n), entrywise: false)
            case .matrix(let m): k = .call(m.rawValue, xs.map(n), entrywise: false)
            case .opaque: k = .other
            }
        case .ones, .zeros, .doubleDot: k = .other
        }
        let scalar: Bool
        switch e {
        case .number, .power: scalar = true
        default: scalar = isScalar(e)
        }
        self.init(k, scalar: scalar)
    }
}
