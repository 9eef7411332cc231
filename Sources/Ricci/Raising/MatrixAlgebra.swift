/// Smart constructors of matrix expressions: they flatten, fold constants, move scalars to the front,
/// cancel double transposes and push a transpose inward when that leaves fewer transposes
/// (x'' = x, (A'x)' = x'A, 1*x = x, -1*x = -x).
extension RaisingContext {
    /// `a*b*c`, with scalars first and constants folded; a scalar `s^(-1)` becomes a division by s.
    func product(_ items: [MatrixExpr]) -> MatrixExpr {
        var coef = 1.0
        var scalars: [MatrixExpr] = [], mats: [MatrixExpr] = [], divisors: [MatrixExpr] = []
        func add(_ x: MatrixExpr) {
            switch x {
            case .number(let v): coef *= v
            case .negate(let y): coef = -coef; add(y)
            case .product(let ys):
                // a scalar chain such as x'*A*y stays whole: flattened into a longer chain it would not parse
                if isScalar(x) && ys.contains(where: { !isScalar($0) }) { scalars.append(x) } else { ys.forEach(add) }
            case .power(let b, let p) where p < 0: divisors.append(p == -1 ? b : .power(b, -p))
            case .divide(let a, let s): add(a); divisors.append(s)
            default: if isScalar(x) { scalars.append(x) } else { mats.append(x) }
            }
        }
        items.forEach(add)
        if coef == 0 { return .number(0) }
        // a single scalar chain with nothing else to multiply reads best unparenthesized: 2*x'*A*y
        if mats.isEmpty, let k = scalars.lastIndex(where: { if case .product = $0 { return true } else { return false } }),
           case .product(let chain) = scalars[k] {
            scalars.remove(at: k)
            mats = chain
        }
        var body = scalars + mats
        var out: MatrixExpr
        if body.isEmpty {
            out = .number(coef)
        } else {
            if coef != 1 && coef != -1 { body.insert(.number(coef), at: 0) }
            out = body.count == 1 ? body[0] : .product(body)
            if coef == -1 { out = .negate(out) }
        }
        if !divisors.isEmpty {
            let den = divisors.count == 1 ? divisors[0] : .product(divisors)
            if case .negate(let inner) = out { out = .negate(.divide(inner, den)) } else { out = .divide(out, den) }
        }
        return out
    }

    /// `-e`.
    func negate(_ e: MatrixExpr) -> MatrixExpr { product([.number(-1), e]) }

    /// `c*e`.
    func scaled(_ c: Double, _ e: MatrixExpr) -> MatrixExpr { c == 1 ? e : product([.number(c), e]) }

    /// The outer product `u*v'` of two column vectors.
    func outer(_ u: MatrixExpr, _ v: MatrixExpr) -> MatrixExpr { product([u, transpose(v)]) }

    /// `a + b + ...`, flattened, with equal terms merged (`tr(A) + tr(A)` is `2*tr(A)`) and zero terms dropped.
    func sum(_ terms: [MatrixExpr]) -> MatrixExpr {
        var flat: [MatrixExpr] = []
        for t in terms {
            if case .sum(let ts) = t { flat += ts } else { flat.append(t) }
        }
        var bodies: [MatrixExpr] = [], coefficients: [Double] = [], position: [MatrixExpr: Int] = [:]
        for t in flat {
            let (c, b) = splitCoefficient(t)
            if let k = position[b] {
                coefficients[k] += c
            } else {
                position[b] = bodies.count
                bodies.append(b)
                coefficients.append(c)
            }
        }
        var out: [MatrixExpr] = []
        for (b, c) in zip(bodies, coefficients) where c != 0 {
            let t = scaled(c, b)
            if t != .number(0) { out.append(t) }
        }
        if out.isEmpty { return .number(0) }
        return out.count == 1 ? out[0] : .sum(out)
    }

    /// A term as a constant times the rest (`-2*X` is (-2, X); a constant is (c, 1)).
    func splitCoefficient(_ t: MatrixExpr) -> (Double, MatrixExpr) {
        switch t {
        case .number(let v): return (v, .number(1))
        case .negate(let x):
            let (c, b) = splitCoefficient(x)
            return (-c, b)
        case .product(let xs):
            if case .number(let v) = xs.first {
                let rest = Array(xs.dropFirst())
                return (v, rest.count == 1 ? rest[0] : .product(rest))
            }
            return (1, t)
        default: return (1, t)
        }
    }

    /// `x.^p` (a scalar's power is `x^p`; `x.^1` is x).
    func entrywisePower(_ x: MatrixExpr, _ p: Double) -> MatrixExpr {
        if p == 1 { return x }
        if isScalar(x) { return .power(x, p) }
        return .entrywisePower(x, p)
    }

