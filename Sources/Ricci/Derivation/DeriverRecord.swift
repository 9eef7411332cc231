/// A rule as text (Unicode) and as LaTeX.
struct Rule {
    var text: String
    var latex: String
    init(_ text: String, _ latex: String) { self.text = text; self.latex = latex }
    init(_ pair: (String, String)) { self.text = pair.0; self.latex = pair.1 }
}

/// Recording steps, the result as a definition, and the index form of the chain rule.
extension Deriver {
    /// Records a step; the shown forms default to the sides' own text.
    mutating func add(_ rule: Rule, lhs: StepSide, rhs: StepSide, lhsShown: MatrixExpr? = nil,
                      lhsText: String? = nil, lhsLatex: String? = nil, rhsShown: MatrixExpr? = nil,
                      rhsText: String? = nil, rhsLatex: String? = nil) {
        if latexDifferentials.count != names.count {
            var pairs: [String: String] = [:]
            for (x, dx) in names { pairs[LaTeX.symbol(dx)] = "\\mathrm{d}" + LaTeX.symbol(x) }
            latexDifferentials = (names.count, pairs)
        }
        let lt = lhsText ?? lhsShown?.rendered(.unicode) ?? lhs.text
        let rt = rhsText ?? rhsShown?.rendered(.unicode) ?? rhs.text
        let ll = differentials(lhsLatex ?? lhsShown?.rendered(.latex) ?? LaTeX.escapeText(lhs.text))
        let rl = differentials(rhsLatex ?? rhsShown?.rendered(.latex) ?? LaTeX.escapeText(rhs.text))
        steps.append(DerivationStep(rule: rule.text, lhs: lhs, rhs: rhs, text: "\(lt) = \(rt)",
                                    latex: "\(ll) &= \(rl)", ruleLatex: rule.latex))
    }

    /// LaTeX with differential names written as d·X: `\mathit{dE}` → `\mathrm{d}E`.
    ///
    /// One scan of the text: a differential's symbol is `\\mathit{dE}`, or `\\mathit{dE}_{1}` for a name
    /// with an underscore (LaTeX.symbol), so each `\\mathit{…}` (with its subscript, the longer
    /// first) is looked up, and the cost does not grow with the number of names.
    func differentials(_ s: String) -> String {
        let pairs = latexDifferentials.pairs
        guard !pairs.isEmpty else { return s }
        let open = "\\mathit{"
        var out = ""
        var rest = s[...]
        while let r = rest.firstRange(of: open) {   // the standard library's search (Foundation's copies `rest`)
            out += rest[..<r.lowerBound]
            guard let close = rest[r.upperBound...].firstIndex(of: "}") else { return out + rest[r.lowerBound...] }
            let end1 = rest.index(after: close)
            var end = end1
            var replacement = pairs[String(rest[r.lowerBound..<end1])]
            if rest[end1...].hasPrefix("_{"), let close2 = rest[end1...].firstIndex(of: "}") {
                let end2 = rest.index(after: close2)
                if let longer = pairs[String(rest[r.lowerBound..<end2])] { replacement = longer; end = end2 }
            }
            out += replacement ?? String(rest[r.lowerBound..<end1])
            if replacement == nil { end = end1 }
            rest = rest[end...]
        }
        return out + rest
    }

    /// The adjoint ∂φ/∂E of a definition, named `G_E` once it is about to be copied into several
    /// terms (as reverse mode names its adjoints): every later step refers to the name, so a chain
    /// of definitions gives steps of constant size instead of doubling them at every level.
    mutating func nameAdjoint(of target: String, _ g: MatrixExpr) -> MatrixExpr {
        switch g {
        case .symbol, .number: return g
        default: break
        }
        let text = g.rendered(.text)
        guard text.count > 12 else { return g }   // ones(n): shorter than any name
        var n = "G_" + target, k = 1
        while taken.contains(n) { k += 1; n = "G_\(target)\(k)" }
        taken.insert(n)
        context.append("\(n) = \(text)")
        shown.append(("\(n) = ∂φ/∂\(target) = \(g.rendered(.unicode))",
                      "\(LaTeX.symbol(n)) &= \\frac{\\partial \\varphi}{\\partial \(LaTeX.symbol(target))} = \(g.rendered(.latex))"))
        add(Rule("the adjoint ∂φ/∂\(target) is named once (it is used in several terms)",
                 "\\text{the adjoint } \\partial\\varphi/\\partial \(LaTeX.symbol(target)) \\text{ is named once}"),
            lhs: StepSide(kind: .expression, text: text), rhs: StepSide(kind: .expression, text: n),
            lhsShown: g, rhsShown: .symbol(n))
        return .symbol(n)
    }

