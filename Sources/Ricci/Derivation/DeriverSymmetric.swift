/// The last step of a derivation by a matrix declared `symmetric`/`spd`: the gradient read off with
/// entries independent (G) made the gradient within symmetric matrices, (G + Gᵀ)/2 (the default
/// convention, ``SymmetricConvention/sym``).
extension Deriver {
    mutating func symmetrize(to sym: DerivativeResult) {
        guard let g = result.matrix, let s = sym.matrix, g != s,
              (result.intermediates + sym.intermediates).allSatisfy(\.fromProgram) else { return }
        let gradient = "∂φ/∂\(wrt)", gradientLatex = "\\frac{\\partial \\varphi}{\\partial \(LaTeX.symbol(wrt))}"
        add(Rule("\(wrt) is symmetric: the gradient within symmetric matrices is (G + Gᵀ)/2 (--symmetric sym)",
                 "\(LaTeX.symbol(wrt)) = \(LaTeX.symbol(wrt))^{\\top}: \\tfrac{1}{2}(G + G^{\\top})"),
            lhs: StepSide(kind: .expression, text: "0.5*(\(g) + (\(g))')"), rhs: StepSide(kind: .expression, text: s),
            lhsText: "½(\(gradient) + (\(gradient))ᵀ)", lhsLatex: "\\tfrac{1}{2}\\left(\(gradientLatex) + \(gradientLatex)^{\\top}\\right)",
            rhsText: Deriver.rightSide(of: sym.unicode, separator: " = "),
            rhsLatex: Deriver.rightSide(of: sym.latex.replacingOccurrences(of: "\\end{aligned}", with: ""), separator: "= "))
    }
}
