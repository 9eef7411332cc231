import Foundation
import Ricci

/// Entrywise functions and the helper routines of exported C and Swift files (each written only
/// when used; every body is valid in both languages).
enum LoopFunctions {
    static let direct: Set<EntrywiseFunction> = [.exp, .log, .sin, .cos, .tan, .tanh, .sqrt, .asin, .acos, .atan, .sinh, .cosh, .atanh]

    static let first: [EntrywiseFunction: String] = [
        .exp: "exp(x)", .log: "1.0 / x", .sin: "cos(x)", .cos: "-sin(x)", .tan: "1.0 + tan(x) * tan(x)",
        .tanh: "1.0 - tanh(x) * tanh(x)", .sigmoid: "rc_sigmoid(x) * (1.0 - rc_sigmoid(x))", .relu: "rc_step(x)",
        .step: "0.0", .sign: "0.0", .sqrt: "0.5 / sqrt(x)", .abs: "rc_sign(x)", .softplus: "rc_sigmoid(x)",
        .asin: "1.0 / sqrt(1.0 - x * x)", .acos: "-1.0 / sqrt(1.0 - x * x)", .atan: "1.0 / (1.0 + x * x)",
        .sinh: "cosh(x)", .cosh: "sinh(x)", .atanh: "1.0 / (1.0 - x * x)",
    ]
    static let second: [EntrywiseFunction: String] = [
        .exp: "exp(x)", .log: "-1.0 / (x * x)", .sin: "-sin(x)", .cos: "-cos(x)",
        .tan: "2.0 * tan(x) * (1.0 + tan(x) * tan(x))", .tanh: "-2.0 * tanh(x) * (1.0 - tanh(x) * tanh(x))",
        .sigmoid: "rc_sigmoid(x) * (1.0 - rc_sigmoid(x)) * (1.0 - 2.0 * rc_sigmoid(x))", .relu: "0.0", .step: "0.0",
        .abs: "0.0", .sign: "0.0", .sqrt: "-0.25 * pow(x, -1.5)", .softplus: "rc_sigmoid(x) * (1.0 - rc_sigmoid(x))",
        .asin: "x * pow(1.0 - x * x, -1.5)", .acos: "-x * pow(1.0 - x * x, -1.5)",
        .atan: "-2.0 * x / ((1.0 + x * x) * (1.0 + x * x))", .sinh: "sinh(x)", .cosh: "cosh(x)",
        .atanh: "2.0 * x / ((1.0 - x * x) * (1.0 - x * x))",
    ]
    static let base: [EntrywiseFunction: String] = [
        .sigmoid: "x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x))", .relu: "x > 0 ? x : 0.0",
        .step: "x > 0 ? 1.0 : 0.0", .sign: "x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0)",
        .softplus: "x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))", .abs: "x < 0 ? -x : x",
    ]

    /// The name to call for f^(d); records the helpers it needs.
    static func name(_ f: EntrywiseFunction, _ d: Int, _ language: LoopLanguage, _ helpers: inout Set<String>) throws -> String {
        if d == 0 {
            if direct.contains(f) { return f.rawValue }
            helpers.insert("rc_" + f.rawValue)
            return "rc_" + f.rawValue
        }
        guard let b = d == 1 ? first[f] : d == 2 ? second[f] : nil else {
            throw RicciError(.usage, "the derivative of order \(d) of \(f.rawValue) cannot be exported to C or Swift")
        }
        for h in ["rc_sigmoid", "rc_step", "rc_sign"] where b.contains(h) { helpers.insert(h) }
        let n = "rc_d\(d)_\(f.rawValue)"
        helpers.insert(n)
        return n
    }

    /// A scalar function definition.
    static func scalar(_ name: String, _ body: String, _ language: LoopLanguage) -> String {
        language == .c ? "static double \(name)(double x) { return \(body); }"
            : "fileprivate func \(name)(_ x: Double) -> Double { return \(body) }"
    }

    /// The definition of a helper, or nil.
    static func definition(_ name: String, _ language: LoopLanguage) -> String? {
        if name.hasPrefix("rc_d"), let f = EntrywiseFunction(rawValue: String(name.split(separator: "_").last ?? "")) {
            let d = name.hasPrefix("rc_d1_") ? 1 : 2
            guard let b = d == 1 ? first[f] : second[f] else { return nil }
            return scalar(name, b, language)
        }
        if name.hasPrefix("rc_"), let f = EntrywiseFunction(rawValue: String(name.dropFirst(3))), let b = base[f] {
            return scalar(name, b, language)
        }
        return (language == .c ? cRoutines : swiftRoutines)[name]
    }

