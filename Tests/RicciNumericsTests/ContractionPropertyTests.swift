import XCTest
@testable import RicciNumerics

/// Random contractions of 1–6 operands, every strategy against the brute-force reference.
final class ContractionPropertyTests: XCTestCase {
    private struct Case {
        var operands: [(tensor: Tensor, labels: [Int])]
        var output: [Int]
        var description: String
    }

    private func randomCase(_ rng: inout RandomSource) throws -> Case {
        while true {
            let labelCount = 1 + rng.integer(below: 7)
            // Distinct sizes while possible (2…5), so a transposed result cannot pass by accident.
            var pool = [2, 3, 4, 5]
            var sizes: [Int] = []
            for _ in 0..<labelCount {
                if pool.isEmpty { sizes.append(2 + rng.integer(below: 4)) } else { sizes.append(pool.remove(at: rng.integer(below: pool.count))) }
            }
            let operandCount = 1 + rng.integer(below: 6)
            var labels: [[Int]] = []
            for _ in 0..<operandCount {
                let order = rng.integer(below: 4)
                labels.append((0..<order).map { _ in rng.integer(below: labelCount) })
            }
            let present = Array(Set(labels.joined())).sorted()
            var output = present.filter { _ in rng.uniform() < 0.4 }
            for i in stride(from: output.count - 1, to: 0, by: -1) { output.swapAt(i, rng.integer(below: i + 1)) }
            let work = present.reduce(1) { $0 * sizes[$1] } * max(1, operandCount)
            guard work <= 30_000 else { continue }
            var operands: [(tensor: Tensor, labels: [Int])] = []
            for l in labels { operands.append((try rng.tensor(shape: l.map { sizes[$0] }), l)) }
            let letters = { (l: [Int]) in String(l.map { Character(Unicode.Scalar(UInt8(97 + $0))) }) }
            let text = labels.map(letters).joined(separator: ",") + "->" + letters(output) + " sizes \(sizes)"
            return Case(operands: operands, output: output, description: text)
        }
    }

    func testRandomContractionsMatchTheReference() throws {
        var rng = try RandomSource(seed: 20240601)
        var strategiesSeen: [PathStrategy: Int] = [:]
        for _ in 0..<300 {
            let c = try randomCase(&rng)
            let expected = try ReferenceContraction.contract(c.operands, output: c.output)
            for strategy in PathStrategy.allCases {
                let plan = try Einsum.plan(c.operands.map { ($0.tensor.shape, $0.labels) }, output: c.output, strategy: strategy)
                strategiesSeen[plan.strategy, default: 0] += 1
                let result = try ContractionExecutor.execute(plan, operands: c.operands.map(\.tensor))
                assertClose(result, expected, tolerance: 1e-9, "\(strategy) \(c.description)")
                let naive = try Einsum.plan(c.operands.map { ($0.tensor.shape, $0.labels) }, output: c.output, strategy: .naive)
                XCTAssertEqual(plan.naiveFlops, naive.flops, c.description)
                if strategy == .optimal {
                    XCTAssertLessThanOrEqual(plan.flops, naive.flops * (1 + 1e-12), c.description)
                }
            }
            // The same case through einsum subscripts.
            let letters = { (l: [Int]) in String(l.map { Character(Unicode.Scalar(UInt8(97 + $0))) }) }
            let text = c.operands.map { letters($0.labels) }.joined(separator: ",") + "->" + letters(c.output)
            assertClose(try Einsum.einsum(text, c.operands.map(\.tensor)), expected, tolerance: 1e-9, text)
        }
        XCTAssertEqual(Set(strategiesSeen.keys), [.optimal, .dp, .greedy, .randomGreedy, .naive])
    }

    func testOptimalIsNeverWorseThanGreedy() throws {
        var rng = try RandomSource(seed: 77)
        for _ in 0..<200 {
            let c = try randomCase(&rng)
            let shapes = c.operands.map { ($0.tensor.shape, $0.labels) }
            let optimal = try Einsum.plan(shapes, output: c.output, strategy: .optimal)
            let greedy = try Einsum.plan(shapes, output: c.output, strategy: .greedy)
            XCTAssertLessThanOrEqual(optimal.flops, greedy.flops * (1 + 1e-12), c.description)
        }
    }
}
