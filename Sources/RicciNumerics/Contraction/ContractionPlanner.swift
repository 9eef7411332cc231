import Foundation

/// Plans the order of a multi-operand contraction from labels and sizes alone (opt_einsum's model).
///
/// Every input is first reduced on its own (diagonals of repeated labels, sums of labels that occur
/// nowhere else), then operands are contracted two at a time. A pairwise step keeps exactly the
/// labels still needed (by another operand or the output) and sums the rest. Its cost is counted as
/// opt_einsum's `flop_count`: the product of the sizes of all labels involved, doubled when
/// something is summed. The planners are in ``PathStrategy``; every one is bounded in time or size.
public enum ContractionPlanner {
    /// `.auto` uses `.optimal` up to this many operands (after reduction).
    public static let autoOptimalLimit = 10
    /// The most operands `.optimal` accepts (its search grows as 3ⁿ).
    public static let optimalLimit = 14
    /// The share of the planning time `.auto` gives `.dp` before falling back to `.randomGreedy`.
    public static let autoDPShare = 0.75

    /// Plans `inputs → output` with `strategy` and the default options.
    public static func plan(inputs: [[Int]], output: [Int], sizes: [Int: Int],
                            strategy: PathStrategy = .auto) throws -> ContractionPlan {
        try plan(inputs: inputs, output: output, sizes: sizes, options: ContractionOptions(strategy: strategy))
    }

    /// Plans `inputs → output`.
    /// - Parameters:
    ///   - inputs: the labels of each operand (a label repeated within one operand means its diagonal).
    ///   - output: the labels of the result, distinct, each present in some input.
    ///   - sizes: the size of every label.
    ///   - options: strategy, planning time, memory limit.
    /// - Throws: ``NumericError/einsum(_:)`` for invalid labels or sizes, a strategy that cannot
    ///   handle the network (naming why), or no order within the memory limit.
    public static func plan(inputs: [[Int]], output: [Int], sizes: [Int: Int],
                            options: ContractionOptions) throws -> ContractionPlan {
        let start = DispatchTime.now()
        try validate(inputs: inputs, output: output, sizes: sizes)
        guard options.planSeconds.isFinite, options.planSeconds >= 0 else {
            throw NumericError.einsum("the planning time must be a non-negative number of seconds")
        }
        guard options.trials >= 1 else { throw NumericError.einsum("random-greedy needs at least one trial") }
        var builder = PlanBuilder(inputs: inputs, output: output, sizes: sizes)
        let nodes = builder.reduceInputs()
        let limit = options.maxIntermediate ?? .infinity
        let deadline = start + .nanoseconds((Int(min(options.planSeconds, 1e6) * 1e9)))
        var chosen = try choose(nodes, output: output, sizes: sizes, limit: limit, options: options,
                                start: start, deadline: deadline)
        var naive = builder
        naive.contract(nodes, order: ContractionNetwork.linear(Self.naivePath(nodes.count), count: nodes.count))
        builder.contract(nodes, order: ContractionNetwork.linear(chosen.path, count: nodes.count))
        if let cap = options.maxIntermediate, let over = builder.steps.first(where: { $0.rhs != nil && $0.size > cap }) {
            throw NumericError.einsum("the \(chosen.planner) plan needs an intermediate of \(ContractionPlan.format(over.size)) elements, over --max-intermediate \(ContractionPlan.format(cap))")
        }
        if nodes.count <= 1 { chosen.planner = chosen.strategy.rawValue }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return ContractionPlan(inputs: inputs, output: output, sizes: sizes, strategy: chosen.strategy, steps: builder.steps,
                               flops: builder.flops, largestIntermediate: builder.largest,
                               naiveFlops: naive.flops, naiveLargestIntermediate: naive.largest, labelNames: [:],
                               planner: chosen.planner, note: chosen.note, planningSeconds: seconds,
                               memoryLimit: options.maxIntermediate)
    }

    /// A planner's answer: an SSA path over the reduced operands.
    struct Choice {
        var path: [(Int, Int)]
        var strategy: PathStrategy
        var planner: String
        var note: String?
    }

