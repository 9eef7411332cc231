/// Kronecker-delta elimination: a δ with a summed index renames that index away
/// (Σ_a X_ia δ_ab = X_ib).
enum DeltaRules {
    static func eliminate(_ input: [Factor], free: [Index]) -> [Factor] {
        let freeSet = Set(free)
        var factors = input
        var rounds = 0
        while rounds <= input.count {
            rounds += 1
            guard let m = factors.firstIndex(where: { f in
                if case .delta(let a, let b) = f, a != b { return !freeSet.contains(a) || !freeSet.contains(b) }
                return false
            }), case .delta(let a, let b) = factors[m] else { break }
            let (from, to) = freeSet.contains(a) ? (b, a) : (a, b)
            factors.remove(at: m)
            factors = Term(1, factors).renamed([from: to]).factors
        }
        return reshapeSums(factors, free: freeSet)
    }

    /// Σ_I δ[I, a, b] = 1 (each pair is one combined index), and Σ_I δ[I, a, b]·δ[I, c, d] = δ_ac δ_bd
    /// when both split I the same way.
    static func reshapeSums(_ input: [Factor], free: Set<Index>) -> [Factor] {
        var factors = input
        var rounds = 0
        while rounds <= input.count {
            rounds += 1
            var changed = false
            for (m, f) in factors.enumerated() {
                guard case .reshape(let big, let a, let b) = f, !free.contains(big) else { continue }
                let others = factors.indices.filter { $0 != m && factors[$0].indices.contains(big) }
                if others.isEmpty {
                    factors[m] = .ones([a, b])
                    changed = true
                } else if others.count == 1, case .reshape(let big2, let c, let d) = factors[others[0]], big2 == big,
                          a.dim == c.dim, b.dim == d.dim, a != big, b != big, c != big, d != big {
                    factors[m] = .delta(a, c)
                    factors[others[0]] = .delta(b, d)
                    changed = true
                }
                if changed { break }
            }
            if !changed { break }
            factors = eliminateOnce(factors, free: free)
        }
        return factors
    }

    static func eliminateOnce(_ factors: [Factor], free: Set<Index>) -> [Factor] {
        var out = factors
        while let m = out.firstIndex(where: { f in
            if case .delta(let a, let b) = f, a != b { return !free.contains(a) || !free.contains(b) }
            return false
        }), case .delta(let a, let b) = out[m] {
            let (from, to) = free.contains(a) ? (b, a) : (a, b)
            out.remove(at: m)
            out = Term(1, out).renamed([from: to]).factors
        }
        return out
    }
}

/// Broadcast bookkeeping: all-ones factors are dropped where another factor carries the index, and
/// added where a free index would otherwise vanish from a term.
enum OnesRules {
    static func repair(_ input: [Factor], free: [Index]) -> [Factor] {
        var carried = Set<Index>()
        for f in input { if case .ones = f { continue }; carried.formUnion(f.indices) }
        var factors: [Factor] = []
        var onesIndices: [Index] = []
        for f in input {
            if case .ones(let ix) = f {
                for i in ix where !carried.contains(i) && !onesIndices.contains(i) { onesIndices.append(i) }
            } else {
                factors.append(f)
            }
        }
        for i in free where !carried.contains(i) && !onesIndices.contains(i) { onesIndices.append(i) }
        if !onesIndices.isEmpty { factors.append(.ones(onesIndices)) }
        return factors
    }
}
