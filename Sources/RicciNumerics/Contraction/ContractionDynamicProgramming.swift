import Foundation

/// opt_einsum's `dp` planner: exact dynamic programming over connected subsets of operands, with
/// cost capping (Pfeifer, Haegeman, Verstraete, Phys. Rev. E 90, 033315, 2014).
///
/// Operands are split into connected components (sharing a summed label). In each component,
/// level `n` holds, for every connected set of `n` operands found so far, the cheapest way to
/// contract it; a set is formed from two disjoint sets of lower levels that share a summed label
/// (no outer products inside a component). Only sets whose cost is at most a cap are kept; the cap
/// starts at the size of the component's output labels and is multiplied by the smallest label
/// size (at least 2) until the whole component is reached — so the result is the cheapest tree.
/// Unlike opt_einsum's `dp`, which ranks by `size(a ∪ b)` alone, this ranks by the FLOPs that
/// `contract_path` reports (doubled when a label is summed). Components are then multiplied
/// together, smallest result first. Every step respects the memory limit.
///
/// Bounded: the search stops (``Outcome/stopped(_:)``) at a deadline, after ``maxPairs`` candidate
/// pairs or ``maxEntries`` stored sets, or with more than 64 operands.
enum ContractionDynamicProgramming {
    /// The most candidate pairs examined before giving up.
    static let maxPairs = 40_000_000_000
    /// The most subsets stored before giving up (about 100 bytes each).
    static let maxEntries = 2_000_000

    enum Outcome {
        case path([(Int, Int)])
        /// Gave up; the reason is for the user.
        case stopped(String)
    }

    private final class Level {
        var masks: [UInt64] = []
        var labels: [ContractionLabelSet] = []
        var sizes: [Double] = []
        var costs: [Double] = []
        var lefts: [UInt64] = []
        var index: [UInt64: Int] = [:]
    }

