import Foundation
import Ricci

/// Einstein-notation nodes: labeled values contracted through the planner.
extension Evaluator {
    func evalEinstein(_ e: TypedExpr) throws -> Labeled {
        switch e.kind {
        case .indexed(let base, let names):
            return Labeled(tensor: try evalMatrix(base), labels: names)
        case .delta(let i, let j):
            guard let d = indexDims[i] else { throw RicciError(.index, "index \(i) has no range", at: e.location) }
            let n = size(d)
            return Labeled(tensor: try Tensor.identity(n), labels: [i, j])
        case .term(let c, let factors):
            var scalar = c
            var ops: [(tensor: Tensor, labels: [Int])] = []
            for f in factors {
                var v = try eval(f.expr)
                if f.inverted { v.tensor = try map(v.tensor) { 1 / $0 } }
                if v.labels.isEmpty {
                    guard v.tensor.count == 1 else { throw RicciError(.index, "internal: unlabeled factor", at: f.expr.location) }
                    scalar *= v.tensor.data[0]
                } else {
                    ops.append((v.tensor, v.labels.map(label)))
                }
            }
            if ops.isEmpty { return Labeled(tensor: Tensor(scalar: scalar)) }
            var t = try Einsum.contract(ops, output: e.free.map(label))
            if scalar != 1 { t = try map(t) { scalar * $0 } }
            return Labeled(tensor: t, labels: e.free)
        default:
            return try evalEinsteinWrapper(e)
        }
    }

    /// Indexed values built from indexed operands: sums, negation, entrywise functions, powers.
    func evalEinsteinWrapper(_ e: TypedExpr) throws -> Labeled {
        switch e.kind {
        case .sum(let terms):
            let out = e.free
            let shape = try out.map { n -> Int in
                guard let d = indexDims[n] else { throw RicciError(.index, "index \(n) has no range", at: e.location) }
                return size(d)
            }
            var acc = try Tensor(zeros: shape)
            for t in terms {
                let v = try eval(t.expr)
                let s = t.negated ? -1.0 : 1.0
                if v.labels.isEmpty {
                    for k in 0..<acc.data.count { acc.data[k] += s * v.tensor.data[0] }
                } else {
                    let aligned = try Einsum.contract([(v.tensor, v.labels.map(label))], output: out.map(label))
                    for k in 0..<acc.data.count { acc.data[k] += s * aligned.data[k] }
                }
            }
            return Labeled(tensor: acc, labels: out)
        case .negate(let x):
            var v = try eval(x)
            v.tensor = try map(v.tensor) { -$0 }
            return v
        case .entrywise(let f, let d, let x):
            var v = try eval(x)
            v.tensor = try map(v.tensor) { a in
                guard let r = EntrywiseMath.value(f, derivative: d, a) else {
                    throw RicciError(.value, "\(f.rawValue) has no derivative of order \(d) here", at: e.location)
                }
                return r
            }
            return v
        case .userEntrywise(let f, let d, let x):
            var v = try eval(x)
            v.tensor = try applyUser(f, d, v.tensor, at: e.location)
            return v
        case .power(let x, let p), .entrywisePower(let x, let p):
            var v = try eval(x)
            v.tensor = try map(v.tensor) { pow($0, p) }
            return v
        default:
            return Labeled(tensor: try evalMatrix(e))
        }
    }
}
