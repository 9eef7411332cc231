/// The library's entry point for derivations.
public enum Derivations {
    /// The step-by-step derivation of the gradient of `source`'s objective by `wrt`.
    ///
    /// A vector or matrix objective F gets the derivation of its Jacobian instead: the differential
    /// dF, the tensor Γ = ∂F/∂W in index form, dF = Γ : dW, and the matricized (vec) form where
    /// there is one.
    /// The work is bounded by a ``WorkBudget``: a program that runs one out is refused with an error naming it.
    public static func derive(source: String, wrt: String) throws -> Derivation {
        try WorkBudget.run { try deriveWithinBudget(source: source, wrt: wrt) }
    }

    static func deriveWithinBudget(source: String, wrt: String) throws -> Derivation {
        let typed = try TypeChecker.check(source: source)
        let scalar = typed.result.shape.allSatisfy { typed.dims.isOne($0) }
        let lowered = try Lowerer.lower(typed)
        return try SymbolicPowers.$scalars.withValue(SymbolicPowers.scalarNames(typed)) {
            guard scalar else {   // a vector or matrix objective: the derivation of its Jacobian
                let result = try Derivatives.derivative(of: source, wrt: wrt, kind: .jacobian)
                var d = Deriver(lowered, wrt: wrt, result: result)
                try d.runJacobian()
                return Derivation(source: source, wrt: wrt, direction: d.name(wrt), context: d.context, steps: d.steps,
                                  result: result, definitions: d.shown.map(\.0), definitionsLatex: d.shown.map(\.1))
            }
            // the differential method reads off the gradient with entries independent (--symmetric none)
            let result = try Derivatives.derivative(of: source, wrt: wrt, kind: .gradient, symmetric: .independent)
            var d = Deriver(lowered, wrt: wrt, result: result)
            try d.run()
            var final = result
            if result.symmetric != nil {   // a symmetric variable: the default convention, as `ricci grad` gives it
                final = try Derivatives.derivative(of: source, wrt: wrt, kind: .gradient)
                d.symmetrize(to: final)
            }
            return Derivation(source: source, wrt: wrt, direction: d.name(wrt), context: d.context, steps: d.steps, result: final,
                              definitions: d.shown.map(\.0), definitionsLatex: d.shown.map(\.1))
        }
    }
}

/// Builds a ``Derivation``: every step is made from the same index forms the engine differentiates,
/// raised to matrix notation, so the record shows what the engine did.
struct Deriver {
    let typed: TypedProgram
    let wrt: String
    let result: DerivativeResult
    let gen: IndexGenerator
    let simplifier: Simplifier
    let ctx: RaisingContext
    var program: LoweredProgram
    var context: [String] = []
    var steps: [DerivationStep] = []
    /// Differential names: `dW`, `dE`.
    var names: [String: String] = [:]
    var taken: Set<String>
    /// Statement positions of definitions (the variable is -1).
    var position: [String: Int] = [:]
    var differential: [String: MatrixExpr] = [:]
    var differentialRule: [String: (String, String)] = [:]
    var objectiveText: String
    /// The name given to the squared part of the objective (φ = A : A), if any.
    var squared: String?
    /// Set when a move across `:` has no rule: the matrix steps stop and the engine's result stands.
    var failed = false
    /// The definitions a reader needs, as (Unicode, LaTeX) lines.
    var shown: [(String, String)] = []
    /// ∂φ/∂D of the objective's direct dependencies, raised.
    var outer: [String: MatrixExpr] = [:]
    /// The LaTeX rewrites of differential names (`\\mathit{dE}` → `\\mathrm{d}E`), rebuilt only
    /// when a name is added (steps are many; names are many in long programs).
    var latexDifferentials: (count: Int, pairs: [String: String]) = (-1, [:])
    /// Differential name → what it is the differential of (`dE` → `E`), rebuilt only when a name is added.
    var differentialOf: (count: Int, map: [String: String], names: Set<String>) = (-1, [:], [])

