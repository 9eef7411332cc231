import Foundation

/// The `optimal` planner: the cheapest tree of pairwise contractions over all trees, outer
/// products included (opt_einsum's `optimal` searches the same trees), by dynamic programming over
/// all subsets of operands: 3ⁿ work, so at most ``ContractionPlanner/optimalLimit`` operands.
///
/// Minimizes FLOPs (counted as opt_einsum counts them), then the largest intermediate; subsets
/// whose intermediate exceeds the memory limit are not used.
enum ContractionOptimal {
    /// The SSA path, or `nil` when no tree keeps every intermediate within the memory limit.
    static func path(_ network: ContractionNetwork) -> [(Int, Int)]? {
        let nodes = network.nodes
        let m = nodes.count
        guard m > 1 else { return [] }
        let full = (1 << m) - 1
        var union = [ContractionLabelSet](repeating: ContractionLabelSet(), count: full + 1)
        for mask in 1...full {
            let low = mask & -mask
            union[mask] = union[mask ^ low] | nodes[low.trailingZeroBitCount]
        }
        // The labels kept by the intermediate of each subset: its labels needed outside it.
        var labels = [ContractionLabelSet](repeating: ContractionLabelSet(), count: full + 1)
        for mask in 1...full { labels[mask] = union[mask] & (union[full ^ mask] | network.output) }
        let size = labels.map { network.size($0) }
        var flops = [Double](repeating: .infinity, count: full + 1)
        var largest = [Double](repeating: .infinity, count: full + 1)
        var split = [Int](repeating: 0, count: full + 1)
        for i in 0..<m { flops[1 << i] = 0; largest[1 << i] = 0 }
        for mask in 1...full where mask.nonzeroBitCount > 1 && size[mask] <= network.memoryLimit {
            let low = mask & -mask
            var sub = (mask - 1) & mask
            while sub > 0 {
                if sub & low != 0 {
                    let other = mask ^ sub
                    if flops[sub].isFinite, flops[other].isFinite {
                        let involved = labels[sub] | labels[other]
                        let step = network.size(involved) * (labels[mask] == involved ? 1 : 2)
                        let total = flops[sub] + flops[other] + step
                        let peak = max(largest[sub], largest[other], size[mask])
                        if (total, peak) < (flops[mask], largest[mask]) {
                            flops[mask] = total
                            largest[mask] = peak
                            split[mask] = sub
                        }
                    }
                }
                sub = (sub - 1) & mask
            }
        }
        guard flops[full].isFinite else { return nil }
        var path: [(Int, Int)] = []
        var next = m
        func emit(_ mask: Int) -> Int {
            guard mask.nonzeroBitCount > 1 else { return mask.trailingZeroBitCount }
            let a = emit(split[mask]), b = emit(mask ^ split[mask])
            path.append((a, b))
            next += 1
            return next - 1
        }
        _ = emit(full)
        return path
    }
}
