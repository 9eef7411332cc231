import Foundation

/// Entrywise functions and reductions over arrays, eight lanes at a time with no call per element:
/// the hot loops of fused entrywise steps (`tanh` of an n×k activation, `normF` of a residual).
///
/// `exp` is Cody–Waite range reduction with a degree-13 Taylor polynomial on |r| ≤ ln2/2 (truncation
/// below 5e-18) and the power of two built from the rounded exponent's bits; `tanh` is Cephes' form
/// (a rational function below 0.625, `(e - 1)/(e + 1)` with `e = exp(2|x|)` above), both branches
/// computed per lane and one division selected. Lanes whose input is outside the fast path's range (|x| > 708 for `exp`, NaN)
/// go through libm, so every input gets libm's special values.
enum PlanVectorMath {
    typealias V = SIMD8<Double>
    static let width = 8

    // MARK: - exp

    /// e^x for every lane in [-708, 708] (2^k stays a normal number); about 1 ulp.
    @inline(__always)
    static func expCore(_ x: V) -> V {
        let shifter = V(repeating: 6755399441055744.0)   // 1.5·2^52: adding it rounds to an integer
        let t = x * 1.4426950408889634 + shifter
        let k = t - shifter
        let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
        var p = V(repeating: 1.0 / 6227020800.0)
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        // t's low mantissa bits hold 2^51 + k: add the bias and shift it into the exponent field
        let bits = unsafeBitCast(t, to: SIMD8<UInt64>.self)
        let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: V.self)
        return p * scale
    }

    /// True when every lane is within [-bound, bound] (false for a NaN lane).
    @inline(__always)
    static func within(_ x: V, _ bound: Double) -> Bool {
        all((x .<= V(repeating: bound)) .& (x .>= V(repeating: -bound)))
    }

    // MARK: - tanh

    /// tanh of every lane (NaN stays NaN, ±∞ gives ±1).
    @inline(__always)
    static func tanhCore(_ x: V) -> V {
        let signMask = SIMD8<UInt64>(repeating: 0x8000_0000_0000_0000)
        let xb = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        let z = unsafeBitCast(xb & ~signMask, to: V.self)
        // above 20, tanh is 1 to double precision
        let zc = z.replacing(with: 20, where: z .> V(repeating: 20))
        let e = expCore(2 * zc)
        // one division for both branches: (e - 1)/(e + 1) with x's sign, or x·(q + s·p)/q
        let large = unsafeBitCast(unsafeBitCast(e - 1, to: SIMD8<UInt64>.self) | (xb & signMask), to: V.self)
        let s = x * x
        let p = (s * -9.64399179425052238628e-1 - 9.92877231001918586564e1) * s - 1.61468768441708447952e3
        let q = ((s + 1.12811678491632931402e2) * s + 2.23548839060100448583e3) * s + 4.84406305325125486048e3
        let small = z .< V(repeating: 0.625)
        let numerator = large.replacing(with: x * (q + s * p), where: small)
        let denominator = (e + 1).replacing(with: q, where: small)
        return numerator / denominator
    }

    // MARK: - array kernels

    /// `out[i] = f(x[i])` lane-wise over `n` values, the tail padded.
    @inline(__always)
    static func map(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i + width <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: f(v), as: V.self)
            i += width
        }
        if i < n {
            var v = V(repeating: 0)
            for j in 0..<(n - i) { v[j] = x[i + j] }
            let r = f(v)
            for j in 0..<(n - i) { out[i + j] = r[j] }
        }
    }

    /// `out[i] = tanh(x[i])` (`out` may be `x`).
    static func tanh(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        map(x, out, n, tanhCore)
    }

    /// `out[i] = 1 - tanh(x[i])²`.
    static func tanhDerivative(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        map(x, out, n) { v in
            let t = tanhCore(v)
            return 1 - t * t
        }
    }

    /// `out[i] = exp(x[i])`; eight-value blocks with a lane outside [-708, 708] or NaN use libm.
    static func exp(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        map(x, out, n) { v in
            if within(v, 708) { return expCore(v) }
            var r = v
            for j in 0..<width { r[j] = Foundation.exp(v[j]) }
            return r
        }
    }

    /// `out[i] = 1/(1 + exp(-x[i]))` without overflow (from exp(-|x|)); libm for |x| > 708 or NaN.
    static func sigmoid(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        map(x, out, n) { v in
            if within(v, 708) {
                let e = expCore(-abs(v))
                let s = 1 / (1 + e)
                return s.replacing(with: e * s, where: v .< V(repeating: 0))
            }
            var r = v
            for j in 0..<width { r[j] = EntrywiseMath.sigmoid(v[j]) }
            return r
        }
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