    private static func choose(_ nodes: [PlanBuilder.Node], output: [Int], sizes: [Int: Int], limit: Double,
                               options: ContractionOptions, start: DispatchTime, deadline: DispatchTime) throws -> Choice {
        let m = nodes.count
        let strategy = options.strategy
        if m <= 1 || strategy == .naive {
            return Choice(path: naivePath(m), strategy: strategy == .auto ? .optimal : strategy, planner: strategy.rawValue)
        }
        guard let network = ContractionNetwork(nodes: nodes, output: output, sizes: sizes, memoryLimit: limit) else {
            let why = "more than \(ContractionLabelSet.capacity) distinct labels"
            guard strategy == .auto else { throw NumericError.einsum("the \(strategy.rawValue) strategy handles at most \(ContractionLabelSet.capacity) distinct labels; use naive") }
            return Choice(path: naivePath(m), strategy: .naive, planner: "naive", note: "\(why): planned left to right")
        }
        func fits(_ path: [(Int, Int)]?) -> (path: [(Int, Int)], flops: Double, largest: Double)? {
            guard let path, let cost = network.evaluate(path), cost.fits else { return nil }
            return (path, cost.flops, cost.largest)
        }
        let noFit = "no contraction order keeps every intermediate within --max-intermediate \(ContractionPlan.format(limit))"
        switch strategy == .auto && m <= autoOptimalLimit ? .optimal : strategy {
        case .naive, .optimal:
            guard m <= optimalLimit else {
                throw NumericError.einsum("the optimal strategy handles at most \(optimalLimit) operands (got \(m)); use dp, greedy or random-greedy")
            }
            guard let path = ContractionOptimal.path(network) else { throw NumericError.einsum(noFit) }
            return Choice(path: path, strategy: .optimal, planner: "optimal")
        case .greedy:
            var thermal: ContractionGreedy.Thermal?
            guard let best = fits(ContractionGreedy.path(network, thermal: &thermal)) else {
                throw NumericError.einsum("the greedy order needs an intermediate over --max-intermediate \(ContractionPlan.format(limit)); try dp or random-greedy")
            }
            return Choice(path: best.path, strategy: .greedy, planner: "greedy")
        case .dp:
            switch ContractionDynamicProgramming.path(network, deadline: deadline) {
            case .path(let path): return Choice(path: path, strategy: .dp, planner: "dp")
            case .stopped(let why):
                throw NumericError.einsum("\(why) (--plan-seconds \(options.planSeconds)); allow more time or use random-greedy")
            }
        case .randomGreedy:
            let found = randomGreedy(network, trials: options.trials, seed: options.seed, deadline: deadline)
            guard let best = found.best else { throw NumericError.einsum(noFit) }
            return Choice(path: best.path, strategy: .randomGreedy, planner: "random-greedy (\(found.trials) trials)")
        case .auto:
            var thermal: ContractionGreedy.Thermal?
            let greedy = fits(ContractionGreedy.path(network, thermal: &thermal))
            let dpBudget = start + .nanoseconds((Int(min(options.planSeconds, 1e6) * autoDPShare * 1e9)))
            let why: String
            switch ContractionDynamicProgramming.path(network, deadline: dpBudget) {
            case .path(let path):
                if let dp = fits(path) {
                    if let greedy, (greedy.flops, greedy.largest) < (dp.flops, dp.largest) {
                        return Choice(path: greedy.path, strategy: .greedy, planner: "greedy", note: "greedy beat dp")
                    }
                    return Choice(path: dp.path, strategy: .dp, planner: "dp")
                }
                why = "the dp order does not fit the memory limit"
            case .stopped(let reason):
                why = reason + " (\(autoDPShare) of --plan-seconds \(options.planSeconds))"
            }
            let found = randomGreedy(network, trials: options.trials, seed: options.seed, deadline: deadline)
            guard let best = found.best else { throw NumericError.einsum(noFit) }
            return Choice(path: best.path, strategy: .randomGreedy, planner: "random-greedy (\(found.trials) trials)",
                          note: why + ": random-greedy used")
        }
    }

    /// Runs greedy once plainly, then with random costs until `trials` runs or the deadline;
    /// keeps the cheapest (FLOPs, then largest intermediate) that fits the memory limit.
    static func randomGreedy(_ network: ContractionNetwork, trials: Int, seed: UInt64, deadline: DispatchTime)
        -> (best: (path: [(Int, Int)], flops: Double, largest: Double)?, trials: Int) {
        var best: (path: [(Int, Int)], flops: Double, largest: Double)?
        var random = ContractionRandom(seed: seed)
        var run = 0
        while run < trials {
            if run > 0, DispatchTime.now() > deadline { break }
            var thermal: ContractionGreedy.Thermal?
            if run > 0 {
                // Hyper-parameters per trial: temperature log-uniform in [0.001, 1], costmod in [0, 2].
                let temperature = pow(10, -3 * random.uniform())
                let costmod = 2 * random.uniform()
                thermal = ContractionGreedy.Thermal(temperature: temperature, costmod: costmod,
                                                    random: ContractionRandom(seed: random.next()))
            }
            let path = ContractionGreedy.path(network, thermal: &thermal)
            run += 1
            guard let cost = network.evaluate(path), cost.fits else { continue }
            if best.map({ (cost.flops, cost.largest) < ($0.flops, $0.largest) }) ?? true {
                best = (path, cost.flops, cost.largest)
            }
        }
        return (best, run)
    }

    /// ((0·1)·2)·3… as an SSA path.
    static func naivePath(_ m: Int) -> [(Int, Int)] {
        guard m > 1 else { return [] }
        return [(0, 1)] + (2..<m).map { (m + $0 - 2, $0) }
    }

    static func validate(inputs: [[Int]], output: [Int], sizes: [Int: Int]) throws {
        guard !inputs.isEmpty else { throw NumericError.einsum("a contraction needs at least one operand") }
        guard Set(output).count == output.count else {
            throw NumericError.einsum("the output labels must be distinct")
        }
        let present = Set(inputs.joined())
        for label in output where !present.contains(label) {
            throw NumericError.einsum("output label \(label) appears in no operand")
        }
        for label in present.union(output) {
            guard let size = sizes[label], size >= 0 else {
                throw NumericError.einsum("label \(label) has no valid size")
            }
        }
    }
}
