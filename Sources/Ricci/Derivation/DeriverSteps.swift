/// The steps of a derivation: naming the squared part, the differential of the objective, the
/// differentials of the definitions, the moves across `:`, and the index form with Γ.
extension Deriver {
    var dependent: Set<String> {
        var out: Set<String> = [wrt]
        for s in program.statements { if let n = s.name, !s.expr.tensorNames.isDisjoint(with: out) { out.insert(n) } }
        return out
    }

    var objective: IndexExpr {
        var e = program.statements[program.statements.count - 1].expr
        e.free = e.free.filter { !typed.dims.isOne($0.dim) }
        return e
    }

    /// The direct derivative of `e` by `target` (a definition or the variable) at fresh indices.
    func partial(_ e: IndexExpr, by target: String) -> (IndexExpr, [Index]) {
        let shape: [DimVar]
        if target == wrt, case .tensor(let s)? = typed.symbols[wrt]?.kind { shape = s }
        else if let k = position[target], k < program.statements.count, program.statements[k].name == target {
            shape = program.statements[k].expr.free.map(\.dim)
        } else { shape = program.statements.first { $0.name == target }?.expr.free.map(\.dim) ?? [] }
        let k = shape.map { gen.fresh("k", $0) }
        let d = Differentiator(program, wrt: target, generator: gen, throughDefinitions: false)
        return (simplifier.simplify(d.derivative(e, by: k)), k)
    }

    /// φ = Σ (M)² becomes φ = A : A with a new definition A = M (as P1 of PROBLEMS.md writes it).
    mutating func nameSquaredArgument() {
        let last = program.statements.count - 1
        let obj = objective
        guard obj.free.isEmpty, obj.terms.count == 1, let t = obj.terms.first, t.factors.count == 1,
              case .function(.power(2), let arg) = t.factors[0], !arg.free.isEmpty else { return }
        if arg.terms.count == 1, arg.terms[0].factors.count == 1, arg.terms[0].coefficient == 1,
           case .tensor(let n, let ix) = arg.terms[0].factors[0], ix == arg.free {
            squared = n   // already a name: φ = E : E
            program.statements[last].expr = IndexExpr(free: program.statements[last].expr.free,
                                                      terms: [Term(t.coefficient, [.tensor(n, ix), .tensor(n, ix)])])
            return
        }
        var a = "A", k = 1
        while taken.contains(a) { k += 1; a = "A\(k)" }
        taken.insert(a)
        var map: [Index: Index] = [:]
        for i in arg.free { map[i] = gen.fresh(i.hint, i.dim) }
        program.statements.insert(LoweredStatement(name: a, expr: arg.renamed(map), implicit: false), at: last)
        program.statements[last + 1].expr = IndexExpr(free: program.statements[last + 1].expr.free,
                                                      terms: [Term(t.coefficient, [.tensor(a, arg.free), .tensor(a, arg.free)])])
        squared = a
    }

    /// Declarations, the direction dW, the definitions, then the differentials of the definitions.
    mutating func buildContext() {
        context = EinsteinPrinter.declarations(typed)
        if case .tensor(let shape)? = typed.symbols[wrt]?.kind {
            // a symmetric variable moves in symmetric directions
            let props = typed.symbols[wrt]?.properties ?? []
            let symmetric = props.contains(.symmetric) || props.contains(.spd)
            context.append("\(name(wrt)): \(typed.dims.typeText(shape))" + (symmetric ? ", symmetric" : ""))
        }
        var asWritten: [String: String] = [:]
        for s in typed.program.statements {
            if case .definition(let n, let ix, let value, _) = s {
                asWritten[n] = (ix.map { "\(n)[\($0.map(\.name).joined(separator: ", "))]" } ?? n) + " = " + value.text
            }
        }
        let deps = dependent
        var einstein = EinsteinPrinter(format: .text, dims: typed.dims, taken: taken.union(["Gamma"]))
        for (k, s) in program.statements.enumerated() where k < program.statements.count - 1 {
            guard let n = s.name else { continue }
            position[n] = k
            if let m = raise(s.expr) {
                shown.append(("\(n) = \(m.rendered(.unicode))", "\(LaTeX.symbol(n)) &= \(m.rendered(.latex))"))
            } else if let line = asWritten[n] {
                shown.append((line, LaTeX.symbol(n) + " &= \\text{" + LaTeX.escapeText(line) + "}"))
            }
            if let line = asWritten[n] { context.append(line); continue }
            if let m = raise(s.expr) { context.append("\(n) = \(m.rendered(.text))"); continue }
            let line = einstein.statement(n, s.expr)
            context += einstein.hoisted.map(\.line) + [line]
            einstein.hoisted = []
        }
        let reuse = NameReuse(program.statements.dropLast().compactMap { st in st.name.map { ($0, st.expr) } })
        for (k, s) in program.statements.enumerated() where k < program.statements.count - 1 {
            guard let n = s.name, deps.contains(n) else { continue }
            var terms: [Term] = []
            for target in s.expr.tensorNames.intersection(deps).sorted() {
                let (p, kk) = partial(s.expr, by: target)
                let dn = name(target)
                terms += p.terms.map { Term($0.coefficient, $0.factors + [.tensor(dn, kk)]) }
            }
            let d = simplifier.simplify(reuse.apply(simplifier.simplify(IndexExpr(free: s.expr.free, terms: terms))))
            let dn = name(n)
            if let m = raise(d) {
                differential[n] = m
                context.append("\(dn) = \(m.rendered(.text))")
            } else {
                let line = einstein.statement(dn, d)
                context += einstein.hoisted.map(\.line) + [line]
                einstein.hoisted = []
            }
            differentialRule[n] = DifferentialRules.describe(s.expr)
        }
    }

