import Foundation

/// Tensor contraction: labeled operands (for the evaluator) and NumPy einsum subscripts (for the CLI).
///
/// Both plan first (``ContractionPlanner``, which sees only labels and sizes) and then execute
/// (``ContractionExecutor``, which walks the plan with GEMMs). The result equals NumPy's
/// `einsum` with the same subscripts: `result[out] = Σ_{other labels} Π_k operand_k[labels_k]`.
public enum Einsum {
    /// Contracts labeled operands.
    ///
    /// Labels are arbitrary integers. A label repeated within one operand means its diagonal; labels
    /// absent from `output` are summed; `output` labels must be distinct and each must appear in some
    /// operand; all axes with the same label must have the same size.
    /// - Throws: ``NumericError/einsum(_:)`` for inconsistent labels or sizes;
    ///   ``NumericError/tooLarge(shape:bytes:)`` when the plan would need an intermediate over the limit.
    /// Planning takes at most ``labeledPlanSeconds`` (this is the evaluator's path, called often).
    public static func contract(_ operands: [(tensor: Tensor, labels: [Int])], output: [Int],
                                strategy: PathStrategy = .auto) throws -> Tensor {
        let sizes = try labelSizes(operands.map { ($0.tensor.shape, $0.labels) })
        let plan = try ContractionPlanner.plan(inputs: operands.map(\.labels), output: output, sizes: sizes,
                                               options: ContractionOptions(strategy: strategy, planSeconds: labeledPlanSeconds))
        return try ContractionExecutor.execute(plan, operands: operands.map(\.tensor))
    }

    /// The planning time budget of ``contract(_:output:strategy:)``, in seconds.
    public static let labeledPlanSeconds = 0.1

    /// Plans a labeled contraction from shapes alone.
    public static func plan(_ operands: [(shape: [Int], labels: [Int])], output: [Int],
                            strategy: PathStrategy = .auto) throws -> ContractionPlan {
        let sizes = try labelSizes(operands)
        return try ContractionPlanner.plan(inputs: operands.map(\.labels), output: output, sizes: sizes, strategy: strategy)
    }

    /// NumPy's `einsum(subscripts, *operands, optimize=True)`.
    public static func einsum(_ subscripts: String, _ operands: [Tensor], strategy: PathStrategy = .auto) throws -> Tensor {
        try einsum(subscripts, operands, options: ContractionOptions(strategy: strategy))
    }

    /// NumPy's `einsum(subscripts, *operands, optimize=True)`, planned with `options`.
    public static func einsum(_ subscripts: String, _ operands: [Tensor], options: ContractionOptions) throws -> Tensor {
        try einsumWithPlan(subscripts, operands, options: options).result
    }

    /// `einsum` planned with `options`, and the plan it followed.
    public static func einsumWithPlan(_ subscripts: String, _ operands: [Tensor],
                                      options: ContractionOptions) throws -> (result: Tensor, plan: ContractionPlan) {
        let prepared = try prepare(subscripts, operands.map(\.shape), options: options)
        let squeezed = try zip(operands, prepared.squeezes).map { tensor, keep in
            keep.count == tensor.order ? tensor : try tensor.reshaped(keep.map { tensor.shape[$0] })
        }
        return (try ContractionExecutor.execute(prepared.plan, operands: squeezed), prepared.plan)
    }

    /// The plan `einsum` would follow for operands of these shapes.
    public static func plan(_ subscripts: String, shapes: [[Int]], strategy: PathStrategy = .auto) throws -> ContractionPlan {
        try prepare(subscripts, shapes, options: ContractionOptions(strategy: strategy)).plan
    }

    /// The plan `einsum` would follow for operands of these shapes, planned with `options`.
    public static func plan(_ subscripts: String, shapes: [[Int]], options: ContractionOptions) throws -> ContractionPlan {
        try prepare(subscripts, shapes, options: options).plan
    }

    /// Parses, broadcasts `...` axes (a size-1 axis against a larger one is dropped from that
    /// operand) and plans. `squeezes[k]` lists the axes of operand k that are kept.
    private static func prepare(_ subscripts: String, _ shapes: [[Int]], options: ContractionOptions)
        throws -> (plan: ContractionPlan, squeezes: [[Int]]) {
        let parsed = try EinsumSubscripts.parse(subscripts, ranks: shapes.map(\.count))
        var broadcast: [Int: Int] = [:]
        for (shape, labels) in zip(shapes, parsed.inputs) {
            for (size, label) in zip(shape, labels) where label >= EinsumSubscripts.ellipsisBase {
                let current = broadcast[label] ?? 1
                guard current == 1 || size == 1 || size == current else {
                    throw NumericError.einsum("operands could not be broadcast together: broadcast axis sizes \(current) and \(size) in '\(subscripts)'")
                }
                broadcast[label] = max(current, size)
            }
        }
        var squeezes: [[Int]] = []
        var operands: [(shape: [Int], labels: [Int])] = []
        for (shape, labels) in zip(shapes, parsed.inputs) {
            let keep = labels.indices.filter { axis in
                !(labels[axis] >= EinsumSubscripts.ellipsisBase && shape[axis] == 1 && (broadcast[labels[axis]] ?? 1) > 1)
            }
            squeezes.append(keep)
            operands.append((keep.map { shape[$0] }, keep.map { labels[$0] }))
        }
        // An output broadcast axis of size 1 present in no operand after squeezing cannot happen:
        // it was squeezed only because another operand has it larger.
        let sizes = try labelSizes(operands, names: parsed.labelNames)
        var plan = try ContractionPlanner.plan(inputs: operands.map(\.labels), output: parsed.output, sizes: sizes, options: options)
        plan.labelNames = parsed.labelNames
        return (plan, squeezes)
    }

    /// The size of every label, checking that operands agree.
    static func labelSizes(_ operands: [(shape: [Int], labels: [Int])], names: [Int: String] = [:]) throws -> [Int: Int] {
        var sizes: [Int: Int] = [:]
        for (index, operand) in operands.enumerated() {
            guard operand.shape.count == operand.labels.count else {
                throw NumericError.einsum("operand \(index + 1) has \(operand.shape.count) axes but \(operand.labels.count) labels")
            }
            for (size, label) in zip(operand.shape, operand.labels) {
                if let known = sizes[label], known != size {
                    let name = names[label].map { "'\($0)'" } ?? "\(label)"
                    throw NumericError.einsum("label \(name) has size \(known) in one place and \(size) in operand \(index + 1)")
                }
                sizes[label] = size
            }
        }
        return sizes
    }
}
