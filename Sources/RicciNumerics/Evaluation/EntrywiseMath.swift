import Foundation
import Ricci

/// Numeric values of the built-in entrywise functions and their first two derivatives.
///
/// Conventions at non-differentiable points: step(0) = 0 (so relu'(0) = 0), sign(0) = 0 (so abs'(0) = 0).
public enum EntrywiseMath {
    /// f^(d)(x) for a built-in f; `nil` when the derivative order is not available (d > 2).
    public static func value(_ f: EntrywiseFunction, derivative d: Int, _ x: Double) -> Double? {
        switch d {
        case 0: return f0(f, x)
        case 1: return f1(f, x)
        case 2: return f2(f, x)
        default:
            switch f {
            case .exp: return exp(x)
            case .relu, .step, .abs, .sign: return 0
            case .sin: return sin(x + Double(d) * .pi / 2)
            case .cos: return cos(x + Double(d) * .pi / 2)
            case .sinh: return d % 2 == 0 ? sinh(x) : cosh(x)
            case .cosh: return d % 2 == 0 ? cosh(x) : sinh(x)
            default: return nil
            }
        }
    }

    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }

    static func f0(_ f: EntrywiseFunction, _ x: Double) -> Double {
        switch f {
        case .exp: return exp(x)
        case .log: return log(x)
        case .sin: return sin(x)
        case .cos: return cos(x)
        case .tan: return tan(x)
        case .tanh: return tanh(x)
        case .sigmoid: return sigmoid(x)
        case .relu: return x > 0 ? x : 0
        case .step: return x > 0 ? 1 : 0
        case .sqrt: return x.squareRoot()
        case .abs: return Swift.abs(x)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .softplus: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
        case .asin: return asin(x)
        case .acos: return acos(x)
        case .atan: return atan(x)
        case .sinh: return sinh(x)
        case .cosh: return cosh(x)
        case .atanh: return atanh(x)
        }
    }

    static func f1(_ f: EntrywiseFunction, _ x: Double) -> Double {
        switch f {
        case .exp: return exp(x)
        case .log: return 1 / x
        case .sin: return cos(x)
        case .cos: return -sin(x)
        case .tan: let t = tan(x); return 1 + t * t
        case .tanh: let t = tanh(x); return 1 - t * t
        case .sigmoid: let s = sigmoid(x); return s * (1 - s)
        case .relu: return x > 0 ? 1 : 0
        case .step, .sign: return 0
        case .sqrt: return 0.5 / x.squareRoot()
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .softplus: return sigmoid(x)
        case .asin: return 1 / (1 - x * x).squareRoot()
        case .acos: return -1 / (1 - x * x).squareRoot()
        case .atan: return 1 / (1 + x * x)
        case .sinh: return cosh(x)
        case .cosh: return sinh(x)
        case .atanh: return 1 / (1 - x * x)
        }
    }

    static func f2(_ f: EntrywiseFunction, _ x: Double) -> Double {
        switch f {
        case .exp: return exp(x)
        case .log: return -1 / (x * x)
        case .sin: return -sin(x)
        case .cos: return -cos(x)
        case .tan: let t = tan(x); return 2 * t * (1 + t * t)
        case .tanh: let t = tanh(x); return -2 * t * (1 - t * t)
        case .sigmoid: let s = sigmoid(x); return s * (1 - s) * (1 - 2 * s)
        case .relu, .step, .abs, .sign: return 0
        case .sqrt: return -0.25 * pow(x, -1.5)
        case .softplus: let s = sigmoid(x); return s * (1 - s)
        case .asin: return x * pow(1 - x * x, -1.5)
        case .acos: return -x * pow(1 - x * x, -1.5)
        case .atan: return -2 * x / ((1 + x * x) * (1 + x * x))
        case .sinh: return sinh(x)
        case .cosh: return cosh(x)
        case .atanh: return 2 * x / ((1 - x * x) * (1 - x * x))
        }
    }
}
