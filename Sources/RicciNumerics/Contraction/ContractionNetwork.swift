import Foundation

/// The pairwise phase of a contraction as the planners see it: operands as dense label sets.
///
/// Paths are in opt_einsum's static single assignment form: inputs are `0..<nodes.count`, and the
/// k-th pair `(a, b)` produces operand `nodes.count + k`. Costs are counted as opt_einsum's
/// `contract_path` counts them (`helpers.flop_count`): a pair costs the product of the sizes of all
/// labels of both operands, doubled when some label is summed away.
struct ContractionNetwork {
    /// The labels of each operand (distinct dense labels).
    let nodes: [ContractionLabelSet]
    /// The output labels.
    let output: ContractionLabelSet
    /// The size of each dense label.
    let sizes: [Double]
    /// No step may create a tensor with more elements than this.
    let memoryLimit: Double

    /// Maps the labels of `nodes` to dense numbers; `nil` when there are more than
    /// ``ContractionLabelSet/capacity`` distinct labels.
    init?(nodes: [PlanBuilder.Node], output: [Int], sizes: [Int: Int], memoryLimit: Double) {
        var dense: [Int: Int] = [:]
        var denseSizes: [Double] = []
        for label in nodes.flatMap(\.labels) + output where dense[label] == nil {
            dense[label] = denseSizes.count
            denseSizes.append(Double(sizes[label] ?? 0))
        }
        guard denseSizes.count <= ContractionLabelSet.capacity else { return nil }
        self.nodes = nodes.map { ContractionLabelSet($0.labels.compactMap { dense[$0] }) }
        self.output = ContractionLabelSet(output.compactMap { dense[$0] })
        self.sizes = denseSizes
        self.memoryLimit = memoryLimit
    }

    /// The number of elements of a tensor with these labels.
    func size(_ set: ContractionLabelSet) -> Double { set.size(sizes) }

    /// The total FLOPs and largest intermediate of an SSA path, and whether every step fits
    /// ``memoryLimit``; `nil` for a malformed path (unknown or reused operands, not a single result).
    func evaluate(_ path: [(Int, Int)]) -> (flops: Double, largest: Double, fits: Bool)? {
        var live: [ContractionLabelSet?] = nodes
        var counts = [Int](repeating: 0, count: sizes.count)
        for node in nodes { node.forEach { counts[$0] += 1 } }
        var flops = 0.0, largest = 0.0
        for (a, b) in path {
            guard a != b, live.indices.contains(a), live.indices.contains(b),
                  let la = live[a], let lb = live[b] else { return nil }
            live[a] = nil
            live[b] = nil
            la.forEach { counts[$0] -= 1 }
            lb.forEach { counts[$0] -= 1 }
            let either = la | lb
            var result = ContractionLabelSet()
            either.forEach { label in if counts[label] > 0 || output.contains(label) { result.insert(label) } }
            result.forEach { counts[$0] += 1 }
            flops += size(either) * (result == either ? 1 : 2)
            largest = max(largest, size(result))
            live.append(result)
        }
        guard live.compactMap({ $0 }).count == 1 else { return nil }
        return (flops, largest, largest <= memoryLimit)
    }

    /// An SSA path as positions in a shrinking working list (opt_einsum's linear form, which
    /// ``PlanBuilder/contract(_:order:)`` takes): both operands are removed, the result appended.
    static func linear(_ path: [(Int, Int)], count: Int) -> [(Int, Int)] {
        var work = Array(0..<count)
        var next = count
        var order: [(Int, Int)] = []
        for (a, b) in path {
            guard let i = work.firstIndex(of: a), let j = work.firstIndex(of: b) else { return order }
            order.append((min(i, j), max(i, j)))
            work.remove(at: max(i, j))
            work.remove(at: min(i, j))
            work.append(next)
            next += 1
        }
        return order
    }

    /// Left to right, ((0·1)·2)·3…, as an SSA path.
    var naivePath: [(Int, Int)] {
        guard nodes.count > 1 else { return [] }
        var path = [(0, 1)]
        for k in 2..<nodes.count { path.append((nodes.count + k - 2, k)) }
        return path
    }
}
