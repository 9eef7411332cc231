import Foundation

/// A term of a sum read as coefficient × scalar factors (with exponents) × a chain of matrix factors.
struct ChainTerm {
    var coefficient: Double = 1
    var scalars: [(MatrixExpr, Int)] = []
    var chain: [MatrixExpr] = []
}

extension MatrixSimplifier {
    /// `e` as a chain term.
    func chainTerm(_ e: MatrixExpr) -> ChainTerm {
        var t = ChainTerm()
        func add(_ x: MatrixExpr, _ k: Int) {
            switch x {
            case .number(let v) where k == 1 || v != 0: t.coefficient *= k == 1 ? v : pow(v, Double(k))
            case .negate(let y): t.coefficient *= -1; add(y, k)
            case .product(let ys) where k == 1:
                // a run of factors whose product is 1×1 (x'*y in x'*y*A) is a scalar factor, not part of the chain
                var run: [MatrixExpr] = []
                for y in ys {
                    if ctx.isScalar(y) { add(y, 1); continue }
                    run.append(y)
                    if run.count >= 2, ctx.isScalar(.product(run)) { t.scalars.append((.product(run), 1)); run = [] }
                }
                t.chain += run
            case .divide(let a, let b) where k == 1: add(a, 1); add(b, -1)
            case .power(let y, let p) where p == p.rounded() && abs(p) < 16: add(y, k * Int(p))
            default:
                if ctx.isScalar(x) { t.scalars.append((x, k)) } else if k == 1 { t.chain.append(x) } else { t.scalars.append((x, k)) }
            }
        }
        add(e, 1)
        return t
    }

    /// A chain term as an expression: `c*s1*s2*A*B/(s3^2)`.
    func expression(_ t: ChainTerm) -> MatrixExpr {
        var merged: [(MatrixExpr, Int)] = []
        for (s, k) in t.scalars {
            if let i = merged.firstIndex(where: { $0.0 == s }) { merged[i].1 += k } else { merged.append((s, k)) }
        }
        func factor(_ s: MatrixExpr, _ k: Int) -> MatrixExpr { k == 1 ? s : .power(s, Double(k)) }
        let up = merged.filter { $0.1 > 0 }.map { factor($0.0, $0.1) }
        let down = merged.filter { $0.1 < 0 }.map { factor($0.0, -$0.1) }
        var e = product((abs(t.coefficient) == 1 ? [] : [.number(abs(t.coefficient))]) + up + t.chain)
        if !down.isEmpty { e = .divide(e, product(down)) }
        return t.coefficient < 0 ? negated(e) : e
    }

    /// A sum with common left or right matrix factors pulled out of its terms (`X'*a + X'*b` →
    /// `X'*(a + b)`), and `Diag` terms merged (`Diag(a) + Diag(b)` → `Diag(a + b)`); nil when nothing applies.
    func factorSum(_ xs: [MatrixExpr]) -> MatrixExpr? {
        var terms = xs.flatMap(split).map(chainTerm)
        var changed = false
        // like terms: the same scalars and chain
        var merged: [ChainTerm] = []
        for t in terms {
            if let k = merged.firstIndex(where: { $0.chain == t.chain && $0.scalars.map(\.0) == t.scalars.map(\.0)
                                                  && $0.scalars.map(\.1) == t.scalars.map(\.1) }) {
                merged[k].coefficient += t.coefficient
                changed = true
                used.insert("like-terms")
            } else {
                merged.append(t)
            }
        }
        terms = merged.filter { $0.coefficient != 0 }
        if terms.isEmpty { return nil }
        for _ in 0..<(2 * terms.count) {
            var counts: [MatrixExpr: Int] = [:], lastCounts: [MatrixExpr: Int] = [:]
            for t in terms where t.chain.count >= 2 {
                if let f = t.chain.first { counts[f, default: 0] += 1 }
                if let f = t.chain.last { lastCounts[f, default: 0] += 1 }
            }
            let best = counts.max(by: { ($0.value, order($1.key)) < ($1.value, order($0.key)) })
            let bestLast = lastCounts.max(by: { ($0.value, order($1.key)) < ($1.value, order($0.key)) })
            let side = (best?.value ?? 0) >= (bestLast?.value ?? 0)
            do {
                guard let (f, n) = side ? best : bestLast, n >= 2 else { break }
                var inner: [MatrixExpr] = [], rest: [ChainTerm] = []
                var at: Int?
                for t in terms {
                    if t.chain.count >= 2, (side ? t.chain.first : t.chain.last) == f {
                        var r = t
                        if side { r.chain.removeFirst() } else { r.chain.removeLast() }
                        inner.append(expression(r))
                        if at == nil { at = rest.count }
                    } else {
                        rest.append(t)
                    }
                }
                let s = pass(sumOf(inner))
                if poly(s)?.terms.isEmpty == true {   // the group cancels
                    terms = rest
                    changed = true
                    continue
                }
                let merged = chainTerm(side ? product([f, s]) : product([s, f]))
                rest.insert(merged, at: at ?? rest.count)
                terms = rest
                used.insert(side ? "common-left-factor" : "common-right-factor")
                changed = true
            }
        }
        // Diag(a) + Diag(b) = Diag(a + b)
        let diags = terms.indices.filter { k in
            guard terms[k].chain.count == 1, case .call(.matrix(.Diag), 0, let a) = terms[k].chain[0] else { return false }
            return a.count == 1
        }
        if diags.count >= 2 {
            var args: [MatrixExpr] = []
            for k in diags {
                guard case .call(.matrix(.Diag), 0, let a) = terms[k].chain[0] else { continue }
                var t = terms[k]
                t.chain = [a[0]]
                args.append(expression(t))
            }
            var merged = ChainTerm()
            merged.chain = [.call(.matrix(.Diag), pass(sumOf(args)))]
            let first = diags[0]
            terms = terms.enumerated().filter { !diags.contains($0.offset) || $0.offset == first }.map { $0.offset == first ? merged : $0.element }
            used.insert("diag-sum")
            changed = true
        }
        // c*a + c*b = c*(a + b)
        if terms.count >= 2, let c0 = terms.first.map({ abs($0.coefficient) }), c0 != 0,
           terms.allSatisfy({ abs($0.coefficient) == c0 }), c0 != 1 || terms.allSatisfy({ $0.coefficient < 0 }) {
            let c = terms.allSatisfy { $0.coefficient < 0 } ? -c0 : c0   // -a - b = -(a + b)
            used.insert("common-scalar-factor")
            let inner = terms.map { t -> MatrixExpr in
                var u = t
                u.coefficient /= c
                return expression(u)
            }
            return c == -1 ? .negate(sumOf(inner)) : product([.number(c), sumOf(inner)])
        }
        guard changed, !terms.isEmpty else { return nil }
        return sumOf(terms.map(expression))
    }

