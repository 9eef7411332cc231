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
        return factors
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
