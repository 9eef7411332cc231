import Foundation
import XCTest
@testable import RicciNumerics

/// Batched pairwise steps (``ContractionBatchedGEMM``): batches large enough to be split across
/// workers, in every GEMM layout (transposed or not on each side) and with vector results, against
/// the reference contraction; and OpenBLAS's thread count is restored afterwards.
final class ContractionBatchedTests: XCTestCase {
    func testBatchedLayoutsAgainstTheReference() throws {
        var rng = try RandomSource(seed: 21)
        // b = 40 products of 24×28 by 28×20 (13 440 multiply-adds each, 537 600 in all: one after
        // another) and a batch of 80 (1 075 200: split across workers), each side stored plain or
        // transposed.
        for batch in [40, 80] {
            let (b, i, j, k) = (0, 1, 2, 3)
            let sizes = [b: batch, i: 24, j: 28, k: 20]
            let layouts: [([Int], [Int])] = [([b, i, j], [b, j, k]), ([b, j, i], [b, j, k]), ([b, i, j], [b, k, j]), ([b, j, i], [b, k, j])]
            for (la, lb) in layouts {
                let x = try rng.tensor(shape: la.map { sizes[$0] ?? 0 }), y = try rng.tensor(shape: lb.map { sizes[$0] ?? 0 })
                let expected = try Self.batchedProduct(x, la, y, lb, sizes: sizes)
                assertClose(try Einsum.contract([(x, la), (y, lb)], output: [b, i, k]), expected, tolerance: 1e-12, "\(la) \(lb)")
            }
            // Vector results: one row (m = 1) or one column (n = 1) per batch entry.
            // (64·80 = 5 120 multiply-adds each: GEMV, not the plain loops)
            guard batch == 40 else { continue }  // (few entries: the reference contraction is slow in a debug build)
            let v = try rng.tensor(shape: [4, 64]), m = try rng.tensor(shape: [4, 64, 80]), mt = try rng.tensor(shape: [4, 80, 64])
            for (labels, operands, output) in [([[b, j], [b, j, k]], [v, m], [b, k]), ([[b, k, j], [b, j]], [mt, v], [b, k]),
                                               ([[b, j], [b, k, j]], [v, mt], [b, k])] {
                let pairs = Array(zip(operands, labels)).map { (tensor: $0.0, labels: $0.1) }
                assertClose(try Einsum.contract(pairs, output: output), try ReferenceContraction.contract(pairs, output: output),
                            tolerance: 1e-12, "\(labels)")
            }
        }
        // Tiny products (plain loops) split across workers too.
        let x = try rng.tensor(shape: [20_000, 3, 4]), y = try rng.tensor(shape: [20_000, 4, 5])
        assertClose(try Einsum.einsum("bij,bjk->bik", [x, y]),
                    try Self.batchedProduct(x, [0, 1, 2], y, [0, 2, 3], sizes: [0: 20_000, 1: 3, 2: 4, 3: 5]), tolerance: 1e-12)
    }

    /// `out[b, i, k] = Σ_j x[b, i, j]·y[b, j, k]` by plain loops, for operands laid out as `la`, `lb`
    /// (the labels 0 = b, 1 = i, 2 = j, 3 = k in any order): the reference contraction is too slow
    /// for batches this size in a debug build.
    static func batchedProduct(_ x: Tensor, _ la: [Int], _ y: Tensor, _ lb: [Int], sizes: [Int: Int]) throws -> Tensor {
        let (nb, ni, nj, nk) = (sizes[0] ?? 0, sizes[1] ?? 0, sizes[2] ?? 0, sizes[3] ?? 0)
        func strides(_ labels: [Int], _ t: Tensor) -> [Int: Int] {
            Dictionary(uniqueKeysWithValues: zip(labels, t.strides))
        }
        let sx = strides(la, x), sy = strides(lb, y)
        var out = try Tensor(zeros: [nb, ni, nk])
        for b in 0..<nb {
            for i in 0..<ni {
                for k in 0..<nk {
                    var total = 0.0
                    for j in 0..<nj {
                        total += x.data[b * (sx[0] ?? 0) + i * (sx[1] ?? 0) + j * (sx[2] ?? 0)]
                            * y.data[b * (sy[0] ?? 0) + j * (sy[2] ?? 0) + k * (sy[3] ?? 0)]
                    }
                    out.data[(b * ni + i) * nk + k] = total
                }
            }
        }
        return out
    }

    func testEmptyAndZeroLengthBatches() throws {
        let x = try Tensor(zeros: [0, 3, 4]), y = try Tensor(zeros: [0, 4, 5])
        XCTAssertEqual(try Einsum.einsum("bij,bjk->bik", [x, y]).shape, [0, 3, 5])
        var rng = try RandomSource(seed: 3)
        let p = try rng.tensor(shape: [7, 3, 0]), q = try rng.tensor(shape: [7, 0, 5])
        let r = try Einsum.einsum("bij,bjk->bik", [p, q])
        XCTAssertEqual(r.shape, [7, 3, 5])
        XCTAssertTrue(r.data.allSatisfy { $0 == 0 })
    }

    func testOpenBLASThreadCountIsRestored() throws {
        var rng = try RandomSource(seed: 5)
        let x = try rng.tensor(shape: [64, 32, 32]), y = try rng.tensor(shape: [64, 32, 32])
        let before = OpenBLASThreads.current
        _ = try Einsum.einsum("bij,bjk->bik", [x, y])
        XCTAssertEqual(OpenBLASThreads.current, before)
    }
}
