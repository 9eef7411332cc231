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
        case .reshapeDelta(let c, let i, let j):
            return Labeled(tensor: try reshapeDelta(c, i, j, at: e.location), labels: [c, i, j])
        case .term(let c, let factors):
            var scalar = c
            var ops: [(tensor: Tensor, labels: [Int])] = []
            for f in factors {
                if !f.inverted, case .reshapeDelta(let c, let i, let j) = f.expr.kind {
                    // δ[I, i, j] = R[I, i]·Q[I, j] entrywise: two small factors instead of the dense order-3 one
                    let (r, q) = try reshapeDeltaParts(c, i, j, at: f.expr.location)
                    ops.append((r, [label(c), label(i)]))
                    ops.append((q, [label(c), label(j)]))
                    continue
                }
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
            probe?.entrywise(f, v.tensor, at: e.location)
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

    /// The sizes m = dim(i), n = dim(j) of `delta[I, i, j]`, checked against dim(I) = m·n.
    func reshapeDeltaSizes(_ c: String, _ i: String, _ j: String, at loc: SourceLocation) throws -> (m: Int, n: Int) {
        guard let dc = indexDims[c], let di = indexDims[i], let dj = indexDims[j] else {
            throw RicciError(.index, "an index of delta[\(c), \(i), \(j)] has no range", at: loc)
        }
        let (m, n, combined) = (size(di), size(dj), size(dc))
        let (mn, overflow) = m.multipliedReportingOverflow(by: n)
        guard !overflow, combined == mn else {
            throw RicciError(.shape, "delta[\(c), \(i), \(j)] needs dim(\(c)) = dim(\(i))·dim(\(j)), but they are \(combined), \(m) and \(n)",
                             at: loc)
        }
        return (m, n)
    }

    /// The reshaping delta `delta[I, i, j]` as a dense 0/1 tensor of shape [m·n, m, n] (m = dim(i),
    /// n = dim(j)): 1 where I = i + m·j (column-major, counting from 0).
    func reshapeDelta(_ c: String, _ i: String, _ j: String, at loc: SourceLocation) throws -> Tensor {
        let (m, n) = try reshapeDeltaSizes(c, i, j, at: loc)
        // (a repeated index, as in delta[I, i, i], takes the diagonal of this tensor in the contraction)
        var t = try Tensor(zeros: [m * n, m, n])
        for b in 0..<n {
            for a in 0..<m { t.data[(a + m * b) * m * n + a * n + b] = 1 }
        }
        return t
    }

    /// The two factors of `delta[I, i, j]` = R[I, i]·Q[I, j]: R[I, i] = 1 when I mod m = i, Q[I, j] = 1
    /// when I div m = j (m = dim(i)), of shapes [m·n, m] and [m·n, n].
    func reshapeDeltaParts(_ c: String, _ i: String, _ j: String, at loc: SourceLocation) throws -> (Tensor, Tensor) {
        let (m, n) = try reshapeDeltaSizes(c, i, j, at: loc)
        var r = try Tensor(zeros: [m * n, m])
        var q = try Tensor(zeros: [m * n, n])
        for k in 0..<(m * n) {
            r.data[k * m + k % m] = 1
            q.data[k * n + k / m] = 1
        }
        return (r, q)
    }
}
