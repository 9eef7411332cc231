/// Scope helpers of the index form: which indices a term sums, fresh renaming of bound indices,
/// and the largest index id in use (to continue numbering after lowering).
extension Term {
    /// Every index that appears in the term's own factors (not inside nested arguments' bound sums).
    public var indices: [Index] {
        var seen = Set<Index>()
        var out: [Index] = []
        for f in factors { for i in f.indices where seen.insert(i).inserted { out.append(i) } }
        return out
    }

    /// The indices the term sums over, given the free indices of its expression.
    public func bound(free: [Index]) -> [Index] {
        let fs = Set(free)
        return indices.filter { !fs.contains($0) }
    }
}

extension IndexExpr {
    /// The same expression with every summed index of every term replaced by a fresh one, so that
    /// its terms can be moved into another term without capturing its indices.
    public func freshened(_ gen: IndexGenerator) -> IndexExpr {
        IndexExpr(free: free, terms: terms.map { $0.freshened(free: free, gen) })
    }

    /// The largest index id used anywhere in the expression (0 if none).
    public var maxIndexID: Int {
        var m = free.map(\.id).max() ?? 0
        for t in terms {
            for f in t.factors {
                m = Swift.max(m, f.indices.map(\.id).max() ?? 0)
                switch f {
                case .function(_, let a), .opaque(_, _, let a, _): m = Swift.max(m, a.maxIndexID)
                case .matrix(_, let args, _): m = Swift.max(m, args.map(\.maxIndexID).max() ?? 0)
                case .tensor, .delta, .reshape, .ones: break
                }
            }
        }
        return m
    }

    /// True when the expression is the zero sum.
    public var isZero: Bool { terms.isEmpty }

    /// The zero expression with the given free indices.
    public static func zero(_ free: [Index]) -> IndexExpr { IndexExpr(free: free, terms: []) }
}

extension Term {
    /// The term with its summed indices renamed to fresh ones.
    public func freshened(free: [Index], _ gen: IndexGenerator) -> Term {
        let b = bound(free: free)
        if b.isEmpty { return self }
        var map: [Index: Index] = [:]
        for i in b { map[i] = gen.fresh(i.hint, i.dim) }
        return renamed(map)
    }

    /// The term with indices renamed (through nested entrywise arguments, whose free indices are the term's).
    public func renamed(_ map: [Index: Index]) -> Term {
        IndexExpr(free: [], terms: [self]).renamed(map).terms[0]
    }
}

extension IndexGenerator {
    /// A generator whose ids continue after `lastID`.
    public convenience init(after lastID: Int) {
        self.init()
        skip(to: lastID)
    }
}
