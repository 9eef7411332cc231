/// Names for nested activations, as a person names the layers of a network (H1 = tanh(W1*X),
/// H2 = tanh(W2*H1), ...): every entrywise function of the variables whose argument holds another
/// one becomes a definition of its own. Derivatives then refer to the names, so a deep composition
/// gives results whose size grows with its depth, not with its square.
struct AutoNames {
    let variables: Set<String>
    let gen: IndexGenerator
    var taken: Set<String>
    var added: [LoweredStatement] = []
    var dependent: Set<String>
    var counter = 0

    /// The program with nested activations named; the new statements come right before their first use.
    static func apply(_ p: LoweredProgram, variables: [String], generator: IndexGenerator) -> LoweredProgram {
        var namer = AutoNames(variables: Set(variables), gen: generator, taken: Set(p.typed.names), dependent: Set(variables))
        return namer.each(p) { $0.rewrite($1) }
    }

    /// Rewrites every statement; the definitions a rewrite adds come right before the statement.
    mutating func each(_ p: LoweredProgram, _ rewrite: (inout AutoNames, IndexExpr) -> IndexExpr) -> LoweredProgram {
        var out: [LoweredStatement] = []
        for s in p.statements {
            var t = s
            t.expr = rewrite(&self, s.expr)
            out += added
            added = []
            out.append(t)
            if let n = s.name, depends(t.expr) { dependent.insert(n) }
        }
        return LoweredProgram(typed: p.typed, statements: out)
    }

    func depends(_ e: IndexExpr) -> Bool { !e.tensorNames.isDisjoint(with: dependent) }

    /// How deep entrywise functions of the variables nest in `e`.
    func depth(_ e: IndexExpr) -> Int {
        var d = 0
        for t in e.terms {
            for f in t.factors {
                switch f {
                case .function(let g, let a):
                    let inner = depth(a)
                    if case .identity = g { d = max(d, inner) }
                    else if case .power = g { d = max(d, inner) }
                    else { d = max(d, depends(a) ? inner + 1 : inner) }
                case .opaque(_, _, let a, _): d = max(d, depth(a))
                case .matrix(let m, let args, _):
                    let inner = args.map(depth).max() ?? 0
                    d = max(d, m != .kron && m != .vec && args.contains(where: depends) ? inner + 1 : inner)
                case .tensor, .delta, .reshape, .ones: break
                }
            }
        }
        return d
    }

    mutating func rewrite(_ e: IndexExpr, inside: Bool = false) -> IndexExpr {
        guard inside || depth(e) >= 2 else { return e }
        return IndexExpr(free: e.free, terms: e.terms.map { t in Term(t.coefficient, t.factors.map { rewrite($0, inside: inside) }) })
    }

    /// A matrix- or vector-valued activation is named when its argument holds another activation of
    /// the variables, or when it is itself inside a named one.
    mutating func rewrite(_ f: Factor, inside: Bool) -> Factor {
        if case .matrix(let m, let args, let ix) = f { return rewriteMatrix(m, args, ix, inside: inside) }
        guard case .function(let g, let a) = f else { return f }
        switch g {
        case .identity, .power: return .function(g, rewrite(a, inside: inside))
        case .builtin, .user:
            let named = !a.free.isEmpty && depends(a) && (inside || depth(a) >= 1)
            let arg = rewrite(a, inside: inside || named)
            guard named else { return .function(g, arg) }
            let name = freshName()
            var seen = Set<Index>()
            let free = arg.free.filter { seen.insert($0).inserted }
            // the definition gets indices of its own (the use's indices may be summed elsewhere in the statement)
            var map: [Index: Index] = [:]
            for i in free { map[i] = gen.fresh(i.hint, i.dim) }
            let body = IndexExpr(free: free, terms: [Term(1, [.function(g, arg)])]).renamed(map)
            added.append(LoweredStatement(name: name, expr: body, implicit: false))
            dependent.insert(name)
            return .tensor(name, free)
        }
    }

    /// A matrix function (softmax, inv, det, ...) of the variables is named like an activation when
    /// its argument holds another one, or when it is inside a named one: `softmax(softmax(x))` becomes
    /// H1 = softmax(x), H2 = softmax(H1), so that nested matrix functions do not swell either.
    mutating func rewriteMatrix(_ m: MatrixAtom, _ args: [IndexExpr], _ ix: [Index], inside: Bool) -> Factor {
        // kron and vec are not named: their results have product dimensions (n*n), which a definition's
        // printed form cannot declare
        let nameable = m != .kron && m != .vec
        let named = nameable && args.contains(where: depends) && (inside || (args.map(depth).max() ?? 0) >= 1)
        let newArgs = args.map { rewrite($0, inside: inside || named) }
        guard named else { return .matrix(m, args: newArgs, indices: ix) }
        let name = freshName()
        var seen = Set<Index>()
        let free = ix.filter { seen.insert($0).inserted }
        var map: [Index: Index] = [:]
        for i in free { map[i] = gen.fresh(i.hint, i.dim) }
        let body = IndexExpr(free: free, terms: [Term(1, [.matrix(m, args: newArgs, indices: ix)])]).renamed(map)
        added.append(LoweredStatement(name: name, expr: body, implicit: false))
        dependent.insert(name)
        return .tensor(name, ix)
    }

    mutating func freshName() -> String {
        while true {
            counter += 1
            let n = "H\(counter)"
            if !taken.contains(n) { taken.insert(n); return n }
        }
    }

    /// For derivations: the argument of every entrywise function of the variable gets a name
    /// (U1 = X*W in h(X*W)), so that each step of the chain rule is one definition.
    static func nameArguments(_ p: LoweredProgram, variable: String, generator: IndexGenerator) -> LoweredProgram {
        var namer = AutoNames(variables: [variable], gen: generator, taken: Set(p.typed.names).union(p.statements.compactMap(\.name)),
                              dependent: [variable])
        return namer.each(p) { $0.nameArguments($1) }
    }

    mutating func nameArguments(_ e: IndexExpr) -> IndexExpr {
        IndexExpr(free: e.free, terms: e.terms.map { t in Term(t.coefficient, t.factors.map { nameArgument($0) }) })
    }

    mutating func nameArgument(_ f: Factor) -> Factor {
        guard case .function(let g, let a) = f else { return f }
        let arg = nameArguments(a)
        switch g {
        case .identity, .power: return .function(g, arg)
        case .builtin, .user:
            let single = arg.terms.count == 1 && arg.terms[0].coefficient == 1 && arg.terms[0].factors.count == 1
                && { if case .tensor = arg.terms[0].factors[0] { return true } else { return false } }()
            guard depends(arg), !single, !arg.free.isEmpty else { return .function(g, arg) }
            var n = "U", k = 0
            while taken.contains(n) { k += 1; n = "U\(k)" }
            taken.insert(n)
            var seen = Set<Index>()
            let free = arg.free.filter { seen.insert($0).inserted }
            var map: [Index: Index] = [:]
            for i in free { map[i] = gen.fresh(i.hint, i.dim) }
            added.append(LoweredStatement(name: n, expr: IndexExpr(free: free, terms: arg.terms).renamed(map), implicit: false))
            dependent.insert(n)
            return .function(g, IndexExpr(free: free, terms: [Term(1, [.tensor(n, free)])]))
        }
    }
}
