import Foundation
import XCTest
@testable import RicciNumerics

/// The random networks of `Fixtures/contract_networks.json` (opt_einsum's `rand_equation`, written
/// by `bench/contract_networks.py --fixture` with opt_einsum's own plans): ricci's planned FLOPs
/// are never above opt_einsum's best of optimal/dp/greedy, and every plan computes the right values.
final class ContractionNetworkTests: XCTestCase {
    struct Network {
        let n: Int
        let regularity: Int
        let seed: Int
        let equation: String
        let shapes: [[Int]]
        let bestFlops: Double
        /// Whether opt_einsum's dp finished (within the fixture's timeout).
        let optEinsumDPFinished: Bool
        var name: String { "n=\(n) regularity=\(regularity) seed=\(seed)" }
    }

    static func networks() throws -> [Network] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("contract_networks.json")))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = root["networks"] as? [[String: Any]] else { throw NumericError.einsum("bad fixture") }
        return rows.compactMap { row in
            guard let n = row["n"] as? Int, let r = row["regularity"] as? Int, let seed = row["seed"] as? Int,
                  let eq = row["equation"] as? String, let shapes = row["shapes"] as? [[Int]],
                  let best = row["best_flops"] as? Double else { return nil }
            let dp = (row["opt_einsum"] as? [String: Any])?["dp"] as? [String: Any]
            return Network(n: n, regularity: r, seed: seed, equation: eq, shapes: shapes, bestFlops: best,
                           optEinsumDPFinished: dp != nil)
        }
    }

    /// The options the tests plan with, deterministic (bounded by size or trials, not by time; this
    /// is a debug build): where opt_einsum's dp finished, `auto` (optimal up to 10 operands, else the
    /// better of dp and greedy); where it did not (24 to 60 operands), `random-greedy` with 64 trials.
    static func options(for network: Network) -> ContractionOptions {
        network.optEinsumDPFinished ? ContractionOptions(strategy: .auto, planSeconds: 600)
                                    : ContractionOptions(strategy: .randomGreedy, planSeconds: 600, trials: 64)
    }

    func testFixtureCoversThreeToSixtyOperands() throws {
        let networks = try Self.networks()
        XCTAssertGreaterThanOrEqual(networks.count, 40)
        XCTAssertEqual(networks.map(\.n).min(), 3)
        XCTAssertEqual(networks.map(\.n).max(), 60)
        // More than 52 distinct indices: letters beyond a–z, A–Z (and '÷', as opt_einsum's get_symbol makes).
        XCTAssertTrue(networks.contains { $0.equation.unicodeScalars.contains { !$0.isASCII } })
    }

    func testPlannedFlopsNeverExceedOptEinsumsBest() throws {
        for network in try Self.networks() {
            let plan = try Einsum.plan(network.equation, shapes: network.shapes, options: Self.options(for: network))
            XCTAssertLessThanOrEqual(plan.flops, network.bestFlops * (1 + 1e-12),
                                     "\(network.name): \(plan.planner) \(plan.flops) vs opt_einsum \(network.bestFlops)")
            XCTAssertEqual(plan.equation.count, network.equation.count, network.name)
        }
    }

    func testGreedyMatchesOptEinsumsGreedyExactly() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("contract_networks.json")))
        let rows = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["networks"] as? [[String: Any]] ?? []
        var compared = 0
        for row in rows {
            guard let eq = row["equation"] as? String, let shapes = row["shapes"] as? [[Int]],
                  let greedy = (row["opt_einsum"] as? [String: Any])?["greedy"] as? [String: Any],
                  let flops = greedy["flops"] as? Double else { continue }
            let plan = try Einsum.plan(eq, shapes: shapes, options: ContractionOptions(strategy: .greedy))
            XCTAssertEqual(plan.flops, flops, accuracy: flops * 1e-12, "\(eq)")  // doubles: exact below 2^53
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 40)
    }

    /// Every network with all sizes 2 and random values: the plan of each strategy against the
    /// naive left-to-right contraction where that fits in memory, else against the greedy plan.
    func testPlansComputeTheSameValuesAsTheNaiveOrder() throws {
        var rng = try RandomSource(seed: 14)
        var againstNaive = 0
        for network in try Self.networks() {
            let shapes = network.shapes.map { $0.map { _ in 2 } }
            let operands = try shapes.map { try rng.tensor(shape: $0) }
            let naive = try Einsum.plan(network.equation, shapes: shapes, options: ContractionOptions(strategy: .naive))
            let referenceStrategy: PathStrategy = naive.largestIntermediate <= 65_536 ? .naive : .greedy
            if referenceStrategy == .naive { againstNaive += 1 }
            let expected = try Einsum.einsum(network.equation, operands, options: ContractionOptions(strategy: referenceStrategy))
            var strategies: [PathStrategy] = [.auto, .greedy, .randomGreedy]
            if network.n <= 16 { strategies.append(.dp) }  // (and auto's dp up to 24 operands: debug builds are slow)
            if network.n <= ContractionPlanner.optimalLimit { strategies.append(.optimal) }
            for strategy in strategies {
                let options = ContractionOptions(strategy: strategy, planSeconds: strategy == .auto ? 0.5 : 600, trials: 4)
                let (got, plan) = try Einsum.einsumWithPlan(network.equation, operands, options: options)
                assertClose(got, expected, tolerance: 1e-9, "\(network.name) \(plan.planner) against \(referenceStrategy)")
            }
        }
        XCTAssertGreaterThanOrEqual(againstNaive, 20)
        print("ContractionNetworkTests: \(againstNaive) networks checked against the naive order, the rest against greedy")
    }

    func testMemoryLimitConstrainsThePlan() throws {
        for network in try Self.networks() where network.n >= 8 && network.n <= 16 {
            let free = try Einsum.plan(network.equation, shapes: network.shapes, options: ContractionOptions(strategy: .dp, planSeconds: 600))
            let cap = (free.largestIntermediate / 2).rounded(.down)
            let outputSize = Double(free.shape(of: free.output).reduce(1, *))
            guard cap >= outputSize else { continue }
            do {
                let capped = try Einsum.plan(network.equation, shapes: network.shapes,
                                             options: ContractionOptions(strategy: .dp, planSeconds: 600, maxIntermediate: cap))
                XCTAssertLessThanOrEqual(capped.largestIntermediate, cap, network.name)
                XCTAssertGreaterThanOrEqual(capped.flops, free.flops, network.name)
                XCTAssertEqual(capped.memoryLimit, cap)
            } catch let error as NumericError {
                XCTAssertTrue(error.description.contains("memory limit") || error.description.contains("--max-intermediate"), "\(error)")
            }
        }
    }
}
