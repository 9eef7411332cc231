/// The derivation of a Jacobian (a vector or matrix objective F, PROBLEMS.md P2): the
/// differentials of the definitions, the differential dF (first through the direct dependencies,
/// then in dW alone: dF = X·dW for F = X·W), the explicit tensor Γ = ∂F/∂W in index form, the
/// chain rule dF = Γ : dW, and the matricized form vec(dF) = J·vec(dW) where the engine has one.
/// Every step has two sides a machine evaluates (see ``StepSide``).
extension Deriver {
    /// The objective's name in the printed steps.
    static let objectiveName = "F"

    mutating func runJacobian() throws {
        let dw = name(wrt)
        buildContext()
        let objectiveSide = objectiveForChecks()
        let f = Deriver.objectiveName
        // the definitions' differentials, in program order
        for n in program.statements.dropLast().compactMap(\.name) where differential[n] != nil {
            guard let dm = differential[n] else { continue }
            add(Rule(differentialRule[n] ?? ("differential", "\\text{differential}")),
                lhs: StepSide(kind: .differential, text: n), rhs: StepSide(kind: .expression, text: dm.rendered(.text)),
                lhsShown: .symbol(name(n)), rhsShown: dm)
        }
        let obj = objective
        let direct = obj.tensorNames.intersection(dependent).sorted()
        let dfLatex = "\\mathrm{d}" + f
        // dF through the direct dependencies (dF = Σ ∂F/∂D · dD), when there are definitions between F and W
        if direct != [wrt] {
            var terms: [Term] = []
            for target in direct {
                let (p, kk) = partial(obj, by: target)
                terms += p.terms.map { Term($0.coefficient, $0.factors + [.tensor(name(target), kk)]) }
            }
            let d = simplifier.simplify(IndexExpr(free: obj.free, terms: terms))
            let (text, shown) = expression(d, named: "dF_direct")
            add(Rule(DifferentialRules.describe(obj)), lhs: StepSide(kind: .differential, text: objectiveSide),
                rhs: StepSide(kind: .expression, text: text), lhsText: "d" + f, lhsLatex: dfLatex,
                rhsText: shown?.rendered(.unicode), rhsLatex: shown?.rendered(.latex))
        }
        // Γ = ∂F/∂W, and dF in dW alone
        guard case .tensor(let shape)? = typed.symbols[wrt]?.kind else { return }
        let k = shape.enumerated().map { n, dim in gen.fresh(["k", "l", "m", "p"][min(n, 3)], dim) }
        let full = fullDifferentiator()
        let gamma = simplifier.simplify(full.derivative(simplifier.simplify(obj), by: k))
        addTangents(of: full)
        let dF = simplifier.simplify(IndexExpr(free: obj.free, terms: gamma.terms.map {
            Term($0.coefficient, $0.factors + [.tensor(dw, k)])
        }))
        let (dfText, dfShown) = expression(dF, named: "dF")
        add(Rule("the differential of F in d\(wrt) alone: linear in d\(wrt)",
                 "\\mathrm{d}F \\text{ is linear in } \\mathrm{d}\(LaTeX.symbol(wrt))"),
            lhs: StepSide(kind: .differential, text: objectiveSide), rhs: StepSide(kind: .expression, text: dfText),
            lhsText: "d" + f, lhsLatex: dfLatex, rhsText: dfShown?.rendered(.unicode), rhsLatex: dfShown?.rendered(.latex))
        let gammaName = gammaDefinition(gamma)
        try WorkBudget.checkpoint()
        let order = obj.free.count + shape.count
        add(Rule("the tensor Γ = ∂F/∂\(wrt) of order \(order), explicit in index form",
                 "\\Gamma = \\partial F / \\partial \(LaTeX.symbol(wrt)) \\text{, in index form}"),
            lhs: StepSide(kind: .jacobian, text: objectiveSide), rhs: StepSide(kind: .expression, text: gammaName.name),
            lhsText: gammaName.unicodeLhs, lhsLatex: gammaName.latexLhs, rhsText: gammaName.unicodeRhs, rhsLatex: gammaName.latexRhs)
        var contracted = shape.isEmpty ? "\(gammaName.name)*\(dw)" : "\(gammaName.name) : \(dw)"
        if shape.count > 2 {
            // ':' contracts two axes; Γ by an order-3 (or more) variable contracts all of them, in index form
            let gk = k.map { gen.fresh($0.hint, $0.dim) }, fi = obj.free.map { gen.fresh($0.hint, $0.dim) }
            let e = IndexExpr(free: fi, terms: [Term(1, [.tensor(gammaName.name, fi + gk), .tensor(dw, gk)])])
            contracted = expression(e, named: "GammaDW").text
        }
        add(Rule("the chain rule of differentials: dF = Γ : dW", "\\mathrm{d}F = \\Gamma : \\mathrm{d}W"),
            lhs: StepSide(kind: .differential, text: objectiveSide), rhs: StepSide(kind: .expression, text: contracted),
            lhsText: "d" + f, lhsLatex: dfLatex, rhsText: shape.isEmpty ? "Γ·d\(wrt)" : "Γ : d\(wrt)",
            rhsLatex: shape.isEmpty ? "\\Gamma\\,\\mathrm{d}\(LaTeX.symbol(wrt))" : "\\Gamma : \\mathrm{d}\(LaTeX.symbol(wrt))")
        matricized(objectiveSide: objectiveSide, dfText: dfText, fOrder: obj.free.count, wOrder: shape.count)
    }

