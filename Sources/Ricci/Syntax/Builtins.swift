/// The built-in entrywise functions ℝ→ℝ (SYNTAX.md section 2).
public enum EntrywiseFunction: String, Hashable, Sendable, CaseIterable {
    /// The functions of SYNTAX.md section 2; `step` is the Heaviside function (relu′), `sigmoid(x)` is 1/(1 + exp(−x)).
    case exp, log, sin, cos, tan, tanh, sigmoid, relu, step, sqrt, abs, sign, softplus
    /// Inverse trigonometric and hyperbolic functions (`arcsin`, `arccos`, `arctan` are aliases).
    case asin, acos, atan, sinh, cosh, atanh

    /// Accepted alternate spellings.
    public static let aliases: [String: EntrywiseFunction] = ["arcsin": .asin, "arccos": .acos, "arctan": .atan]

    /// Looks a name up, aliases included.
    public static func named(_ s: String) -> EntrywiseFunction? { EntrywiseFunction(rawValue: s) ?? aliases[s] }
}

/// Reductions to a scalar.
public enum Reduction: String, Hashable, Sendable, CaseIterable {
    /// Sum of all entries, trace, Euclidean/Frobenius norm, Frobenius norm, sum of absolute values, log-sum-exp.
    case sum, tr, norm2, normF, norm1, logsumexp
}

/// Matrix-level built-ins.
public enum MatrixFunction: String, Hashable, Sendable, CaseIterable {
    /// Inverse, determinant, log-determinant, diagonal (read or made), diagonal matrix, Kronecker product, vec, softmax.
    case inv, det, logdet, diag, Diag, kron, vec, softmax

    /// How many arguments the function takes.
    public var arity: Int { self == .kron ? 2 : 1 }
}

/// Constructors of constant matrices.
public enum Constructor: String, Hashable, Sendable, CaseIterable {
    /// `eye(d)`, `ones(d)` or `ones(r, c)`, `zeros(r, c)`.
    case eye, ones, zeros
}

/// Every built-in name a user can call, for lookups and "did you mean" suggestions.
public enum Builtins {
    /// Every built-in name, aliases included.
    public static var allNames: [String] {
        EntrywiseFunction.allCases.map(\.rawValue) + Array(EntrywiseFunction.aliases.keys)
            + Reduction.allCases.map(\.rawValue) + MatrixFunction.allCases.map(\.rawValue)
            + Constructor.allCases.map(\.rawValue)
    }

    /// Whether a name is reserved by the language (not usable as a variable name).
    public static func isReserved(_ s: String) -> Bool {
        reserved.contains(s)
    }

    /// ``allNames`` and the Kronecker delta's names, built once.
    private static let reserved: Set<String> = Set(allNames).union(["delta", "δ"])

    /// The Greek letter names that default to scalars (and their Unicode letters).
    public static let greek: Set<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
        "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    ]

    /// True when an undeclared name is a scalar by the spelling convention.
    public static func isGreek(_ s: String) -> Bool {
        if greek.contains(s) { return true }
        guard s.count == 1, let u = s.unicodeScalars.first else { return false }
        return (0x03B1...0x03C9).contains(u.value) || (0x0391...0x03A9).contains(u.value)
    }
}

/// Damerau–Levenshtein distance (adjacent transpositions count once), for suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[x.count][y.count]
}

/// The closest candidate within a small edit distance, if any. Names longer than
/// ``NameHints/maxComparedLength`` get no suggestion, candidates whose lengths differ by more than the
/// distance allowed are skipped, and at most ``NameHints/maxCandidates`` are compared, so the work is
/// bounded whatever the input.
public func nearestName(to s: String, in candidates: [String]) -> String? {
    let n = s.count
    guard n <= NameHints.maxComparedLength else { return nil }
    let limit = n <= 3 ? 1 : 2
    let near = candidates.lazy.filter { $0 != s && abs($0.count - n) <= limit }.prefix(NameHints.maxCandidates)
    let scored = near.map { ($0, editDistance($0, s)) }.filter { $0.1 <= limit }
    return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
}
