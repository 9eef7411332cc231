import Foundation

/// Plans the order of a multi-operand contraction from labels and sizes alone (opt_einsum's model).
///
/// Every input is first reduced on its own (diagonals of repeated labels, sums of labels that occur
/// nowhere else), then operands are contracted two at a time. A pairwise step keeps exactly the
/// labels still needed (by another operand or the output) and sums the rest. Its cost is the product
/// of the sizes of all labels involved, doubled when something is summed (a multiply and an add).
public enum ContractionPlanner {
    /// `.auto` uses `.optimal` up to this many operands (after reduction), `.greedy` beyond.
    public static let autoOptimalLimit = 8
    /// The most operands `.optimal` accepts (its search grows as 3ⁿ).
    public static let optimalLimit = 12

    /// Plans `inputs → output`.
    /// - Parameters:
    ///   - inputs: the labels of each operand (a label repeated within one operand means its diagonal).
    ///   - output: the labels of the result, distinct, each present in some input.
    ///   - sizes: the size of every label.
    ///   - strategy: how the order is chosen (``PathStrategy``).
    /// - Throws: ``NumericError/einsum(_:)`` for invalid labels or sizes.
    public static func plan(inputs: [[Int]], output: [Int], sizes: [Int: Int],
                            strategy: PathStrategy = .auto) throws -> ContractionPlan {
        try validate(inputs: inputs, output: output, sizes: sizes)
        var builder = PlanBuilder(inputs: inputs, output: output, sizes: sizes)
        let nodes = builder.reduceInputs()
        let m = nodes.count
        let used: PathStrategy
        switch strategy {
        case .auto: used = m <= autoOptimalLimit ? .optimal : .greedy
        case .optimal:
            guard m <= optimalLimit else {
                throw NumericError.einsum("the optimal strategy handles at most \(optimalLimit) operands (got \(m)); use greedy")
            }
            used = .optimal
        default: used = strategy
        }
        var naive = builder
        naive.contract(nodes, order: naiveOrder(nodes))
        let pairs: [(Int, Int)]
        switch used {
        case .optimal: pairs = optimalOrder(nodes, builder: builder)
        case .greedy: pairs = greedyOrder(nodes, builder: builder)
        default: pairs = naiveOrder(nodes)
        }
        builder.contract(nodes, order: pairs)
        return ContractionPlan(inputs: inputs, output: output, sizes: sizes, strategy: used, steps: builder.steps,
                               flops: builder.flops, largestIntermediate: builder.largest,
                               naiveFlops: naive.flops, naiveLargestIntermediate: naive.largest, labelNames: [:])
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

    // MARK: - Orders (pairs of positions in a shrinking working list, opt_einsum style)

    /// ((0·1)·2)·3…, as positions in the working list: results are appended at the end, so after
    /// the first step the running product is last and the next input is first.
    static func naiveOrder(_ nodes: [PlanBuilder.Node]) -> [(Int, Int)] {
        let m = nodes.count
        guard m > 1 else { return [] }
        return [(0, 1)] + (1..<(m - 1)).map { step in (m - step - 1, 0) }
    }

    /// Greedy: the pair that shrinks memory most (result − inputs), then fewest FLOPs.
    static func greedyOrder(_ nodes: [PlanBuilder.Node], builder: PlanBuilder) -> [(Int, Int)] {
        var work = nodes.map { Set($0.labels) }
        var order: [(Int, Int)] = []
        let outputSet = Set(builder.output)
        while work.count > 1 {
            var best: (key: (Double, Double), pair: (Int, Int))?
            var smallest: [(size: Double, index: Int)] = []
            for i in 0..<work.count {
                smallest.append((builder.size(work[i]), i))
                for j in (i + 1)..<work.count where !work[i].isDisjoint(with: work[j]) {
                    var keep = outputSet
                    for (k, labels) in work.enumerated() where k != i && k != j { keep.formUnion(labels) }
                    let union = work[i].union(work[j])
                    let result = union.intersection(keep)
                    let flops = builder.size(union) * (result.count < union.count ? 2 : 1)
                    let key = (builder.size(result) - builder.size(work[i]) - builder.size(work[j]), flops)
                    if best.map({ key < $0.key }) ?? true { best = (key, (i, j)) }
                }
            }
            let pair: (Int, Int)
            if let chosen = best?.pair {
                pair = chosen
            } else {
                let twoSmallest = smallest.sorted { ($0.size, $0.index) < ($1.size, $1.index) }.prefix(2).map(\.index).sorted()
                pair = (twoSmallest[0], twoSmallest[1])
            }
            var keep = outputSet
            for (k, labels) in work.enumerated() where k != pair.0 && k != pair.1 { keep.formUnion(labels) }
            let merged = work[pair.0].union(work[pair.1]).intersection(keep)
            work.remove(at: pair.1)
            work.remove(at: pair.0)
            work.append(merged)
            order.append(pair)
        }
        return order
    }

    /// Optimal: dynamic programming over subsets; minimizes (over the size limit?, FLOPs, largest).
    static func optimalOrder(_ nodes: [PlanBuilder.Node], builder: PlanBuilder) -> [(Int, Int)] {
        let m = nodes.count
        guard m > 1 else { return [] }
        let full = (1 << m) - 1
        let outputSet = Set(builder.output)
        let limit = Double(Tensor.maxElements)
        // The labels kept by the intermediate of each subset: its labels needed outside it.
        var labels = [Set<Int>](repeating: [], count: full + 1)
        var union = [Set<Int>](repeating: [], count: full + 1)
        for mask in 1...full {
            let low = mask & -mask
            union[mask] = union[mask ^ low].union(nodes[low.trailingZeroBitCount].labels)
        }
        for mask in 1...full {
            labels[mask] = union[mask].intersection(union[full ^ mask].union(outputSet))
        }
        let size = labels.map { builder.size($0) }
        struct Best { var flops: Double; var largest: Double; var split: Int }
        var best = [Best](repeating: Best(flops: .infinity, largest: .infinity, split: 0), count: full + 1)
        for i in 0..<m { best[1 << i] = Best(flops: 0, largest: 0, split: 0) }
        func key(_ b: Best) -> (Int, Double, Double) { (b.largest > limit ? 1 : 0, b.flops, b.largest) }
        for mask in 1...full where mask.nonzeroBitCount > 1 {
            let low = mask & -mask
            var sub = (mask - 1) & mask
            while sub > 0 {
                if sub & low != 0 {
                    let other = mask ^ sub
                    let involved = labels[sub].union(labels[other])
                    let flops = builder.size(involved) * (labels[mask].count < involved.count ? 2 : 1)
                    let candidate = Best(flops: best[sub].flops + best[other].flops + flops,
                                         largest: max(best[sub].largest, best[other].largest, size[mask]), split: sub)
                    if key(candidate) < key(best[mask]) { best[mask] = candidate }
                }
                sub = (sub - 1) & mask
            }
        }
        // Linearize the tree (post-order) into positions of a working list.
        var work: [Int] = (0..<m).map { 1 << $0 }  // each working entry is identified by its mask
        var order: [(Int, Int)] = []
        func emit(_ mask: Int) {
            guard mask.nonzeroBitCount > 1 else { return }
            let left = best[mask].split, right = mask ^ left
            emit(left)
            emit(right)
            guard let i = work.firstIndex(of: left), let j = work.firstIndex(of: right) else { return }
            let (a, b) = (min(i, j), max(i, j))
            work.remove(at: b)
            work.remove(at: a)
            work.append(mask)
            order.append(i < j ? (a, b) : (b, a))
        }
        emit(full)
        return order
    }
}
