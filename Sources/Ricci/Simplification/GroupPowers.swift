/// Powers of a contraction: M ⊙ M^p = M^(p+1) where M is a product with its own sums
/// (e.g. M = BᵀXC, written B[j,s]·X[j,a]·C[a,i] in a term and (B[b,s]·X[b,c]·C[c,i])^p in a factor).
/// The group of factors that spells M is found up to renaming of M's summed indices.
enum GroupPowers {
    static func merge(_ input: [Factor], free outerFree: Set<Index>) -> [Factor] {
        var factors = input
        var rounds = 0
        search: while rounds < input.count {
            rounds += 1
            for (m, f) in factors.enumerated() {
                guard case .function(.power(let p), let x) = f, x.terms.count == 1, x.terms[0].coefficient == 1,
                      x.terms[0].factors.count > 1 else { continue }
                guard let group = find(x.terms[0], free: x.free, in: factors, excluding: m, outerFree: outerFree) else { continue }
                let e = p + 1
                var next: [Factor] = []
                for (k, g) in factors.enumerated() where k != m && !group.contains(k) { next.append(g) }
                if e == 1 {
                    next += group.map { factors[$0] }
                } else if e == 0 {
                    if !x.free.isEmpty { next.append(.ones(x.free)) }
                } else {
                    next.append(.function(.power(e), x))
                }
                factors = next
                continue search
            }
            break
        }
        return factors
    }

    /// Positions of factors that equal the term `x` after renaming x's summed indices to indices
    /// summed only inside the group.
    static func find(_ x: Term, free xFree: [Index], in factors: [Factor], excluding skip: Int,
                     outerFree: Set<Index>) -> [Int]? {
        let xBound = Set(x.bound(free: xFree))
        var map: [Index: Index] = [:]
        var used: [Int] = []
        func unify(_ a: Index, _ b: Index, _ m: inout [Index: Index]) -> Bool {
            if xBound.contains(a) {
                if let t = m[a] { return t == b }
                if m.values.contains(b) || outerFree.contains(b) || xFree.contains(b) { return false }
                m[a] = b
                return true
            }
            return a == b
        }
        func matches(_ a: Factor, _ b: Factor, _ m: inout [Index: Index]) -> Bool {
            switch (a, b) {
            case (.tensor(let n1, let i1), .tensor(let n2, let i2)) where n1 == n2 && i1.count == i2.count:
                return zip(i1, i2).allSatisfy { unify($0, $1, &m) }
            case (.delta(let a1, let b1), .delta(let a2, let b2)):
                return unify(a1, a2, &m) && unify(b1, b2, &m)
            default:
                // other factors must match exactly (their nested arguments compared canonically)
                guard LikeTerms.canonicalArguments(a).indicesErased == LikeTerms.canonicalArguments(b).indicesErased else { return false }
                return a.indices.count == b.indices.count && zip(a.indices, b.indices).allSatisfy { unify($0, $1, &m) }
            }
        }
        func search(_ p: Int) -> Bool {
            if p == x.factors.count { return true }
            for (k, f) in factors.enumerated() where k != skip && !used.contains(k) {
                var trial = map
                guard matches(x.factors[p], f, &trial) else { continue }
                let saved = map
                map = trial
                used.append(k)
                if search(p + 1) { return true }
                used.removeLast()
                map = saved
            }
            return false
        }
        guard search(0) else { return nil }
        // the renamed sums must be summed only inside the group
        let inner = Set(map.values)
        for (k, f) in factors.enumerated() where !used.contains(k) {
            if f.indices.contains(where: inner.contains) { return nil }
        }
        return used
    }
}

extension Factor {
    /// The factor with its own indices replaced by a placeholder (nested arguments untouched), for
    /// comparing structure.
    var indicesErased: Factor {
        let z = Index(id: 0, hint: "", dim: DimVar(id: 0))
        var map: [Index: Index] = [:]
        for i in indices { map[i] = z }
        switch self {
        case .function: return Term(1, [self]).renamed(map).factors[0]
        case .opaque(let n, let d, let a, let ix): return .opaque(n, derivative: d, arg: a, indices: ix.map { _ in z })
        case .matrix(let m, let args, let ix): return .matrix(m, args: args, indices: ix.map { _ in z })
        case .tensor(let n, let ix): return .tensor(n, ix.map { _ in z })
        case .delta: return .delta(z, z)
        case .reshape: return .reshape(z, z, z)
        case .ones(let ix): return .ones(ix.map { _ in z })
        }
    }
}