    init(_ lowered: LoweredProgram, wrt: String, result: DerivativeResult) {
        typed = lowered.typed
        self.wrt = wrt
        self.result = result
        gen = IndexGenerator(after: lowered.statements.map(\.expr.maxIndexID).max() ?? 0)
        simplifier = Simplifier(generator: gen)
        ctx = RaisingContext(dims: lowered.typed.dims)
        program = Derivatives.prepared(lowered, wrt: [wrt], gen, simplifier)
        program = AutoNames.nameArguments(program, variable: wrt, generator: gen)
        for k in program.statements.indices { program.statements[k].expr = simplifier.simplify(program.statements[k].expr) }
        taken = Set(typed.names).union(program.statements.compactMap(\.name))
        objectiveText = "φ"
        if case .expression(let e)? = typed.program.statements.last { objectiveText = e.text }
    }

    /// The right side of the last line of a printed result (`G = ...` or `G &= ...`).
    static func rightSide(of printed: String, separator: String) -> String {
        let last = printed.split(separator: "\n").last.map(String.init) ?? printed
        return last.components(separatedBy: separator).dropFirst().joined(separator: separator)
    }

    /// The differential's name of a definition or of the variable (`dE`, `dW`).
    mutating func name(_ n: String) -> String {
        if let d = names[n] { return d }
        var d = "d" + n, k = 1
        while taken.contains(d) { k += 1; d = "d\(n)\(k)" }
        taken.insert(d)
        names[n] = d
        return d
    }

    func raise(_ e: IndexExpr) -> MatrixExpr? { ctx.raiseExpr(e).map { ctx.polish($0) } }

    // MARK: - the derivation

    mutating func run() throws {
        nameSquaredArgument()
        buildContext()
        var frontier = objectiveDifferential()
        var rounds = 0
        // each round takes one definition off the frontier, after every definition it feeds
        while rounds <= program.statements.count, !failed {
            rounds += 1
            let pending = frontier.keys.filter { $0 != wrt }
            guard let next = pending.max(by: { (position[$0] ?? -1) < (position[$1] ?? -1) }) else { break }
            var g = collect(next, frontier.removeValue(forKey: next) ?? [])
            guard let dm = differential[next] else { failed = true; break }
            add(Rule(differentialRule[next] ?? ("differential", "\\text{differential}")),
                lhs: StepSide(kind: .differential, text: next), rhs: StepSide(kind: .expression, text: dm.rendered(.text)),
                lhsShown: .symbol(name(next)), rhsShown: dm)
            if case .sum(let ts) = dm, ts.count > 1 { g = nameAdjoint(of: next, g) }
            for (sym, gs) in moveAcross(g, dm) { frontier[sym, default: []] += gs }
        }
        let gradient = "∂φ/∂\(wrt)", gradientLatex = "\\frac{\\partial \\varphi}{\\partial \(LaTeX.symbol(wrt))}"
        if !failed, frontier.count == 1, let gs = frontier[wrt] {
            let g = collect(wrt, gs)
            add(Rule("dφ = G : dW for every dW, hence ∂φ/∂W = G",
                     "d\\varphi = G : dW \\text{ for every } dW \\Rightarrow \\partial\\varphi/\\partial W = G"),
                lhs: StepSide(kind: .gradient, text: ""), rhs: StepSide(kind: .expression, text: g.rendered(.text)),
                lhsText: gradient, lhsLatex: gradientLatex, rhsShown: g)
            if let m = result.matrix, m != g.rendered(.text), result.matrixIntermediates.allSatisfy({ $0.fromProgram }) {
                add(simplifiedRule(),
                    lhs: StepSide(kind: .expression, text: g.rendered(.text)), rhs: StepSide(kind: .expression, text: m),
                    lhsText: gradient, lhsLatex: gradientLatex, rhsText: Deriver.rightSide(of: result.unicode, separator: " = "),
                    rhsLatex: Deriver.rightSide(of: result.latex.replacingOccurrences(of: "\\end{aligned}", with: ""), separator: "= "))
            }
        } else {
            // the engine's result, as a definition the checker can evaluate
            let r = resultReference()
            add(Rule("the chain rule in index form (no matrix identity moves the rest across :)",
                     "\\text{the chain rule in index form}"),
                lhs: StepSide(kind: .gradient, text: ""), rhs: StepSide(kind: .expression, text: r),
                lhsText: gradient, lhsLatex: gradientLatex, rhsText: result.matrix ?? result.einstein, rhsLatex: result.latex)
        }
        indexFormChainRule()
    }
}