    static let cRoutines: [String: String] = [
        "rc_mm": """
        /* C = A*B for an m×k A and a k×n B, row-major (BLAS dgemm). */
        static void rc_mm(const double *a, const double *b, double *c, long m, long k, long n) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)k, b, (int)n, 0.0, c, (int)n);
        }
        """,
        "rc_transpose": """
        static void rc_transpose(const double *a, double *c, long r, long k) {
            for (long i = 0; i < r; i++) for (long j = 0; j < k; j++) c[j * r + i] = a[i * k + j];
        }
        """,
        "rc_kron": """
        static void rc_kron(const double *a, const double *b, double *c, long p, long q, long r, long s) {
            for (long i = 0; i < p; i++) for (long j = 0; j < q; j++) for (long k = 0; k < r; k++) for (long l = 0; l < s; l++)
                c[(i * r + k) * (q * s) + j * s + l] = a[i * q + j] * b[k * s + l];
        }
        """,
        "rc_softmax": """
        /* softmax of each column of an r×k matrix (a vector is one column). */
        static void rc_softmax(const double *a, double *c, long r, long k) {
            for (long j = 0; j < k; j++) {
                double m = a[j], s = 0.0;
                for (long i = 1; i < r; i++) if (a[i * k + j] > m) m = a[i * k + j];
                for (long i = 0; i < r; i++) { c[i * k + j] = exp(a[i * k + j] - m); s += c[i * k + j]; }
                for (long i = 0; i < r; i++) c[i * k + j] /= s;
            }
        }
        """,
        "rc_logsumexp": """
        static double rc_logsumexp(const double *a, long n) {
            double m = a[0], s = 0.0;
            for (long i = 1; i < n; i++) if (a[i] > m) m = a[i];
            for (long i = 0; i < n; i++) s += exp(a[i] - m);
            return m + log(s);
        }
        """,
        "rc_inv": """
        /* The inverse of an n×n matrix through LAPACK's LU (rc_solve with the identity); 1 if singular, 2 out of memory. */
        static int rc_inv(const double *a, double *c, long n) { return rc_solve(a, 0, NULL, c, n, n, 0); }
        """,
        "rc_det": """
        /* The determinant of an n×n matrix from LAPACK's LU (NaN if out of memory). */
        static double rc_det(const double *a, long n) { double d = NAN; return rc_determinant(a, n, 0, 0, &d) == 0 ? d : NAN; }
        """,
    ]

    static let swiftRoutines: [String: String] = [
        "rc_mm": """
        /// C = A*B for an m×k A and a k×n B, row-major.
        fileprivate func rc_mm(_ a: [Double], _ b: [Double], _ c: inout [Double], _ m: Int, _ k: Int, _ n: Int) {
            for i in 0..<m { for j in 0..<n { c[i * n + j] = 0 } }
            for i in 0..<m { for p in 0..<k { let x = a[i * k + p]; if x == 0 { continue }; for j in 0..<n { c[i * n + j] += x * b[p * n + j] } } }
        }
        """,
        "rc_transpose": """
        fileprivate func rc_transpose(_ a: [Double], _ c: inout [Double], _ r: Int, _ k: Int) {
            for i in 0..<r { for j in 0..<k { c[j * r + i] = a[i * k + j] } }
        }
        """,
        "rc_kron": """
        fileprivate func rc_kron(_ a: [Double], _ b: [Double], _ c: inout [Double], _ p: Int, _ q: Int, _ r: Int, _ s: Int) {
            for i in 0..<p { for j in 0..<q { for k in 0..<r { for l in 0..<s {
                c[(i * r + k) * (q * s) + j * s + l] = a[i * q + j] * b[k * s + l]
            } } } }
        }
        """,
        "rc_softmax": """
        /// softmax of each column of an r×k matrix (a vector is one column).
        fileprivate func rc_softmax(_ a: [Double], _ c: inout [Double], _ r: Int, _ k: Int) {
            for j in 0..<k {
                var m = a[j], s = 0.0
                for i in 0..<r { m = max(m, a[i * k + j]) }
                for i in 0..<r { c[i * k + j] = exp(a[i * k + j] - m); s += c[i * k + j] }
                for i in 0..<r { c[i * k + j] /= s }
            }
        }
        """,
        "rc_logsumexp": """
        fileprivate func rc_logsumexp(_ a: [Double], _ n: Int) -> Double {
            let m = a.max() ?? 0
            var s = 0.0
            for i in 0..<n { s += exp(a[i] - m) }
            return m + log(s)
        }
        """,
        "rc_inv": """
        /// The inverse of an n×n matrix by Gauss-Jordan elimination with partial pivoting; false if singular.
        fileprivate func rc_inv(_ a: [Double], _ c: inout [Double], _ n: Int) -> Bool {
            var w = a
            for i in 0..<(n * n) { c[i] = 0 }
            for i in 0..<n { c[i * n + i] = 1 }
            for col in 0..<n {
                var p = col
                for r in (col + 1)..<max(col + 1, n) where abs(w[r * n + col]) > abs(w[p * n + col]) { p = r }
                if w[p * n + col] == 0 { return false }
                for j in 0..<n { w.swapAt(col * n + j, p * n + j); c.swapAt(col * n + j, p * n + j) }
                let d = w[col * n + col]
                for j in 0..<n { w[col * n + j] /= d; c[col * n + j] /= d }
                for r in 0..<n where r != col {
                    let f = w[r * n + col]
                    for j in 0..<n { w[r * n + j] -= f * w[col * n + j]; c[r * n + j] -= f * c[col * n + j] }
                }
            }
            return true
        }
        """,
        "rc_det": """
        /// The determinant of an n×n matrix by LU with partial pivoting.
        fileprivate func rc_det(_ a: [Double], _ n: Int) -> Double {
            var w = a, det = 1.0
            for col in 0..<n {
                var p = col
                for r in (col + 1)..<max(col + 1, n) where abs(w[r * n + col]) > abs(w[p * n + col]) { p = r }
                if w[p * n + col] == 0 { return 0 }
                if p != col { det = -det; for j in 0..<n { w.swapAt(col * n + j, p * n + j) } }
                det *= w[col * n + col]
                for r in (col + 1)..<max(col + 1, n) {
                    let f = w[r * n + col] / w[col * n + col]
                    for j in col..<n { w[r * n + j] -= f * w[col * n + j] }
                }
            }
            return det
        }
        """,
    ]
}
