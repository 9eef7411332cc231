/// The matricized form of order-3 and order-4 results (Magnus–Neudecker): ∂vec(F)/∂vec(W)ᵀ with
/// column-major vec, written with `kron` where every term factors as M₁ ⊗ M₂ over the right index pairs
/// (for `X*W` by W, Γ = X[i,k]·δ[j,l] gives `kron(eye(q), X)`).
struct VecForm {
    let raiser: Raiser

    /// `rows` is the number of leading free indices that belong to the result F (the rest belong to W).
    func vec(_ e: IndexExpr, rows: Int) -> String? {
        let f = e.free
        guard f.count == 3 || f.count == 4, !e.terms.isEmpty else { return nil }
        // kron(A, B)[I, J] = A[a, b]·B[c, d] with I = c + rows(B)·a, J = d + cols(B)·b: the pairs of
        // axes the first (slow) and second (fast) factors take, and which factor is a row vector
        let splits: [(slow: [Index], fast: [Index], slowRow: Bool, fastRow: Bool)]
        switch (f.count, rows) {
        case (4, 2): splits = [([f[1], f[3]], [f[0], f[2]], false, false)]
        case (3, 1): splits = [([f[2]], [f[0], f[1]], true, false),      // kron(v', M)
                               ([f[0], f[2]], [f[1]], false, true)]      // kron(M, v')
        case (3, 2): splits = [([f[1]], [f[0], f[2]], false, false),     // kron(u, M)
                               ([f[1], f[2]], [f[0]], false, false)]     // kron(M, u)
        default: return nil
        }
        var parts: [MatrixExpr] = []
        for t in e.terms {
            var found: MatrixExpr?
            for sp in splits {
                guard let (a, b) = split(t, slow: sp.slow, fast: sp.fast), var left = raiser.raise(a),
                      var right = raiser.raise(b) else { continue }
                if sp.slowRow { left = VecForm.transposed(left) }
                if sp.fastRow { right = VecForm.transposed(right) }
                found = MatrixExpr.call(.matrix(.kron), derivative: 0, [left, right])
                break
            }
            guard let k = found else { return nil }
            let c = t.coefficient
            parts.append(c == 1 ? k : (c == -1 ? .negate(k) : .product([.number(c), k])))
        }
        return (parts.count == 1 ? parts[0] : .sum(parts)).rendered(.text)
    }

    /// `a'`, with a double transpose cancelled: `X` for `X'`.
    static func transposed(_ a: MatrixExpr) -> MatrixExpr {
        if case .transpose(let x) = a { return x }
        return .transpose(a)
    }

    /// The term's factors split into the part over `slow` and the part over `fast` (scalars go with
    /// `fast`); nil when a connected part mixes the two.
    func split(_ t: Term, slow: [Index], fast: [Index]) -> (IndexExpr, IndexExpr)? {
        let slowSet = Set(slow), fastSet = Set(fast)
        var group = Array(repeating: -1, count: t.factors.count)   // 0 slow, 1 fast
        var holders: [Index: [Int]] = [:]   // the factors that carry each index
        var queue: [Int] = []
        for (k, f) in t.factors.enumerated() {
            let ix = Set(f.indices)
            let s = !ix.isDisjoint(with: slowSet), q = !ix.isDisjoint(with: fastSet)
            if s && q { return nil }
            if s { group[k] = 0 } else if q { group[k] = 1 }
            if group[k] >= 0 { queue.append(k) }
            for i in ix { holders[i, default: []].append(k) }
        }
        // spread each group through shared indices (every factor enters the queue at most once)
        var next = 0
        while next < queue.count {
            let k = queue[next]
            next += 1
            for i in Set(t.factors[k].indices) {
                for j in holders[i] ?? [] where j != k {
                    if group[j] == -1 {
                        group[j] = group[k]
                        queue.append(j)
                    } else if group[j] != group[k] {
                        return nil
                    }
                }
            }
        }
        let a = t.factors.indices.filter { group[$0] == 0 }.map { t.factors[$0] }
        let b = t.factors.indices.filter { group[$0] != 0 }.map { t.factors[$0] }
        return (IndexExpr(free: slow, terms: [Term(1, a)]), IndexExpr(free: fast, terms: [Term(1, b)]))
    }
}
