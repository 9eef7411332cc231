/// Writing an entrywise polynomial back as a matrix expression, in its cheapest factored form.
extension MatrixSimplifier {
    /// The polynomial as an expression: the common factor of its terms pulled out, then the cheaper of
    /// the flat sum and the sum with its most shared atom factored (a bounded, recursive choice).
    func express(_ p: Poly, depth: Int = 0) -> MatrixExpr {
        if p.terms.isEmpty { return .number(0) }
        if let (m, c) = p.single { return monomial(m, c) }
        // the common factor: atoms in every term, at their smallest exponent
        var common = Monomial.one
        if let first = p.terms.keys.first {
            for (a, e) in first.powers {
                let lo = p.terms.keys.map { $0.powers[a] ?? 0 }
                let minimum = e > 0 ? lo.min() ?? 0 : lo.max() ?? 0
                if (e > 0 && minimum > 0) || (e < 0 && minimum < 0) { common.powers[a] = minimum }
            }
        }
        if !common.powers.isEmpty {
            used.insert("common-factor")
            let rest = p.scaled(1, by: Monomial(powers: common.powers.mapValues { -$0 }))
            return hadamard(monomial(common, 1), express(rest, depth: depth + 1))
        }
        if let c0 = p.terms.values.first.map(abs), c0 != 0, p.terms.values.allSatisfy({ abs($0) == c0 }),
           c0 != 1 || p.terms.values.allSatisfy({ $0 < 0 }) {
            used.insert("common-scalar-factor")   // c*a + c*b = c*(a + b)
            let c = p.terms.values.allSatisfy { $0 < 0 } ? -c0 : c0
            let inner = express(p.scaled(1 / c), depth: depth + 1)
            return c == -1 ? .negate(inner) : product([.number(c), inner])
        }
        let flat = flatSum(p)
        guard depth < 4 else { return flat }
        // the atom shared by the most terms
        var counts: [MatrixExpr: Int] = [:]
        for m in p.terms.keys { for (a, e) in m.powers where e > 0 { counts[a, default: 0] += 1 } }
        guard let (a, n) = counts.max(by: { ($0.value, order($1.key)) < ($1.value, order($0.key)) }), n >= 2, n < p.terms.count else { return flat }
        var with = Poly(), without = Poly()
        for (m, c) in p.terms {
            if (m.powers[a] ?? 0) > 0 { with = with + Poly([m.times(Monomial(powers: [a: -1])): c]) } else { without = without + Poly([m: c]) }
        }
        let factored = sumOf([hadamard(monomial(Monomial(powers: [a: 1]), 1), express(with, depth: depth + 1))]
                             + split(express(without, depth: depth + 1)))
        return MatrixCost(factored) < MatrixCost(flat) ? factored : flat
    }

    /// Terms sorted: positive ones first, then in the program's order.
    func flatSum(_ p: Poly) -> MatrixExpr {
        let sorted = p.terms.sorted { x, y in
            let (px, py) = (x.value > 0, y.value > 0)
            if px != py { return px }
            return key(x.key) < key(y.key)
        }
        return sumOf(sorted.map { monomial($0.key, $0.value) })
    }

    /// The terms of a sum (or the expression itself).
    func split(_ e: MatrixExpr) -> [MatrixExpr] {
        if case .sum(let xs) = e { return xs }
        return [e]
    }

    func sumOf(_ xs: [MatrixExpr]) -> MatrixExpr {
        let ts = xs.flatMap(split).filter { $0 != .number(0) }
        if ts.isEmpty { return .number(0) }
        // a positive term first, when there is one
        if let k = ts.firstIndex(where: { !isNegative($0) }), k > 0 {
            var r = ts
            let t = r.remove(at: k)
            return .sum([t] + r)
        }
        return ts.count == 1 ? ts[0] : .sum(ts)
    }

    func isNegative(_ e: MatrixExpr) -> Bool {
        switch e {
        case .negate: return true
        case .number(let v): return v < 0
        case .product(let xs): if case .number(let v) = xs.first { return v < 0 } else { return false }
        case .hadamardDivide(let a, _), .divide(let a, _): return isNegative(a)
        default: return false
        }
    }

