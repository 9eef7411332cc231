import CGSL
import Foundation

/// Dense linear algebra on ``Tensor`` matrices through GSL (BLAS products resolve to OpenBLAS).
///
/// Matrices are order-2 tensors in row-major order; vectors are order-1 tensors. Errors are thrown,
/// never trapped: a singular matrix gives ``NumericError/singular(operation:)``, a matrix that is not
/// symmetric positive definite gives ``NumericError/notPositiveDefinite(operation:)``.
public enum Linalg {
    /// The matrix product `op(a)·op(b)` via `gsl_blas_dgemm`, where `op(x)` is `xᵀ` when the flag is set.
    /// - Throws: ``NumericError/shapeMismatch(_:)`` unless both are matrices with matching inner sizes.
    public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) throws -> Tensor {
        guard a.order == 2, b.order == 2 else {
            throw NumericError.shapeMismatch("matmul needs two matrices, got \(Tensor.describe(a.shape)) and \(Tensor.describe(b.shape))")
        }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else {
            throw NumericError.shapeMismatch("matmul: inner sizes differ (\(m)×\(k) times \(k2)×\(n))")
        }
        var c = try Tensor(zeros: [m, n])
        if m == 0 || n == 0 || k == 0 { return c }
        try a.data.withUnsafeBufferPointer { pa in
            try b.data.withUnsafeBufferPointer { pb in
                try c.data.withUnsafeMutableBufferPointer { pc in
                    guard let ra = pa.baseAddress, let rb = pb.baseAddress, let rc = pc.baseAddress else { return }
                    try BLASKernels.gemm(ra, rb, rc, m: m, n: n, k: k, transA: transA, transB: transB)
                }
            }
        }
        return c
    }

    /// The matrix-vector product `op(a)·x` via `gsl_blas_dgemv`.
    public static func matvec(_ a: Tensor, _ x: Tensor, transA: Bool = false) throws -> Tensor {
        guard a.order == 2, x.order == 1 else {
            throw NumericError.shapeMismatch("matvec needs a matrix and a vector, got \(Tensor.describe(a.shape)) and \(Tensor.describe(x.shape))")
        }
        let (m, n) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        guard n == x.shape[0] else {
            throw NumericError.shapeMismatch("matvec: \(m)×\(n) matrix times vector of length \(x.shape[0])")
        }
        var y = try Tensor(zeros: [m])
        if m == 0 || n == 0 { return y }
        GSLRuntime.ensureInitialized()
        let status = a.data.withUnsafeBufferPointer { pa in
            x.data.withUnsafeBufferPointer { px in
                y.data.withUnsafeMutableBufferPointer { py -> Int32 in
                    guard let ra = pa.baseAddress, let rx = px.baseAddress, let ry = py.baseAddress else { return 0 }
                    return GSLViews.withMatrix(ra, rows: a.shape[0], columns: a.shape[1]) { ma in
                        GSLViews.withVector(rx, count: n) { vx in
                            GSLViews.withMutableVector(ry, count: m) { vy in
                                gsl_blas_dgemv(transA ? CblasTrans : CblasNoTrans, 1, ma, vx, 0, vy)
                            }
                        }
                    }
                }
            }
        }
        try GSLRuntime.check(status, operation: "dgemv")
        return y
    }

    /// The dot product of two vectors of equal length.
    public static func dot(_ x: Tensor, _ y: Tensor) throws -> Double {
        guard x.order == 1, y.order == 1, x.count == y.count else {
            throw NumericError.shapeMismatch("dot needs two vectors of equal length, got \(Tensor.describe(x.shape)) and \(Tensor.describe(y.shape))")
        }
        var sum = 0.0
        for i in 0..<x.count { sum += x.data[i] * y.data[i] }
        return sum
    }

    /// The inverse of a square matrix (LU with partial pivoting, `gsl_linalg_LU_invert`).
    /// - Throws: ``NumericError/singular(operation:)`` (operation `"inv"`) when a pivot is zero or
    ///   negligible (below n·ε·max|U|), i.e. the matrix is numerically singular.
    public static func inverse(_ a: Tensor) throws -> Tensor {
        let n = try squareSize(a, operation: "inv")
        var result = try Tensor(zeros: [n, n])
        if n == 0 { return result }
        try withLU(a, operation: "inv") { lu, perm, _ in
            guard !isNumericallySingular(lu, n) else { throw NumericError.singular(operation: "inv") }
            let status = result.data.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return 0 }
                return GSLViews.withMutableMatrix(base, rows: n, columns: n) { gsl_linalg_LU_invert(lu, perm, $0) }
            }
            try GSLRuntime.check(status, operation: "inv")
        }
        return result
    }

    /// Solves `a·x = b` for a square `a`; `b` is a vector or a matrix (one right-hand side per column).
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let n = try squareSize(a, operation: "solve")
        guard (b.order == 1 || b.order == 2), b.shape[0] == n else {
            throw NumericError.shapeMismatch("solve: \(n)×\(n) system with right-hand side \(Tensor.describe(b.shape))")
        }
        let columns = b.order == 2 ? b.shape[1] : 1
        var x = try Tensor(zeros: b.shape)
        if n == 0 || columns == 0 { return x }
        try withLU(a, operation: "solve") { lu, perm, _ in
            guard !isNumericallySingular(lu, n) else { throw NumericError.singular(operation: "solve") }
            var column = [Double](repeating: 0, count: n)
            for j in 0..<columns {
                for i in 0..<n { column[i] = b.data[i * columns + j] }
                let status = column.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    guard let base = buffer.baseAddress else { return 0 }
                    return GSLViews.withMutableVector(base, count: n) { gsl_linalg_LU_svx(lu, perm, $0) }
                }
                try GSLRuntime.check(status, operation: "solve")
                for i in 0..<n { x.data[i * columns + j] = column[i] }
            }
        }
        return x
    }

    /// The determinant of a square matrix (LU, `gsl_linalg_LU_det`); 1 for a 0×0 matrix.
    public static func determinant(_ a: Tensor) throws -> Double {
        let n = try squareSize(a, operation: "det")
        if n == 0 { return 1 }
        return try withLU(a, operation: "det") { lu, _, signum in gsl_linalg_LU_det(lu, signum) }
    }

    /// The sign and the logarithm of the absolute value of the determinant (as NumPy's `slogdet`).
    /// A singular matrix gives sign 0 and `-infinity`.
    public static func signAndLogAbsDeterminant(_ a: Tensor) throws -> (sign: Double, logAbs: Double) {
        let n = try squareSize(a, operation: "logdet")
        if n == 0 { return (1, 0) }
        return try withLU(a, operation: "logdet") { lu, _, signum in
            for i in 0..<n where gsl_matrix_get(lu, i, i) == 0 { return (0, -Double.infinity) }
            return (Double(gsl_linalg_LU_sgndet(lu, signum)), gsl_linalg_LU_lndet(lu))
        }
    }

    /// `log(det(a))`, computed from the LU factors without forming the determinant (no overflow).
    /// - Throws: ``NumericError/domain(operation:message:)`` (operation `"logdet"`) when det ≤ 0.
    public static func logDeterminant(_ a: Tensor) throws -> Double {
        let (sign, logAbs) = try signAndLogAbsDeterminant(a)
        if sign == 0 {
            throw NumericError.domain(operation: "logdet", message: "the matrix is singular (det = 0); logdet needs det > 0")
        }
        if sign < 0 {
            throw NumericError.domain(operation: "logdet",
                                      message: "the determinant is negative (det = -exp(\(logAbs))); logdet needs det > 0")
        }
        return logAbs
    }

    /// The lower-triangular Cholesky factor `L` with `a = L·Lᵀ` (`gsl_linalg_cholesky_decomp1`).
    /// - Throws: ``NumericError/notPositiveDefinite(operation:)`` (operation `"cholesky"`) when `a` is
    ///   not symmetric (relative tolerance 1e-10) or not positive definite.
    public static func cholesky(_ a: Tensor) throws -> Tensor {
        let n = try squareSize(a, operation: "cholesky")
        guard isSymmetric(a, tolerance: 1e-10) else { throw NumericError.notPositiveDefinite(operation: "cholesky") }
        var factor = a
        if n == 0 { return factor }
        GSLRuntime.ensureInitialized()
        let status = factor.data.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            return GSLViews.withMutableMatrix(base, rows: n, columns: n) { gsl_linalg_cholesky_decomp1($0) }
        }
        if status == Int32(GSL_EDOM) { throw NumericError.notPositiveDefinite(operation: "cholesky") }
        try GSLRuntime.check(status, operation: "cholesky")
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { factor.data[i * n + j] = 0 } }
        return factor
    }

    /// Whether `a` is symmetric positive definite (a Cholesky factorization exists).
    public static func isPositiveDefinite(_ a: Tensor) -> Bool {
        (try? cholesky(a)) != nil
    }

    /// Whether `a` is a square matrix with `|a_ij − a_ji| ≤ tolerance·max|a|`.
    public static func isSymmetric(_ a: Tensor, tolerance: Double = 0) -> Bool {
        guard a.order == 2, a.shape[0] == a.shape[1] else { return false }
        let n = a.shape[0]
        let scale = a.data.reduce(0) { max($0, abs($1)) }
        for i in 0..<n {
            for j in 0..<i where abs(a.data[i * n + j] - a.data[j * n + i]) > tolerance * scale { return false }
        }
        return true
    }

    // MARK: - LU plumbing

    private static func squareSize(_ a: Tensor, operation: String) throws -> Int {
        guard a.order == 2, a.shape[0] == a.shape[1] else {
            throw NumericError.shapeMismatch("\(operation) needs a square matrix, got \(Tensor.describe(a.shape))")
        }
        return a.shape[0]
    }

    /// Factors a copy of `a` and calls `body(LU, permutation, signum)`; frees GSL memory afterwards.
    private static func withLU<R>(_ a: Tensor, operation: String,
                                  _ body: (UnsafeMutablePointer<gsl_matrix>, UnsafeMutablePointer<gsl_permutation>, Int32) throws -> R) throws -> R {
        GSLRuntime.ensureInitialized()
        let n = a.shape[0]
        guard a.data.allSatisfy({ $0.isFinite }) else {
            throw NumericError.domain(operation: operation, message: "the matrix has NaN or infinite entries")
        }
        guard let perm = gsl_permutation_alloc(n) else {
            throw NumericError.gsl(operation: operation, code: Int32(GSL_ENOMEM), reason: "cannot allocate a permutation")
        }
        defer { gsl_permutation_free(perm) }
        var lu = a.data
        return try lu.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                throw NumericError.shapeMismatch("\(operation): empty matrix")
            }
            return try GSLViews.withMutableMatrix(base, rows: n, columns: n) { matrix in
                var signum: Int32 = 0
                try GSLRuntime.check(gsl_linalg_LU_decomp(matrix, perm, &signum), operation: operation)
                return try body(matrix, perm, signum)
            }
        }
    }

    /// A zero pivot, or one below n·ε·max|U|, means the matrix is numerically singular.
    private static func isNumericallySingular(_ lu: UnsafeMutablePointer<gsl_matrix>, _ n: Int) -> Bool {
        var largest = 0.0
        for i in 0..<n { for j in i..<n { largest = max(largest, abs(gsl_matrix_get(lu, i, j))) } }
        let tolerance = Double(n) * Double.ulpOfOne * largest
        for i in 0..<n where !(abs(gsl_matrix_get(lu, i, i)) > tolerance) { return true }
        return false
    }
}
