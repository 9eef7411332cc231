import Foundation
import Ricci

/// A value with the Einstein index names of its axes (empty for matrix-notation values).
struct Labeled {
    var tensor: Tensor
    var labels: [String] = []
}

extension Evaluator {
    func shapeOf(_ e: TypedExpr) -> [Int] { e.shape.map(size) }

    func eval(_ e: TypedExpr) throws -> Labeled {
        switch e.kind {
        case .indexed, .delta, .reshapeDelta, .term: return try evalEinstein(e)
        default: break
        }
        if e.isIndexed { return try evalEinsteinWrapper(e) }
        return Labeled(tensor: try evalMatrix(e))
    }

    /// Matrix-notation nodes.
    func evalMatrix(_ e: TypedExpr) throws -> Tensor {
        let shape = shapeOf(e)
        switch e.kind {
        case .constant(let c): return Tensor(scalar: c)
        case .variable(let n):
            guard let t = env[n] else { throw RicciError(.value, "no value for \(n)", at: e.location) }
            return t.shape == shape ? t : try t.reshaped(shape)
        case .eye: return shape.isEmpty ? Tensor(scalar: 1) : try Tensor.identity(shape[0])
        case .ones: return try Tensor(repeating: 1, shape: shape)
        case .zeros: return try Tensor(zeros: shape)
        case .entrywise(let f, let d, let x):
            let arg = try evalMatrix(x)
            probe?.entrywise(f, arg, at: e.location)
            return try map(arg) { v in
                guard let r = EntrywiseMath.value(f, derivative: d, v) else {
                    throw RicciError(.value, "\(f.rawValue) has no derivative of order \(d) here", at: e.location)
                }
                return r
            }
        case .userEntrywise(let f, let d, let x):
            return try applyUser(f, d, try evalMatrix(x), at: e.location)
        case .opaque(let f, let d, let x):
            return try applyOpaque(f, d, try evalMatrix(x), resultShape: Array(shape.prefix(shape.count - (d == 1 ? x.shape.count : 0))))
        case .reduce(let r, let x): return Tensor(scalar: try reduce(r, try evalMatrix(x)))
        case .matrixFunction(let m, let xs): return try matrixFunction(m, try xs.map(evalMatrix), shape, at: e.location)
        case .negate(let x): return try map(try evalMatrix(x)) { -$0 }
        case .sum(let terms):
            var acc = try Tensor(zeros: shape)
            for t in terms {
                let v = try evalMatrix(t.expr)
                let s = t.negated ? -1.0 : 1.0
                if v.count == 1 && acc.count != 1 {
                    for k in 0..<acc.data.count { acc.data[k] += s * v.data[0] }
                } else {
                    guard v.count == acc.count else { throw RicciError(.shape, "internal: sum of mismatched sizes", at: t.expr.location) }
                    for k in 0..<acc.data.count { acc.data[k] += s * v.data[k] }
                }
            }
            return acc
        case .matmul(let a, let b):
            // a product with Diag(v) scales rows or columns: no dense n×n diagonal matrix
            if case .matrixFunction(.Diag, let args) = b.kind, args.count == 1 {
                let x = try asMatrix(try evalMatrix(a)), v = try evalMatrix(args[0])
                return try scaleColumns(x, v).reshaped(shape)
            }
            if case .matrixFunction(.Diag, let args) = a.kind, args.count == 1 {
                let v = try evalMatrix(args[0]), y = try asMatrix(try evalMatrix(b))
                return try scaleColumns(y.transposed(), v).transposed().reshaped(shape)
            }
            let x = try asMatrix(try evalMatrix(a)), y = try asMatrix(try evalMatrix(b))
            return try Linalg.matmul(x, y).reshaped(shape)
        case .scale(let s, let x):
            let c = try evalMatrix(s).data[0]
            return try map(try evalMatrix(x)) { c * $0 }
        case .divide(let x, let s):
            let c = try evalMatrix(s).data[0]
            return try map(try evalMatrix(x)) { $0 / c }
        case .hadamard(let a, let b): return try zipEntries(try evalMatrix(a), try evalMatrix(b), shape, *)
        case .hadamardDivide(let a, let b): return try zipEntries(try evalMatrix(a), try evalMatrix(b), shape, /)
        case .doubleDot(let a, let b, let k):
            let x = try evalMatrix(a), y = try evalMatrix(b)
            let na = x.order - k
            let la = Array(0..<x.order)
            let lb = Array(na..<(na + k)) + Array((x.order)..<(x.order + y.order - k))
            let out = Array(0..<na) + Array((x.order)..<(x.order + y.order - k))
            return try Einsum.contract([(x, la), (y, lb)], output: out).reshaped(shape)
        case .power(let x, let p): return try map(try evalMatrix(x)) { pow($0, p) }
        case .entrywisePower(let x, let p): return try map(try evalMatrix(x)) { pow($0, p) }
        case .matrixPower(let a, let n):
            let base = try evalMatrix(a)
            if n < 0, let p = probe { p.matrix("^(\(n))", try asMatrix(base), at: e.location) }
            do { return try matrixPower(base, n, shape) } catch let err as NumericError {
                throw RicciError(.numeric, err.description, at: e.location)   // X^(-1) of a singular X: point at the ^
            }
        case .transpose(let x):
            return try asMatrix(try evalMatrix(x)).transposed().reshaped(shape)
        case .indexed, .delta, .reshapeDelta, .term:
            // an Einstein term whose indices are all summed is a scalar: `A[i, j]*B[i, j]` inside sqrt(...)
            let v = try evalEinstein(e)
            guard v.labels.isEmpty else {
                throw RicciError(.index, "internal: an indexed value where a matrix was expected", at: e.location)
            }
            return v.tensor
        }
    }

