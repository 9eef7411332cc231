import Foundation

/// A contraction order, computed from labels and sizes only — it never touches data.
///
/// Operands are numbered: inputs `0..<inputs.count`, then each step's result gets the next number.
/// A step either reduces one operand (diagonals of repeated labels and sums of labels needed
/// nowhere else; `rhs == nil`) or contracts two operands (`lhs`, `rhs`) into a result whose labels
/// are ordered batch labels, then `lhs`-only labels, then `rhs`-only labels — the layout the GEMM
/// executor produces. The executor transposes the last result to ``output`` order.
/// Printing a plan (``description``) shows each step with its cost, the totals and the same
/// totals for the naive left-to-right order, like opt_einsum's `PathInfo`.
public struct ContractionPlan: Sendable, CustomStringConvertible {
    /// One step of a plan.
    public struct Step: Sendable, Equatable {
        /// The operand reduced or the left operand of a pairwise contraction.
        public let lhs: Int
        /// The right operand of a pairwise contraction; `nil` for a single-operand reduction.
        public let rhs: Int?
        /// The number given to this step's result.
        public let result: Int
        /// The result's labels, in the order the executor lays them out.
        public let labels: [Int]
        /// The labels summed over in this step.
        public let summed: [Int]
        /// The floating-point operations of this step (2 per multiply-add).
        public let flops: Double
        /// The number of elements of the result.
        public let size: Double
    }

    /// The labels of each input, as given (repeats allowed).
    public let inputs: [[Int]]
    /// The labels of the result, in order.
    public let output: [Int]
    /// The size of every label.
    public let sizes: [Int: Int]
    /// The strategy that produced ``steps`` (never `.auto`).
    public let strategy: PathStrategy
    /// The steps, in execution order.
    public let steps: [Step]
    /// The total FLOPs of ``steps``.
    public let flops: Double
    /// The number of elements of the largest tensor the plan creates (including the output).
    public let largestIntermediate: Double
    /// The total FLOPs of the naive left-to-right order.
    public let naiveFlops: Double
    /// The largest tensor the naive left-to-right order creates.
    public let naiveLargestIntermediate: Double
    /// How labels are printed (letters for einsum subscripts); labels absent here print as `#n`.
    public var labelNames: [Int: String]
    /// The planner that produced ``steps``, e.g. `dp` or `random-greedy (256 trials)`.
    public var planner: String = ""
    /// Why the planner differs from the one asked for (e.g. dp ran out of time), if it does.
    public var note: String?
    /// The time planning took, in seconds.
    public var planningSeconds: Double = 0
    /// The `--max-intermediate` limit (elements) the plan was made under, if any.
    public var memoryLimit: Double?

    /// The most elements alive at once while executing: all inputs (the caller holds them) plus the
    /// intermediates not yet consumed, counted when each step's result is created (before its
    /// operands are freed), and the final reordering to the output layout. GEMM-layout copies of an
    /// operand are not counted.
    public var peakElements: Double {
        var live = inputs.reduce(0.0) { total, labels in total + shape(of: labels).reduce(1.0) { $0 * Double($1) } }
        var peak = live
        var sizes: [Int: Double] = [:]
        for step in steps {
            live += step.size
            peak = max(peak, live)
            sizes[step.result] = step.size
            for operand in [step.lhs] + (step.rhs.map { [$0] } ?? []) where operand >= inputs.count {
                live -= sizes[operand] ?? 0
            }
        }
        if (steps.last?.labels ?? inputs.first ?? []) != output {
            peak = max(peak, live + shape(of: output).reduce(1.0) { $0 * Double($1) })
        }
        return peak
    }

    /// The naive cost divided by this plan's cost.
    public var speedup: Double { flops > 0 ? naiveFlops / flops : 1 }

    /// The shape of a tensor with the given labels.
    public func shape(of labels: [Int]) -> [Int] { labels.map { sizes[$0] ?? 0 } }

    /// A label as printed.
    public func name(_ label: Int) -> String {
        if let name = labelNames[label] { return name }
        if let scalar = Unicode.Scalar(UInt32(clamping: max(label, 0))),
           (65...90).contains(label) || (97...122).contains(label) { return String(Character(scalar)) }
        return "#\(label)"
    }

    /// Labels as printed, joined (single letters without separators).
    public func names(_ labels: [Int]) -> String {
        let parts = labels.map(name)
        return parts.allSatisfy({ $0.count == 1 }) ? parts.joined() : parts.joined(separator: " ")
    }

    /// The contraction in einsum notation, e.g. `ij,jk->ik`.
    public var equation: String {
        inputs.map { names($0) }.joined(separator: ",") + "->" + names(output)
    }

    /// The labels of operand `id` (an input or a step result).
    public func labels(ofOperand id: Int) -> [Int] {
        if id < inputs.count { return inputs[id] }
        return steps.first(where: { $0.result == id })?.labels ?? []
    }

    /// The plan as a table in the manner of opt_einsum's `PathInfo`: the equation, the strategy,
    /// FLOPs and largest intermediate against the naive left-to-right order, then one row per step.
    public var description: String {
        var lines: [String] = []
        lines.append("  Complete contraction:  \(equation)")
        lines.append("               Planner:  \(planner.isEmpty ? strategy.rawValue : planner)"
                     + String(format: "   (%.3g s)", planningSeconds))
        if let note { lines.append("                  Note:  \(note)") }
        lines.append("      Naive FLOP count:  \(Self.format(naiveFlops))   (left to right)")
        lines.append("  Optimized FLOP count:  \(Self.format(flops))")
        lines.append("   Theoretical speedup:  \(String(format: "%.3g", speedup))")
        lines.append("  Largest intermediate:  \(Self.format(largestIntermediate)) elements"
                     + "   (naive: \(Self.format(naiveLargestIntermediate)))"
                     + (memoryLimit.map { "   limit: \(Self.format($0))" } ?? ""))
        lines.append("           Peak memory:  \(Self.format(peakElements)) elements, \(Tensor.formatBytes(peakElements * 8))"
                     + "   (inputs and live intermediates)")
        lines.append(String(repeating: "-", count: 72))
        lines.append("  " + [pad("step", 4), pad("operands", 17), pad("summed", 9), pad("result", 19), pad("FLOPs", 11), "size"]
            .joined(separator: " "))
        for (number, step) in steps.enumerated() {
            let lhsText = "T\(step.lhs)[\(names(labels(ofOperand: step.lhs)))]"
            let operands = step.rhs.map { "\(lhsText)·T\($0)[\(names(labels(ofOperand: $0)))]" } ?? lhsText
            let result = "T\(step.result)[\(names(step.labels))]"
            lines.append("  " + [pad("\(number + 1)", 4), pad(operands, 17), pad(names(step.summed), 9), pad(result, 19),
                                 pad(Self.format(step.flops), 11), Self.format(step.size)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `1.234e+06`-style for large numbers, plain integers below a million.
    static func format(_ value: Double) -> String {
        if value < 1e6, value == value.rounded() { return String(Int(value)) }
        return String(format: "%.3e", value)
    }
}
