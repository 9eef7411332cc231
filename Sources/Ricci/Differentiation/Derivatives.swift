/// The library's entry points for derivatives.
///
/// ```swift
/// let g = try Derivatives.derivative(of: "normF(X*W - Y)^2", wrt: "W", kind: .gradient)
/// g.matrix    // "2*X'*(X*W - Y)"
/// g.einstein  // "G[k, l] = 2*X[i, k]*(X[i, a]*W[a, l] - Y[i, l])"
/// ```
public enum Derivatives {
    /// The derivative of a program's objective (its last statement) by one variable.
    ///
    /// - Parameters:
    ///   - source: the program text (SYNTAX.md).
    ///   - wrt: the variable's name.
    ///   - kind: gradient, Jacobian or Hessian; a gradient or Hessian of a non-scalar is refused
    ///     (use a Jacobian).
    ///   - layout: denominator (default) or numerator, for gradients.
    ///   - symmetric: the convention for a variable declared `symmetric`/`spd` (nil: ``SymmetricConvention/sym``).
    public static func derivative(of source: String, wrt: String, kind: DerivativeKind,
                                  layout: Layout = .denominator, symmetric: SymmetricConvention? = nil) throws -> DerivativeResult {
        try derivatives(of: source, wrt: [wrt], kind: kind, layout: layout, symmetric: symmetric)[0]
    }

    /// The derivative of a lowered program's objective by one variable.
    public static func derivative(of program: LoweredProgram, wrt: String, kind: DerivativeKind,
                                  layout: Layout = .denominator, symmetric: SymmetricConvention? = nil) throws -> DerivativeResult {
        try derivatives(of: program, wrt: [wrt], kind: kind, layout: layout, symmetric: symmetric)[0]
    }

    /// One derivative per variable, in the order given.
    public static func derivatives(of source: String, wrt: [String], kind: DerivativeKind,
                                   layout: Layout = .denominator, symmetric: SymmetricConvention? = nil) throws -> [DerivativeResult] {
        try derivatives(of: Lowerer.lower(TypeChecker.check(source: source)), wrt: wrt, kind: kind, layout: layout,
                        symmetric: symmetric)
    }

    /// The derivatives of a lowered program's objective by each variable of `wrt`.
    ///
    /// Gradients are taken in reverse mode over the program's definitions (shared adjoints keep the
    /// results of deep compositions linear in size); Jacobians and Hessians in forward mode, with
    /// the explicit tensor Γ = ∂F/∂W. A derivative by a matrix declared `symmetric`/`spd` follows
    /// `symmetric` (nil: ``SymmetricConvention/sym``); declared structure (``StructureFacts``) is
    /// used once the derivatives are taken.
    /// With a `direction` (a Hessian only), the Hessian is applied to it (``hessian(of:wrt:direction:symmetric:)``).
    /// The work is bounded by a ``WorkBudget``: a program that runs one out is refused with an error naming it.
    public static func derivatives(of program: LoweredProgram, wrt: [String], kind: DerivativeKind,
                                   layout: Layout = .denominator, symmetric: SymmetricConvention? = nil,
                                   direction: String? = nil) throws -> [DerivativeResult] {
        try WorkBudget.run {
            try SymbolicPowers.$scalars.withValue(SymbolicPowers.scalarNames(program.typed)) {
                try derivativesPrinted(of: program, wrt: wrt, kind: kind, layout: layout, symmetric: symmetric, direction: direction)
            }
        }
    }