    /// A differentiator through the definitions; for a chain of definitions each definition's
    /// derivative is a named tangent, built once (``addTangents(of:)`` defines them), so Γ stays
    /// linear in the chain's length instead of doubling at every level.
    func fullDifferentiator() -> Differentiator {
        let full = Differentiator(program, wrt: wrt, generator: gen)
        if Derivatives.chainDepth(program) >= Derivatives.hessianChainThreshold {
            // (the engine's result may define its own tangents in the context: their names are taken)
            full.tangentNames = taken.union(["Gamma"]).union(result.intermediates.map(\.name))
                .union(result.matrixIntermediates.map(\.name))
        }
        return full
    }

    /// The tangents `full` named, as definitions of the context (for the checks) and shown ones.
    mutating func addTangents(of full: Differentiator) {
        for (tn, te) in full.tangents {
            taken.insert(tn)
            var printer = EinsteinPrinter(format: .text, dims: typed.dims, taken: taken)
            let line = printer.statement(tn, te)
            context += printer.hoisted.map(\.line) + [line]
            var uni = EinsteinPrinter(format: .unicode, dims: typed.dims, taken: taken)
            var tex = EinsteinPrinter(format: .latex, dims: typed.dims, taken: taken)
            shown.append((uni.statement(tn, te), tex.statement(tn, te).replacingOccurrences(of: " = ", with: " &= ")))
        }
    }

    /// The engine's result added to the context under a fresh name; returns that name.
    mutating func resultReference() -> String {
        var n = "Gw", k = 1
        while taken.contains(n) { k += 1; n = "Gw\(k)" }
        taken.insert(n)
        if result.matrix != nil {
            for i in result.matrixIntermediates where !context.contains(where: { $0.hasPrefix(i.name + " =") }) {
                if let m = i.matrix { context.append("\(i.name) = \(m)") }
            }
        } else {
            for i in result.intermediates where !context.contains(where: { $0.hasPrefix(i.name + " =") }) { context += i.einstein }
        }
        if let m = result.matrix {
            context.append("\(n) = \(m)")
        } else {
            context += result.einsteinDefinitions
            let line = result.einstein
            context.append(n + line.drop(while: { $0 != "[" && $0 != " " }))
        }
        return n
    }

    /// The rule of the last step: the engine's form, citing the identities its simplifier used.
    func simplifiedRule() -> Rule {
        let cited = result.identities.compactMap { n in MatrixIdentities.statement(of: n).map { "\(n): \($0)" } }
        guard !cited.isEmpty else { return Rule("simplified: the engine's form", "\\text{simplified}") }
        return Rule("simplified: the engine's form, by " + cited.joined(separator: "; "),
                    "\\text{simplified by " + LaTeX.escapeText(result.identities.joined(separator: ", ")) + "}")
    }

