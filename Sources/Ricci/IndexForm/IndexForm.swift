/// An index variable of the index form: an interned id, a display hint and its dimension.
///
/// Equality is by id only; display names are assigned when printing.
public struct Index: Hashable, Sendable, Comparable {
    /// The interned id: the index's identity.
    public let id: Int
    /// The preferred display name (`i`, `k`); printers make names unique.
    public let hint: String
    /// The dimension the index ranges over.
    public let dim: DimVar

    public static func == (a: Index, b: Index) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public static func < (a: Index, b: Index) -> Bool { a.id < b.id }
}

/// Makes fresh indices with deterministic ids.
public final class IndexGenerator: @unchecked Sendable {
    private var next = 0
    /// A generator whose first index has id 1.
    public init() {}
    /// A new index with the next id, the display hint `hint`, over `dim`.
    public func fresh(_ hint: String, _ dim: DimVar) -> Index {
        next += 1
        return Index(id: next, hint: hint, dim: dim)
    }
    /// Continues numbering after `id` (no-op if already past it).
    public func skip(to id: Int) { next = max(next, id) }
}

/// A function ℝ→ℝ applied entry by entry to a sub-expression.
public enum ScalarFunction: Hashable, Sendable {
    /// A built-in function or one of its derivatives.
    case builtin(EntrywiseFunction, derivative: Int)
    /// A user `elementwise` function or one of its derivatives.
    case user(String, derivative: Int)
    /// x ↦ x^p.
    case power(Double)
    /// x ↦ x: a parenthesized sum used as one factor.
    case identity
}

/// A matrix-level function kept whole in the index form (its argument has its own indices).
public enum MatrixAtom: String, Hashable, Sendable {
    /// The inverse, the determinant, the log-determinant, the Kronecker product, `vec` and the column-wise softmax.
    case inv, det, logdet, kron, vec, softmax
}

/// A factor of a product term.
public indirect enum Factor: Hashable, Sendable {
    /// `X[i, k]`.
    case tensor(String, [Index])
    /// `δ[i, k]`.
    case delta(Index, Index)
    /// The reshaping delta `delta[I, i, j]`: 1 when the combined index I is the pair (i, j) in
    /// column-major order (I = i + dim(i)·j, counting from 0), else 0. It writes `vec` and `kron`
    /// entrywise: vec(A)[I] = A[i, j]·δ[I, i, j].
    case reshape(Index, Index, Index)
    /// An all-ones tensor over the indices (broadcasting).
    case ones([Index])
    /// `f(u)[i, j]`: the factor's indices are the argument's free indices.
    case function(ScalarFunction, IndexExpr)
    /// `F(U)[i, j]` or `F'(U)[i, j, k, l]`: `arg` has its own free indices.
    case opaque(String, derivative: Int, arg: IndexExpr, indices: [Index])
    /// `inv(A)[i, j]`, `det(A)`, `kron(A, B)[I, J]`, `vec(A)[I]`.
    case matrix(MatrixAtom, args: [IndexExpr], indices: [Index])

    /// The indices this factor exposes to its term (with repeats, in order).
    public var indices: [Index] {
        switch self {
        case .tensor(_, let ix), .ones(let ix): return ix
        case .delta(let a, let b): return [a, b]
        case .reshape(let c, let a, let b): return [c, a, b]
        case .function(_, let arg): return arg.free
        case .opaque(_, _, _, let ix), .matrix(_, _, let ix): return ix
        }
    }
}

/// A coefficient times a product of factors; indices not free in the enclosing expression are summed.
public struct Term: Hashable, Sendable {
    /// The constant factor.
    public var coefficient: Double
    /// The factors of the product, in canonical order after simplification.
    public var factors: [Factor]
    /// A term `coefficient · Π factors`.
    public init(_ coefficient: Double, _ factors: [Factor]) {
        self.coefficient = coefficient
        self.factors = factors
    }
}

/// A sum of terms with an ordered list of free indices: the index form of DESIGN.md.
public struct IndexExpr: Hashable, Sendable {
    /// The free indices, in the order of the result's axes.
    public var free: [Index]
    /// The terms of the sum (none: zero).
    public var terms: [Term]
    /// The sum of `terms` with the free indices `free`.
    public init(free: [Index], terms: [Term]) {
        self.free = free
        self.terms = terms
    }

    /// The product of two index expressions with disjoint bound indices. Single-term operands are
    /// merged factor by factor; a sum of several terms becomes one parenthesized factor.
    public static func * (a: IndexExpr, b: IndexExpr) -> IndexExpr {
        var free = a.free
        for i in b.free where !free.contains(i) { free.append(i) }
        let x = a.asSingleTerm(), y = b.asSingleTerm()
        return IndexExpr(free: free, terms: [Term(x.coefficient * y.coefficient, x.factors + y.factors)])
    }

    /// This expression as one term (a sum becomes a parenthesized factor).
    public func asSingleTerm() -> Term {
        if terms.count == 1 { return terms[0] }
        if terms.isEmpty { return Term(0, []) }
        return Term(1, [.function(.identity, self)])
    }

    /// The expression scaled by a constant.
    public func scaled(_ c: Double) -> IndexExpr {
        IndexExpr(free: free, terms: terms.map { Term($0.coefficient * c, $0.factors) })
    }

    /// The constant `c` with no free indices.
    public static func constant(_ c: Double) -> IndexExpr { IndexExpr(free: [], terms: [Term(c, [])]) }

    /// f applied entrywise to this expression.
    public func applying(_ f: ScalarFunction) -> IndexExpr {
        IndexExpr(free: free, terms: [Term(1, [.function(f, self)])])
    }
}
