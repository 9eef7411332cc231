import Foundation

/// opt_einsum's greedy planner (`paths.ssa_greedy_optimize`), and its randomized variant.
///
/// 1. Operands with identical label sets are multiplied first (Hadamard products).
/// 2. Repeatedly, the candidate pair with the lowest heuristic cost is contracted. The heuristic is
///    opt_einsum's `memory-removed`: `size(result) − size(a) − size(b)`; ties go to the pair with the
///    lower operand numbers. Only pairs sharing a label are candidates.
/// 3. What is left (no shared labels) is multiplied as outer products, smallest first.
///
/// With a ``Thermal`` chooser (opt_einsum's `RandomGreedy`): the cost gets multiplicative noise
/// `N(1, 0.01)` and `costmod` weights the inputs (`size(result) − costmod·(size(a)+size(b))`), and
/// the pair is drawn among the `nbranch` cheapest with Boltzmann weights `exp(−(c − c₀)/T)`, where
/// `T = temperature · max(1, |c₀|)`. Candidates whose result exceeds the memory limit are skipped.
enum ContractionGreedy {
    /// The random choices of one randomized greedy trial.
    struct Thermal {
        var temperature: Double
        var costmod: Double
        var nbranch: Int = 8
        var random: ContractionRandom
    }

    private struct Candidate: Comparable {
        let cost: Double
        let id2: Int
        let id1: Int
        let k1: ContractionLabelSet
        let k2: ContractionLabelSet
        let k12: ContractionLabelSet
        static func < (a: Candidate, b: Candidate) -> Bool { (a.cost, a.id2, a.id1) < (b.cost, b.id2, b.id1) }
        static func == (a: Candidate, b: Candidate) -> Bool { (a.cost, a.id2, a.id1) == (b.cost, b.id2, b.id1) }
    }

    /// The greedy SSA path for `network` (deterministic when `thermal` is `nil`).
    static func path(_ network: ContractionNetwork, thermal: inout Thermal?) -> [(Int, Int)] {
        let inputs = network.nodes
        guard inputs.count > 1 else { return [] }
        // A label common to all operands cannot be contracted before the end: treat it as output.
        let output = inputs.dropFirst().reduce(inputs[0]) { $0 & $1 } | network.output
        var remaining: [ContractionLabelSet: Int] = [:]
        var nextID = inputs.count
        var path: [(Int, Int)] = []
        for (id, key) in inputs.enumerated() {
            if let earlier = remaining[key] {
                path.append((earlier, id))
                remaining[key] = nextID
                nextID += 1
            } else {
                remaining[key] = id
            }
        }
        var dimToKeys: [Int: Set<ContractionLabelSet>] = [:]
        for key in remaining.keys { (key - output).forEach { dimToKeys[$0, default: []].insert(key) } }
        var twice = ContractionLabelSet(), thrice = ContractionLabelSet()
        for (dim, keys) in dimToKeys {
            if keys.count >= 2 { twice.insert(dim) }
            if keys.count >= 3 { thrice.insert(dim) }
        }
        twice = twice - output
        thrice = thrice - output
        var footprints: [ContractionLabelSet: Double] = [:]
        for key in remaining.keys { footprints[key] = network.size(key) }

        func candidate(_ k1: ContractionLabelSet, _ k2: ContractionLabelSet) -> Candidate? {
            let either = k1 | k2, two = k1 & k2
            let k12 = (either & output) | (two & thrice) | ((either - two) & twice)
            let size12 = network.size(k12)
            guard size12 <= network.memoryLimit else { return nil }
            let s1 = footprints[k1] ?? 0, s2 = footprints[k2] ?? 0
            var cost = size12 - s1 - s2
            if var t = thermal {
                cost = t.random.gaussian(mean: 1, deviation: 0.01) * (size12 - t.costmod * (s1 + s2))
                thermal = t
            }
            var (a, b, id1, id2) = (k1, k2, remaining[k1] ?? 0, remaining[k2] ?? 0)
            if id1 > id2 { (a, b, id1, id2) = (b, a, id2, id1) }
            return Candidate(cost: cost, id2: id2, id1: id1, k1: a, k2: b, k12: k12)
        }
        var queue = ContractionHeap<Candidate>()
        func push(_ k1: ContractionLabelSet, _ others: [ContractionLabelSet]) {
            let found = others.compactMap { candidate(k1, $0) }
            if thermal != nil { for c in found { queue.push(c) } } else if let best = found.min() { queue.push(best) }
        }
        // Dictionary and Set orders vary between processes: iterate in a fixed order, so that the
        // random draws (one per candidate) and hence the plans are reproducible from the seed.
        for dim in dimToKeys.keys.sorted() {
            let sorted = (dimToKeys[dim] ?? []).sorted { (remaining[$0] ?? 0) < (remaining[$1] ?? 0) }
            for i in 0..<max(0, sorted.count - 1) { push(sorted[i], Array(sorted[(i + 1)...])) }
        }
        while let chosen = choose(&queue, remaining, &thermal) {
            let (k1, k2, k12) = (chosen.k1, chosen.k2, chosen.k12)
            guard let id1 = remaining.removeValue(forKey: k1), let id2 = remaining.removeValue(forKey: k2) else { continue }
            (k1 - output).forEach { dimToKeys[$0]?.remove(k1) }
            (k2 - output).forEach { dimToKeys[$0]?.remove(k2) }
            path.append((id1, id2))
            if let existing = remaining[k12] {
                path.append((existing, nextID))
                nextID += 1
            } else {
                (k12 - output).forEach { dimToKeys[$0, default: []].insert(k12) }
            }
            remaining[k12] = nextID
            nextID += 1
            (k1 | (k2 - output)).forEach { dim in
                let count = dimToKeys[dim]?.count ?? 0
                if count >= 2 { twice.insert(dim) } else { twice = twice - ContractionLabelSet([dim]) }
                if count >= 3 { thrice.insert(dim) } else { thrice = thrice - ContractionLabelSet([dim]) }
            }
            footprints[k12] = network.size(k12)
            var partners = Set<ContractionLabelSet>()
            k12.forEach { dim in partners.formUnion(dimToKeys[dim] ?? []) }
            partners.remove(k12)
            if !partners.isEmpty { push(k12, partners.sorted { (remaining[$0] ?? 0) < (remaining[$1] ?? 0) }) }
        }
        // Outer products of what is left, smallest (by output size) first.
        var final = ContractionHeap<OuterEntry>()
        for (key, id) in remaining { final.push(OuterEntry(size: network.size(key & output), id: id, key: key)) }
        guard var current = final.pop() else { return path }
        while let other = final.pop() {
            path.append((min(current.id, other.id), max(current.id, other.id)))
            let k12 = (current.key | other.key) & output
            final.push(OuterEntry(size: network.size(k12), id: nextID, key: k12))
            nextID += 1
            guard let next = final.pop() else { break }
            current = next
        }
        return path
    }

