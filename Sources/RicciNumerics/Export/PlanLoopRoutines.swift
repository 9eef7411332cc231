import Foundation

/// The routines that exported C and Swift plans call besides BLAS: solves, inverses and
/// determinants through a factorization (C: LAPACK from OpenBLAS; Swift: the same algorithms), and
/// in Swift the BLAS-shaped products themselves (same arguments as CBLAS, without the layout).
/// Each is written into a file only when a step calls it.
enum PlanLoopRoutines {
    /// The definition of a routine in a language, or nil.
    static func definition(_ name: String, _ language: LoopLanguage) -> String? {
        language == .c ? c[name] : swift[name]
    }

    static let lapackPrototypes = """
    /* LAPACK from OpenBLAS (Fortran interface; the trailing size_t is the hidden length of a character argument). */
    extern void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
    extern void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda, const int *ipiv,
                        double *b, const int *ldb, int *info, size_t trans_len);
    extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
    extern void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
                        const int *ldb, int *info, size_t uplo_len);
    """

    static let c: [String: String] = [
        "rc_lapack": lapackPrototypes,
        "rc_solve": """
        /* op(A)^-1 * B for an n×n A and an n×m B, row-major (B NULL: the identity, giving inv(op(A))), by LAPACK:
           LU with partial pivoting (dgetrf, dgetrs) or, for an spd A, Cholesky (dpotrf, dpotrs). The row-major A
           is the column-major A^T, so op(A) = A solves with A^T's factors transposed. Returns 0; 1 when A is
           singular (a zero pivot, or pivots below n*eps of the largest) or, spd, not positive definite; 2 when
           out of memory. */
        static int rc_solve(const double *a, int trans, const double *b, double *x, long n, long m, int spd) {
            if (!b) m = n;
            int nn = (int)n, mm = (int)m, info = 0, status = 0;
            double *f = malloc((size_t)(n * n) * sizeof(double)), *w = malloc((size_t)(n * m) * sizeof(double));
            int *piv = malloc((size_t)n * sizeof(int));
            if (!f || !w || !piv) { free(f); free(w); free(piv); return 2; }
            memcpy(f, a, (size_t)(n * n) * sizeof(double));
            for (long i = 0; i < n; i++) for (long j = 0; j < m; j++) w[j * n + i] = b ? b[i * m + j] : (i == j ? 1.0 : 0.0);
            if (spd) {
                dpotrf_("U", &nn, f, &nn, &info, 1);
                if (info == 0) dpotrs_("U", &nn, &mm, f, &nn, w, &nn, &info, 1);
            } else {
                dgetrf_(&nn, &nn, f, &nn, piv, &info);
                if (info == 0) {
                    double big = 0.0, small = INFINITY;
                    for (long i = 0; i < n; i++) { double u = fabs(f[i * n + i]); if (u > big) big = u; if (u < small) small = u; }
                    if (!(small > big * (double)n * 2.220446049250313e-16)) info = 1;
                }
                if (info == 0) dgetrs_(trans ? "N" : "T", &nn, &mm, f, &nn, piv, w, &nn, &info, 1);
            }
            if (info != 0) status = 1;
            for (long i = 0; i < n && !status; i++) for (long j = 0; j < m; j++) {
                x[i * m + j] = w[j * n + i];
                if (!isfinite(x[i * m + j])) status = 1;
            }
            free(f); free(w); free(piv);
            return status;
        }
        """,
        "rc_determinant": """
        /* det(A) (logdet = 0) or log(det(A)) (logdet = 1) of an n×n row-major A from its LAPACK factorization
           (dgetrf; dpotrf for an spd A), into out[0]. Returns 0; 1 when an spd A is not positive definite or, for
           logdet, when det(A) <= 0; 2 when out of memory. A singular A has det 0. */
        static int rc_determinant(const double *a, long n, int spd, int logdet, double *out) {
            int nn = (int)n, info = 0;
            double *f = malloc((size_t)(n * n) * sizeof(double));
            int *piv = malloc((size_t)n * sizeof(int));
            if (!f || !piv) { free(f); free(piv); return 2; }
            memcpy(f, a, (size_t)(n * n) * sizeof(double));
            double sign = 1.0, logabs = 0.0, det = 1.0;
            if (spd) {
                dpotrf_("U", &nn, f, &nn, &info, 1);
                if (info != 0) { free(f); free(piv); return 1; }
                for (long i = 0; i < n; i++) { logabs += 2.0 * log(f[i * n + i]); det *= f[i * n + i] * f[i * n + i]; }
            } else {
                dgetrf_(&nn, &nn, f, &nn, piv, &info);
                if (info > 0) { sign = 0.0; det = 0.0; }
                for (long i = 0; i < n && info == 0; i++) {
                    double u = f[i * n + i];
                    if (piv[i] != i + 1) { sign = -sign; det = -det; }
                    if (u < 0) sign = -sign;
                    logabs += log(fabs(u));
                    det *= u;
                }
            }
            free(f); free(piv);
            if (logdet) { if (!(sign > 0)) return 1; out[0] = logabs; }
            else out[0] = det;
            return 0;
        }
        """,
        "rc_matpow": """
        /* A^p for an n×n row-major A and an integer p (negative: of the inverse, by rc_solve). Returns rc_solve's status. */
        static int rc_matpow(const double *a, double *out, long n, int p) {
            double *base = malloc((size_t)(n * n) * sizeof(double)), *tmp = malloc((size_t)(n * n) * sizeof(double));
            if (!base || !tmp) { free(base); free(tmp); return 2; }
            int status = 0;
            if (p < 0) status = rc_solve(a, 0, NULL, base, n, n, 0);
            else memcpy(base, a, (size_t)(n * n) * sizeof(double));
            for (long q = 0; q < n * n; q++) out[q] = (q % (n + 1) == 0) ? 1.0 : 0.0;
            for (int r = 0; r < (p < 0 ? -p : p) && !status; r++) {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, out, (int)n, base, (int)n, 0.0, tmp, (int)n);
                memcpy(out, tmp, (size_t)(n * n) * sizeof(double));
            }
            free(base); free(tmp);
            return status;
        }
        """,
    ]

