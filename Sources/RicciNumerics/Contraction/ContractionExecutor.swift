import Foundation

/// Runs a ``ContractionPlan`` on data: it only walks the plan's steps.
///
/// Before touching data it checks the operands against the plan and refuses a plan whose largest
/// intermediate is over ``Tensor/maxElements`` (``NumericError/tooLarge(shape:bytes:)`` naming that
/// intermediate). Each step frees its inputs as soon as they are used.
public enum ContractionExecutor {
    /// Executes `plan` on `operands` (one per `plan.inputs`, in order).
    public static func execute(_ plan: ContractionPlan, operands: [Tensor]) throws -> Tensor {
        guard operands.count == plan.inputs.count else {
            throw NumericError.einsum("the plan has \(plan.inputs.count) operands, \(operands.count) were given")
        }
        for (index, (tensor, labels)) in zip(operands, plan.inputs).enumerated() {
            guard tensor.shape == plan.shape(of: labels) else {
                throw NumericError.einsum("operand \(index + 1) has shape \(Tensor.describe(tensor.shape)), the plan expects \(Tensor.describe(plan.shape(of: labels)))")
            }
        }
        try checkMemory(plan)
        FreedMemoryPolicy.apply()
        var live: [Int: (tensor: Tensor, labels: [Int])] = [:]
        for (index, tensor) in operands.enumerated() { live[index] = (tensor, plan.inputs[index]) }
        var last = (tensor: operands[0], labels: plan.inputs[0])
        for step in plan.steps {
            guard let lhs = live.removeValue(forKey: step.lhs) else {
                throw NumericError.einsum("malformed plan: operand T\(step.lhs) is not available")
            }
            let result: Tensor
            if let rhsID = step.rhs {
                guard let rhs = live.removeValue(forKey: rhsID) else {
                    throw NumericError.einsum("malformed plan: operand T\(rhsID) is not available")
                }
                result = try ContractionKernels.pair(lhs.tensor, lhs.labels, rhs.tensor, rhs.labels, result: step.labels)
            } else {
                result = try ContractionKernels.reduce(lhs.tensor, labels: lhs.labels, to: step.labels)
            }
            live[step.result] = (result, step.labels)
            last = (result, step.labels)
        }
        guard live.count == 1 else {
            throw NumericError.einsum("malformed plan: \(live.count) operands remain after the last step")
        }
        if last.labels == plan.output { return last.tensor }
        if Set(last.labels) == Set(plan.output), last.labels.count == plan.output.count {
            return try last.tensor.transposed(plan.output.map { last.labels.firstIndex(of: $0) ?? 0 })
        }
        return try ContractionKernels.reduce(last.tensor, labels: last.labels, to: plan.output)
    }

    /// Refuses plans whose largest intermediate would not fit under ``Tensor/maxElements``.
    static func checkMemory(_ plan: ContractionPlan) throws {
        guard plan.largestIntermediate > Double(Tensor.maxElements) else { return }
        let culprit = plan.steps.max(by: { $0.size < $1.size })
        let labels = (culprit?.size ?? 0) >= plan.largestIntermediate ? (culprit?.labels ?? plan.output) : plan.output
        let shape = plan.shape(of: labels)
        throw NumericError.tooLarge(shape: shape, bytes: Tensor.formatBytes(Tensor.bytesNeeded(for: shape)))
    }
}
