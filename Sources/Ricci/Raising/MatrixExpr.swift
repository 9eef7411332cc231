/// A function called in matrix notation: what `f` is in `f(x)` or `f'(x)`.
public enum MatrixCallee: Hashable, Sendable {
    /// A built-in entrywise function (`tanh`, `exp`, `step`, ...).
    case entrywise(EntrywiseFunction)
    /// A declared `elementwise` function, known only by name (`h`, `h'`).
    case user(String)
    /// An opaque `function`, known only by its result type (`F(W)`, its Jacobian `F'(W)`).
    case opaque(String)
    /// A reduction to a scalar (`sum`, `tr`, `norm2`, `normF`, `norm1`, `logsumexp`).
    case reduction(Reduction)
    /// A matrix-level built-in (`inv`, `det`, `logdet`, `diag`, `Diag`, `kron`, `vec`, `softmax`).
    case matrix(MatrixFunction)

    /// The name as the language spells it.
    public var name: String {
        switch self {
        case .entrywise(let f): return f.rawValue
        case .user(let n), .opaque(let n): return n
        case .reduction(let r): return r.rawValue
        case .matrix(let m): return m.rawValue
        }
    }
}

/// A matrix-notation expression (SYNTAX.md section 2): what the ``Raiser`` produces from the index form.
///
/// The enum is purely syntactic; shapes are not stored. Vectors are columns, a row vector is a
/// transposed column, and a scalar multiplies anything (the language's scaling rule).
public indirect enum MatrixExpr: Hashable, Sendable {
    /// A constant (printed without decimals when it is an integer).
    case number(Double)
    /// A program variable or definition: scalar, vector, matrix or tensor.
    case symbol(String)
    /// `eye(n)`: the identity matrix of a dimension.
    case identity(Dim)
    /// `ones(n)` (a column vector) or `ones(r, c)`.
    case ones([Dim])
    /// `zeros(r, c)`.
    case zeros([Dim])
    /// `a'`.
    case transpose(MatrixExpr)
    /// `-a`.
    case negate(MatrixExpr)
    /// `a*b*c`: matrix products and scalings, left to right.
    case product([MatrixExpr])
    /// `a .* b .* c`: the Hadamard (entrywise) product.
    case hadamard([MatrixExpr])
    /// `a ./ b`: entrywise division.
    case hadamardDivide(MatrixExpr, MatrixExpr)
    /// `a / s`: division by a scalar.
    case divide(MatrixExpr, MatrixExpr)
    /// `a : b`: the double-dot product (contracts the last two axes of a with the first two of b,
    /// one where a side is a vector).
    case doubleDot(MatrixExpr, MatrixExpr)
    /// `a + b - c`: a sum; a subtracted term is a ``negate(_:)`` or a product with a negative constant.
    case sum([MatrixExpr])
    /// `s^p`: the power of a scalar.
    case power(MatrixExpr, Double)
    /// `a.^p`: the entrywise power.
    case entrywisePower(MatrixExpr, Double)
    /// `f(a, ...)`, `f'(a)`: a call, with the number of primes of a derivative.
    case call(MatrixCallee, derivative: Int, [MatrixExpr])

    /// A call of a function without primes.
    static func call(_ f: MatrixCallee, _ args: MatrixExpr...) -> MatrixExpr { .call(f, derivative: 0, args) }

    /// The number of transpose nodes in the expression (the raiser prefers forms with fewer).
    var transposeCount: Int {
        switch self {
        case .number, .symbol, .identity, .ones, .zeros: return 0
        case .transpose(let x): return 1 + x.transposeCount
        case .negate(let x), .power(let x, _), .entrywisePower(let x, _): return x.transposeCount
        case .product(let xs), .hadamard(let xs), .sum(let xs), .call(_, _, let xs):
            return xs.reduce(0) { $0 + $1.transposeCount }
        case .hadamardDivide(let a, let b), .divide(let a, let b), .doubleDot(let a, let b):
            return a.transposeCount + b.transposeCount
        }
    }

    /// The number of nodes (a tie-breaker between equivalent forms).
    var size: Int {
        switch self {
        case .number, .symbol, .identity, .ones, .zeros: return 1
        case .transpose(let x), .negate(let x), .power(let x, _), .entrywisePower(let x, _): return 1 + x.size
        case .product(let xs), .hadamard(let xs), .sum(let xs), .call(_, _, let xs):
            return xs.reduce(1) { $0 + $1.size }
        case .hadamardDivide(let a, let b), .divide(let a, let b), .doubleDot(let a, let b):
            return 1 + a.size + b.size
        }
    }
}
