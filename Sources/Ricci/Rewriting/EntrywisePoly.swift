import Foundation

/// A product of atoms with integer exponents (an atom is anything that is not entrywise arithmetic:
/// a name, a matrix product, a call).
struct Monomial: Hashable {
    var powers: [MatrixExpr: Int] = [:]

    static let one = Monomial()

    func times(_ o: Monomial, _ k: Int = 1) -> Monomial {
        var p = powers
        for (a, e) in o.powers { p[a, default: 0] += e * k }
        return Monomial(powers: p.filter { $0.value != 0 })
    }
}

/// An entrywise polynomial: monomials with coefficients (Hadamard products, sums, scalings).
struct Poly: Hashable {
    var terms: [Monomial: Double] = [:]

    init(_ terms: [Monomial: Double] = [:]) { self.terms = terms.filter { $0.value != 0 } }
    init(constant c: Double) { self.init([.one: c]) }
    init(atom a: MatrixExpr) { self.init([Monomial(powers: [a: 1]): 1]) }

    /// The single monomial of a one-term polynomial.
    var single: (Monomial, Double)? { terms.count == 1 ? terms.first.map { ($0.key, $0.value) } : nil }

    static func + (a: Poly, b: Poly) -> Poly {
        var t = a.terms
        for (m, c) in b.terms { t[m, default: 0] += c }
        return Poly(t.filter { abs($0.value) > 1e-12 })
    }

    func scaled(_ c: Double, by m: Monomial = .one) -> Poly {
        var t: [Monomial: Double] = [:]
        for (x, k) in terms { t[x.times(m), default: 0] += k * c }
        return Poly(t)
    }

    /// The product, or nil past `limit` terms.
    func times(_ o: Poly, limit: Int) -> Poly? {
        guard terms.count * o.terms.count <= limit * 4 else { return nil }
        var t: [Monomial: Double] = [:]
        for (m, a) in terms { for (n, b) in o.terms { t[m.times(n), default: 0] += a * b } }
        let p = Poly(t.filter { abs($0.value) > 1e-12 })
        return p.terms.count <= limit ? p : nil
    }
}

extension MatrixSimplifier {
    /// The entrywise polynomial of `e`, or nil when it has too many terms. Sums in a Hadamard product
    /// are kept as factors until equal factors with opposite exponents cancel; the sigmoid identities
    /// apply to the factors 1/(1 + exp(u)) and 1/(1 + exp(-u)).
    func poly(_ e: MatrixExpr) -> Poly? {
        if let m = polyMemo[e] { used.formUnion(m.1); return m.0 }
        let before = used
        used = []
        let p = computePoly(e)
        polyMemo[e] = (p, used)
        used.formUnion(before)
        return p
    }

    /// ``poly(_:)`` without the memo.
    private func computePoly(_ e: MatrixExpr) -> Poly? {
        switch e {
        case .number(let v): return Poly(constant: v)
        case .negate(let x): return poly(x)?.scaled(-1)
        case .sum(let xs):
            var acc = Poly()
            for x in xs { guard let p = poly(x) else { return nil }; acc = acc + p }
            return acc.terms.count <= limits.terms ? acc : nil
        case .hadamard(let xs): return productPoly(xs.map { ($0, 1) })
        case .hadamardDivide(let a, let b): return productPoly([(a, 1), (b, -1)])
        case .divide(let a, let b): return productPoly([(a, 1), (b, -1)])
        case .product(let xs) where xs.filter({ !ctx.isScalar($0) }).count <= 1:
            return productPoly(xs.map { ($0, 1) })
        case .power(let x, let p) where p == p.rounded() && abs(p) <= 8: return productPoly([(x, Int(p))])
        case .entrywisePower(let x, let p) where p == p.rounded() && abs(p) <= 8: return productPoly([(x, Int(p))])
        case .call(.entrywise(.sigmoid), 0, let a) where a.count == 1:
            if case .negate(let u) = a[0] {   // σ(-u) = 1 - σ(u)
                used.insert("sigmoid-reflection")
                return Poly(constant: 1) + Poly(atom: .call(.entrywise(.sigmoid), u)).scaled(-1)
            }
            return Poly(atom: e)
        case .call(.entrywise, 1, _):
            for rule in MatrixIdentities.local where rule.name.hasSuffix("-derivative") {
                if let r = rule.rewrite?(e) { used.insert(rule.name); return poly(r) }
            }
            return Poly(atom: e)
        default:
            return Poly(atom: e)
        }
    }

