import XCTest
@testable import RicciNumerics

final class ContractionTests: XCTestCase {
    func testBasicEinsums() throws {
        let a = try Tensor(rows: [[1, 2], [3, 4]]), b = try Tensor(rows: [[5, 6], [7, 8]])
        XCTAssertEqual(try Einsum.einsum("ij,jk->ik", [a, b]), try Linalg.matmul(a, b))
        XCTAssertEqual(try Einsum.einsum("ij,jk", [a, b]), try Linalg.matmul(a, b))
        XCTAssertEqual(try Einsum.einsum("ii", [a]), Tensor(scalar: 5))
        XCTAssertEqual(try Einsum.einsum("ii->i", [a]), Tensor(vector: [1, 4]))
        XCTAssertEqual(try Einsum.einsum("ij->ji", [a]), try a.transposed())
        XCTAssertEqual(try Einsum.einsum("ij->", [a]), Tensor(scalar: 10))
        XCTAssertEqual(try Einsum.einsum("ij,ij->ij", [a, b]).data, [5, 12, 21, 32])
        XCTAssertEqual(try Einsum.einsum("ij,ij", [a, b]), Tensor(scalar: 70))
        XCTAssertEqual(try Einsum.einsum("i,j", [Tensor(vector: [1, 2]), Tensor(vector: [3, 4, 5])]).shape, [2, 3])
        XCTAssertEqual(try Einsum.einsum(",", [Tensor(scalar: 2), Tensor(scalar: 3)]), Tensor(scalar: 6))
    }

    func testEllipsisBroadcasting() throws {
        var rng = try RandomSource(seed: 5)
        let x = try rng.tensor(shape: [3, 2, 4]), y = try rng.tensor(shape: [4, 5])
        let r = try Einsum.einsum("...ij,jk->...ik", [x, y])
        XCTAssertEqual(r.shape, [3, 2, 5])
        let expected = try ReferenceContraction.contract([(x, [0, 1, 2]), (y, [2, 3])], output: [0, 1, 3])
        assertClose(r, expected)
        // A size-1 broadcast axis against a larger one.
        let u = try rng.tensor(shape: [1, 2, 2]), v = try rng.tensor(shape: [3, 2, 2])
        let w = try Einsum.einsum("...ij,...jk->...ik", [u, v])
        XCTAssertEqual(w.shape, [3, 2, 2])
        let squeezed = try u.reshaped([2, 2])
        assertClose(w, try ReferenceContraction.contract([(squeezed, [1, 2]), (v, [0, 2, 3])], output: [0, 1, 3]))
        XCTAssertNotNil(numericError { try Einsum.einsum("...i,...i", [try Tensor(zeros: [2, 3]), try Tensor(zeros: [4, 3])]) })
    }

    func testLabeledContractErrors() throws {
        let a = try Tensor(zeros: [2, 3])
        XCTAssertNotNil(numericError { try Einsum.contract([(a, [0, 1]), (a, [0, 0])], output: []) })   // sizes disagree
        XCTAssertNotNil(numericError { try Einsum.contract([(a, [0, 1])], output: [2]) })               // output label absent
        XCTAssertNotNil(numericError { try Einsum.contract([(a, [0, 1])], output: [0, 0]) })            // repeated output
        XCTAssertNotNil(numericError { try Einsum.contract([(a, [0])], output: []) })                   // wrong label count
        XCTAssertNotNil(numericError { try Einsum.contract([], output: []) })
        XCTAssertNotNil(numericError { try Einsum.einsum("ij,jk", [a, a]) })
    }

    func testPlanBeatsNaiveOnABadChain() throws {
        // A(100×2)·B(2×100)·C(100×2): left to right builds a 100×100 intermediate.
        let plan = try Einsum.plan("ij,jk,kl->il", shapes: [[100, 2], [2, 100], [100, 2]])
        XCTAssertEqual(plan.strategy, .optimal)
        XCTAssertEqual(plan.flops, 1600)
        XCTAssertEqual(plan.naiveFlops, 80000)
        XCTAssertEqual(plan.naiveLargestIntermediate, 10000)
        XCTAssertEqual(plan.largestIntermediate, 200)
        XCTAssertEqual(try Einsum.plan("ij,jk,kl->il", shapes: [[100, 2], [2, 100], [100, 2]], strategy: .greedy).flops, 1600)
        let text = plan.description
        XCTAssertTrue(text.contains("ij,jk,kl->il") && text.contains("Naive FLOP count") && text.contains("speedup"), text)
    }

    func testAbsurdContractionIsRefused() throws {
        let v = Tensor(vector: [Double](repeating: 1, count: 1000))
        guard case .tooLarge(let shape, _)? = numericError({ try Einsum.einsum("i,j,k,l->ijkl", [v, v, v, v]) }) else {
            return XCTFail("expected tooLarge")
        }
        XCTAssertEqual(shape, [1000, 1000, 1000, 1000])
        // The same four vectors contracted to a scalar never build anything large.
        XCTAssertEqual(try Einsum.einsum("i,j,k,l->", [v, v, v, v]).scalarValue, 1e12)
    }

    func testZeroSizedAxes() throws {
        let a = try Tensor(zeros: [0, 3]), b = try Tensor(zeros: [3, 2])
        XCTAssertEqual(try Einsum.einsum("ij,jk->ik", [a, b]).shape, [0, 2])
        XCTAssertEqual(try Einsum.einsum("ij,ik->jk", [a, try Tensor(zeros: [0, 2])]), try Tensor(zeros: [3, 2]))
    }