    /// `a .* b .* ...`: scalars pulled out as a scaling, `ones` dropped, equal factors as a power,
    /// negative powers as a division `a ./ b`.
    func hadamard(_ items: [MatrixExpr]) -> MatrixExpr {
        var scalars: [MatrixExpr] = [], num: [MatrixExpr] = [], den: [MatrixExpr] = []
        var onesSeen: MatrixExpr?
        func add(_ x: MatrixExpr, _ inverted: Bool) {
            switch x {
            case .hadamard(let ys): ys.forEach { add($0, inverted) }
            case .hadamardDivide(let a, let b): add(a, inverted); add(b, !inverted)
            case .ones: onesSeen = onesSeen ?? x
            case .entrywisePower(let y, let p) where p < 0: add(p == -1 ? y : .entrywisePower(y, -p), !inverted)
            default:
                if isScalar(x) { scalars.append(inverted ? .power(x, -1) : x) } else if inverted { den.append(x) } else { num.append(x) }
            }
        }
        items.forEach { add($0, false) }
        let shape = (num + den).lazy.compactMap { self.shape($0) }.first { !$0.isScalar }
        func grouped(_ xs: [MatrixExpr]) -> [MatrixExpr] {
            var order: [MatrixExpr] = [], count: [MatrixExpr: Int] = [:]
            for x in xs {
                if count[x] == nil { order.append(x) }
                count[x, default: 0] += 1
            }
            return order.map { x in (count[x] ?? 1) > 1 ? .entrywisePower(x, Double(count[x] ?? 1)) : x }
        }
        let n = grouped(num), d = grouped(den)
        var core: MatrixExpr
        if n.isEmpty && d.isEmpty {
            core = onesSeen ?? .number(1)
        } else {
            let top: MatrixExpr = n.isEmpty ? .number(1) : (n.count == 1 ? n[0] : .hadamard(n))
            core = d.isEmpty ? top : .hadamardDivide(top, d.count == 1 ? d[0] : .hadamard(d))
            if let s = shape { note(core, s) }
        }
        // a positive constant over a denominator: 0.5 ./ sqrt(x)
        if n.isEmpty, !d.isEmpty, scalars.count == 1, case .number(let c) = scalars[0], c > 0, case .hadamardDivide(_, let den) = core {
            let q = MatrixExpr.hadamardDivide(.number(c), den)
            if let s = shape { note(q, s) }
            return q
        }
        return scalars.isEmpty ? core : product(scalars + [core])
    }

    /// The Hadamard product of the vectors hanging on a vertex, smaller ones first (`A' .* (B*V*r)`).
    func hangingProduct(_ xs: [MatrixExpr]) -> MatrixExpr {
        hadamard(xs.enumerated().sorted { ($0.element.size, $0.offset) < ($1.element.size, $1.offset) }.map(\.element))
    }

    /// `e'`, simplified: scalars, identities and diagonal matrices are their own transposes, a
    /// transpose moves inside a product ((AB)' = B'A'), and inside a sum or an entrywise operation when
    /// that removes transposes.
    func transpose(_ e: MatrixExpr) -> MatrixExpr {
        if isScalar(e) { return e }
        if !structure.isEmpty, structure.has(.symmetric, StructureNode(e, isScalar: isScalar)) { return e }   // S' = S
        let plain = MatrixExpr.transpose(e)
        if let s = shape(e) { note(plain, s.transposed) }
        let candidate: MatrixExpr?
        switch e {
        case .transpose(let x): return x
        case .number, .identity, .call(.matrix(.Diag), _, _): return e
        case .negate(let x): return negate(transpose(x))
        case .product(let xs): candidate = product(xs.reversed().map { isScalar($0) ? $0 : transpose($0) })
        case .hadamard(let xs): candidate = hadamard(xs.map { transpose($0) })
        case .hadamardDivide(let a, let b): candidate = hadamard([transpose(a), entrywisePower(transpose(b), -1)])
        case .divide(let a, let s): candidate = .divide(transpose(a), s)
        case .sum(let ts): candidate = sum(ts.map { isScalar($0) ? $0 : transpose($0) })
        case .entrywisePower(let x, let p): candidate = .entrywisePower(transpose(x), p)
        case .call(.entrywise, let d, let args), .call(.user, let d, let args), .call(.matrix(.inv), let d, let args):
            guard case .call(let f, _, _) = e, args.count == 1 else { return plain }
            candidate = .call(f, derivative: d, [transpose(args[0])])
        default: candidate = nil
        }
        guard let c = candidate else { return plain }
        if let s = shape(e) { note(c, s.transposed) }
        if case .product = e { return c }   // (AB)' = B'A', as the Matrix Cookbook writes it
        return c.transposeCount < plain.transposeCount ? c : plain
    }
}
