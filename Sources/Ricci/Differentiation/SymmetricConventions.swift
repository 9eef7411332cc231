/// The convention of a derivative by a matrix declared `symmetric` or `spd`, which has one free
/// entry per pair (i, j) (SYNTAX.md section 4). With G the derivative that treats every entry as
/// independent:
///
/// - ``sym`` (the default): (G + Gᵀ)/2, the gradient within symmetric matrices (matrixcalculus.org's):
///   df = ⟨G_sym, dS⟩ for every symmetric dS. Entry (i, j) off the diagonal is half the derivative
///   along the symmetric perturbation E_ij + E_ji; entry (i, i) the derivative along E_ii.
/// - ``cookbook``: G + Gᵀ − Diag(diag(G)), the Matrix Cookbook's: the derivative by each free entry,
///   entry (i, j) being the derivative along E_ij + E_ji (E_ii on the diagonal).
/// - ``independent`` (`none`): G itself, the derivative of the program as written by each entry independently.
///
/// Jacobians by such a matrix apply the convention to the variable's index pair (the last two
/// axes); Hessians to both of its pairs.
public enum SymmetricConvention: String, Sendable, CaseIterable {
    /// (G + Gᵀ)/2, the gradient within symmetric matrices (the default).
    case sym
    /// G + Gᵀ − Diag(diag(G)), the Matrix Cookbook's derivative by each free entry.
    case cookbook
    /// Entries independent (spelled `none` on the command line and in JSON).
    case independent = "none"

    /// The formula in words, for output: `(G + G')/2`.
    public var formula: String {
        switch self {
        case .sym: return "(G + G')/2"
        case .cookbook: return "G + G' - Diag(diag(G))"
        case .independent: return "G, entries independent"
        }
    }

    /// Whether a derivative by `name` has a convention: a square matrix declared `symmetric` or `spd`.
    public static func applies(to name: String, in program: TypedProgram) -> Bool {
        guard let s = program.symbols[name], s.properties.contains(.symmetric) || s.properties.contains(.spd),
              case .tensor(let shape) = s.kind, shape.count == 2 else { return false }
        return !program.dims.isOne(shape[0])
    }

    /// The axis pairs of a result that index the variable: (0, 1) for a gradient, the last two
    /// axes of a Jacobian, (0, 1) and (2, 3) for a Hessian.
    public static func variablePairs(kind: DerivativeKind, order: Int) -> [(Int, Int)] {
        switch kind {
        case .gradient: return order == 2 ? [(0, 1)] : []
        case .jacobian: return order >= 2 ? [(order - 2, order - 1)] : []
        case .hessian: return order == 4 ? [(0, 1), (2, 3)] : []
        }
    }

    /// `e` (whose free indices are the result's axes) under this convention, unsimplified.
    func apply(to e: IndexExpr, pairs: [(Int, Int)]) -> IndexExpr {
        var out = e
        for (p, q) in pairs where p < out.free.count && q < out.free.count {
            let (a, b) = (out.free[p], out.free[q])
            let swapped = out.terms.map { $0.renamed([a: b, b: a]) }
            switch self {
            case .independent: break
            case .sym:
                out.terms = (out.terms + swapped).map { Term(0.5 * $0.coefficient, $0.factors) }
            case .cookbook:
                let diagonal = out.terms.map { Term(-$0.coefficient, $0.factors + [.delta(a, b)]) }
                out.terms = out.terms + swapped + diagonal
            }
        }
        return out
    }
}