    func testLargeGEMMPathAndTransposedLayouts() throws {
        var rng = try RandomSource(seed: 9)
        let a = try rng.tensor(shape: [40, 30]), b = try rng.tensor(shape: [50, 30])
        // j is last in both: B is used transposed without a copy.
        assertClose(try Einsum.einsum("ij,kj->ik", [a, b]), try Linalg.matmul(a, b, transB: true))
        assertClose(try Einsum.einsum("ji,jk->ik", [try a.transposed(), try b.transposed()]), try Linalg.matmul(a, b, transB: true))
        let g = try rng.tensor(shape: [6, 7, 8, 9]), m = try rng.tensor(shape: [8, 9])
        assertClose(try Einsum.einsum("ijkl,kl->ij", [g, m]),
                    try ReferenceContraction.contract([(g, [0, 1, 2, 3]), (m, [2, 3])], output: [0, 1]))
        let x = try rng.tensor(shape: [5, 20, 30]), y = try rng.tensor(shape: [5, 30, 25])
        assertClose(try Einsum.einsum("bij,bjk->bik", [x, y]),
                    try ReferenceContraction.contract([(x, [0, 1, 2]), (y, [0, 2, 3])], output: [0, 1, 3]))
    }

    /// Inner steps of a chain lay their results out wide (the larger free block last), then read
    /// their operands as stored: the 5-matrix chain of bench/ computed mn,km->nk, a doubly transposed
    /// GEMM with a narrow result, 40% slower than km,mn->kn; and ij,jk->ik (400×50) is computed as
    /// jk,ij->ki (50×400).
    func testInnerStepsOfAChainLayTheirResultsOutWide() throws {
        let shapes = [[400, 1000], [1000, 50], [50, 800], [800, 300], [300, 600]]
        let plan = try Einsum.plan("ij,jk,kl,lm,mn->in", shapes: shapes)
        let sizes = ["i": 400, "j": 1000, "k": 50, "l": 800, "m": 300, "n": 600]
        let name = { (labels: [Int]) in String(labels.compactMap { UnicodeScalar($0).map(Character.init) }) }
        var layouts: [String] = []
        for step in plan.steps where step.rhs != nil {
            let result = name(step.labels)
            layouts.append(result)
            // inner steps: the first free label's size is at most the last's
            if step.result < plan.inputs.count + plan.steps.count - 1, let first = result.first, let last = result.last {
                XCTAssertLessThanOrEqual(sizes[String(first)] ?? 0, sizes[String(last)] ?? 0, "\(step)")
            }
        }
        XCTAssertEqual(layouts, ["ki", "km", "kn", "in"], "\(plan.steps)")
        var rng = try RandomSource(seed: 5)
        let small = try [[4, 9], [9, 3], [3, 7], [7, 5], [5, 6]].map { try rng.tensor(shape: $0) }
        let expected = try ReferenceContraction.contract(zip(small, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]).map { ($0.0, $0.1) },
                                                         output: [0, 5])
        assertClose(try Einsum.einsum("ij,jk,kl,lm,mn->in", small), expected, tolerance: 1e-12, "chain")
        // a vector times a matrix large enough for one band of rows per thread
        let m = try rng.tensor(shape: [400, 300]), v = try rng.tensor(shape: [400])
        assertClose(try Einsum.einsum("j,ji->i", [v, m]), try ReferenceContraction.contract([(v, [1]), (m, [1, 0])], output: [0]),
                    tolerance: 1e-12, "j,ji->i")
        assertClose(try Einsum.einsum("ji,j->i", [m, v]), try ReferenceContraction.contract([(m, [1, 0]), (v, [1])], output: [0]),
                    tolerance: 1e-12, "ji,j->i")
    }

    func testMatrixVectorProductsThroughBLASInEveryLayout() throws {
        var rng = try RandomSource(seed: 12)
        let a = try rng.tensor(shape: [80, 70]), x = try rng.tensor(shape: [70]), y = try rng.tensor(shape: [80])
        let cases: [(String, [Tensor], [[Int]], [Int])] = [
            ("ij,j->i", [a, x], [[0, 1], [1]], [0]),
            ("ji,j->i", [a, y], [[1, 0], [1]], [0]),
            ("j,ji->i", [y, a], [[1], [1, 0]], [0]),
            ("j,ij->i", [x, a], [[1], [0, 1]], [0]),
            ("ij,j->", [a, x], [[0, 1], [1]], []),
        ]
        for (text, operands, labels, output) in cases {
            let expected = try ReferenceContraction.contract(Array(zip(operands, labels)).map { ($0.0, $0.1) }, output: output)
            assertClose(try Einsum.einsum(text, operands), expected, tolerance: 1e-12, text)
        }
        let long = try rng.tensor(shape: [6000])
        XCTAssertEqual(try Einsum.einsum("i,i", [long, long]).data[0], long.data.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-9)
    }

    func testStrategySelectionAndLimits() throws {
        let chain = { (n: Int) in (0..<n).map { (shape: [3, 3], labels: [$0, $0 + 1]) } }
        XCTAssertEqual(try Einsum.plan(chain(ContractionPlanner.autoOptimalLimit), output: [0, ContractionPlanner.autoOptimalLimit]).strategy, .optimal)
        XCTAssertEqual(try Einsum.plan(chain(ContractionPlanner.autoOptimalLimit + 1), output: [0, ContractionPlanner.autoOptimalLimit + 1]).strategy, .dp)
        XCTAssertNotNil(numericError { try Einsum.plan(chain(ContractionPlanner.optimalLimit + 1), output: [], strategy: .optimal) })
        let long = chain(30)
        var rng = try RandomSource(seed: 4)
        let operands = try long.map { (tensor: try rng.tensor(shape: $0.shape), labels: $0.labels) }
        let product = try operands.dropFirst().reduce(operands[0].tensor) { try Linalg.matmul($0, $1.tensor) }
        assertClose(try Einsum.contract(operands, output: [0, 30]), product, tolerance: 1e-9)
    }
}
