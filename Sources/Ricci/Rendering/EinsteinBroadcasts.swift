/// Where the Einstein printer leaves out `ones(n)[k]` factors that the indices already say.
///
/// - A constant term of a sum (`ones(n)[k]*ones(m)[s]` times a number) prints as the number when
///   another term of the same sum shows every free index: `1 - H[k, s]*H[k, s]`, which the parser
///   reads back as the same broadcast (a term without indices in an indexed sum broadcasts).
/// - A summed axis of size 1 that only `ones(1)[u]` factors of a nested sum mention (the unit axis of
///   a transposed vector, `(x - mu)'`) is dropped with them: `(x[j] - mu[j])*inv(S)[j, k]`.
/// - A scalar statement that sums one entry of a vector or matrix over its indices, each once, reads
///   `sum(y)` (matrix notation, which indexed notation mixes with) instead of `result[] = y[s]`.
extension EinsteinPrinter {
    /// Whether term `k` of `e` is a constant broadcast over free indices that another term shows.
    func isImpliedBroadcast(_ e: IndexExpr, _ k: Int) -> Bool {
        let t = e.terms[k]
        guard e.terms.count > 1, !t.factors.isEmpty, !e.free.isEmpty else { return false }
        let free = Set(e.free)
        for f in t.factors {
            guard case .ones(let ix) = f, ix.allSatisfy({ free.contains($0) }) else { return false }
        }
        // each index once (a repeated one would be a sum)
        let ix = t.factors.flatMap(\.indices)
        guard Set(ix).count == ix.count else { return false }
        // another term whose own factors (not its ones) show every free index
        return e.terms.indices.contains { j in
            guard j != k else { return false }
            var shown = Set<Index>()
            for f in e.terms[j].factors {
                if case .ones = f { continue }
                shown.formUnion(printedIndices(f))
            }
            return e.free.allSatisfy { shown.contains($0) }
        }
    }

    /// `e` with summed unit axes that only `ones(1)` factors of nested sums mention taken out.
    func withoutUnitAxes(_ e: IndexExpr) -> IndexExpr {
        let candidate = e.terms.contains { t in
            t.factors.contains { f in
                guard case .function(_, let arg) = f else { return false }
                return arg.free.contains { !e.free.contains($0) && dims.isOne($0.dim) }
            }
        }
        guard candidate else { return e }
        return IndexExpr(free: e.free, terms: e.terms.map { (t: Term) -> Term in
            Term(t.coefficient, t.factors.enumerated().map { (pair: (offset: Int, element: Factor)) -> Factor in
                let (k, f) = (pair.offset, pair.element)
                guard case .function(let g, let arg) = f else { return f }
                let others = t.factors.enumerated().filter { $0.offset != k }.flatMap { $0.element.indices }
                let unit = arg.free.filter { u in
                    dims.isOne(u.dim) && !e.free.contains(u) && !others.contains(u) && onlyInOnes(u, arg)
                }
                guard !unit.isEmpty else { return f }
                let dropped = Set(unit)
                let inner = IndexExpr(free: arg.free.filter { !dropped.contains($0) }, terms: arg.terms.map { (s: Term) -> Term in
                    Term(s.coefficient, s.factors.compactMap { (h: Factor) -> Factor? in
                        guard case .ones(let ix) = h else { return h }
                        let kept = ix.filter { !dropped.contains($0) }
                        return kept.isEmpty ? nil : .ones(kept)
                    })
                })
                // a term left without factors would broadcast: only where the sum has no index left
                guard inner.free.isEmpty || inner.terms.allSatisfy({ !$0.factors.isEmpty }) else { return f }
                return .function(g, inner)
            })
        })
    }

    /// Whether every mention of `u` in the terms of `e` is a `ones` factor (none inside nested sums).
    func onlyInOnes(_ u: Index, _ e: IndexExpr) -> Bool {
        e.terms.allSatisfy { t in
            t.factors.allSatisfy { f in
                if case .ones = f { return true }
                return !f.indices.contains(u) && !nestedMentions(f, u)
            }
        }
    }

    func nestedMentions(_ f: Factor, _ u: Index) -> Bool {
        switch f {
        case .function(_, let a), .opaque(_, _, let a, _): return a.free.contains(u)
        case .matrix(_, let args, _): return args.contains { $0.free.contains(u) }
        default: return false
        }
    }

    /// `sum(y)` (times the coefficient) for a scalar that sums one vector or matrix entry over its
    /// indices, each once; nil otherwise.
    mutating func wholeSum(_ e: IndexExpr) -> String? {
        guard format != .latex, e.free.isEmpty, e.terms.count == 1, e.terms[0].factors.count == 1,
              case .tensor(let n, let ix) = e.terms[0].factors[0], (1...2).contains(ix.count),
              Set(ix).count == ix.count else { return nil }
        let body = "sum(\(symbolName(n)))"
        let c = e.terms[0].coefficient
        if c == 1 { return body }
        if c == -1 { return "-" + body }
        return number(c) + times + body
    }
}