    static let swift: [String: String] = [
        "rc_gemm": """
        /// C = alpha·op(A)·op(B) + beta·C for row-major arrays (CBLAS dgemm's arguments without the layout).
        fileprivate func rc_gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ a: [Double], _ lda: Int,
                                 _ b: [Double], _ ldb: Int, _ beta: Double, _ c: inout [Double], _ ldc: Int) {
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                for i in 0..<m {
                    for j in 0..<n { pc[i * ldc + j] = beta == 0 ? 0 : beta * pc[i * ldc + j] }
                    for p in 0..<k {
                        let x = alpha * (ta ? pa[p * lda + i] : pa[i * lda + p])
                        if tb { for j in 0..<n { pc[i * ldc + j] += x * pb[j * ldb + p] } }
                        else { for j in 0..<n { pc[i * ldc + j] += x * pb[p * ldb + j] } }
                    }
                }
            } } }
        }
        """,
        "rc_gemv": """
        /// y = alpha·op(A)·x + beta·y for an r×c row-major A (CBLAS dgemv's arguments, unit strides).
        fileprivate func rc_gemv(_ ta: Bool, _ r: Int, _ c: Int, _ alpha: Double, _ a: [Double], _ x: [Double], _ beta: Double, _ y: inout [Double]) {
            let m = ta ? c : r, k = ta ? r : c
            for i in 0..<m {
                var s = 0.0
                for p in 0..<k { s += (ta ? a[p * c + i] : a[i * c + p]) * x[p] }
                y[i] = alpha * s + (beta == 0 ? 0 : beta * y[i])
            }
        }
        """,
        "rc_ger": """
        /// A += alpha·x·yᵀ for an m×n row-major A (CBLAS dger).
        fileprivate func rc_ger(_ m: Int, _ n: Int, _ alpha: Double, _ x: [Double], _ y: [Double], _ a: inout [Double]) {
            for i in 0..<m { for j in 0..<n { a[i * n + j] += alpha * x[i] * y[j] } }
        }
        """,
        "rc_factor": """
        /// The factors of an n×n row-major A: Cholesky (A = L·Lᵀ, L in the lower triangle) for spd, else LU with
        /// partial pivoting (P·A = L·U, unit L below the diagonal, row i of P·A is row perm[i] of A). nil when A
        /// is singular (pivots below n·eps of the largest) or, spd, not positive definite.
        fileprivate func rc_factor(_ a: [Double], _ n: Int, _ spd: Bool) -> (f: [Double], perm: [Int], sign: Double)? {
            var w = a, perm = Array(0..<n), sign = 1.0
            if spd {
                for j in 0..<n {
                    var d = w[j * n + j]
                    for p in 0..<j { d -= w[j * n + p] * w[j * n + p] }
                    guard d > 0 else { return nil }
                    w[j * n + j] = d.squareRoot()
                    for i in (j + 1)..<max(j + 1, n) {
                        var s = w[i * n + j]
                        for p in 0..<j { s -= w[i * n + p] * w[j * n + p] }
                        w[i * n + j] = s / w[j * n + j]
                    }
                }
                return (w, perm, 1)
            }
            for col in 0..<n {
                var p = col
                for r in col..<n where abs(w[r * n + col]) > abs(w[p * n + col]) { p = r }
                if w[p * n + col] == 0 { return nil }
                if p != col { for j in 0..<n { w.swapAt(col * n + j, p * n + j) }; perm.swapAt(col, p); sign = -sign }
                for r in (col + 1)..<max(col + 1, n) {
                    let f = w[r * n + col] / w[col * n + col]
                    w[r * n + col] = f
                    for j in (col + 1)..<n { w[r * n + j] -= f * w[col * n + j] }
                }
            }
            let pivots = (0..<n).map { abs(w[$0 * n + $0]) }
            guard let big = pivots.max(), let small = pivots.min(), small > big * Double(n) * Double.ulpOfOne else { return nil }
            return (w, perm, sign)
        }
        """,
        "rc_solve": """
        /// op(A)⁻¹·B for an n×n A and an n×m B, row-major (B nil: the identity, giving inv(op(A))), through
        /// rc_factor (Cholesky for spd, else LU). Returns 0, or 1 when A is singular (or, spd, not positive definite).
        fileprivate func rc_solve(_ a: [Double], _ trans: Bool, _ b: [Double]?, _ x: inout [Double], _ n: Int, _ m0: Int, _ spd: Bool) -> Int {
            let m = b == nil ? n : m0
            guard let (f, perm, _) = rc_factor(a, n, spd) else { return 1 }
            for j in 0..<m {
                var y = (0..<n).map { i in b.map { $0[i * m + j] } ?? (i == j ? 1.0 : 0.0) }
                if spd {   // L·Lᵀ·x = y
                    for i in 0..<n { var s = y[i]; for p in 0..<i { s -= f[i * n + p] * y[p] }; y[i] = s / f[i * n + i] }
                    for i in stride(from: n - 1, through: 0, by: -1) { var s = y[i]; for p in (i + 1)..<max(i + 1, n) { s -= f[p * n + i] * y[p] }; y[i] = s / f[i * n + i] }
                } else if !trans {   // L·U·x = P·y
                    var z = (0..<n).map { y[perm[$0]] }
                    for i in 0..<n { for p in 0..<i { z[i] -= f[i * n + p] * z[p] } }
                    for i in stride(from: n - 1, through: 0, by: -1) { for p in (i + 1)..<max(i + 1, n) { z[i] -= f[i * n + p] * z[p] }; z[i] /= f[i * n + i] }
                    y = z
                } else {   // Aᵀ = Uᵀ·Lᵀ·P: Uᵀ·z = y, Lᵀ·u = z, x = Pᵀ·u
                    var z = y
                    for i in 0..<n { for p in 0..<i { z[i] -= f[p * n + i] * z[p] }; z[i] /= f[i * n + i] }
                    for i in stride(from: n - 1, through: 0, by: -1) { for p in (i + 1)..<max(i + 1, n) { z[i] -= f[p * n + i] * z[p] } }
                    for i in 0..<n { y[perm[i]] = z[i] }
                }
                for i in 0..<n { guard y[i].isFinite else { return 1 }; x[i * m + j] = y[i] }
            }
            return 0
        }
        """,
        "rc_determinant": """
        /// det(A) (logdet 0) or log(det(A)) (logdet 1) of an n×n row-major A from its factors, into out[0]. Returns 0;
        /// 1 when an spd A is not positive definite or, for logdet, when det(A) <= 0. A singular A has det 0.
        fileprivate func rc_determinant(_ a: [Double], _ n: Int, _ spd: Bool, _ logdet: Int, _ out: inout [Double]) -> Int {
            var det = 1.0, sign = 1.0, logabs = 0.0
            if let (f, _, s) = rc_factor(a, n, spd) {
                sign = s
                for i in 0..<n {
                    let u = f[i * n + i]
                    if spd { det *= u * u; logabs += 2 * log(u) } else { det *= u; logabs += log(abs(u)); if u < 0 { sign = -sign } }
                }
                det *= spd ? 1 : s
            } else if spd {
                return 1
            } else {
                det = 0; sign = 0
            }
            if logdet == 1 { guard sign > 0 else { return 1 }; out[0] = logabs } else { out[0] = det }
            return 0
        }
        """,
        "rc_matpow": """
        /// A^p for an n×n row-major A and an integer p (negative: of the inverse). Returns rc_solve's status.
        fileprivate func rc_matpow(_ a: [Double], _ out: inout [Double], _ n: Int, _ p: Int) -> Int {
            var base = a
            if p < 0 { guard rc_solve(a, false, nil, &base, n, n, false) == 0 else { return 1 } }
            for q in 0..<(n * n) { out[q] = q % (n + 1) == 0 ? 1 : 0 }
            var tmp = out
            for _ in 0..<abs(p) { rc_gemm(false, false, n, n, n, 1, out, n, base, n, 0, &tmp, n); out = tmp }
            return 0
        }
        """,
    ]

    /// Routines a routine calls (written before it).
    static func dependencies(_ name: String, _ language: LoopLanguage) -> [String] {
        switch (name, language) {
        case ("rc_solve", .c), ("rc_determinant", .c): return ["rc_lapack"]
        case ("rc_solve", .swift), ("rc_determinant", .swift): return ["rc_factor"]
        case ("rc_inv", .c): return ["rc_solve"]
        case ("rc_det", .c): return ["rc_determinant"]
        case ("rc_matpow", .c): return ["rc_solve"]
        case ("rc_matpow", .swift): return ["rc_solve", "rc_gemm"]
        default: return []
        }
    }
}