    static func path(_ network: ContractionNetwork, deadline: DispatchTime) -> Outcome {
        let nodes = network.nodes
        let m = nodes.count
        guard m > 1 else { return .path([]) }
        guard m <= 64 else { return .stopped("dp handles at most 64 operands (got \(m))") }
        let output = network.output
        var labelNodes = [UInt64](repeating: 0, count: network.sizes.count)
        for (k, node) in nodes.enumerated() { node.forEach { labelNodes[$0] |= UInt64(1) << UInt64(k) } }
        var pairs = 0, entries = 0
        var results: [(size: Double, id: Int)] = []
        var path: [(Int, Int)] = []
        var nextID = m
        for component in components(network, labelNodes) {
            let g = component.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) }
            let x: [Level] = (0...component.count).map { _ in Level() }
            for k in component {
                let mask = UInt64(1) << UInt64(k)
                x[1].index[mask] = x[1].masks.count
                x[1].masks.append(mask); x[1].labels.append(nodes[k]); x[1].sizes.append(network.size(nodes[k]))
                x[1].costs.append(0); x[1].lefts.append(0)
            }
            let all = component.reduce(ContractionLabelSet()) { $0 | nodes[$1] }
            var cap = network.size(all & output)
            let increment = max(all.labels.map { network.sizes[$0] }.min() ?? 2, 2)
            let naive = 2 * Double(m) * network.sizes.reduce(1, *)
            let top = component.count
            while x[top].masks.isEmpty {
                for n in stride(from: 2, through: top, by: 1) {
                    let xn = x[n]
                    for low in stride(from: 1, through: n / 2, by: 1) {
                        let a = x[low], b = x[n - low]
                        for i in a.masks.indices where a.costs[i] <= cap {
                            let s1 = a.masks[i], i1 = a.labels[i], c1 = a.costs[i], z1 = a.sizes[i]
                            for j in (low == n - low ? i + 1 : 0)..<b.masks.count {
                                pairs += 1
                                if pairs & 0xFFFF == 0 {
                                    if DispatchTime.now() > deadline { return .stopped("dp did not finish within the planning time") }
                                    if pairs > maxPairs { return .stopped("dp gave up after \(maxPairs) candidate pairs") }
                                }
                                let s2 = b.masks[j]
                                guard s1 & s2 == 0 else { continue }
                                let i2 = b.labels[j]
                                let shared = i1 & i2
                                let cut = shared - output
                                guard !cut.isEmpty else { continue }
                                let s = s1 | s2
                                var removed = ContractionLabelSet()
                                cut.forEach { if labelNodes[$0] & ~s == 0 { removed.insert($0) } }
                                let sharedSize = network.size(shared)
                                let union = sharedSize > 0 ? z1 * b.sizes[j] / sharedSize : 0
                                let cost = c1 + b.costs[j] + union * (removed.isEmpty ? 1 : 2)
                                guard cost <= cap else { continue }
                                let existing = xn.index[s]
                                if let e = existing, xn.costs[e] <= cost { continue }
                                let removedSize = network.size(removed)
                                let resultSize = removedSize > 0 ? union / removedSize : 0
                                guard resultSize <= network.memoryLimit else { continue }
                                let labels = (i1 | i2) - removed
                                if let e = existing {
                                    xn.labels[e] = labels; xn.sizes[e] = resultSize; xn.costs[e] = cost; xn.lefts[e] = s1
                                } else {
                                    entries += 1
                                    if entries > maxEntries { return .stopped("dp gave up after storing \(maxEntries) subsets") }
                                    xn.index[s] = xn.masks.count
                                    xn.masks.append(s); xn.labels.append(labels); xn.sizes.append(resultSize)
                                    xn.costs.append(cost); xn.lefts.append(s1)
                                }
                            }
                        }
                    }
                }
                if x[top].masks.isEmpty {
                    if cap > naive || cap.isInfinite {
                        return .stopped("no contraction order keeps every intermediate within the memory limit")
                    }
                    cap *= increment
                }
            }
            guard x[top].masks.count == 1 else { return .stopped("dp: internal error (component not reached once)") }
            // Emit the tree in post-order.
            var ids: [UInt64: Int] = [:]
            for k in component { ids[UInt64(1) << UInt64(k)] = k }
            func emit(_ mask: UInt64) -> Int {
                if let id = ids[mask] { return id }
                let level = x[mask.nonzeroBitCount]
                guard let e = level.index[mask] else { return -1 }
                let left = level.lefts[e]
                let a = emit(left), b = emit(mask ^ left)
                path.append((a, b))
                ids[mask] = nextID
                nextID += 1
                return nextID - 1
            }
            results.append((x[top].sizes[0], emit(g)))
        }
        // Multiply the components together, smallest first (a stable sort, as opt_einsum).
        let ordered = results.enumerated().sorted { ($0.element.size, $0.offset) < ($1.element.size, $1.offset) }.map(\.element.id)
        guard var current = ordered.first else { return .path(path) }
        for id in ordered.dropFirst() {
            path.append((current, id))
            current = nextID
            nextID += 1
        }
        return .path(path)
    }

    /// The connected components: operands joined by a shared label that is not in the output.
    static func components(_ network: ContractionNetwork, _ labelNodes: [UInt64]) -> [[Int]] {
        var unused = Set(network.nodes.indices)
        var result: [[Int]] = []
        for start in network.nodes.indices where unused.contains(start) {
            unused.remove(start)
            var group: [Int] = []
            var queue = [start]
            while let k = queue.popLast() {
                group.append(k)
                var reach: UInt64 = 0
                (network.nodes[k] - network.output).forEach { reach |= labelNodes[$0] }
                for other in unused where reach & (UInt64(1) << UInt64(other)) != 0 {
                    unused.remove(other)
                    queue.append(other)
                }
            }
            result.append(group.sorted())
        }
        return result
    }
}
