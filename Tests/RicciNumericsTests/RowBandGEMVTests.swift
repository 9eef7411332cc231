import Foundation
@testable import RicciNumerics
import XCTest

/// The row-banded transposed GEMV (plans' `X'*v`, contractions' vector × matrix) against a plain
/// double loop: row counts that are not a multiple of the four-row step, results wider than the
/// kernel's column block, one band and several, alpha, and accumulation into the output.
final class RowBandGEMVTests: XCTestCase {
    func testMatchesThePlainProduct() throws {
        var g = try RandomSource(seed: 7)
        for (rows, cols) in [(1, 1), (3, 5), (7, 1), (65, 3), (1000, 77), (513, 1031), (130, 2500), (4001, 19), (0, 4)] {
            let x = (0..<rows * cols).map { _ in g.gaussian() }
            let v = (0..<rows).map { _ in g.gaussian() }
            let start = (0..<cols).map { _ in g.gaussian() }
            for threads in [1, 2, 3] {
                for (alpha, accumulate) in [(1.0, false), (-2.5, true)] {
                    var out = start
                    x.withUnsafeBufferPointer { xp in
                        v.withUnsafeBufferPointer { vp in
                            out.withUnsafeMutableBufferPointer { op in
                                guard let o = op.baseAddress else { return }
                                RowBandGEMV.transposedProduct(xp.baseAddress ?? UnsafePointer(o), rows: rows, cols: cols,
                                                vp.baseAddress ?? UnsafePointer(o), alpha: alpha, accumulate: accumulate,
                                                into: o, threads: threads)
                            }
                        }
                    }
                    for j in 0..<cols {
                        var s = 0.0
                        for i in 0..<rows { s += x[i * cols + j] * v[i] }
                        let want = (accumulate ? start[j] : 0) + alpha * s
                        XCTAssertEqual(out[j], want, accuracy: 1e-12 * max(1, abs(want)) * Double(max(rows, 1)),
                                       "\(rows)×\(cols), \(threads) threads, column \(j)")
                    }
                }
            }
        }
    }
}