    /// ``derivatives(of:wrt:kind:layout:symmetric:direction:)`` with the program's scalar names known to the printers.
    static func derivativesPrinted(of program: LoweredProgram, wrt: [String], kind: DerivativeKind,
                                   layout: Layout, symmetric: SymmetricConvention?,
                                   direction: String?) throws -> [DerivativeResult] {
        let typed = program.typed
        guard !wrt.isEmpty else { throw RicciError(.usage, "name a variable to differentiate by") }
        let shapes = try wrt.map { try checkVariable($0, in: typed) }
        guard !program.statements.isEmpty else { throw RicciError(.usage, "the program has no objective") }
        let objectiveShape = typed.result.shape.filter { !typed.dims.isOne($0) }
        if kind != .jacobian && !objectiveShape.isEmpty {
            throw RicciError(.shape, "the objective is \(typed.dims.describe(typed.result.shape)), not a scalar: "
                + "a \(kind.rawValue) needs a scalar objective; `ricci jacobian` gives the derivative of a tensor",
                at: typed.result.location)
        }
        let gen = IndexGenerator(after: program.statements.map(\.expr.maxIndexID).max() ?? 0)
        let simplifier = Simplifier(generator: gen)
        let facts = StructureFacts(program: typed)
        // the variables' own declarations left out, when they declare any (else the same facts)
        let relaxed = wrt.contains { typed.symbols[$0].map { !$0.properties.isEmpty } ?? false }
            ? StructureFacts(program: typed, ignoring: Set(wrt)) : facts
        simplifier.structure = relaxed
        let named = prepared(program, wrt: wrt, gen, simplifier)
        let ks = shapes.map { shape in
            shape.enumerated().map { k, d in gen.fresh(k < 4 ? ["k", "l", "m", "p"][k] : "k\(k)", d) }
        }
        var results: [IndexExpr] = []
        var adjoints: [(name: String, expr: IndexExpr)] = []
        if kind == .gradient {
            let taken = Set(typed.names).union(named.statements.compactMap(\.name))
            let out = Adjoints(program: named, gen: gen, simplifier: simplifier).run(wrt: wrt, k: ks, taken: taken)
            if let why = out.unsupported {
                throw RicciError(.limit, "cannot differentiate this program: \(why)", at: typed.result.location)
            }
            adjoints = out.adjoints
            results = out.gradients
            if layout == .numerator { results = results.map { numeratorLayout($0, dims: typed.dims, gen) } }
        } else if kind == .hessian, let h = try hessianThroughGradient(named, wrt: wrt, ks: ks, taken: taken(typed, named),
                                                                      gen: gen, simplifier: simplifier) {
            // deep programs: the Jacobian of the reverse-mode gradient, whose adjoints keep their names
            adjoints = h.adjoints
            results = h.results
        } else {
            for (w, k) in zip(wrt, ks) {
                var objective = named.statements[named.statements.count - 1].expr
                objective.free = objective.free.filter { !typed.dims.isOne($0.dim) }
                let d = Differentiator(named, wrt: w, generator: gen)
                if kind == .jacobian && chainDepth(named) >= hessianChainThreshold {
                    // deep programs: each definition's derivative is a named tangent, built once
                    d.tangentNames = taken(typed, named).union(adjoints.map(\.name))
                }
                var r = simplifier.simplify(d.derivative(simplifier.simplify(objective), by: k))
                adjoints += d.tangents
                if kind == .hessian {
                    let k2 = k.map { gen.fresh($0.hint == "k" ? "p" : "q", $0.dim) }
                    r = simplifier.simplify(d.derivative(r, by: k2))
                }
                if let why = d.unsupported {
                    throw RicciError(.limit, "cannot differentiate this program by \(w): \(why)", at: typed.result.location)
                }
                results.append(r)
            }
        }
        let conventions = wrt.map { SymmetricConvention.applies(to: $0, in: typed) ? (symmetric ?? .sym) : nil }
        results = zip(results, conventions).map { r, c in
            c.map { $0.apply(to: r, pairs: SymmetricConvention.variablePairs(kind: kind, order: r.free.count)) } ?? r
        }
        if kind == .hessian, let v = direction { results = results.map { applied($0, direction: v) } }
        let reuse = NameReuse(named.statements.dropLast().compactMap { s in s.name.map { ($0, s.expr) } })
        var final = simplifier
        if facts != relaxed {
            final = Simplifier(generator: gen)
            final.structure = facts
        }
        results = results.map { final.simplify(reuse.apply($0)) }
        adjoints = adjoints.map { ($0.name, final.simplify(reuse.apply($0.expr))) }
        try WorkBudget.checkpoint()
        var printer = DerivativePrinter(program: named, kind: kind, layout: layout, adjoints: adjoints, structure: facts)
        for (w, shape) in zip(wrt, shapes) { printer.wrtOrder[w] = shape.count }
        var out = printer.results(results, wrt: wrt)
        for k in out.indices { out[k].symmetric = conventions[k] }
        return out
    }

    /// The program with nested activations named and every statement simplified.
    static func prepared(_ program: LoweredProgram, wrt: [String], _ gen: IndexGenerator, _ simplifier: Simplifier) -> LoweredProgram {
        var named = AutoNames.apply(program, variables: wrt, generator: gen)
        named.statements = live(named.statements)
        for k in named.statements.indices { named.statements[k].expr = simplifier.simplify(named.statements[k].expr) }
        return named
    }

    static func taken(_ typed: TypedProgram, _ named: LoweredProgram) -> Set<String> {
        Set(typed.names).union(named.statements.compactMap(\.name))
    }

