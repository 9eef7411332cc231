import CRicciKernels
import Foundation

/// Matrix-vector products `alpha·X·v` and `alpha·Xᵀv` (`+ out`) for a row-major X, with the rows of X
/// split into one band per thread.
///
/// Both run in Ricci's own kernels and thread pool (`ricci_pool_run`, whose workers spin briefly
/// between jobs) rather than OpenBLAS's: its workers spin (`sched_yield`) for a while after each call
/// and took a core from the next step's threads (a logistic gradient's `X'*v` ran in 0.35 ms after an
/// OpenBLAS `X*w`, against 0.11 ms alone), and GCD's threads took about 0.1 ms to wake, as long as a
/// band's work.
///
/// OpenBLAS's transposed GEMV on a row-major matrix splits the output across its threads, so every
/// thread reads every row of X in pieces; here each thread reads whole rows of its own band once
/// (`ricci_gemv_t_rows`, four rows at a time against an L1-sized block of the result) into a partial
/// result, and the partials are added. On the 4000×500 X of a logistic-regression gradient it
/// took about half the time of `cblas_dgemv` on two cores in an isolated C run (0.10–0.12 ms against
/// 0.19); the logistic gradient's plan (two such products) runs in 0.57× the time of
/// `jax.jit(jax.grad)` (bench/RESULTS.md). A row is read whole when the result fits in 8,192 entries,
/// so a matrix streamed from memory is read in long runs the prefetchers follow.
/// `X·v` is a dot product per row, four rows at a time (`ricci_gemv_n_rows`).
enum RowBandGEMV {
    /// Products smaller than this many entries of X run as one band.
    static let parallelThreshold = 1 << 16
    /// Each band has at least this many rows.
    static let minimumBandRows = 64

    /// The number of bands for a `rows`×`cols` product.
    static func bands(rows: Int, cols: Int, threads: Int) -> Int {
        rows * cols >= parallelThreshold ? max(1, min(threads, rows / minimumBandRows)) : 1
    }

    /// `out[i] = alpha·Σⱼ x[i, j]·v[j] (+ out[i] when accumulating)` for the `rows`×`cols` row-major `x`:
    /// each band of rows computes its own entries of `out`.
    static func product(_ x: UnsafePointer<Double>, rows: Int, cols: Int, _ v: UnsafePointer<Double>, alpha: Double,
                        accumulate: Bool, into out: UnsafeMutablePointer<Double>, threads: Int = PlanEntrywiseLoop.threads) {
        guard rows > 0 else { return }
        guard cols > 0 else { if !accumulate { out.update(repeating: 0, count: rows) }; return }
        let bands = bands(rows: rows, cols: cols, threads: threads)
        let scratch = accumulate || alpha != 1 ? UnsafeMutablePointer<Double>.allocate(capacity: rows) : out
        defer { if scratch != out { scratch.deallocate() } }
        ricci_gemv_n(x, rows, cols, v, scratch, bands)
        if accumulate {
            for i in 0..<rows { out[i] += alpha * scratch[i] }
        } else if scratch != out {
            for i in 0..<rows { out[i] = alpha * scratch[i] }
        }
    }

    /// `out[j] = alpha·Σᵢ x[i, j]·v[i] (+ out[j] when accumulating)` for the `rows`×`cols` row-major `x`.
    static func transposedProduct(_ x: UnsafePointer<Double>, rows: Int, cols: Int, _ v: UnsafePointer<Double>,
                                  alpha: Double, accumulate: Bool, into out: UnsafeMutablePointer<Double>, threads: Int = PlanEntrywiseLoop.threads) {
        guard cols > 0 else { return }
        guard rows > 0 else { if !accumulate { out.update(repeating: 0, count: cols) }; return }
        let bands = bands(rows: rows, cols: cols, threads: threads)
        let partials = UnsafeMutablePointer<Double>.allocate(capacity: bands * cols)
        defer { partials.deallocate() }
        ricci_gemv_t(x, rows, cols, v, partials, bands)
        for j in 0..<cols {
            var s = partials[j]
            for b in 1..<max(bands, 1) { s += partials[b * cols + j] }
            out[j] = accumulate ? out[j] + alpha * s : alpha * s
        }
    }
}