    /// The polynomial of a product of factors with exponents.
    func productPoly(_ factors: [(MatrixExpr, Int)]) -> Poly? {
        var mono = Monomial.one
        var coef = 1.0
        var bases: [Poly: Int] = [:]
        var leaves: [(MatrixExpr, Int)] = []
        for (f, k) in factors { flatten(f, k, &leaves, &coef) }
        guard coef.isFinite else { return nil }
        for (f, k) in leaves {
            guard let p = poly(f) else { return nil }
            if let (m, c) = p.single {
                guard c != 0 || k > 0 else { return nil }
                coef *= pow(c, Double(k))
                mono = mono.times(m, k)
            } else if p.terms.isEmpty {
                guard k > 0 else { return nil }
                return Poly()
            } else {
                let (b, c) = normalizedBase(p)
                coef *= pow(c, Double(k))
                if let e = bases[b], (e > 0) != (k > 0) { used.insert("cancellation") }
                bases[b, default: 0] += k
            }
        }
        bases = bases.filter { $0.value != 0 }
        // sigmoid: exp(u)/(1 + exp(u)) = σ(u), 1/(1 + exp(-u)) = σ(u), 1/(1 + exp(u)) = 1 - σ(u)
        var extra: [Poly] = []
        for (b, k) in bases where k < 0 {
            guard let u = onePlusExp(b) else { continue }
            var rest = k
            while rest < 0 {
                if case .negate(let v) = u {
                    mono = mono.times(Monomial(powers: [.call(.entrywise(.sigmoid), v): 1]))
                    used.insert("sigmoid")
                } else if let e = mono.powers[.call(.entrywise(.exp), u)], e > 0 {
                    mono = mono.times(Monomial(powers: [.call(.entrywise(.exp), u): -1, .call(.entrywise(.sigmoid), u): 1]))
                    used.insert("sigmoid-exp-ratio")
                } else {
                    extra.append(Poly(constant: 1) + Poly(atom: .call(.entrywise(.sigmoid), u)).scaled(-1))
                    used.insert("sigmoid-complement")
                }
                rest += 1
            }
            bases[b] = nil
        }
        var acc = Poly([mono: coef])
        for (b, k) in bases.sorted(by: { key($0.key) < key($1.key) }) {
            if k > 0 {
                for _ in 0..<k { guard let p = acc.times(b, limit: limits.terms) else { return nil }; acc = p }
            } else {
                // an atom 1 ./ (sum), which `flatten` takes apart again so that it can cancel later
                let atom = MatrixExpr.hadamardDivide(.number(1), express(b))
                if let s = ctx.shape(atom) { ctx.note(atom, s) }
                acc = acc.scaled(1, by: Monomial(powers: [atom: -k]))
            }
        }
        for p in extra { guard let q = acc.times(p, limit: limits.terms) else { return nil }; acc = q }
        return sigmoidTimesExp(acc)
    }

    /// The factors of a Hadamard product, quotient, negation, scaling or integer power, with exponents.
    func flatten(_ e: MatrixExpr, _ k: Int, _ out: inout [(MatrixExpr, Int)], _ coef: inout Double) {
        switch e {
        case .hadamard(let xs): xs.forEach { flatten($0, k, &out, &coef) }
        case .hadamardDivide(let a, let b), .divide(let a, let b): flatten(a, k, &out, &coef); flatten(b, -k, &out, &coef)
        case .negate(let x): if k % 2 != 0 { coef = -coef }; flatten(x, k, &out, &coef)
        case .product(let xs) where xs.filter({ !ctx.isScalar($0) }).count <= 1: xs.forEach { flatten($0, k, &out, &coef) }
        case .power(let x, let p) where p == p.rounded() && abs(p) <= 8: flatten(x, k * Int(p), &out, &coef)
        case .entrywisePower(let x, let p) where p == p.rounded() && abs(p) <= 8: flatten(x, k * Int(p), &out, &coef)
        case .number(let v) where v != 0 || k > 0: coef *= pow(v, Double(k))
        default: out.append((e, k))
        }
    }