    /// The Hessian as the forward-mode Jacobian of the reverse-mode gradient, for programs with a chain
    /// of at least ``hessianChainThreshold`` definitions of the variables: the gradient's adjoints are
    /// definitions (dH2 = ..., dH1 = ...) that the second differentiation goes through by name, so a
    /// chain of depth L gives a Hessian polynomial in L instead of exponential. `nil` for shallow
    /// programs (differentiated twice in forward mode, as before).
    static func hessianThroughGradient(_ named: LoweredProgram, wrt: [String], ks: [[Index]], taken: Set<String>,
                                       gen: IndexGenerator, simplifier: Simplifier)
        throws -> (results: [IndexExpr], adjoints: [(name: String, expr: IndexExpr)])? {
        guard chainDepth(named) >= hessianChainThreshold else { return nil }
        let out = Adjoints(program: named, gen: gen, simplifier: simplifier).run(wrt: wrt, k: ks, taken: taken)
        if let why = out.unsupported {
            throw RicciError(.limit, "cannot differentiate this program: \(why)", at: named.typed.result.location)
        }
        var statements = Array(named.statements.dropLast())
        for a in out.adjoints { statements.append(LoweredStatement(name: a.name, expr: a.expr, implicit: false)) }
        var results: [IndexExpr] = []
        var intermediates = out.adjoints
        var names = taken.union(out.adjoints.map(\.name))
        for (v, (w, k)) in zip(out.gradients, zip(wrt, ks)) {
            let program = LoweredProgram(typed: named.typed, statements: statements + [LoweredStatement(name: nil, expr: v, implicit: false)])
            let d = Differentiator(program, wrt: w, generator: gen)
            d.tangentNames = names
            let k2 = k.map { gen.fresh($0.hint == "k" ? "p" : "q", $0.dim) }
            let r = simplifier.simplify(d.derivative(simplifier.simplify(v), by: k2))
            if let why = d.unsupported {
                throw RicciError(.limit, "cannot differentiate this program by \(w): \(why)", at: named.typed.result.location)
            }
            results.append(r)
            intermediates += d.tangents
            names.formUnion(d.tangents.map(\.name))
        }
        return (results, intermediates)
    }

    /// The depth of definition chains from which a Hessian goes through the gradient (and a
    /// Jacobian names its tangents): shallow programs keep the direct forward-mode form, which the
    /// simplifier reads best (`X'*Diag(H1 .* (1 - H1))*X` for the logistic loss).
    static let hessianChainThreshold = 3

    /// The longest chain of definitions that use one another (`a2 = tanh(a1) .* a1` after `a1 = ...`
    /// is a chain of 2); definitions that only use inputs have depth 1.
    static func chainDepth(_ named: LoweredProgram) -> Int {
        var depth: [String: Int] = [:]
        var deepest = 0
        for s in named.statements.dropLast() {
            guard let name = s.name else { continue }
            let d = 1 + (s.expr.tensorNames.compactMap { depth[$0] }.max() ?? 0)
            depth[name] = d
            deepest = max(deepest, d)
        }
        return deepest
    }

    /// The objective and the definitions it uses (directly or through others), in order: a definition
    /// nothing uses does not change a derivative, and each would cost work in every later stage.
    static func live(_ statements: [LoweredStatement]) -> [LoweredStatement] {
        guard let last = statements.indices.last else { return statements }
        var used: Set<String> = []
        var keep = Array(repeating: false, count: statements.count)
        for s in statements.indices.reversed() where s == last || statements[s].name.map(used.contains) == true {
            keep[s] = true
            used.formUnion(statements[s].expr.tensorNames)
        }
        return statements.indices.filter { keep[$0] }.map { statements[$0] }
    }

    /// The variable's shape; errors for names that are not inputs of the program.
    static func checkVariable(_ name: String, in p: TypedProgram) throws -> [DimVar] {
        guard let s = p.symbols[name] else {
            let inputs = p.names.filter { p.symbols[$0]?.definition == nil }
            let hint = nearestName(to: name, in: inputs).map { " (did you mean '\($0)'?)" } ?? ""
            throw RicciError(.name, "'\(name)' is not a name of the program\(hint)")
        }
        if s.definition != nil {
            throw RicciError(.name, "'\(name)' is defined by the program; differentiate by one of its inputs", at: s.location)
        }
        guard case .tensor(let shape) = s.kind else {
            throw RicciError(.name, "'\(name)' is a function, not a variable", at: s.location)
        }
        return shape
    }

    /// Numerator layout: a gradient by a matrix is transposed; by a vector it becomes a row (1×n).
    static func numeratorLayout(_ e: IndexExpr, dims: DimTable, _ gen: IndexGenerator) -> IndexExpr {
        switch e.free.count {
        case 2: return IndexExpr(free: e.free.reversed(), terms: e.terms)
        case 1:
            let unit = gen.fresh("u", dims.fixed(1))
            return IndexExpr(free: [unit] + e.free, terms: e.terms.map { Term($0.coefficient, $0.factors + [.ones([unit])]) })
        default: return e
        }
    }
}
