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
    ///
    /// The factors of `x` are matched one connected component at a time (components are linked by
    /// x's summed indices). Within a component every factor after the first shares a summed index
    /// with an earlier one, so its candidates are the few factors that hold that index's image; and
    /// a component's match is closed (its summed indices occur nowhere else), so matches of
    /// different components never overlap and each component is matched once, without
    /// backtracking across components. The cost is polynomial even for many equal factors
    /// (`(x'*X)^55`), where trying every assignment grew factorially. Every step spends from the
    /// ``WorkBudget/Kind/powerSearch`` budget.
    static func find(_ x: Term, free xFree: [Index], in factors: [Factor], excluding skip: Int,
                     outerFree: Set<Index>) -> [Int]? {
        let xBound = Set(x.bound(free: xFree))
        var holders: [Index: [Int]] = [:]   // index → positions of the term's factors that hold it
        for (k, f) in factors.enumerated() where k != skip {
            for i in Set(f.indices) { holders[i, default: []].append(k) }
        }
        var map: [Index: Index] = [:]
        var used = Set<Int>()
        var group: [Int] = []
        for component in components(x.factors, linking: xBound) {
            guard let (m, matched) = match(component, of: x, xBound: xBound, xFree: xFree, factors: factors, skip: skip,
                                           holders: holders, used: used, map: map, outerFree: outerFree) else { return nil }
            map = m
            used.formUnion(matched)
            group += matched
        }
        return group
    }

    /// x's factor positions split into components linked by summed indices, each listed so that
    /// every factor after the first shares a summed index with an earlier one.
    static func components(_ fs: [Factor], linking bound: Set<Index>) -> [[Int]] {
        var byIndex: [Index: [Int]] = [:]
        for (p, f) in fs.enumerated() { for i in Set(f.indices) where bound.contains(i) { byIndex[i, default: []].append(p) } }
        var seen = Set<Int>(), out: [[Int]] = []
        for start in fs.indices where !seen.contains(start) {
            var order = [start], k = 0
            seen.insert(start)
            while k < order.count {
                for i in fs[order[k]].indices where bound.contains(i) {
                    for q in byIndex[i] ?? [] where seen.insert(q).inserted { order.append(q) }
                }
                k += 1
            }
            out.append(order)
        }
        return out
    }

    /// One component of x matched among the unused factors: the extended index map and the
    /// positions used, or nil. The match must be closed: the images of its summed indices occur in
    /// no other factor of the term.
    static func match(_ component: [Int], of x: Term, xBound: Set<Index>, xFree: [Index], factors: [Factor], skip: Int,
                      holders: [Index: [Int]], used: Set<Int>, map start: [Index: Index],
                      outerFree: Set<Index>) -> ([Index: Index], [Int])? {
        var map = start
        var taken = used
        var chosen: [Int] = []
        let images = Set(start.values)
        func unify(_ a: Index, _ b: Index, _ m: inout [Index: Index]) -> Bool {
            if xBound.contains(a) {
                if let t = m[a] { return t == b }
                if images.contains(b) || m.values.contains(b) || outerFree.contains(b) || xFree.contains(b) { return false }
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
            case (.tensor, _), (.delta, _), (_, .tensor), (_, .delta):
                return false
            default:
                // other factors must match exactly (their nested arguments compared canonically)
                guard a.indices.count == b.indices.count,
                      LikeTerms.canonicalArguments(a).indicesErased == LikeTerms.canonicalArguments(b).indicesErased else { return false }
                return zip(a.indices, b.indices).allSatisfy { unify($0, $1, &m) }
            }
        }
        /// The candidates for the component's p-th factor: the holders of an already-mapped index.
        func candidates(_ p: Int) -> [Int] {
            for i in x.factors[component[p]].indices {
                if xBound.contains(i), let t = map[i] { return holders[t] ?? [] }
                if !xBound.contains(i) { return holders[i] ?? [] }
            }
            return Array(factors.indices)
        }
        func closed() -> Bool {
            let mine = Set(chosen)
            for a in Set(component.flatMap { x.factors[$0].indices }) where xBound.contains(a) {
                guard let b = map[a] else { return false }
                if (holders[b] ?? []).contains(where: { !mine.contains($0) }) { return false }
            }
            return true
        }
        func search(_ p: Int) -> Bool {
            if p == component.count { return closed() }
            for k in candidates(p) where k != skip && !taken.contains(k) {
                guard WorkBudget.spend(.powerSearch) else { return false }
                var trial = map
                guard matches(x.factors[component[p]], factors[k], &trial) else { continue }
                let saved = map
                map = trial
                taken.insert(k)
                chosen.append(k)
                if search(p + 1) { return true }
                chosen.removeLast()
                taken.remove(k)
                map = saved
            }
            return false
        }
        guard search(0) else { return nil }
        return (map, chosen)
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