    /// Rules on one product term: `exp(x)/sum(exp(x))` = `softmax(x)` wherever the chain has `exp(x)`,
    /// `exp(x)'` or `Diag(exp(x))` and the scalars divide by `sum(exp(x))`; `kron` products.
    func termRules(_ e: MatrixExpr) -> MatrixExpr? {
        switch e {
        case .product, .divide, .negate: break
        default: return nil
        }
        var t = chainTerm(e)
        var changed = false
        for (i, (s, k)) in t.scalars.enumerated() where k < 0 {
            guard case .call(.reduction(.sum), 0, let a) = s, a.count == 1,
                  case .call(.entrywise(.exp), 0, let x) = a[0], x.count == 1,
                  let sx = ctx.shape(x[0]), sx.rows != nil, sx.cols == nil else { continue }   // softmax of a column
            let ex = a[0], soft = MatrixExpr.call(.matrix(.softmax), x[0])
            var left = -k
            for j in t.chain.indices where left > 0 {
                switch t.chain[j] {
                case ex: t.chain[j] = soft
                case .transpose(ex): t.chain[j] = .transpose(soft)
                case .call(.matrix(.Diag), 0, [ex]): t.chain[j] = .call(.matrix(.Diag), soft)
                default: continue
                }
                left -= 1
            }
            if left < -k { t.scalars[i].1 = -left; changed = true; used.insert("softmax") }
        }
        // kron(A, B)*kron(C, D) = kron(A*C, B*D)
        var j = 0
        while j + 1 < t.chain.count {
            if case .call(.matrix(.kron), 0, let ab) = t.chain[j], case .call(.matrix(.kron), 0, let cd) = t.chain[j + 1],
               ab.count == 2, cd.count == 2 {
                t.chain[j] = .call(.matrix(.kron), derivative: 0, [product([ab[0], cd[0]]), product([ab[1], cd[1]])])
                t.chain.remove(at: j + 1)
                used.insert("kron-mixed-product")
                changed = true
            } else {
                j += 1
            }
        }
        // -P*(a - b) = P*(b - a): the sign goes into a difference
        if t.coefficient < 0, let j = t.chain.indices.last(where: { k in
            if case .sum(let ts) = t.chain[k] { return ts.count == 2 && ts.contains(where: isNegative) && ts.contains { !isNegative($0) } }
            return false
        }), case .sum(let ts) = t.chain[j] {
            t.chain[j] = sumOf(ts.map(negated))
            t.coefficient = -t.coefficient
            used.insert("negated-difference")
            changed = true
        }
        t.scalars = t.scalars.filter { $0.1 != 0 }
        return changed ? expression(t) : nil
    }
}

extension ChainTerm {
    /// The chain, or the expression itself when the term has no chain.
    func chainOrSelf(_ e: MatrixExpr) -> [MatrixExpr] { chain.isEmpty ? [e] : chain }
}