    /// `a .* b` with scalar factors written as scalings.
    func hadamard(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr {
        if a == .number(1) { return b }
        if b == .number(1) { return a }
        if ctx.isScalar(a) || ctx.isScalar(b) { return product([a, b]) }
        var xs: [MatrixExpr] = []
        for x in [a, b] { if case .hadamard(let ys) = x { xs += ys } else { xs.append(x) } }
        return .hadamard(xs)
    }

    /// `c * a1 .* a2 ./ (b1 .* b2)` for a monomial.
    func monomial(_ m: Monomial, _ c: Double) -> MatrixExpr {
        func factor(_ a: MatrixExpr, _ e: Int) -> MatrixExpr {
            e == 1 ? a : (ctx.isScalar(a) ? .power(a, Double(e)) : .entrywisePower(a, Double(e)))
        }
        // an atom 1 ./ d is written in the denominator
        let atoms = m.powers.map { a, e -> (key: MatrixExpr, value: Int) in
            if case .hadamardDivide(.number(1), let d) = a { return (d, -e) }
            return (a, e)
        }.sorted { order($0.key) < order($1.key) }
        let up = atoms.filter { $0.value > 0 }, down = atoms.filter { $0.value < 0 }
        let upScalar = up.filter { ctx.isScalar($0.key) }.map { factor($0.key, $0.value) }
        let upShaped = up.filter { !ctx.isScalar($0.key) }.map { factor($0.key, $0.value) }
        let downScalar = down.filter { ctx.isScalar($0.key) }.map { factor($0.key, -$0.value) }
        let downShaped = down.filter { !ctx.isScalar($0.key) }.map { factor($0.key, -$0.value) }
        var body: MatrixExpr? = upShaped.isEmpty ? nil : (upShaped.count == 1 ? upShaped[0] : .hadamard(upShaped))
        if !downShaped.isEmpty {
            let den = downShaped.count == 1 ? downShaped[0] : .hadamard(downShaped)
            body = .hadamardDivide(body ?? .number(1), den)
        }
        var scal = upScalar
        let mag = abs(c)
        if mag != 1 || (scal.isEmpty && body == nil) { scal.insert(.number(mag), at: 0) }
        var e: MatrixExpr
        if let b = body { e = scal.isEmpty ? b : product(scal + [b]) } else { e = product(scal) }
        if !downScalar.isEmpty { e = .divide(e, product(downScalar)) }
        return c < 0 ? negated(e) : e
    }

    func negated(_ e: MatrixExpr) -> MatrixExpr {
        switch e {
        case .number(let v): return .number(-v)
        case .negate(let x): return x
        case .product(let xs):
            if case .number(let v) = xs.first { return product([.number(-v)] + xs.dropFirst()) }
            return .negate(e)
        case .divide(let a, let b): return .divide(negated(a), b)
        case .hadamardDivide(let a, let b) where a == .number(1): return .hadamardDivide(.number(-1), b)
        default: return .negate(e)
        }
    }

    /// A flat product (nested products spliced, unit factors dropped).
    func product(_ xs: [MatrixExpr]) -> MatrixExpr {
        var out: [MatrixExpr] = []
        for x in xs {
            if case .product(let ys) = x { out += ys } else if x != .number(1) { out.append(x) }
        }
        if out.isEmpty { return .number(1) }
        return out.count == 1 ? out[0] : .product(out)
    }
}

extension MatrixExpr {
    /// The expression with every occurrence of `a` replaced by `b`.
    func replacing(_ a: MatrixExpr, by b: MatrixExpr) -> MatrixExpr {
        if self == a { return b }
        return mapChildren { $0.replacing(a, by: b) }
    }

    /// The expression with `f` applied to each direct child.
    func mapChildren(_ f: (MatrixExpr) -> MatrixExpr) -> MatrixExpr {
        switch self {
        case .number, .symbol, .identity, .ones, .zeros: return self
        case .transpose(let x): return .transpose(f(x))
        case .negate(let x): return .negate(f(x))
        case .product(let xs): return .product(xs.map(f))
        case .hadamard(let xs): return .hadamard(xs.map(f))
        case .sum(let xs): return .sum(xs.map(f))
        case .hadamardDivide(let a, let b): return .hadamardDivide(f(a), f(b))
        case .divide(let a, let b): return .divide(f(a), f(b))
        case .doubleDot(let a, let b): return .doubleDot(f(a), f(b))
        case .power(let x, let p): return .power(f(x), p)
        case .entrywisePower(let x, let p): return .entrywisePower(f(x), p)
        case .call(let c, let d, let xs): return .call(c, derivative: d, xs.map(f))
        }
    }

    /// The direct children.
    var children: [MatrixExpr] {
        switch self {
        case .number, .symbol, .identity, .ones, .zeros: return []
        case .transpose(let x), .negate(let x), .power(let x, _), .entrywisePower(let x, _): return [x]
        case .product(let xs), .hadamard(let xs), .sum(let xs), .call(_, _, let xs): return xs
        case .hadamardDivide(let a, let b), .divide(let a, let b), .doubleDot(let a, let b): return [a, b]
        }
    }
}
