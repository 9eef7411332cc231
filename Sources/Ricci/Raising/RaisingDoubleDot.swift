/// Order-3 and order-4 factors (an opaque Jacobian `F'(U)`, a declared tensor): alone they are the
/// result itself; contracted on their leading (trailing) axes with the rest of a term they are the
/// double-dot product `M : G` (`G : M`), which then joins the term graph as a vector or a matrix.
extension RaisingContext {
    func raiseWithBig(_ factors: [Factor], at k: Int, extra: [Piece], coefficient: Double, free: [Index]) -> RaisedTerm? {
        let g = factors[k]
        let gi = g.indices
        guard Set(gi).count == gi.count, let gExpr = bigExpr(g) else { return nil }
        var others = factors
        others.remove(at: k)

        // the tensor itself, times scalars
        if free == gi && extra.isEmpty && others.allSatisfy({ $0.indices.isEmpty }) {
            var scalars: [MatrixExpr] = [.number(coefficient)]
            for f in others {
                guard let ps = pieces(f) else { return nil }
                scalars += ps.map(\.expr)
            }
            return RaisedTerm(expr: product(scalars + [gExpr]), broadcast: nil)
        }

        let blocked = Set(free + extra.flatMap(\.indices))
        for (leading, c) in [(true, 2), (true, 1), (false, 2), (false, 1)] where c < gi.count {
            let contracted = leading ? Array(gi.prefix(c)) : Array(gi.suffix(c))
            let kept = leading ? Array(gi.dropFirst(c)) : Array(gi.dropLast(c))
            guard contracted.allSatisfy({ !blocked.contains($0) }),
                  let (group, rest) = split(others, from: Set(contracted), stop: blocked.union(kept)),
                  let m = raiseExpr(IndexExpr(free: contracted, terms: [Term(1, group)])) else { continue }
            let dd = leading ? MatrixExpr.doubleDot(m, gExpr) : MatrixExpr.doubleDot(gExpr, m)
            if kept.count > 2 {
                // an order-3+ result: only as the whole term
                guard free == kept, extra.isEmpty, rest.allSatisfy({ $0.indices.isEmpty }) else { continue }
                var scalars: [MatrixExpr] = []
                for f in rest {
                    guard let ps = pieces(f) else { return nil }
                    scalars += ps.map(\.expr)
                }
                let s = [MatrixExpr.number(coefficient)] + scalars
                let out: MatrixExpr = leading && s != [.number(1)] ? .doubleDot(product(s + [m]), gExpr) : product(s + [dd])
                return RaisedTerm(expr: out, broadcast: nil)
            }
            note(dd, shape(over: kept))
            if let r = raiseFactors(rest, extra: extra + [Piece(expr: dd, indices: kept)], coefficient: coefficient, free: free) {
                return r
            }
        }
        return nil
    }

    /// The factors connected to `start` through summed indices that are not in `stop`, and the others.
    /// nil when that group reaches an index in `stop` or leaves an index of `start` unused.
    func split(_ factors: [Factor], from start: Set<Index>, stop: Set<Index>) -> ([Factor], [Factor])? {
        var reached = start
        var inGroup = [Bool](repeating: false, count: factors.count)
        var changed = true
        while changed {
            changed = false
            for (k, f) in factors.enumerated() where !inGroup[k] {
                let ix = f.indices
                guard ix.contains(where: reached.contains) else { continue }
                if ix.contains(where: stop.contains) { return nil }
                inGroup[k] = true
                reached.formUnion(ix)
                changed = true
            }
        }
        let group = factors.indices.filter { inGroup[$0] }.map { factors[$0] }
        let used = Set(group.flatMap(\.indices))
        guard !group.isEmpty, start.isSubset(of: used) else { return nil }
        let rest = factors.indices.filter { !inGroup[$0] }.map { factors[$0] }
        return (group, rest)
    }
}
