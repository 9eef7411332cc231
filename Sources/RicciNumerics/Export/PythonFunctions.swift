import Foundation
import Ricci

/// The built-in entrywise functions and their derivatives in NumPy / JAX, and the helpers that
/// exported modules define (each only when used).
enum PythonFunctions {
    /// Functions `xp` has under the same (or a NumPy) name.
    static let direct: [EntrywiseFunction: String] = [
        .exp: "xp.exp", .log: "xp.log", .sin: "xp.sin", .cos: "xp.cos", .tan: "xp.tan", .tanh: "xp.tanh",
        .sqrt: "xp.sqrt", .abs: "xp.abs", .sign: "xp.sign", .asin: "xp.arcsin", .acos: "xp.arccos",
        .atan: "xp.arctan", .sinh: "xp.sinh", .cosh: "xp.cosh", .atanh: "xp.arctanh",
    ]

    /// Bodies (an expression of `x`) of the first and second derivatives, as EntrywiseMath computes them.
    static let firstDerivative: [EntrywiseFunction: String] = [
        .exp: "xp.exp(x)", .log: "1 / x", .sin: "xp.cos(x)", .cos: "-xp.sin(x)", .tan: "1 + xp.tan(x) ** 2",
        .tanh: "1 - xp.tanh(x) ** 2", .sigmoid: "_sigmoid(x) * (1 - _sigmoid(x))", .relu: "_step(x)",
        .step: "xp.zeros_like(x)", .sign: "xp.zeros_like(x)", .sqrt: "0.5 / xp.sqrt(x)", .abs: "xp.sign(x)",
        .softplus: "_sigmoid(x)", .asin: "1 / xp.sqrt(1 - x ** 2)", .acos: "-1 / xp.sqrt(1 - x ** 2)",
        .atan: "1 / (1 + x ** 2)", .sinh: "xp.cosh(x)", .cosh: "xp.sinh(x)", .atanh: "1 / (1 - x ** 2)",
    ]
    static let secondDerivative: [EntrywiseFunction: String] = [
        .exp: "xp.exp(x)", .log: "-1 / x ** 2", .sin: "-xp.sin(x)", .cos: "-xp.cos(x)",
        .tan: "2 * xp.tan(x) * (1 + xp.tan(x) ** 2)", .tanh: "-2 * xp.tanh(x) * (1 - xp.tanh(x) ** 2)",
        .sigmoid: "_sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))", .relu: "xp.zeros_like(x)",
        .step: "xp.zeros_like(x)", .abs: "xp.zeros_like(x)", .sign: "xp.zeros_like(x)", .sqrt: "-0.25 * x ** -1.5",
        .softplus: "_sigmoid(x) * (1 - _sigmoid(x))", .asin: "x * (1 - x ** 2) ** -1.5", .acos: "-x * (1 - x ** 2) ** -1.5",
        .atan: "-2 * x / (1 + x ** 2) ** 2", .sinh: "xp.sinh(x)", .cosh: "xp.cosh(x)", .atanh: "2 * x / (1 - x ** 2) ** 2",
    ]

    /// Helper definitions every module may need, by name.
    static let fixedHelpers: [String: String] = [
        "_matvec_t": "def _matvec_t(a, x):\n    \"\"\"a' @ x as one dot_general: XLA would copy a' first for a.T @ x.\"\"\"\n"
            + "    return jax.lax.dot_general(a, x, (((0,), (0,)), ((), ())))",
        "_sigmoid": "def _sigmoid(x):\n    return 0.5 * (1 + xp.tanh(0.5 * x))",
        "_step": "def _step(x):\n    return xp.where(x > 0, 1.0, 0.0)",
        "_relu": "def _relu(x):\n    return xp.maximum(x, 0)",
        "_softplus": "def _softplus(x):\n    return xp.logaddexp(0, x)",
        "_logsumexp": "def _logsumexp(x):\n    m = xp.max(x)\n    return m + xp.log(xp.sum(xp.exp(x - m)))",
        "_softmax": "def _softmax(x):\n    \"\"\"softmax of a vector, or of each column of a matrix.\"\"\"\n"
            + "    e = xp.exp(x - xp.max(x, axis=0))\n    return e / xp.sum(e, axis=0)",
        "_delta_rows": "def _delta_rows(m, n):\n    \"\"\"R[I, i] = 1 when I mod m = i (the reshaping delta delta[I, i, j] is R[I, i]*Q[I, j]).\"\"\"\n"
            + "    return np.tile(np.eye(m), (n, 1))",
        "_delta_cols": "def _delta_cols(m, n):\n    \"\"\"Q[I, j] = 1 when I div m = j.\"\"\"\n    return np.repeat(np.eye(n), m, axis=0)",
    ]

    /// Helpers that a helper calls.
    static let helperNeeds: [String: [String]] = [:]

    /// A call of f^(d) on the Python expression `x`; records the helpers it needs.
    static func call(_ f: EntrywiseFunction, _ d: Int, _ x: String, _ helpers: inout Set<String>) throws -> String {
        if d == 0 {
            if let name = direct[f] { return "\(name)(\(x))" }
            let h = "_" + f.rawValue
            helpers.insert(h)
            if f == .relu { return "xp.maximum(\(x), 0)" }
            return "\(h)(\(x))"
        }
        let name = "_d\(d)_\(f.rawValue)"
        guard let body = body(f, d) else {
            throw RicciError(.usage, "the derivative of order \(d) of \(f.rawValue) cannot be exported")
        }
        helpers.insert(name)
        if body.contains("_sigmoid") { helpers.insert("_sigmoid") }
        if body.contains("_step") { helpers.insert("_step") }
        return "\(name)(\(x))"
    }

    static func body(_ f: EntrywiseFunction, _ d: Int) -> String? {
        switch d {
        case 1: return firstDerivative[f]
        case 2: return secondDerivative[f]
        default:
            switch f {
            case .exp: return "xp.exp(x)"
            case .relu, .step, .abs, .sign: return "xp.zeros_like(x)"
            case .sin: return "xp.sin(x + \(d) * np.pi / 2)"
            case .cos: return "xp.cos(x + \(d) * np.pi / 2)"
            case .sinh: return d % 2 == 0 ? "xp.sinh(x)" : "xp.cosh(x)"
            case .cosh: return d % 2 == 0 ? "xp.cosh(x)" : "xp.sinh(x)"
            default: return nil
            }
        }
    }

    /// The definition of a helper.
    static func definition(_ name: String) -> String? {
        if let h = fixedHelpers[name] { return h }
        // _d<d>_<f>
        let parts = name.dropFirst(2).split(separator: "_", maxSplits: 1)
        guard name.hasPrefix("_d"), parts.count == 2, let d = Int(parts[0]), let f = EntrywiseFunction(rawValue: String(parts[1])),
              let b = body(f, d) else { return nil }
        let primes = String(repeating: "'", count: d)
        return "def \(name)(x):\n    \"\"\"\(f.rawValue)\(primes)(x).\"\"\"\n    return \(b)"
    }
}
