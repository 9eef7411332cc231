/// Common subexpressions that a definition already names are written with that name: after
/// `H5 = tanh(W2*H4)`, a derivative's `1 - tanh(W2*H4).^2` becomes `1 - H5.^2`.
struct NameReuse {
    /// Definitions whose value is one entrywise factor, by canonical form of that factor.
    let named: [(name: String, free: [Index], factor: Factor)]

    init(_ definitions: [(name: String, expr: IndexExpr)]) {
        var out: [(String, [Index], Factor)] = []
        for (n, e) in definitions {
            guard e.terms.count == 1, e.terms[0].coefficient == 1, e.terms[0].factors.count == 1,
                  case .function = e.terms[0].factors[0], Set(e.free).count == e.free.count,
                  Set(e.terms[0].factors[0].indices) == Set(e.free) else { continue }
            out.append((n, e.free, e.terms[0].factors[0]))
        }
        named = out
    }

    /// `e` with every factor that equals a named definition's value replaced by the name.
    func apply(_ e: IndexExpr, skipping skip: String? = nil) -> IndexExpr {
        if named.isEmpty { return e }
        return IndexExpr(free: e.free, terms: e.terms.map { t in Term(t.coefficient, t.factors.map { apply($0, skip) }) })
    }

    func apply(_ f: Factor, _ skip: String?) -> Factor {
        switch f {
        case .function(let g, let a):
            let inner = Factor.function(g, apply(a, skipping: skip))
            let key = LikeTerms.canonicalArguments(inner)
            for (n, free, value) in named where n != skip {
                // the definition's value at this factor's indices
                let ix = inner.indices
                guard ix.count == free.count else { continue }
                var map: [Index: Index] = [:]
                for (a, b) in zip(free, ix) { map[a] = b }
                if LikeTerms.canonicalArguments(Term(1, [value]).renamed(map).factors[0]) == key { return .tensor(n, ix) }
            }
            return inner
        case .opaque(let n, let d, let a, let ix):
            return .opaque(n, derivative: d, arg: apply(a, skipping: skip), indices: ix)
        case .matrix(let m, let args, let ix):
            return .matrix(m, args: args.map { apply($0, skipping: skip) }, indices: ix)
        case .tensor, .delta, .reshape, .ones:
            return f
        }
    }
}
