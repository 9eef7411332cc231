/// A Kronecker delta between two free indices of a term: the term is zero unless they are equal,
/// so the other factors may use one for the other. Rule "T(k, l)·δ[k, l] = T(k, k)·δ[k, l]": the
/// index later in the free list is replaced by the earlier one in every other factor, so terms that
/// differ only there merge (the cookbook convention's G + Gᵀ − Diag(diag(G)) of a symmetric G).
/// Bounded: each delta of the term is used once.
enum FreeDeltas {
    static func substitute(_ factors: [Factor], free: [Index]) -> [Factor] {
        var position: [Index: Int] = [:]
        for (k, i) in free.enumerated() where position[i] == nil { position[i] = k }
        var out = factors
        for m in factors.indices {
            guard case .delta(let a, let b) = out[m], a != b, let pa = position[a], let pb = position[b] else { continue }
            let (keep, drop) = pa < pb ? (a, b) : (b, a)
            for n in out.indices where n != m {
                if case .delta = out[n] { continue }
                out[n] = Term(1, [out[n]]).renamed([drop: keep]).factors[0]
            }
        }
        return out
    }
}
