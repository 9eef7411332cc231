import CRicciKernels
import Foundation

/// `out = alpha·Xᵀv (+ out)` for a row-major X, with the rows of X split into one band per thread.
///
/// OpenBLAS's transposed GEMV on a row-major matrix splits the output across its threads, so every
/// thread reads every row of X in pieces; here each thread reads whole rows of its own band once
/// (`ricci_gemv_t_rows`, four rows at a time against an L1-sized block of the result) into a partial
/// result, and the partials are added. On the 4000×500 X of a logistic-regression gradient it
/// takes about half the time of `cblas_dgemv` on two cores (bench/RESULTS.md, session 6).
enum RowBandGEMV {
    /// Products smaller than this many entries of X run as one band.
    static let parallelThreshold = 1 << 16
    /// Each band has at least this many rows.
    static let minimumBandRows = 64

    /// `out[j] = alpha·Σᵢ x[i, j]·v[i] (+ out[j] when accumulating)` for the `rows`×`cols` row-major `x`.
    static func run(_ x: UnsafePointer<Double>, rows: Int, cols: Int, _ v: UnsafePointer<Double>, alpha: Double,
                    accumulate: Bool, into out: UnsafeMutablePointer<Double>, threads: Int = PlanEntrywiseLoop.threads) {
        guard cols > 0 else { return }
        guard rows > 0 else { if !accumulate { out.update(repeating: 0, count: cols) }; return }
        let bands = rows * cols >= parallelThreshold ? max(1, min(threads, rows / minimumBandRows)) : 1
        let partials = UnsafeMutablePointer<Double>.allocate(capacity: bands * cols)
        defer { partials.deallocate() }
        let band = { (b: Int) in
            ricci_gemv_t_rows(x, cols, v, b * rows / bands, (b + 1) * rows / bands, partials + b * cols)
        }
        if bands == 1 { band(0) } else { DispatchQueue.concurrentPerform(iterations: bands, execute: band) }
        for j in 0..<cols {
            var s = partials[j]
            for b in 1..<max(bands, 1) { s += partials[b * cols + j] }
            out[j] = accumulate ? out[j] + alpha * s : alpha * s
        }
    }
}