    private struct OuterEntry: Comparable {
        let size: Double
        let id: Int
        let key: ContractionLabelSet
        static func < (a: OuterEntry, b: OuterEntry) -> Bool { (a.size, a.id) < (b.size, b.id) }
        static func == (a: OuterEntry, b: OuterEntry) -> Bool { (a.size, a.id) == (b.size, b.id) }
    }

    /// The next contraction: the cheapest live candidate, or a Boltzmann draw among the `nbranch` cheapest.
    private static func choose(_ queue: inout ContractionHeap<Candidate>, _ remaining: [ContractionLabelSet: Int],
                               _ thermal: inout Thermal?) -> Candidate? {
        guard var t = thermal else {
            while let c = queue.pop() {
                if remaining[c.k1] != nil, remaining[c.k2] != nil { return c }
            }
            return nil
        }
        var choices: [Candidate] = []
        while choices.count < t.nbranch, let c = queue.pop() {
            if remaining[c.k1] != nil, remaining[c.k2] != nil { choices.append(c) }
        }
        guard let first = choices.first else { return nil }
        if choices.count == 1 { return first }
        let scale = t.temperature * max(1, abs(first.cost))
        let weights = choices.map { scale == 0 ? ($0.cost == first.cost ? 1 : 0) : exp(-($0.cost - first.cost) / scale) }
        var draw = t.random.uniform() * weights.reduce(0, +)
        var chosen = choices.count - 1
        for (index, weight) in weights.enumerated() {
            draw -= weight
            if draw < 0 { chosen = index; break }
        }
        for (index, c) in choices.enumerated() where index != chosen { queue.push(c) }
        thermal = t
        return choices[chosen]
    }
}

/// A binary min-heap.
struct ContractionHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

/// A small seeded random source (SplitMix64) for the randomized planners: the same seed gives the same plan.
struct ContractionRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Normal by Box–Muller.
    mutating func gaussian(mean: Double, deviation: Double) -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return mean + deviation * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
