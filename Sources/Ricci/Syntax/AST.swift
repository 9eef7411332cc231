/// The matrix-notation syntax tree, as parsed (before shapes are known).
public struct Expr: Hashable, Sendable {
    /// Binary operators of precedence level 2 and 4 (SYNTAX.md section 2).
    public enum BinaryOp: String, Hashable, Sendable {
        case product = "*", divide = "/", hadamard = ".*", hadamardDivide = "./"
        case doubleDot = ":", power = "^", entrywisePower = ".^"
    }

    public indirect enum Kind: Hashable, Sendable {
        case number(Double)
        case name(String)
        /// A call `f(args)`; `derivative` counts the primes of `f'(u)`.
        case call(String, [Expr], derivative: Int)
        case negate(Expr)
        case binary(BinaryOp, Expr, Expr)
        /// An n-ary sum: each term with its sign (`true` for subtraction).
        case sum([SignedTerm])
        case transpose(Expr)
        /// `base[i, j, ...]` — an entry in Einstein notation.
        case index(Expr, [IndexName])
        /// `delta[i, j]`: the Kronecker delta.
        case delta(IndexName, IndexName)
        /// `delta[I, i, j]`: the reshaping delta, 1 when the combined index I is the pair (i, j) in
        /// column-major order (I = i + dim(i)·j, counting from 0), else 0 (a language extension).
        case reshapeDelta(IndexName, IndexName, IndexName)
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// A term of an n-ary sum.
public struct SignedTerm: Hashable, Sendable {
    public var negated: Bool
    public var expr: Expr
    public init(negated: Bool, expr: Expr) {
        self.negated = negated
        self.expr = expr
    }
}

/// An index variable as written in the input.
public struct IndexName: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public init(_ name: String, at location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// A dimension as written in a declaration: an integer or a symbolic name.
public enum DimSpec: Hashable, Sendable, CustomStringConvertible {
    case fixed(Int)
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
    case scalar
    case vector(DimSpec)
    case matrix(DimSpec, DimSpec)
    case tensor([DimSpec])
    case elementwise
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
    case symmetric, spd, positive, diagonal
}

/// One statement of a program.
public enum Statement: Hashable, Sendable {
    case declaration(name: String, type: DeclaredType, properties: [Property], location: SourceLocation)
    /// `NAME = EXPR` or `NAME[i, j] = EXPR`.
    case definition(name: String, indices: [IndexName]?, value: Expr, location: SourceLocation)
    case expression(Expr)

    public var location: SourceLocation {
        switch self {
        case .declaration(_, _, _, let l), .definition(_, _, _, let l): return l
        case .expression(let e): return e.location
        }
    }
}

/// A parsed program: its statements and its source text.
public struct Program: Hashable, Sendable {
    public var statements: [Statement]
    public var source: String
    public init(statements: [Statement], source: String) {
        self.statements = statements
        self.source = source
    }
}
