@testable import RicciNumerics

/// The oracle: a contraction by brute force, summing over every assignment of every label.
enum ReferenceContraction {
    static func contract(_ operands: [(tensor: Tensor, labels: [Int])], output: [Int]) throws -> Tensor {
        var sizes: [Int: Int] = [:]
        for operand in operands { for (size, label) in zip(operand.tensor.shape, operand.labels) { sizes[label] = size } }
        let all = Array(Set(operands.flatMap(\.labels)).union(output)).sorted()
        var result = try Tensor(zeros: output.map { sizes[$0] ?? 0 })
        if all.contains(where: { sizes[$0] == 0 }) { return result }
        var value = [Int: Int]()
        for label in all { value[label] = 0 }
        while true {
            var product = 1.0
            for operand in operands { product *= operand.tensor[operand.labels.map { value[$0] ?? 0 }] }
            result[output.map { value[$0] ?? 0 }] += product
            var position = all.count - 1
            while position >= 0 {
                let label = all[position]
                value[label, default: 0] += 1
                if value[label] ?? 0 < sizes[label] ?? 0 { break }
                value[label] = 0
                position -= 1
            }
            if position < 0 { return result }
        }
    }
}
