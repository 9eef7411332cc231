import Foundation
import Ricci

// GSL's `gsl_deriv_central` carried over to second differences, one Hessian entry (k, l) at a time:
// the same two rules, the same error model, the same second try at a balancing step.
//
//   D(h) = [f(+k +l) − f(+k −l) − f(−k +l) + f(−k −l)] / (4 h_k h_l)        (error O(h²))
//   r5   = (4·D(h/2) − D(h)) / 3                                              (error O(h⁴))
//
// The truncation estimate |r5 − D(h)| compares two step sizes, so it also picks up the noise of
// evaluating f (which grows as 1/h²: an ill-conditioned inv or solve), not only the curvature.

extension FiniteDifferences.Point {
    /// One Hessian entry at steps (`hk`, `hl`): `result = r5`, `round` the rounding error (the
    /// finite precision of f and of x ± h), `trunc = |r5 − D(h)|` the truncation error estimated
    /// from the plain second difference.
    func secondCentral(_ k: Int, _ l: Int, _ hk: Double, _ hl: Double) throws -> (result: Double, round: Double, trunc: Double) {
        func f(_ a: Double, _ b: Double) throws -> Double { try value([(k, a), (l, b)]).data[0] }
        let full = [try f(hk, hl), try f(hk, -hl), try f(-hk, hl), try f(-hk, -hl)]
        let half = [try f(hk / 2, hl / 2), try f(hk / 2, -hl / 2), try f(-hk / 2, hl / 2), try f(-hk / 2, -hl / 2)]
        let denominator = 4 * hk * hl
        let r3 = (full[0] - full[1] - full[2] + full[3]) / denominator
        let d2 = (half[0] - half[1] - half[2] + half[3]) / (denominator / 4)
        let r5 = (4 * d2 - r3) / 3
        let eps = Double.ulpOfOne
        let e3 = full.reduce(0) { $0 + abs($1) } * eps / denominator
        let e2 = half.reduce(0) { $0 + abs($1) } * eps / (denominator / 4)
        // x ± h is rounded: each step is off by up to eps·|x| (twice that at h/2, relatively).
        let dy = max(abs(r3), abs(r5)) * eps * 2 * (abs(x0.data[k]) / hk + abs(x0.data[l]) / hl)
        return (r5, (4 * e2 + e3) / 3 + dy, abs(r5 - r3))
    }

    /// `gsl_deriv_central` for one Hessian entry: the value at steps (`hk`, `hl`) and, when
    /// truncation dominates, at the steps scaled to balance rounding (∝ 1/h²) and truncation
    /// (∝ h²), by `(round/trunc)^(1/4)`; the second value is kept when its error is smaller and it
    /// lies within 4 errors of the first (GSL's rule).
    ///
    /// GSL's bound charges r5 with the truncation error of the plain second difference (O(h²)),
    /// ten times or more what r5 (O(h⁴)) makes at these steps, so on its own it would refuse most
    /// points. When both steps were tried, the error is instead the difference of their two r5
    /// values (the error of the worse one: truncation at the larger step, evaluation noise at the
    /// smaller, measured rather than modelled), at least the chosen value's rounding error and at
    /// most GSL's bound.
    func adaptiveSecond(_ k: Int, _ l: Int, _ hk: Double, _ hl: Double) throws -> (value: Double, error: Double) {
        let first = try secondCentral(k, l, hk, hl)
        let error = first.round + first.trunc
        guard first.round < first.trunc, first.round > 0 else { return (first.result, error) }
        let scale = pow(first.round / first.trunc, 0.25)
        guard scale.isFinite, scale > 0 else { return (first.result, error) }
        let second = try secondCentral(k, l, hk * scale, hl * scale)
        let e = second.round + second.trunc
        let difference = abs(second.result - first.result)
        if e < error && difference < 4 * error { return (second.result, min(e, max(difference, second.round))) }
        return (first.result, min(error, max(difference, first.round)))
    }
}
