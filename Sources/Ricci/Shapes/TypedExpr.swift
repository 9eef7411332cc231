/// An expression after shape checking: every node knows its shape and, for Einstein notation,
/// its free indices and the indices it sums.
public struct TypedExpr: Hashable, Sendable {
    /// What a typed node is.
    public indirect enum Kind: Hashable, Sendable {
        /// A number.
        case constant(Double)
        /// A declared, defined or defaulted tensor variable.
        case variable(String)
        /// The identity, all ones, all zeros (their size is the node's shape).
        case eye, ones, zeros
        /// A built-in entrywise function (or its `derivative`-th derivative).
        case entrywise(EntrywiseFunction, derivative: Int, TypedExpr)
        /// A user `elementwise` function.
        case userEntrywise(String, derivative: Int, TypedExpr)
        /// An opaque `function`: its value (`derivative == 0`) or its Jacobian tensor.
        case opaque(String, derivative: Int, TypedExpr)
        /// A reduction to a scalar (`sum`, `tr`, norms, `logsumexp`).
        case reduce(Reduction, TypedExpr)
        /// A matrix-level built-in (`inv`, `det`, `logdet`, `diag`, `Diag`, `kron`, `vec`, `softmax`).
        case matrixFunction(MatrixFunction, [TypedExpr])
        /// `-a`.
        case negate(TypedExpr)
        /// An n-ary sum; scalar terms broadcast over the sum's shape.
        case sum([TypedTerm])
        /// A matrix product of two non-scalars.
        case matmul(TypedExpr, TypedExpr)
        /// A scalar times anything.
        case scale(TypedExpr, TypedExpr)
        /// Anything divided by a scalar.
        case divide(TypedExpr, TypedExpr)
        /// The Hadamard product `a .* b`.
        case hadamard(TypedExpr, TypedExpr)
        /// Entrywise division `a ./ b`.
        case hadamardDivide(TypedExpr, TypedExpr)
        /// `a : b`, contracting the last `count` axes of `a` with the first `count` of `b`.
        case doubleDot(TypedExpr, TypedExpr, count: Int)
        /// A scalar to a constant power.
        case power(TypedExpr, Double)
        /// An integer power of a square matrix.
        case matrixPower(TypedExpr, Int)
        /// The entrywise power `a .^ p`.
        case entrywisePower(TypedExpr, Double)
        /// The transpose (the axes of a matrix swapped; a vector becomes a row).
        case transpose(TypedExpr)
        /// `base[i, j]`: one index name per axis of `base`.
        case indexed(TypedExpr, [String])
        /// The Kronecker delta `delta[i, j]`.
        case delta(String, String)
        /// The reshaping delta `delta[I, i, j]`: 1 when I = i + dim(i)·j (counting from 0), else 0;
        /// dim(I) = dim(i)·dim(j).
        case reshapeDelta(String, String, String)
        /// A product term of Einstein notation: factors (each possibly inverted) times a coefficient.
        /// The node's `summed` indices are summed over this term.
        case term(coefficient: Double, factors: [TypedFactor])
    }

    /// What the node is.
    public var kind: Kind
    /// The shape; `[]` for scalars, `[n]` for column vectors.
    public var shape: [DimVar]
    /// Where the node starts in the source.
    public var location: SourceLocation
    /// Free indices of an Einstein-notation value, in their output order.
    public var free: [String] = []
    /// Indices summed at this node (terms only).
    public var summed: [String] = []

    /// A node of `kind` with `shape`, at `location`.
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
    /// True when the term is subtracted.
    public var negated: Bool
    /// The term.
    public var expr: TypedExpr
}

/// A factor of an Einstein product term; `inverted` factors divide.
public struct TypedFactor: Hashable, Sendable {
    /// True when the factor divides.
    public var inverted: Bool
    /// The factor.
    public var expr: TypedExpr
}

/// What a name stands for after checking.
public enum SymbolKind: Hashable, Sendable {
    /// A scalar, vector, matrix or tensor of the given shape.
    case tensor(shape: [DimVar])
    /// A user function ℝ→ℝ applied entry by entry.
    case elementwise
    /// An opaque function; `argument` is fixed by its first application.
    case function(result: [DimVar], argument: [DimVar]?)
}

/// A name of the program with its kind, properties and origin.
public struct Symbol: Hashable, Sendable {
    /// The name.
    public var name: String
    /// What the name stands for.
    public var kind: SymbolKind
    /// Declared properties (`symmetric`, `spd`, `positive`).
    public var properties: [Property]
    /// True when a declaration names it; false for a name given its default kind, or only defined.
    public var declared: Bool
    /// Set for names defined by `NAME = EXPR`.
    public var definition: TypedDefinition?
    /// Where the name is declared, defined or first used.
    public var location: SourceLocation
}

/// A checked definition `NAME = EXPR` or `NAME[i, j] = EXPR`.
public struct TypedDefinition: Hashable, Sendable {
    /// The defined name.
    public var name: String
    /// The indices of an indexed left side, in order.
    public var indices: [String]?
    /// The checked right side.
    public var value: TypedExpr
    /// Where the definition starts.
    public var location: SourceLocation
}
