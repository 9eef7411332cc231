/// An expression after shape checking: every node knows its shape and, for Einstein notation,
/// its free indices and the indices it sums.
public struct TypedExpr: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        case constant(Double)
        /// A declared, defined or defaulted tensor variable.
        case variable(String)
        case eye, ones, zeros
        /// A built-in entrywise function (or its `derivative`-th derivative).
        case entrywise(EntrywiseFunction, derivative: Int, TypedExpr)
        /// A user `elementwise` function.
        case userEntrywise(String, derivative: Int, TypedExpr)
        /// An opaque `function`: its value (`derivative == 0`) or its Jacobian tensor.
        case opaque(String, derivative: Int, TypedExpr)
        case reduce(Reduction, TypedExpr)
        case matrixFunction(MatrixFunction, [TypedExpr])
        case negate(TypedExpr)
        /// An n-ary sum; scalar terms broadcast over the sum's shape.
        case sum([TypedTerm])
        case matmul(TypedExpr, TypedExpr)
        /// A scalar times anything.
        case scale(TypedExpr, TypedExpr)
        /// Anything divided by a scalar.
        case divide(TypedExpr, TypedExpr)
        case hadamard(TypedExpr, TypedExpr)
        case hadamardDivide(TypedExpr, TypedExpr)
        /// `a : b`, contracting the last `count` axes of `a` with the first `count` of `b`.
        case doubleDot(TypedExpr, TypedExpr, count: Int)
        /// A scalar to a constant power.
        case power(TypedExpr, Double)
        /// An integer power of a square matrix.
        case matrixPower(TypedExpr, Int)
        case entrywisePower(TypedExpr, Double)
        case transpose(TypedExpr)
        /// `base[i, j]`: one index name per axis of `base`.
        case indexed(TypedExpr, [String])
        case delta(String, String)
        /// The reshaping delta `delta[I, i, j]`: 1 when I = i + dim(i)·j (counting from 0), else 0;
        /// dim(I) = dim(i)·dim(j).
        case reshapeDelta(String, String, String)
        /// A product term of Einstein notation: factors (each possibly inverted) times a coefficient.
        /// The node's `summed` indices are summed over this term.
        case term(coefficient: Double, factors: [TypedFactor])
    }

    public var kind: Kind
    /// The shape; `[]` for scalars, `[n]` for column vectors.
    public var shape: [DimVar]
    public var location: SourceLocation
    /// Free indices of an Einstein-notation value, in their output order.
    public var free: [String] = []
    /// Indices summed at this node (terms only).
    public var summed: [String] = []

    public init(_ kind: Kind, shape: [DimVar], at location: SourceLocation) {
        self.kind = kind
        self.shape = shape
        self.location = location
    }

    /// True when the value carries Einstein indices.
    public var isIndexed: Bool { !free.isEmpty }
}

/// A signed term of a typed sum.
public struct TypedTerm: Hashable, Sendable {
    public var negated: Bool
    public var expr: TypedExpr
}

/// A factor of an Einstein product term; `inverted` factors divide.
public struct TypedFactor: Hashable, Sendable {
    public var inverted: Bool
    public var expr: TypedExpr
}

/// What a name stands for after checking.
public enum SymbolKind: Hashable, Sendable {
    case tensor(shape: [DimVar])
    case elementwise
    /// An opaque function; `argument` is fixed by its first application.
    case function(result: [DimVar], argument: [DimVar]?)
}

/// A name of the program with its kind, properties and origin.
public struct Symbol: Hashable, Sendable {
    public var name: String
    public var kind: SymbolKind
    public var properties: [Property]
    public var declared: Bool
    /// Set for names defined by `NAME = EXPR`.
    public var definition: TypedDefinition?
    public var location: SourceLocation
}

/// A checked definition `NAME = EXPR` or `NAME[i, j] = EXPR`.
public struct TypedDefinition: Hashable, Sendable {
    public var name: String
    /// The indices of an indexed left side, in order.
    public var indices: [String]?
    public var value: TypedExpr
    public var location: SourceLocation
}