    func asMatrix(_ t: Tensor) throws -> Tensor {
        switch t.order {
        case 0: return try t.reshaped([1, 1])
        case 1: return try t.reshaped([t.shape[0], 1])
        default: return t
        }
    }

    func map(_ t: Tensor, _ f: (Double) throws -> Double) throws -> Tensor {
        var out = t
        for k in 0..<out.data.count { out.data[k] = try f(out.data[k]) }
        return out
    }

    func zipEntries(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: (Double, Double) -> Double) throws -> Tensor {
        var out = try Tensor(zeros: shape)
        let n = out.count
        for k in 0..<n {
            out.data[k] = f(a.count == 1 ? a.data[0] : a.data[k], b.count == 1 ? b.data[0] : b.data[k])
        }
        return out
    }

    func applyUser(_ f: String, _ d: Int, _ x: Tensor, at loc: SourceLocation) throws -> Tensor {
        if let b = settings.functions[f] {
            return try map(x) { v in
                guard let r = EntrywiseMath.value(b, derivative: d, v) else {
                    throw RicciError(.value, "\(b.rawValue) has no derivative of order \(d) here", at: loc)
                }
                return r
            }
        }
        guard let inst = elementwise[f] else { throw RicciError(.value, "no instance of \(f)", at: loc) }
        return try map(x) { inst.value(derivative: d, $0) }
    }

    func applyOpaque(_ f: String, _ d: Int, _ x: Tensor, resultShape: [Int]) throws -> Tensor {
        if opaque[f] == nil {
            var r = try functionSource(f)
            opaque[f] = try OpaqueInstance(result: resultShape, argument: x.shape, random: &r)
        }
        guard let inst = opaque[f] else { throw RicciError(.value, "no instance of \(f)") }
        return try inst.apply(x, derivative: d)
    }

    func reduce(_ r: Reduction, _ x: Tensor) throws -> Double {
        switch r {
        case .sum: return x.data.reduce(0, +)
        case .tr:
            let m = try asMatrix(x)
            return (0..<m.shape[0]).reduce(0) { $0 + m.data[$1 * m.shape[1] + $1] }
        case .norm2, .normF: return x.data.reduce(0) { $0 + $1 * $1 }.squareRoot()
        case .norm1: return x.data.reduce(0) { $0 + abs($1) }
        case .logsumexp:
            let m = x.data.max() ?? 0
            guard m.isFinite else { return m }
            return m + log(x.data.reduce(0) { $0 + exp($1 - m) })
        }
    }

    func matrixPower(_ a: Tensor, _ n: Int, _ shape: [Int]) throws -> Tensor {
        if n == 0 { return try Tensor.identity(shape[0]) }
        let base = n > 0 ? try asMatrix(a) : try Linalg.inverse(try asMatrix(a))
        var acc = base
        for _ in 1..<abs(n) { acc = try Linalg.matmul(acc, base) }
        return try acc.reshaped(shape)
    }

    /// x·Diag(v): column j of x times v[j].
    func scaleColumns(_ x: Tensor, _ v: Tensor) throws -> Tensor {
        let (r, c) = (x.shape[0], x.shape[1])
        guard v.count == c else { throw RicciError(.shape, "Diag(v) has \(v.count) entries for \(c) columns") }
        var out = x
        for i in 0..<r { for j in 0..<c { out.data[i * c + j] *= v.data[j] } }
        return out
    }
}
