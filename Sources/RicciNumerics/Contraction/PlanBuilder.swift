import Foundation

/// Accumulates the steps of a ``ContractionPlan`` and their costs (used by ``ContractionPlanner``).
struct PlanBuilder {
    /// An operand during planning: its number and its (distinct) labels.
    struct Node {
        let id: Int
        let labels: [Int]
    }

    let inputs: [[Int]]
    let output: [Int]
    let sizes: [Int: Int]
    private(set) var steps: [ContractionPlan.Step] = []
    private(set) var flops: Double = 0
    private(set) var largest: Double = 0
    private var nextID: Int

    init(inputs: [[Int]], output: [Int], sizes: [Int: Int]) {
        self.inputs = inputs
        self.output = output
        self.sizes = sizes
        self.nextID = inputs.count
    }

    /// The number of elements of a tensor with these labels (a `Double`: never overflows).
    func size<S: Sequence>(_ labels: S) -> Double where S.Element == Int {
        labels.reduce(1.0) { $0 * Double(sizes[$1] ?? 0) }
    }

    /// The labels of a pairwise result: batch labels (in both, still needed) in `a`'s order, then
    /// `a`-only, then `b`-only labels that are still needed; and the labels summed away.
    static func pairResult(_ a: [Int], _ b: [Int], keep: Set<Int>) -> (labels: [Int], summed: [Int]) {
        let inA = Set(a), inB = Set(b)
        let batch = a.filter { inB.contains($0) && keep.contains($0) }
        let freeA = a.filter { !inB.contains($0) && keep.contains($0) }
        let freeB = b.filter { !inA.contains($0) && keep.contains($0) }
        let summed = (a + b.filter { !inA.contains($0) }).filter { !keep.contains($0) }
        return (batch + freeA + freeB, summed)
    }

    /// The entries of the free (kept, not shared) labels of `a` and of `b` in the product `a·b`.
    static func freeSizes(_ a: [Int], _ b: [Int], keep: Set<Int>, sizes: [Int: Int]) -> (left: Double, right: Double) {
        let inA = Set(a), inB = Set(b)
        let count = { (labels: [Int]) in labels.reduce(1.0) { $0 * Double(sizes[$1] ?? 0) } }
        return (count(a.filter { !inB.contains($0) && keep.contains($0) }), count(b.filter { !inA.contains($0) && keep.contains($0) }))
    }

    /// How many of the two operands of `a·b` a BLAS product over `summed` reads transposed: `a` is
    /// read as stored when the summed labels end it, `b` when they begin it.
    static func transposes(_ a: [Int], _ b: [Int], _ summed: [Int]) -> Int {
        let s = Set(summed)
        guard !s.isEmpty else { return 0 }
        let aTail = Set(a.suffix(s.count)), bHead = Set(b.prefix(s.count))
        return (aTail == s ? 0 : 1) + (bHead == s ? 0 : 1)
    }

    /// Adds a reduction step for every input that has repeated labels or labels needed nowhere else;
    /// returns the operands that enter the pairwise phase. A lone input is reduced straight to the output.
    mutating func reduceInputs() -> [Node] {
        var nodes: [Node] = []
        for (index, labels) in inputs.enumerated() {
            var needed = Set(output)
            for (other, otherLabels) in inputs.enumerated() where other != index { needed.formUnion(otherLabels) }
            var unique: [Int] = []
            for label in labels where !unique.contains(label) { unique.append(label) }
            let kept = inputs.count == 1 ? output : unique.filter { needed.contains($0) }
            guard kept != labels else {
                nodes.append(Node(id: index, labels: labels))
                continue
            }
            let summed = unique.filter { !kept.contains($0) }
            let resultSize = size(kept)
            let work = size(unique) * (summed.isEmpty ? 1 : 2)  // opt_einsum's flop_count for one term
            steps.append(.init(lhs: index, rhs: nil, result: nextID, labels: kept, summed: summed, flops: work, size: resultSize))
            flops += work
            largest = max(largest, resultSize)
            nodes.append(Node(id: nextID, labels: kept))
            nextID += 1
        }
        if nodes.count == 1, nodes[0].labels != output { largest = max(largest, size(output)) }
        return nodes
    }

    /// Adds the pairwise steps of `order` (pairs of positions in a working list that starts as
    /// `nodes`; each result is appended at the end).
    mutating func contract(_ nodes: [Node], order: [(Int, Int)]) {
        var work = nodes
        for (p, q) in order {
            guard p != q, work.indices.contains(p), work.indices.contains(q) else { continue }
            var lhs = work[p], rhs = work[q]
            var keep = Set(output)
            for (k, node) in work.enumerated() where k != p && k != q { keep.formUnion(node.labels) }
            var (labels, summed) = Self.pairResult(lhs.labels, rhs.labels, keep: keep)
            // An inner step: the order whose result is wide (the right operand's free labels, laid out
            // last, at least as many entries as the left's), then the order BLAS reads without transposes
            // (summed labels last in the left operand, first in the right). OpenBLAS 0.3.21, two threads:
            // km,mn->kn rather than mn,km->nk (50×300·300×600: 0.13 ms against 0.17), but ij,jk->ik
            // computed as kj,ji->ki (400×1000·1000×50: 0.30 ms against 0.35).
            if work.count > 2 {
                let wide = Self.freeSizes(lhs.labels, rhs.labels, keep: keep, sizes: sizes)
                let here = Self.transposes(lhs.labels, rhs.labels, summed), there = Self.transposes(rhs.labels, lhs.labels, summed)
                if wide.left > wide.right || (wide.left == wide.right && there < here) {
                    swap(&lhs, &rhs)
                    (labels, summed) = Self.pairResult(lhs.labels, rhs.labels, keep: keep)
                }
            }
            // The last step: if the swapped order lays the result out as the output, no final transpose.
            if work.count == 2, labels != output, Self.pairResult(rhs.labels, lhs.labels, keep: keep).labels == output {
                swap(&lhs, &rhs)
                (labels, summed) = Self.pairResult(lhs.labels, rhs.labels, keep: keep)
            }
            let involved = Set(lhs.labels).union(rhs.labels)
            let stepFlops = size(involved) * (summed.isEmpty ? 1 : 2)
            let resultSize = size(labels)
            steps.append(.init(lhs: lhs.id, rhs: rhs.id, result: nextID, labels: labels, summed: summed,
                               flops: stepFlops, size: resultSize))
            flops += stepFlops
            largest = max(largest, resultSize)
            work.remove(at: max(p, q))
            work.remove(at: min(p, q))
            work.append(Node(id: nextID, labels: labels))
            nextID += 1
        }
        if work.count == 1, !order.isEmpty, work[0].labels != output { largest = max(largest, size(output)) }
    }
}