    /// Monomials with both sigmoid(u) and exp(u) rewritten by sigmoid(u) .* exp(u) = exp(u) - sigmoid(u)
    /// (the ratio exp(u)/(1 + exp(u)) = sigmoid(u) rearranged), and with both sigmoid(u) and exp(-u) by
    /// sigmoid(u) .* exp(-u) = 1 - sigmoid(u), a bounded number of times.
    func sigmoidTimesExp(_ p: Poly) -> Poly {
        var p = p
        for _ in 0..<8 {
            var found: (Monomial, Double, MatrixExpr, MatrixExpr, reflected: Bool)?
            for (m, c) in p.terms {
                for (a, e) in m.powers where e > 0 {
                    guard case .call(.entrywise(.sigmoid), 0, let u) = a, u.count == 1 else { continue }
                    let ex = MatrixExpr.call(.entrywise(.exp), u[0])
                    if (m.powers[ex] ?? 0) > 0 { found = (m, c, a, ex, false); break }
                    let exNeg = MatrixExpr.call(.entrywise(.exp), negatedArgument(u[0]))
                    if (m.powers[exNeg] ?? 0) > 0 { found = (m, c, a, exNeg, true); break }
                }
                if found != nil { break }
            }
            guard let (m, c, sig, ex, reflected) = found else { return p }
            let rest = m.times(Monomial(powers: [sig: -1, ex: -1]))
            var t = p.terms
            t[m] = nil
            if reflected {
                used.insert("sigmoid-exp-reflection")
                p = Poly(t) + Poly([rest: c]) + Poly([rest.times(Monomial(powers: [sig: 1])): -c])
            } else {
                used.insert("sigmoid-exp-ratio")
                p = Poly(t) + Poly([rest.times(Monomial(powers: [ex: 1])): c]) + Poly([rest.times(Monomial(powers: [sig: 1])): -c])
            }
        }
        return p
    }

    /// `-u` as the raiser writes it: `v` for `-v`, else the negation of `u`.
    func negatedArgument(_ u: MatrixExpr) -> MatrixExpr {
        if case .negate(let v) = u { return v }
        return .negate(u)
    }

    /// `u` when `b` is 1 + exp(u).
    func onePlusExp(_ b: Poly) -> MatrixExpr? {
        guard b.terms.count == 2, b.terms[.one] == 1 else { return nil }
        for (m, c) in b.terms where m != .one {
            guard c == 1, m.powers.count == 1, let (a, e) = m.powers.first, e == 1,
                  case .call(.entrywise(.exp), 0, let u) = a, u.count == 1 else { return nil }
            return u[0]
        }
        return nil
    }

    /// A sum factor scaled so that its first term (in a fixed order) has coefficient 1, and that scale.
    func normalizedBase(_ p: Poly) -> (Poly, Double) {
        guard let first = p.terms.keys.min(by: { key($0) < key($1) }), let c = p.terms[first], c != 0 else { return (p, 1) }
        return (p.scaled(1 / c), c)
    }

    /// A deterministic ordering key for monomials and polynomials.
    func key(_ m: Monomial) -> String {
        m.powers.map { "\(order($0.key))^\($0.value)" }.sorted().joined(separator: "·")
    }

    func key(_ p: Poly) -> String {
        p.terms.map { "\(key($0.key))#\($0.value)" }.sorted().joined(separator: "+")
    }

    /// The first-seen rank of an atom (the order in which the program mentions things), padded for sorting.
    func order(_ a: MatrixExpr) -> String {
        if let k = atomOrder[a] { return padded(k) }
        atomOrder[a] = atomOrder.count
        return padded(atomOrder.count - 1)
    }

    /// `k` with leading zeros to six digits (as `%06d` prints it, without Foundation's formatter).
    func padded(_ k: Int) -> String {
        let digits = String(k)
        return digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
    }
}
