import Foundation

/// How ``ContractionPlanner`` chooses the order of pairwise contractions.
public enum PathStrategy: String, Sendable, CaseIterable {
    /// `.optimal` up to ``ContractionPlanner/autoOptimalLimit`` operands; beyond, the better of
    /// `.greedy` and `.dp` when `.dp` finishes within most of the planning time, otherwise the best of
    /// `.random-greedy` trials run for the rest of it.
    case auto
    /// The cheapest tree over all pairwise trees (outer products included), by dynamic programming
    /// over all subsets; at most ``ContractionPlanner/optimalLimit`` operands.
    case optimal
    /// opt_einsum's `dp`: the cheapest tree without outer products inside connected parts, by
    /// dynamic programming over connected subsets with cost capping; bounded by the planning time.
    case dp
    /// opt_einsum's greedy rule (`memory-removed`): repeatedly contract the pair that removes the
    /// most memory; outer products only when nothing else is left.
    case greedy
    /// opt_einsum's `RandomGreedy`: many greedy runs with Boltzmann-perturbed costs (the first is
    /// the plain greedy run), the cheapest kept; bounded by a number of trials and the planning time.
    case randomGreedy = "random-greedy"
    /// Left to right: ((A·B)·C)·D…
    case naive
}

/// Planning settings: the strategy, its time budget and a memory limit.
public struct ContractionOptions: Sendable, Equatable {
    /// The planning strategy.
    public var strategy: PathStrategy
    /// The planning time budget in seconds (used by `.auto`, `.dp` and `.randomGreedy`).
    public var planSeconds: Double
    /// The most elements any intermediate (step result) may have; `nil` for no limit.
    public var maxIntermediate: Double?
    /// The most trials `.randomGreedy` (and `.auto`'s fallback) runs.
    public var trials: Int
    /// The seed of the randomized planner (the same seed and trial count give the same plan).
    public var seed: UInt64

    /// Planning settings; the defaults plan in at most about a second.
    public init(strategy: PathStrategy = .auto, planSeconds: Double = 1, maxIntermediate: Double? = nil,
                trials: Int = 256, seed: UInt64 = 1) {
        self.strategy = strategy
        self.planSeconds = planSeconds
        self.maxIntermediate = maxIntermediate
        self.trials = trials
        self.seed = seed
    }

    /// Parses a memory limit: a plain number counts elements (`1000000`, `1e6`); a number with a
    /// byte unit counts bytes of float64 (8 per element): `B`, `KB`/`MB`/`GB` (powers of 1000),
    /// `KiB`/`MiB`/`GiB` (powers of 1024), e.g. `64MB` = 8,000,000 elements.
    /// - Throws: ``NumericError/einsum(_:)`` for anything else, or a limit below one element.
    public static func parseMemory(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("KB", 1e3), ("MB", 1e6),
                                         ("GB", 1e9), ("B", 1)]
        var number = trimmed, bytes: Double?
        for (unit, factor) in units where trimmed.uppercased().hasSuffix(unit.uppercased()) {
            number = String(trimmed.dropLast(unit.count)).trimmingCharacters(in: .whitespaces)
            bytes = factor
            break
        }
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw NumericError.einsum("invalid memory limit '\(text)' (use a number of elements, e.g. 1000000, or bytes with a unit: 64MB, 1GiB)")
        }
        let elements = bytes.map { (value * $0 / 8).rounded(.down) } ?? value.rounded(.down)
        guard elements.isFinite else { throw NumericError.einsum("memory limit '\(text)' is too large") }
        guard elements >= 1 else { throw NumericError.einsum("memory limit '\(text)' is less than one element (8 bytes)") }
        return elements
    }
}