    /// vec(dF) = J·vec(dW) with the engine's matricized form J (the Jacobian matrix itself for a
    /// vector by a vector), and ∂F/∂W = J when J is the result.
    mutating func matricized(objectiveSide: String, dfText: String, fOrder: Int, wOrder: Int) {
        let dw = name(wrt)
        let j: String?
        if fOrder + wOrder <= 2 && fOrder <= 1 && wOrder <= 1 { j = result.matrix } else { j = result.vec }
        guard let jm = j, result.intermediates.allSatisfy({ $0.fromProgram || $0.matrix != nil }) else { return }
        for i in result.intermediates where !context.contains(where: { $0.hasPrefix(i.name + " =") }) {
            if let m = i.matrix { context.append("\(i.name) = \(m)") }
        }
        let vecF = fOrder == 2 ? "vec(\(dfText))" : "(\(dfText))"
        let vecW = wOrder == 2 ? "vec(\(dw))" : dw
        let rhs = "(\(jm))*\(vecW)"
        let shownF = fOrder == 2 ? "vec(dF)" : "dF", shownW = wOrder == 2 ? "vec(d\(wrt))" : "d\(wrt)"
        let texF = fOrder == 2 ? "\\operatorname{vec}(\\mathrm{d}F)" : "\\mathrm{d}F"
        let texW = wOrder == 2 ? "\\operatorname{vec}(\\mathrm{d}\(LaTeX.symbol(wrt)))" : "\\mathrm{d}\(LaTeX.symbol(wrt))"
        let jShown = fOrder + wOrder <= 2 ? Deriver.rightSide(of: result.unicode, separator: " = ") : jm
        add(Rule("matricized: \(shownF) = J·\(shownW), J = ∂vec(F)/∂vec(\(wrt))ᵀ",
                 "\\operatorname{vec}(\\mathrm{d}F) = J \\operatorname{vec}(\\mathrm{d}W)"),
            lhs: StepSide(kind: .expression, text: vecF), rhs: StepSide(kind: .expression, text: rhs),
            lhsText: shownF, lhsLatex: texF, rhsText: "(\(jShown))·\(shownW)",
            rhsLatex: "\\left(\(Deriver.mathLatex(jm))\\right) \(texW)")
        if fOrder + wOrder <= 2, let m = result.matrix {
            let r = resultReference()
            add(Rule("the Jacobian read off: dF = J dW for every dW", "\\mathrm{d}F = J\\,\\mathrm{d}W \\Rightarrow J"),
                lhs: StepSide(kind: .jacobian, text: objectiveSide), rhs: StepSide(kind: .expression, text: r),
                lhsText: "∂F/∂\(wrt)", lhsLatex: "\\frac{\\partial F}{\\partial \(LaTeX.symbol(wrt))}",
                rhsText: m, rhsLatex: Deriver.rightSide(of: result.latex.replacingOccurrences(of: "\\end{aligned}", with: ""),
                                                        separator: "= "))
        }
    }

