import CGSL
import Foundation

/// Solves, inverses and determinants of symmetric positive definite matrices through one Cholesky
/// factorization (`gsl_linalg_cholesky_*`): half the work of LU and no pivoting.
///
/// Each returns nil when the matrix is not symmetric (relative tolerance 1e-10) or not positive
/// definite to working precision, so a caller that only expected an spd matrix (a declared `spd`
/// input, a Gram product `XᵀX`) falls back to LU and gets LU's answer and LU's errors.
extension Linalg {
    /// `a⁻¹·b` for an spd `a` (`b` a vector or a matrix), or nil when `a` is not spd.
    public static func choleskySolve(_ a: Tensor, _ b: Tensor) throws -> Tensor? {
        guard b.order == 1 || b.order == 2 else {
            throw NumericError.shapeMismatch("solve: right-hand side \(Tensor.describe(b.shape))")
        }
        return try withCholesky(a) { l, n in
            guard b.shape[0] == n else {
                throw NumericError.shapeMismatch("solve: \(n)×\(n) system with right-hand side \(Tensor.describe(b.shape))")
            }
            var x = b
            let columns = b.order == 2 ? b.shape[1] : 1
            if columns == 0 { return x }
            let status = x.data.withUnsafeMutableBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return 0 }
                if b.order == 1 { return GSLViews.withMutableVector(base, count: n) { gsl_linalg_cholesky_svx(l, $0) } }
                return GSLViews.withMutableMatrix(base, rows: n, columns: columns) { gsl_linalg_cholesky_svx_mat(l, $0) }
            }
            try GSLRuntime.check(status, operation: "solve")
            return x
        }
    }

    /// `a⁻¹` for an spd `a`, or nil when `a` is not spd.
    public static func choleskyInverse(_ a: Tensor) throws -> Tensor? {
        try withCholesky(a) { l, n -> Tensor in
            try GSLRuntime.check(gsl_linalg_cholesky_invert(l), operation: "inv")
            var out = try Tensor(zeros: [n, n])
            for i in 0..<n { for j in 0..<n { out.data[i * n + j] = gsl_matrix_get(l, i, j) } }
            return out
        }
    }

    /// `det(a)` for an spd `a` (the product of the factor's squared diagonal), or nil.
    public static func choleskyDeterminant(_ a: Tensor) throws -> Double? {
        try withCholesky(a) { l, n in
            var p = 1.0
            for i in 0..<n { let d = gsl_matrix_get(l, i, i); p *= d * d }
            return p
        }
    }

    /// `log(det(a))` for an spd `a` (twice the sum of the logs of the factor's diagonal), or nil.
    public static func choleskyLogDeterminant(_ a: Tensor) throws -> Double? {
        try withCholesky(a) { l, n in
            var s = 0.0
            for i in 0..<n { s += log(gsl_matrix_get(l, i, i)) }
            return 2 * s
        }
    }

    /// Factors a copy of `a` (which must be square) and calls `body(L, n)`; nil when `a` is not
    /// symmetric or not positive definite (or has a NaN or infinite entry).
    static func withCholesky<R>(_ a: Tensor, _ body: (UnsafeMutablePointer<gsl_matrix>, Int) throws -> R) throws -> R? {
        guard a.order == 2, a.shape[0] == a.shape[1] else {
            throw NumericError.shapeMismatch("a Cholesky factorization needs a square matrix, got \(Tensor.describe(a.shape))")
        }
        let n = a.shape[0]
        guard n > 0, a.data.allSatisfy({ $0.isFinite }), isSymmetric(a, tolerance: 1e-10) else { return nil }
        GSLRuntime.ensureInitialized()
        var factor = a.data
        return try factor.withUnsafeMutableBufferPointer { buffer -> R? in
            guard let base = buffer.baseAddress else { return nil }
            return try GSLViews.withMutableMatrix(base, rows: n, columns: n) { m -> R? in
                let status = gsl_linalg_cholesky_decomp1(m)
                if status == Int32(GSL_EDOM) { return nil }
                try GSLRuntime.check(status, operation: "cholesky")
                // a pivot (L_ii²) below n·ε·the largest: numerically singular, left to LU's check and error
                var largest = 0.0, smallest = Double.infinity
                for i in 0..<n {
                    let d = gsl_matrix_get(m, i, i)
                    largest = max(largest, d * d)
                    smallest = min(smallest, d * d)
                }
                guard smallest > Double(n) * Double.ulpOfOne * largest else { return nil }
                return try body(m, n)
            }
        }
    }
}
