import Foundation
@testable import RicciNumerics
import XCTest

/// The vectorized entrywise kernels of the plans (C, chosen by the processor) against libm: values
/// over the whole range, special values, lengths that are not a multiple of any vector width, and
/// in-place use (out = x), as the fused loops call them.
final class EntrywiseKernelTests: XCTestCase {
    private func inputs(_ n: Int, seed: UInt64) -> [Double] {
        var g = SystemRandomNumberGenerator()
        _ = seed
        var xs = (0..<n).map { _ in Double.random(in: -30...30, using: &g) }
        let special: [Double] = [0, -0.0, 1e-300, -1e-300, 0.624, 0.626, -0.625, 19.99, 20.01, 700, -700,
                                 708, -708, 709, -709, 800, -800, .infinity, -.infinity, .nan, 1e-8, -3.5]
        for (i, v) in special.enumerated() where i < n { xs[i] = v }
        return xs
    }

    private func check(_ name: String, _ kernel: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void,
                       _ reference: (Double) -> Double, tolerance: Double, floor: Double = 1e-300) {
        for n in [1, 7, 8, 9, 255, 256, 257, 1000, 4099] {
            let xs = inputs(n, seed: UInt64(n))
            var out = [Double](repeating: .nan, count: n)
            xs.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    guard let xb = x.baseAddress, let ob = o.baseAddress else { return }
                    kernel(xb, ob, n)
                }
            }
            var inPlace = xs
            inPlace.withUnsafeMutableBufferPointer { b in
                guard let p = b.baseAddress else { return }
                kernel(p, p, n)
            }
            for i in 0..<n {
                let r = reference(xs[i])
                for (got, how) in [(out[i], "out"), (inPlace[i], "in place")] {
                    if r.isNaN { XCTAssertTrue(got.isNaN, "\(name)(\(xs[i])) \(how): \(got), want NaN"); continue }
                    if r.isInfinite || r == 0 { XCTAssertEqual(got, r, "\(name)(\(xs[i])) \(how)"); continue }
                    XCTAssertLessThanOrEqual(abs(got - r) / max(abs(r), floor), tolerance, "\(name)(\(xs[i])) \(how): \(got) vs \(r)")
                }
            }
        }
    }

    func testTanhMatchesLibm() {
        check("tanh", PlanVectorMath.tanh, { Foundation.tanh($0) }, tolerance: 4e-15)
    }

    func testTanhDerivativeMatchesLibm() {
        // 1 - t² loses relative accuracy where t is near 1 (in the reference too): compared absolutely
        check("tanh'", PlanVectorMath.tanhDerivative, { x in let t = Foundation.tanh(x); return 1 - t * t },
              tolerance: 4e-15, floor: 1)
    }

    func testExpMatchesLibm() {
        check("exp", PlanVectorMath.exp, { Foundation.exp($0) }, tolerance: 4e-15)
    }

    func testSigmoidMatchesLibm() {
        check("sigmoid", PlanVectorMath.sigmoid, { x in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) },
              tolerance: 4e-15)
    }
}