    /// The objective as an expression a checker evaluates after the context: the last statement's
    /// expression, or the name of the last definition (added to the context).
    mutating func objectiveForChecks() -> String {
        guard let last = typed.program.statements.last else { return objectiveText }
        switch last {
        case .expression(let e): return e.text
        case .definition(let n, let ix, let value, _):
            context.append((ix.map { "\(n)[\($0.map(\.name).joined(separator: ", "))]" } ?? n) + " = " + value.text)
            return n
        default: return objectiveText
        }
    }

    /// `e` as an expression: its matrix form when it raises, else a name defined in the context in
    /// Einstein notation.
    mutating func expression(_ e: IndexExpr, named hint: String) -> (text: String, shown: MatrixExpr?) {
        if let m = raise(e) { return (m.rendered(.text), m) }
        var n = hint, c = 1
        while taken.contains(n) { c += 1; n = "\(hint)\(c)" }
        taken.insert(n)
        var printer = EinsteinPrinter(format: .text, dims: typed.dims, taken: taken)
        let line = printer.statement(n, e)
        context += printer.hoisted.map(\.line) + [line]
        return (n, nil)
    }

    /// Γ as a definition of the context, with its printed sides.
    mutating func gammaDefinition(_ gamma: IndexExpr)
        -> (name: String, unicodeLhs: String, unicodeRhs: String, latexLhs: String, latexRhs: String) {
        var n = "Gamma", c = 1
        while taken.contains(n) { c += 1; n = "Gamma\(c)" }
        taken.insert(n)
        var printer = EinsteinPrinter(format: .text, dims: typed.dims, taken: taken)
        let line = printer.statement(n, gamma)
        context += printer.hoisted.map(\.line) + [line]
        if WorkBudget.isExhausted { return (n, "", "", "", "") }   // the caller's checkpoint throws
        var tex = EinsteinPrinter(format: .latex, dims: typed.dims, taken: taken)
        let texLine = tex.statement(n, gamma).replacingOccurrences(of: LaTeX.symbol(n), with: "\\Gamma")
        var uni = EinsteinPrinter(format: .unicode, dims: typed.dims, taken: taken)
        let uniLine = uni.statement(n, gamma).replacingOccurrences(of: n, with: "Γ")
        let (ul, ur) = split(uniLine, "Γ"), (tl, tr) = split(texLine, "\\Gamma")
        return (n, ul, ur, tl, tr)
    }

    /// A matrix-notation formula of the engine (a vec form such as `kron(eye(c), x')`) in LaTeX:
    /// eye(n) as I_n, kron/vec/Diag as operators, ' as ⊤; as plain text when a name has an underscore.
    static func mathLatex(_ text: String) -> String {
        guard !text.contains("_"), !text.contains("\\") else { return "\\text{\(LaTeX.escapeText(text))}" }
        var s = text
        while s.contains("''") { s = s.replacingOccurrences(of: "''", with: "") }   // X'' is X
        s = s.replacingOccurrences(of: #"eye\(([^()]*)\)"#, with: "I_{$1}", options: .regularExpression)
        for f in ["kron", "vec", "Diag", "diag", "inv", "tr"] {
            s = s.replacingOccurrences(of: #"\b\#(f)\("#, with: "\\\\operatorname{\(f)}(", options: .regularExpression)
        }
        s = s.replacingOccurrences(of: ".*", with: " \\odot ").replacingOccurrences(of: "./", with: " \\oslash ")
        return s.replacingOccurrences(of: "'", with: "^{\\top}").replacingOccurrences(of: "*", with: " ")
    }

    func split(_ line: String, _ fallback: String) -> (String, String) {
        guard let r = line.firstRange(of: " = ") else { return (line, "") }
        return (String(line[..<r.lowerBound]), String(line[r.upperBound...]))
    }
}
