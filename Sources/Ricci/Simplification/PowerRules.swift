import Foundation

/// Powers: x^0 = 1, x^1 = x, (c·a·b)^p = c^p a^p b^p entrywise (integer p, or one factor and c > 0),
/// and x^a ⊙ x^b = x^(a+b) for factors over the same indices.
enum PowerRules {
    /// u^p as a coefficient and factors; nil when it is zero.
    static func power(_ p: Double, of u: IndexExpr, _ gen: IndexGenerator) -> (Double, [Factor])? {
        if p == 0 { return (1, u.free.isEmpty ? [] : [.ones(u.free)]) }
        if u.isZero { return p > 0 ? nil : (1, [.function(.power(p), u)]) }
        guard u.terms.count == 1 else { return (1, [.function(p == 1 ? .identity : .power(p), u)]) }
        let t = u.terms[0]
        if p == 1 {
            let s = u.freshened(gen).terms[0]
            return (s.coefficient, s.factors)
        }
        let isInteger = p == p.rounded()
        // √x^(2m) = x^m (both sides are undefined for x < 0)
        if isInteger, p.truncatingRemainder(dividingBy: 2) == 0, t.factors.count == 1, t.coefficient == 1,
           case .function(.builtin(.sqrt, derivative: 0), let x) = t.factors[0], x.free == u.free {
            return power(p / 2, of: x, gen)
        }
        let c = Foundation.pow(t.coefficient, p)
        let noSums = t.bound(free: u.free).isEmpty
        let nonOnes = t.factors.filter { if case .ones = $0 { return false } else { return true } }
        guard noSums, c.isFinite, isInteger || (t.coefficient > 0 && nonOnes.count <= 1) else {
            return (1, [.function(.power(p), u)])
        }
        var factors: [Factor] = []
        for f in t.factors {
            switch f {
            case .ones: factors.append(f)
            case .function(.power(let q), let x) where isInteger: factors.append(.function(.power(q * p), x))
            default: factors.append(.function(.power(p), single(f)))
            }
        }
        if nonOnes.isEmpty && !u.free.isEmpty && !factors.contains(where: { if case .ones = $0 { return true } else { return false } }) {
            factors.append(.ones(u.free))
        }
        return (c, factors)
    }

    /// One factor as an expression over its own indices.
    static func single(_ f: Factor) -> IndexExpr {
        var seen = Set<Index>()
        return IndexExpr(free: f.indices.filter { seen.insert($0).inserted }, terms: [Term(1, [f])])
    }

    /// A factor as base and exponent: `x^p` → (x, p) when x is one factor over the power's indices.
    static func baseAndExponent(_ f: Factor) -> (Factor, Double) {
        if case .function(.power(let p), let x) = f, x.terms.count == 1, x.terms[0].coefficient == 1,
           x.terms[0].factors.count == 1, x.free == single(x.terms[0].factors[0]).free {
            return (x.terms[0].factors[0], p)
        }
        return (f, 1)
    }

    /// Merges powers of the same base (only where one of them is a power, so x·x stays a product).
    ///
    /// Copies of one function factor that differ only in the names of their inner sums (as the two
    /// factors of a square lowered as A·A) count as the same base.
    static func merge(_ factors: [Factor]) -> [Factor] {
        var bases: [Factor] = []
        var first: [Factor: Factor] = [:]      // canonical base → the first base written
        var exponents: [Factor: Double] = [:]
        var hasPower: Set<Factor> = []
        var members: [Factor: [Factor]] = [:]
        for f in factors {
            let (b, p) = baseAndExponent(f)
            let key = LikeTerms.canonicalArguments(b)
            if first[key] == nil { first[key] = b; bases.append(key) }
            exponents[key, default: 0] += p
            members[key, default: []].append(f)
            if case .function = b, members[key, default: []].count > 1 { hasPower.insert(key) }
            if p != 1 || f != b { hasPower.insert(key) }
        }
        if hasPower.isEmpty { return factors }
        var out: [Factor] = []
        for key in bases {
            guard let e = exponents[key], let b = first[key] else { continue }
            if !hasPower.contains(key) {
                out += members[key] ?? []
                continue
            }
            if e == 0 {
                let ix = single(b).free
                if !ix.isEmpty { out.append(.ones(ix)) }
            } else if e == 1 {
                out.append(b)
            } else {
                out.append(.function(.power(e), single(b)))
            }
        }
        return out
    }
}
