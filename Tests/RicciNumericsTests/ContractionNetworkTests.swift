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
                  let best = (row["best_flops"] as? NSNumber)?.doubleValue else { return nil }
            let dp = (row["opt_einsum"] as? [String: Any])?["dp"] as? [String: Any]
            return Network(n: n, regularity: r, seed: seed, equation: eq, shapes: shapes, bestFlops: best,
                           optEinsumDPFinished: dp != nil)
        }
    }

    /// The options the tests plan with, deterministic (bounded by size or trials, not by time; this
    /// is a debug build): where opt_einsum's dp finished, `auto` (optimal up to 10 operands, else the
    /// better of dp and greedy); where it did not (24 to 60 operands, where opt_einsum's best is its
    /// greedy), `random-greedy` with 8 trials (the first is plain greedy, the same as opt_einsum's).
    static func options(for network: Network) -> ContractionOptions {
        network.optEinsumDPFinished ? ContractionOptions(strategy: .auto, planSeconds: 600)
                                    : ContractionOptions(strategy: .randomGreedy, planSeconds: 600, trials: 8)
    }

    /// A network and its plans at the fixture's sizes: `main` by ``options(for:)``, and one per
    /// other strategy that handles it (greedy; random-greedy with 4 trials where the main plan is
    /// not random-greedy's; dp up to 16 operands; optimal for 11 and 12).
    struct Planned {
        let network: Network
        let main: ContractionPlan
        let others: [ContractionPlan]
        var all: [ContractionPlan] { [main] + others }
    }

    /// Every network planned once for the whole class: the tests share the plans (planning is
    /// most of their cost in a debug build).
    static let planned: Result<[Planned], Error> = Result {
        try networks().map { network in
            var strategies: [ContractionOptions] = [ContractionOptions(strategy: .greedy)]
            if network.optEinsumDPFinished {  // (else the main plan is random-greedy's)
                strategies.append(ContractionOptions(strategy: .randomGreedy, planSeconds: 600, trials: 4))
            }
            if network.n <= 16 { strategies.append(ContractionOptions(strategy: .dp, planSeconds: 600)) }
            if network.n > ContractionPlanner.autoOptimalLimit && network.n <= 12 {  // (auto is optimal up to 10)
                strategies.append(ContractionOptions(strategy: .optimal, planSeconds: 600))
            }
            return Planned(network: network,
                           main: try Einsum.plan(network.equation, shapes: network.shapes, options: options(for: network)),
                           others: try strategies.map { try Einsum.plan(network.equation, shapes: network.shapes, options: $0) })
        }
    }

    /// The largest intermediate a plan may have to be checked by value at size 2 (as the naive order).
    static let smallLimit = 65_536.0

    /// The same steps with every label of size `size`: checking a plan by value on small sizes
    /// runs exactly its order of contractions, whatever sizes it was planned for.
    static func resized(_ plan: ContractionPlan, to size: Int) -> ContractionPlan {
        let steps = plan.steps.map { step in
            ContractionPlan.Step(lhs: step.lhs, rhs: step.rhs, result: step.result, labels: step.labels, summed: step.summed,
                                 flops: 0, size: pow(Double(size), Double(step.labels.count)))
        }
        return ContractionPlan(inputs: plan.inputs, output: plan.output, sizes: plan.sizes.mapValues { _ in size },
                               strategy: plan.strategy, steps: steps, flops: 0,
                               largestIntermediate: steps.map(\.size).max() ?? 1, naiveFlops: 0, naiveLargestIntermediate: 0,
                               labelNames: plan.labelNames)
    }

    func testFixtureCoversThreeToSixtyOperands() throws {
        let networks = try Self.networks()
        XCTAssertGreaterThanOrEqual(networks.count, 40)
        // Every row is read (FLOPs beyond 2^53, e.g. 8.35e18, are not exact doubles: read as numbers).
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("contract_networks.json")))
        let rows = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["networks"] as? [Any]
        XCTAssertEqual(networks.count, rows?.count)
        XCTAssertEqual(networks.map(\.n).min(), 3)
        XCTAssertEqual(networks.map(\.n).max(), 60)
        // More than 52 distinct indices: letters beyond a–z, A–Z (and '÷', as opt_einsum's get_symbol makes).
        XCTAssertTrue(networks.contains { $0.equation.unicodeScalars.contains { !$0.isASCII } })
    }

    func testPlannedFlopsNeverExceedOptEinsumsBest() throws {
        for planned in try Self.planned.get() {
            let (network, plan) = (planned.network, planned.main)
            XCTAssertLessThanOrEqual(plan.flops, network.bestFlops * (1 + 1e-12),
                                     "\(network.name): \(plan.planner) \(plan.flops) vs opt_einsum \(network.bestFlops)")
            XCTAssertEqual(plan.equation.count, network.equation.count, network.name)
        }
    }

    func testGreedyMatchesOptEinsumsGreedyExactly() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("contract_networks.json")))
        let rows = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["networks"] as? [[String: Any]] ?? []
        let planned = try Self.planned.get()
        var compared = 0
        for row in rows {
            guard let eq = row["equation"] as? String,
                  let greedy = (row["opt_einsum"] as? [String: Any])?["greedy"] as? [String: Any],
                  let flops = (greedy["flops"] as? NSNumber)?.doubleValue,
                  let plan = planned.first(where: { $0.network.equation == eq })?.others.first(where: { $0.strategy == .greedy })
            else { continue }
            XCTAssertEqual(plan.flops, flops, accuracy: flops * 1e-12, "\(eq)")  // doubles: exact below 2^53
            compared += 1
        }
        XCTAssertEqual(compared, planned.count)
    }

    /// Every plan of every network, run with all sizes 2 and random values, against the naive
    /// left-to-right contraction where that fits in ``smallLimit``, else against the greedy order.
    /// The two networks of 60 operands and regularity 4 need intermediates of 10⁸ elements even
    /// at size 2 (in any order found): their plans run at size 1, which still checks that every
    /// operand is contracted exactly once.
    func testPlansComputeTheSameValuesAsTheNaiveOrder() throws {
        var rng = try RandomSource(seed: 14)
        var againstNaive = 0, plans = 0, replanned = 0, atSizeOne: [String] = []
        for planned in try Self.planned.get() {
            let network = planned.network
            var size = 2
            var shapes = network.shapes.map { $0.map { _ in size } }
            let naive = try Einsum.plan(network.equation, shapes: shapes, options: ContractionOptions(strategy: .naive))
            var referenceStrategy: PathStrategy = naive.largestIntermediate <= Self.smallLimit ? .naive : .greedy
            if referenceStrategy == .greedy,
               try Einsum.plan(network.equation, shapes: shapes, options: ContractionOptions(strategy: .greedy)).largestIntermediate > Self.smallLimit {
                size = 1
                shapes = network.shapes.map { $0.map { _ in size } }
                referenceStrategy = .naive
                atSizeOne.append(network.name)
            }
            if referenceStrategy == .naive && size == 2 { againstNaive += 1 }
            let operands = try shapes.map { try rng.tensor(shape: $0) }
            let expected = try Einsum.einsum(network.equation, operands, options: ContractionOptions(strategy: referenceStrategy))
            for plan in planned.all {
                var small = Self.resized(plan, to: size)
                if small.largestIntermediate > Self.smallLimit {
                    // Too large to run at size 2 (a few plans of 40 to 60 operands): the same
                    // planner's order for the small sizes is run instead.
                    small = try Einsum.plan(network.equation, shapes: shapes,
                                            options: ContractionOptions(strategy: plan.strategy, planSeconds: 600, trials: 4))
                    replanned += 1
                }
                XCTAssertEqual(small.inputs.map(small.shape(of:)), shapes, network.name)
                let got = try ContractionExecutor.execute(small, operands: operands)
                assertClose(got, expected, tolerance: 1e-9, "\(network.name) \(plan.planner) against \(referenceStrategy)")
                plans += 1
            }
        }
        XCTAssertGreaterThanOrEqual(againstNaive, 20)
        XCTAssertLessThanOrEqual(replanned, 8)
        XCTAssertLessThanOrEqual(atSizeOne.count, 2, "\(atSizeOne)")
        print("ContractionNetworkTests: \(plans) plans checked by value (\(replanned) planned again for the small size); "
            + "\(againstNaive) networks at size 2 against the naive order, the rest against greedy; at size 1: \(atSizeOne)")
    }

    func testMemoryLimitConstrainsThePlan() throws {
        for planned in try Self.planned.get() where planned.network.n >= 8 && planned.network.n <= 16 {
            let network = planned.network
            guard let free = planned.others.first(where: { $0.strategy == .dp }) else { return XCTFail("no dp plan: \(network.name)") }
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
