import CGSL

/// Zero-copy GSL views over Swift buffers.
///
/// GSL refuses views with a zero dimension, so callers handle empty operands before coming here.
enum GSLViews {
    /// Calls `body` with a read-only `rows`×`columns` GSL matrix over `pointer` (row-major, no copy).
    static func withMatrix<R>(_ pointer: UnsafePointer<Double>, rows: Int, columns: Int,
                              _ body: (UnsafePointer<gsl_matrix>) throws -> R) rethrows -> R {
        var view = gsl_matrix_const_view_array(pointer, rows, columns)
        return try withUnsafePointer(to: &view.matrix) { try body($0) }
    }

    /// Calls `body` with a writable `rows`×`columns` GSL matrix over `pointer` (row-major, no copy).
    static func withMutableMatrix<R>(_ pointer: UnsafeMutablePointer<Double>, rows: Int, columns: Int,
                                     _ body: (UnsafeMutablePointer<gsl_matrix>) throws -> R) rethrows -> R {
        var view = gsl_matrix_view_array(pointer, rows, columns)
        return try withUnsafeMutablePointer(to: &view.matrix) { try body($0) }
    }

    /// Calls `body` with a read-only GSL vector of `count` elements over `pointer` (no copy).
    static func withVector<R>(_ pointer: UnsafePointer<Double>, count: Int,
                              _ body: (UnsafePointer<gsl_vector>) throws -> R) rethrows -> R {
        var view = gsl_vector_const_view_array(pointer, count)
        return try withUnsafePointer(to: &view.vector) { try body($0) }
    }

    /// Calls `body` with a writable GSL vector of `count` elements over `pointer` (no copy).
    static func withMutableVector<R>(_ pointer: UnsafeMutablePointer<Double>, count: Int,
                                     _ body: (UnsafeMutablePointer<gsl_vector>) throws -> R) rethrows -> R {
        var view = gsl_vector_view_array(pointer, count)
        return try withUnsafeMutablePointer(to: &view.vector) { try body($0) }
    }
}

/// GEMM on raw row-major buffers through `gsl_blas_dgemm` (which resolves to OpenBLAS).
enum BLASKernels {
    /// `C (m×n) = alpha·op(A)·op(B) + beta·C`, where `op(A)` is m×k and `op(B)` is k×n.
    /// `A` is stored m×k (k×m when `transA`), `B` k×n (n×k when `transB`). All sizes must be > 0.
    static func gemm(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                     m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
                     alpha: Double = 1, beta: Double = 0) throws {
        GSLRuntime.ensureInitialized()
        if n == 1 || m == 1 {
            try gemv(a, b, c, m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta)
            return
        }
        let status = GSLViews.withMatrix(a, rows: transA ? k : m, columns: transA ? m : k) { ma in
            GSLViews.withMatrix(b, rows: transB ? n : k, columns: transB ? k : n) { mb in
                GSLViews.withMutableMatrix(c, rows: m, columns: n) { mc in
                    gsl_blas_dgemm(transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                   alpha, ma, mb, beta, mc)
                }
            }
        }
        try GSLRuntime.check(status, operation: "dgemm")
    }

    /// A GEMM with one output row or column is a matrix-vector product: `gsl_blas_dgemv`.
    private static func gemv(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                             m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Double, beta: Double) throws {
        let status: Int32
        if n == 1 {
            // c (m) = op(A) (m×k) · b (k); a k×1 or 1×k B is a contiguous vector either way.
            status = GSLViews.withMatrix(a, rows: transA ? k : m, columns: transA ? m : k) { ma in
                GSLViews.withVector(b, count: k) { vb in
                    GSLViews.withMutableVector(c, count: m) { vc in
                        gsl_blas_dgemv(transA ? CblasTrans : CblasNoTrans, alpha, ma, vb, beta, vc)
                    }
                }
            }
        } else {
            // c (n) = op(B)ᵀ (n×k) · a (k), with B stored k×n (or n×k when transB).
            status = GSLViews.withMatrix(b, rows: transB ? n : k, columns: transB ? k : n) { mb in
                GSLViews.withVector(a, count: k) { va in
                    GSLViews.withMutableVector(c, count: n) { vc in
                        gsl_blas_dgemv(transB ? CblasNoTrans : CblasTrans, alpha, mb, va, beta, vc)
                    }
                }
            }
        }
        try GSLRuntime.check(status, operation: "dgemv")
    }
}