    /// dφ = Σ (∂φ/∂D) : dD over the objective's direct dependencies.
    mutating func objectiveDifferential() -> [String: [MatrixExpr]] {
        let obj = objective
        var frontier: [String: [MatrixExpr]] = [:]
        var parts: [MatrixExpr] = []
        for target in obj.tensorNames.intersection(dependent).sorted() {
            let (p, _) = partial(obj, by: target)
            guard let g = raise(p) else { failed = true; return [:] }
            outer[target] = g
            frontier[target, default: []].append(g)
            parts.append(.doubleDot(g, .symbol(name(target))))
        }
        let rhs = parts.count == 1 ? parts[0] : MatrixExpr.sum(parts)
        if let a = squared {
            let c = obj.terms.first?.coefficient ?? 1
            let aa = MatrixExpr.doubleDot(.symbol(a), .symbol(a))
            let shown = c == 1 ? aa : MatrixExpr.product([.number(c), aa])
            add(Rule("a squared Frobenius norm is a double-dot product: ‖A‖² = A : A",
                     "\\|A\\|_F^2 = A : A"),
                lhs: StepSide(kind: .expression, text: objectiveText), rhs: StepSide(kind: .expression, text: shown.rendered(.text)),
                lhsText: "φ", lhsLatex: "\\varphi", rhsShown: shown)
            add(Rule("d(A : A) = 2A : dA", "d(A : A) = 2A : dA"), lhs: StepSide(kind: .differential, text: objectiveText),
                rhs: StepSide(kind: .expression, text: rhs.rendered(.text)), lhsText: "dφ", lhsLatex: "d\\varphi", rhsShown: rhs)
        } else {
            add(Rule("the chain rule: dφ = Σ (∂φ/∂X) : dX", "d\\varphi = \\sum_X \\frac{\\partial\\varphi}{\\partial X} : dX"),
                lhs: StepSide(kind: .differential, text: objectiveText), rhs: StepSide(kind: .expression, text: rhs.rendered(.text)),
                lhsText: "dφ", lhsLatex: "d\\varphi", rhsShown: rhs)
        }
        return frontier
    }

    /// Σ G_i : dX = (Σ G_i) : dX.
    mutating func collect(_ target: String, _ gs: [MatrixExpr]) -> MatrixExpr {
        guard gs.count > 1 else { return gs.first ?? .number(0) }
        let d = MatrixExpr.symbol(name(target))
        let before = MatrixExpr.sum(gs.map { .doubleDot($0, d) })
        let g = ctx.sum(gs)
        let after = MatrixExpr.doubleDot(g, d)
        add(Rule("A : C + B : C = (A + B) : C", "A : C + B : C = (A + B) : C"),
            lhs: StepSide(kind: .expression, text: before.rendered(.text)), rhs: StepSide(kind: .expression, text: after.rendered(.text)),
            lhsShown: before, rhsShown: after)
        return g
    }

    /// G : M, moved across `:` term by term until each term is G′ : dX; returns the G′ by X.
    mutating func moveAcross(_ g: MatrixExpr, _ m: MatrixExpr) -> [String: [MatrixExpr]] {
        if differentialOf.count != names.count {
            let map = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })
            differentialOf = (names.count, map, Set(map.keys))
        }
        let differentials = differentialOf.map
        let moves = ColonMoves(ctx: ctx, differentials: differentialOf.names)
        var terms = [m]
        if case .sum(let ts) = m {
            terms = ts
            let split = MatrixExpr.sum(ts.map { .doubleDot(g, $0) })
            add(Rule("A : (B + C) = A : B + A : C", "A : (B + C) = A : B + A : C"),
                lhs: StepSide(kind: .expression, text: MatrixExpr.doubleDot(g, m).rendered(.text)),
                rhs: StepSide(kind: .expression, text: split.rendered(.text)), lhsShown: .doubleDot(g, m), rhsShown: split)
        }
        var out: [String: [MatrixExpr]] = [:]
        for t in terms {
            var (a, b) = (g, t)
            var rounds = 0
            while rounds < 100 {
                rounds += 1
                if case .symbol(let s) = b, let target = differentials[s] { out[target, default: []].append(a); break }
                guard let mv = moves.move(a, b) else { failed = true; break }
                let before = MatrixExpr.doubleDot(a, b), after = MatrixExpr.doubleDot(mv.0, mv.1)
                add(Rule(mv.rule, mv.latex), lhs: StepSide(kind: .expression, text: before.rendered(.text)),
                    rhs: StepSide(kind: .expression, text: after.rendered(.text)), lhsShown: before, rhsShown: after)
                (a, b) = (mv.0, mv.1)
            }
        }
        return out
    }
}