    /// The chain rule with the explicit Γ: Γ = ∂D/∂W for the objective's one direct dependency D, and
    /// ∂φ/∂W = (∂φ/∂D) : Γ.
    mutating func indexFormChainRule() {
        guard outer.count == 1, let (d, g) = outer.first, d != wrt,
              let def = program.statements.first(where: { $0.name == d }), (1...2).contains(def.expr.free.count),
              case .tensor(let shape)? = typed.symbols[wrt]?.kind, (1...2).contains(shape.count) else { return }
        let k = shape.enumerated().map { n, dim in gen.fresh(["k", "l"][n], dim) }
        let full = fullDifferentiator()
        let gamma = simplifier.simplify(full.derivative(simplifier.simplify(def.expr), by: k))
        addTangents(of: full)
        let gammaLine = gammaDefinition(gamma)
        let n = gammaLine.name
        add(Rule("the tensor Γ = ∂\(d)/∂\(wrt) of order \(def.expr.free.count + shape.count), explicit in index form",
                 "\\Gamma = \\partial \(LaTeX.symbol(d)) / \\partial \(LaTeX.symbol(wrt)) \\text{, in index form}"),
            lhs: StepSide(kind: .jacobian, text: d), rhs: StepSide(kind: .expression, text: n),
            lhsText: gammaLine.unicodeLhs, lhsLatex: gammaLine.latexLhs, rhsText: gammaLine.unicodeRhs, rhsLatex: gammaLine.latexRhs)
        let contracted = MatrixExpr.doubleDot(g, .symbol(n))
        add(Rule("the chain rule by a double dot: ∂φ/∂\(wrt) = (∂φ/∂\(d)) : Γ",
                 "\\frac{\\partial\\varphi}{\\partial \(LaTeX.symbol(wrt))} = \\frac{\\partial\\varphi}{\\partial \(LaTeX.symbol(d))} : \\Gamma"),
            lhs: StepSide(kind: .gradient, text: ""), rhs: StepSide(kind: .expression, text: contracted.rendered(.text)),
            lhsText: "∂φ/∂\(wrt)", lhsLatex: "\\frac{\\partial \\varphi}{\\partial \(LaTeX.symbol(wrt))}",
            rhsText: contracted.rendered(.unicode).replacingOccurrences(of: n, with: "Γ"),
            rhsLatex: contracted.rendered(.latex).replacingOccurrences(of: LaTeX.symbol(n), with: "\\Gamma"))
    }
}

/// Names the differential rules a definition's differential uses.
enum DifferentialRules {
    static func describe(_ e: IndexExpr) -> (String, String) {
        var text: [String] = [], latex: [String] = []
        func add(_ t: String, _ l: String) { if !text.contains(t) { text.append(t); latex.append(l) } }
        func walk(_ x: IndexExpr) {
            for t in x.terms {
                if t.factors.count > 1 { add("d(UV) = dU V + U dV", "d(UV) = dU\\,V + U\\,dV") }
                for f in t.factors {
                    switch f {
                    case .function(.identity, let a): walk(a)
                    case .function(.power, let a): add("d U^p = p U^(p−1) ⊙ dU", "dU^{p} = pU^{p-1} \\odot dU"); walk(a)
                    case .function(_, let a): add("d h(U) = h′(U) ⊙ dU", "dh(U) = h'(U) \\odot dU"); walk(a)
                    case .opaque(_, _, let a, _): add("dF(U) = F′(U) : dU", "dF(U) = F'(U) : dU"); walk(a)
                    case .matrix(.inv, let args, _): add("d inv(U) = −inv(U) dU inv(U)", "dU^{-1} = -U^{-1}\\,dU\\,U^{-1}"); args.forEach(walk)
                    case .matrix(.det, let args, _): add("d det(U) = det(U) tr(inv(U) dU)", "d\\det U = \\det U \\operatorname{tr}(U^{-1} dU)"); args.forEach(walk)
                    case .matrix(.logdet, let args, _): add("d logdet(U) = tr(inv(U) dU)", "d\\log\\det U = \\operatorname{tr}(U^{-1} dU)"); args.forEach(walk)
                    case .matrix(.softmax, let args, _):
                        add("d softmax(U) = S ⊙ (dU − 1(1ᵀ(S ⊙ dU)))", "dS = S \\odot (dU - \\mathbf{1}\\mathbf{1}^{\\top}(S \\odot dU))"); args.forEach(walk)
                    case .matrix(_, let args, _): args.forEach(walk)
                    case .tensor, .delta, .reshape, .ones: break
                    }
                }
            }
        }
        walk(e)
        if text.isEmpty { return ("d is linear", "d \\text{ is linear}") }
        return (text.joined(separator: ", "), latex.joined(separator: ",\\; "))
    }
}
