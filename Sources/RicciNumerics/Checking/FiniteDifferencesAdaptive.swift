import Foundation
import Ricci

// GSL's `gsl_deriv_central` (deriv/deriv.c), applied to every output entry of the objective at
// once: one column of the derivative (the objective's entries by one input entry) per call.
//
// GSL takes a `gsl_function` of one double; the objective here is a whole program whose value is
// a tensor, and an evaluation may throw, so the method is written out over arrays rather than
// called through a C callback: each evaluation serves every output entry.

extension FiniteDifferences.Point {
    /// One column of derivatives with GSL's 5-point rule and error estimate at step `h`:
    /// `result = r5/h`, `round` the rounding error (cancellation and the finite precision of x ± h),
    /// `trunc = |r5 − r3|/h` the truncation error estimated from the 3-point rule.
    func centralDeriv(_ k: Int, _ h: Double) throws -> (result: [Double], round: [Double], trunc: [Double]) {
        let fm1 = try value([(k, -h)]).data, fp1 = try value([(k, h)]).data
        let fmh = try value([(k, -h / 2)]).data, fph = try value([(k, h / 2)]).data
        let m = base.value.count
        guard [fm1, fp1, fmh, fph].allSatisfy({ $0.count == m }) else {
            throw RicciError(.shape, "internal: the objective changed size under a perturbation")
        }
        let eps = Double.ulpOfOne, x = abs(x0.data[k])
        var result = [Double](repeating: 0, count: m), round = result, trunc = result
        for i in 0..<m {
            let r3 = 0.5 * (fp1[i] - fm1[i])
            let r5 = (4.0 / 3.0) * (fph[i] - fmh[i]) - (1.0 / 3.0) * r3
            let e3 = (abs(fp1[i]) + abs(fm1[i])) * eps
            let e5 = 2.0 * (abs(fph[i]) + abs(fmh[i])) * eps + e3
            let dy = max(abs(r3 / h), abs(r5 / h)) * (x / h) * eps
            result[i] = r5 / h
            trunc[i] = abs((r5 - r3) / h)
            round[i] = abs(e5 / h) + dy
        }
        return (result, round, trunc)
    }

    /// `gsl_deriv_central` for one column: the derivative at step `h` and, when truncation
    /// dominates, at the step that balances rounding and truncation,
    /// `h_opt = h·(round/(2·trunc))^(1/3)`, taken from the entry with the largest error; each entry
    /// keeps the second value when its error is smaller and it lies within 4 errors of the first.
    func adaptive(_ k: Int, _ h: Double) throws -> (value: [Double], error: [Double]) {
        let first = try centralDeriv(k, h)
        var value = first.result
        var error = zip(first.round, first.trunc).map(+)
        var worst: Int?
        for i in error.indices where first.round[i] < first.trunc[i] && first.round[i] > 0 && first.trunc[i] > 0 {
            if worst.map({ error[i] > error[$0] }) ?? true { worst = i }
        }
        guard let w = worst else { return (value, error) }
        let hOpt = h * pow(first.round[w] / (2 * first.trunc[w]), 1.0 / 3.0)
        guard hOpt.isFinite, hOpt > 0 else { return (value, error) }
        let second = try centralDeriv(k, hOpt)
        for i in error.indices {
            let e = second.round[i] + second.trunc[i]
            if e < error[i] && abs(second.result[i] - value[i]) < 4 * error[i] {
                value[i] = second.result[i]
                error[i] = e
            }
        }
        return (value, error)
    }
}
