/// The printed forms of a derivation: text (Unicode), a LaTeX `aligned` block, a complete LaTeX
/// document, and JSON with the steps of SYNTAX.md section 5.
public struct DerivationReport: Sendable {
    /// The derivation printed.
    public let derivation: Derivation

    /// A report of `derivation`.
    public init(_ derivation: Derivation) { self.derivation = derivation }

    /// One step per line, with the identity it uses.
    public func text() -> String {
        let d = derivation
        var lines = [jacobian ? "# the Jacobian of F = \(objective) by \(d.wrt), step by step"
                              : "# the gradient of φ = \(objective) by \(d.wrt), step by step"]
        if !d.definitions.isEmpty { lines.append("where " + d.definitions.joined(separator: ";  ")) }
        let width = min(72, d.steps.map { $0.text.count }.max() ?? 0)
        for s in d.steps {
            let pad = String(repeating: " ", count: max(1, width - s.text.count + 2))
            lines.append("  " + s.text + pad + "[" + s.rule + "]")
        }
        if let m = d.result.matrix { lines.append("result: \(d.result.name) = \(m)") }
        return lines.joined(separator: "\n")
    }

    /// Whether the derivation is of a Jacobian (a vector or matrix objective).
    var jacobian: Bool { derivation.result.kind == .jacobian }

    var objective: String {
        let last = (try? Parser.parse(derivation.source))?.statements.last
        if case .expression(let e)? = last { return e.text }
        if case .definition(let n, let ix, let value, _)? = last {
            return n + " (" + (ix.map { "\(n)[\($0.map(\.name).joined(separator: ", "))]" } ?? n) + " = " + value.text + ")"
        }
        return "the objective"
    }

    /// The derivation as one `aligned` block: definitions, then each step with its rule.
    public func latex() -> String {
        let d = derivation
        var rows = d.definitionsLatex.map { $0 + " &&" }
        rows += d.steps.map { "\($0.latex) && \\left[\\, \($0.ruleLatex) \\,\\right]" }
        return "\\begin{aligned}\n" + rows.joined(separator: " \\\\\n") + "\n\\end{aligned}"
    }

    /// A complete document (article, amsmath) that compiles with pdflatex.
    public func standalone() -> String {
        let d = derivation
        let program = d.source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "\\texttt{" + LaTeX.escapeText(String($0)).replacingOccurrences(of: " ", with: "~") + "}" }
            .joined(separator: "\\\\\n")
        let w = LaTeX.symbol(d.wrt)
        return """
        \\documentclass[10pt]{article}
        \\usepackage[utf8]{inputenc}
        \\usepackage{amsmath,amssymb}
        \\usepackage[a4paper,landscape,margin=1.5cm]{geometry}
        \\allowdisplaybreaks
        \\begin{document}
        \\section*{The \(jacobian ? "Jacobian of $F$" : "gradient of $\\varphi$") by $\(w)$}
        \\noindent The program:\\\\
        \(program)

        \\medskip\\noindent Derivation (each step with the identity it uses):
        \\begin{align*}
        \(latexRows())
        \\end{align*}
        \\noindent Result: $\(d.result.latex.contains("aligned") ? "\\displaystyle " + d.result.latex : d.result.latex)$
        \\end{document}

        """
    }

    func latexRows() -> String {
        let d = derivation
        var rows = d.definitionsLatex
        rows += d.steps.map { "\($0.latex) && \\left[\\, \($0.ruleLatex) \\,\\right]" }
        return rows.joined(separator: " \\\\\n")
    }

    /// The JSON object of SYNTAX.md section 5 with `steps`.
    public func json() -> JSON {
        let d = derivation
        func side(_ s: StepSide) -> JSON { .object([("kind", .string(s.kind.rawValue)), ("text", .string(s.text))]) }
        return .object([
            ("input", .string(d.source)),
            ("wrt", .array([.string(d.wrt)])),
            ("kind", .string(d.result.kind.rawValue)),
            ("order", .number(Double(d.result.order))),
            ("shape", .array(d.result.shape.map { .string($0.description) })),
            ("matrix", d.result.matrix.map(JSON.string) ?? .null),
            ("einstein", .string(d.result.einstein)),
            ("where", .array(d.result.definitions.map { .array([.string($0.name), .string($0.value)]) })),
            ("latex", .string(latex())),
            ("unicode", .string(text())),
            ("direction", .string(d.direction)),
            ("context", .array(d.context.map(JSON.string))),
            ("steps", .array(d.steps.map { s in
                .object([("rule", .string(s.rule)), ("latex", .string(s.latex)), ("rule_latex", .string(s.ruleLatex)),
                         ("text", .string(s.text)), ("lhs", side(s.lhs)), ("rhs", side(s.rhs))])
            })),
        ])
    }
}
