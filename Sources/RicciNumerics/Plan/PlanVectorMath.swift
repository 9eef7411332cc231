import CRicciKernels
import Foundation

/// Entrywise functions and reductions over arrays with no call per element: the hot loops of fused
/// entrywise steps (`tanh` of an n×k activation, `normF` of a residual).
///
/// `tanh`, `exp` and `sigmoid` run in C (CRicciKernels, `entrywise.c`), compiled for AVX-512,
/// AVX2+FMA and baseline x86-64 and chosen by the processor (Swift's SIMD types compile for the
/// baseline target only, about 6× slower there): `exp` is Cody–Waite range reduction with a
/// degree-13 Taylor polynomial on |r| ≤ ln2/2 and 2^k built from the rounded exponent's bits;
/// `tanh` is Cephes' form (a rational function below 0.625, `(e - 1)/(e + 1)` with `e = exp(2|x|)`
/// above); entries outside the polynomial's range (|x| > 708, NaN) go through libm, so every input
/// gets libm's special values. Reductions are eight running sums in Swift.
enum PlanVectorMath {
    typealias V = SIMD8<Double>
    static let width = 8

    /// `out[i] = tanh(x[i])` (`out` may be `x`).
    static func tanh(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        guard n > 0 else { return }
        ricci_tanh(x, out, n)
    }

    /// `out[i] = 1 - tanh(x[i])²`.
    static func tanhDerivative(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        guard n > 0 else { return }
        ricci_tanh_derivative(x, out, n)
    }

    /// `out[i] = exp(x[i])`; entries outside [-708, 708] or NaN through libm.
    static func exp(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        guard n > 0 else { return }
        ricci_exp(x, out, n)
    }

    /// `out[i] = 1/(1 + exp(-x[i]))` without overflow (from exp(-|x|)); libm for |x| > 708 or NaN.
    static func sigmoid(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        guard n > 0 else { return }
        ricci_sigmoid(x, out, n)
    }

    // MARK: - reductions

    /// What a reduction adds up.
    enum Summand {
        case value, square, magnitude
    }

    /// Σ over `n` values of the value, its square or its magnitude, in eight running sums.
    static func sum(_ x: UnsafePointer<Double>, _ n: Int, _ what: Summand) -> Double {
        var acc0 = V(repeating: 0), acc1 = V(repeating: 0)
        var i = 0
        while i + 2 * width <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            let b = UnsafeRawPointer(x + i + width).loadUnaligned(as: V.self)
            switch what {
            case .value: acc0 += a; acc1 += b
            case .square: acc0 += a * a; acc1 += b * b
            case .magnitude: acc0 += abs(a); acc1 += abs(b)
            }
            i += 2 * width
        }
        var s = (acc0 + acc1).sum()
        while i < n {
            let v = x[i]
            switch what {
            case .value: s += v
            case .square: s += v * v
            case .magnitude: s += Swift.abs(v)
            }
            i += 1
        }
        return s
    }

    /// Lane-wise |v|.
    @inline(__always)
    static func abs(_ v: V) -> V {
        unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt64>.self) & SIMD8<UInt64>(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: V.self)
    }
}
