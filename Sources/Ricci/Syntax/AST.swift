/// The matrix-notation syntax tree, as parsed (before shapes are known).
public struct Expr: Hashable, Sendable {
    /// Binary operators of precedence level 2 and 4 (SYNTAX.md section 2).
    public enum BinaryOp: String, Hashable, Sendable {
        /// `*`, `/`, `.*` (or ⊙), `./` (or ⊘).
        case product = "*", divide = "/", hadamard = ".*", hadamardDivide = "./"
        /// `:`, `^`, `.^`.
        case doubleDot = ":", power = "^", entrywisePower = ".^"
    }

    /// What a syntax node is.
    public indirect enum Kind: Hashable, Sendable {
        /// A numeric literal.
        case number(Double)
        /// A name: a variable, a definition or a reserved constant.
        case name(String)
        /// A call `f(args)`; `derivative` counts the primes of `f'(u)`.
        case call(String, [Expr], derivative: Int)
        /// `-a`.
        case negate(Expr)
        /// `a op b` for the level-2 and level-4 operators.
        case binary(BinaryOp, Expr, Expr)
        /// An n-ary sum: each term with its sign (`true` for subtraction).
        case sum([SignedTerm])
        /// `a'`, `a^T` or `aᵀ`.
        case transpose(Expr)
        /// `base[i, j, ...]` — an entry in Einstein notation.
        case index(Expr, [IndexName])
        /// `delta[i, j]`: the Kronecker delta.
        case delta(IndexName, IndexName)
        /// `delta[I, i, j]`: the reshaping delta, 1 when the combined index I is the pair (i, j) in
        /// column-major order (I = i + dim(i)·j, counting from 0), else 0 (a language extension).
        case reshapeDelta(IndexName, IndexName, IndexName)
    }

    /// What the node is.
    public var kind: Kind
    /// Where the node starts in the source.
    public var location: SourceLocation

    /// A node of `kind` at `location`.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// A term of an n-ary sum.
public struct SignedTerm: Hashable, Sendable {
    /// True when the term is subtracted.
    public var negated: Bool
    /// The term.
    public var expr: Expr
    /// A term, subtracted when `negated`.
    public init(negated: Bool, expr: Expr) {
        self.negated = negated
        self.expr = expr
    }
}

/// An index variable as written in the input.
public struct IndexName: Hashable, Sendable {
    /// The index name.
    public var name: String
    /// Where it is written.
    public var location: SourceLocation
    /// The index `name` written at `location`.
    public init(_ name: String, at location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// A dimension as written in a declaration: an integer or a symbolic name.
public enum DimSpec: Hashable, Sendable, CustomStringConvertible {
    /// An integer size.
    case fixed(Int)
    /// A symbolic dimension.
    case named(String)
    public var description: String {
        switch self {
        case .fixed(let n): return String(n)
        case .named(let s): return s
        }
    }
}

/// The type of a declaration (SYNTAX.md section 1).
public indirect enum DeclaredType: Hashable, Sendable {
    /// `scalar`.
    case scalar
    /// `vector(d)`: a column vector.
    case vector(DimSpec)
    /// `matrix(r, c)`.
    case matrix(DimSpec, DimSpec)
    /// `tensor(d1, ..., dk)`.
    case tensor([DimSpec])
    /// `elementwise`: a user function ℝ→ℝ applied entry by entry.
    case elementwise
    /// `function -> TYPE`: an opaque function of one argument.
    case function(result: DeclaredType)

    /// The dimensions of a tensor-valued type, `nil` for functions.
    public var dims: [DimSpec]? {
        switch self {
        case .scalar: return []
        case .vector(let d): return [d]
        case .matrix(let r, let c): return [r, c]
        case .tensor(let ds): return ds
        case .elementwise, .function: return nil
        }
    }
}

/// Declared properties of a variable: `symmetric`, `spd` (symmetric positive definite), `positive`
/// (entries > 0), `diagonal` (a square matrix whose off-diagonal entries are 0).
public enum Property: String, Hashable, Sendable, CaseIterable {
    /// Symmetric; symmetric positive definite; entries > 0; diagonal.
    case symmetric, spd, positive, diagonal
}

/// One statement of a program.
public enum Statement: Hashable, Sendable {
    /// `NAME: TYPE [, PROPERTY]...`.
    case declaration(name: String, type: DeclaredType, properties: [Property], location: SourceLocation)
    /// `NAME = EXPR` or `NAME[i, j] = EXPR`.
    case definition(name: String, indices: [IndexName]?, value: Expr, location: SourceLocation)
    /// A bare expression (the objective, when last).
    case expression(Expr)

    /// Where the statement starts.
    public var location: SourceLocation {
        switch self {
        case .declaration(_, _, _, let l), .definition(_, _, _, let l): return l
        case .expression(let e): return e.location
        }
    }
}

/// A parsed program: its statements and its source text.
public struct Program: Hashable, Sendable {
    /// The statements, in order.
    public var statements: [Statement]
    /// The source text, for error messages.
    public var source: String
    /// A program of `statements` parsed from `source`.
    public init(statements: [Statement], source: String) {
        self.statements = statements
        self.source = source
    }
}
