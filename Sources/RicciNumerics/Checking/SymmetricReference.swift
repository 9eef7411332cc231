import Foundation
import Ricci

/// Finite-difference references for derivatives by a matrix declared `symmetric`/`spd`, one per
/// ``/Ricci/SymmetricConvention``: what each convention's entries are, as directional derivatives.
///
/// Let V_ij = E_ij + E_ji for i ≠ j and V_ii = E_ii (a symmetric perturbation), and D_ij the
/// derivative along V_ij (``FiniteDifferences/SymmetricConvention/symmetricPairs``).
/// - `cookbook`: entry (i, j) is D_ij — the derivative by the free entry S_ij = S_ji.
/// - `sym`: entry (i, j) is D_ij/2 off the diagonal and D_ii on it — the gradient G_s within
///   symmetric matrices, since ⟨G_s, V_ij⟩ = 2·G_s[i, j] off the diagonal.
/// - `none`: entry (i, j) is the derivative along E_ij alone, the matrix leaving the symmetric set.
/// A Jacobian's variable pair is its last two axes; a Hessian's are both pairs (second differences
/// along V_ij and V_kl, halved once per off-diagonal pair under `sym`).
public enum SymmetricReference {
    /// The finite-difference derivative of `source` by `wrt` in the result's layout, under a convention.
    /// `method`: the difference formula (nil: Richardson for first derivatives; for a Hessian, the adaptive
    /// method with its error estimate, from the larger step).
    public static func reference(source: String, wrt: String, kind: DerivativeKind, layout: Layout, convention: SymmetricConvention,
                                 settings: EvaluationSettings, method: FiniteDifferences.Method? = nil) throws -> (Tensor, Evaluation) {
        let r = try result(source: source, wrt: wrt, kind: kind, layout: layout, convention: convention, settings: settings, method: method)
        return (r.derivative, r.base)
    }

    /// The same as a ``FiniteDifferences/Result``.
    public static func result(source: String, wrt: String, kind: DerivativeKind, layout: Layout, convention: SymmetricConvention,
                              settings: EvaluationSettings, method: FiniteDifferences.Method? = nil) throws -> FiniteDifferences.Result {
        let pairs: FiniteDifferences.SymmetricConvention = convention == .independent ? .unconstrained : .symmetricPairs
        var derivative: Tensor, base: Evaluation, estimate: Double
        if kind == .hessian {
            let r = try FiniteDifferences.hessian(of: source, wrt: wrt, settings: settings,
                                                  options: .init(method: method ?? .adaptive(relativeStep: 4e-3), symmetric: pairs))
            (derivative, base, estimate) = (r.derivative, r.base, r.estimatedError)
        } else {
            let r = try FiniteDifferences.derivative(of: source, wrt: wrt, settings: settings,
                                                     options: .init(method: method ?? .richardson(relativeStep: 1e-3), symmetric: pairs))
            (derivative, base, estimate) = (r.derivative, r.base, r.estimatedError)
        }
        if convention == .sym {
            derivative = halvedOffDiagonal(derivative, pairs: SymmetricConvention.variablePairs(kind: kind, order: derivative.order))
        }
        if kind == .gradient && layout == .numerator {
            derivative = try FiniteDifferences.numeratorLayout(derivative, wrtOrder: 2)
        }
        return FiniteDifferences.Result(derivative: derivative, base: base, estimatedError: estimate)
    }

    /// Every entry halved once for each of `pairs` (axis pairs) whose two indices differ.
    public static func halvedOffDiagonal(_ t: Tensor, pairs: [(Int, Int)]) -> Tensor {
        var out = t
        let shape = t.shape
        guard !pairs.isEmpty, pairs.allSatisfy({ $0.0 < shape.count && $0.1 < shape.count }) else { return t }
        var index = [Int](repeating: 0, count: shape.count)
        for k in 0..<t.count {
            var rest = k
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                index[axis] = rest % shape[axis]
                rest /= shape[axis]
            }
            for (p, q) in pairs where index[p] != index[q] { out.data[k] *= 0.5 }
        }
        return out
    }
}
