import Foundation
import Ricci

/// Matrix-notation nodes in C and Swift: entrywise loops, BLAS (C) or loop (Swift) products, helpers.
extension LoopEmitter {
    mutating func value(_ e: TypedExpr) throws -> LoopValue {
        switch e.kind {
        case .indexed, .delta, .reshapeDelta, .term:
            return reshaped(try einstein(e, out: e.free), try dims(e.shape))
        default: break
        }
        if e.isIndexed { return reshaped(try einstein(e, out: e.free), try dims(e.shape)) }
        return reshaped(try raw(e), try dims(e.shape))
    }

    mutating func raw(_ e: TypedExpr) throws -> LoopValue {
        let shape = try dims(e.shape)
        let end = c ? ";" : ""
        switch e.kind {
        case .constant(let k): return .scalar(LoopEmitter.number(k))
        case .variable(let n):
            let id = model.id(n, in: program)
            guard let v = env[id] else { throw RicciError(.name, "internal: \(n) is used before it is computed", at: e.location) }
            return v
        case .eye:
            let t = array(shape)
            loop(shape[0], "\(t.code)[qq * \(shape[0]) + qq] = 1.0\(end)")
            return t
        case .ones: return shape.isEmpty ? .scalar("1.0") : map(shape, []) { _ in "1.0" }
        case .zeros: return shape.isEmpty ? .scalar("0.0") : array(shape)
        case .entrywise(let f, let d, let x):
            let v = try value(x)
            let fn = try LoopFunctions.name(f, d, language, &helpers)
            return map(v.dims, [v]) { "\(fn)(\($0[0]))" }
        case .userEntrywise(let f, let d, let x):
            let v = try value(x)
            let fn = functionID(f, d)
            return map(v.dims, [v]) { "\(fn)(\($0[0]))" }
        case .opaque(let f, let d, let x):
            let v = materialized(try value(x))
            let fn = functionID(f, d)
            let t = array(shape.isEmpty ? ["1"] : shape)
            if c {
                emit("\(fn)(\(v.code), \(t.code));")
            } else {
                emit("\(t.code) = \(fn)(\(v.code))")
                emit("guard \(t.code).count == \(LoopEmitter.count(shape)) else { throw RicciExportError(message: \"\(fn) returned \\(\(t.code).count) entries, not \(LoopEmitter.count(shape))\") }")
            }
            return shape.isEmpty ? .scalar("\(t.code)[0]") : t
        case .reduce(let r, let x): return try reduce(r, try value(x))
        case .matrixFunction(let m, let xs): return try matrixFunction(m, try xs.map { try value($0) }, shape)
        case .negate(let x):
            let v = try value(x)
            return map(v.dims, [v]) { "-\($0[0])" }
        case .sum(let terms):
            let vs = try terms.map { try value($0.expr) }
            let signs = terms.map(\.negated)
            return map(shape, vs) { xs in
                zip(xs, signs).enumerated().map { k, p in (p.1 ? " - " : (k == 0 ? "" : " + ")) + p.0 }.joined()
            }
        case .matmul(let a, let b): return try matmul(try value(a), try value(b), shape)
        case .scale(let s, let x):
            let k = try value(s), v = try value(x)
            return map(v.dims, [k, v]) { "\($0[0]) * \($0[1])" }
        case .divide(let x, let s):
            let v = try value(x), k = try value(s)
            return map(v.dims, [v, k]) { "\($0[0]) / \($0[1])" }
        case .hadamard(let a, let b):
            return map(shape, [try value(a), try value(b)]) { "\($0[0]) * \($0[1])" }
        case .hadamardDivide(let a, let b):
            return map(shape, [try value(a), try value(b)]) { "\($0[0]) / \($0[1])" }
        case .doubleDot(let a, let b, let k):
            let x = try value(a), y = try value(b)
            let rows = LoopEmitter.count(Array(x.dims.prefix(x.dims.count - k)))
            let inner = LoopEmitter.count(Array(x.dims.suffix(k)))
            let cols = LoopEmitter.count(Array(y.dims.dropFirst(k)))
            return try product(x, y, rows, inner, cols, shape)
        case .power(let x, let p), .entrywisePower(let x, let p):
            let v = try value(x)
            let ps = LoopEmitter.number(p)
            return map(v.dims, [v]) { p == 2 ? "\($0[0]) * \($0[0])" : "pow(\($0[0]), \(ps))" }
        case .matrixPower(let a, let n):
            let base = n < 0 ? try matrixFunction(.inv, [try value(a)], shape) : try value(a)
            if n == 0 { return try raw(TypedExpr(.eye, shape: e.shape, at: e.location)) }
            var acc = base
            for _ in 1..<max(1, abs(n)) { acc = try matmul(acc, base, shape) }
            return acc
        case .transpose(let x):
            let v = try value(x)
            if v.dims.count < 2 { return reshaped(v, shape) }
            let t = array(shape)
            call("rc_transpose", [v.code, out(t), v.dims[0], v.dims[1]])
            return t
        case .indexed, .delta, .reshapeDelta, .term:
            return try einstein(e, out: e.free)
        }
    }

    func functionID(_ f: String, _ d: Int) -> String {
        model.functions.first(where: { $0.name == f })?.id(derivative: d) ?? f
    }

    /// `a*b` as matrices (a vector is a column, a scalar 1×1).
    mutating func matmul(_ x: LoopValue, _ y: LoopValue, _ shape: [String]) throws -> LoopValue {
        if x.isScalar || y.isScalar {
            let s = x.isScalar ? x : y, v = x.isScalar ? y : x
            return map(v.dims.isEmpty ? [] : shape, [s, v]) { "\($0[0]) * \($0[1])" }
        }
        let (m, k) = LoopEmitter.matrixDims(x)
        let (_, n) = LoopEmitter.matrixDims(y)
        return try product(x, y, m, k, n, shape)
    }

    /// C = A·B for an m×k A and a k×n B (row-major).
    mutating func product(_ x: LoopValue, _ y: LoopValue, _ m: String, _ k: String, _ n: String, _ shape: [String]) throws -> LoopValue {
        let a = materialized(x), b = materialized(y)
        let t = array(shape.isEmpty ? ["1"] : shape)
        call("rc_mm", [a.code, b.code, out(t), m, k, n])
        return shape.isEmpty ? .scalar("\(t.code)[0]") : t
    }

    mutating func reduce(_ r: Reduction, _ v: LoopValue) throws -> LoopValue {
        if v.isScalar {
            switch r {
            case .sum, .tr, .logsumexp: return v
            case .norm2, .normF, .norm1: return let_(c ? "fabs(\(v.code))" : "abs(\(v.code))")
            }
        }
        let n = LoopEmitter.count(v.dims)
        let acc = fresh("s")
        emit(c ? "double \(acc) = 0.0;" : "var \(acc): Double = 0")
        switch r {
        case .sum: loop(n, "\(acc) += \(v.code)[qq]\(c ? ";" : "")")
        case .tr:
            let (rows, cols) = LoopEmitter.matrixDims(v)
            loop(rows, "\(acc) += \(v.code)[qq * \(cols) + qq]\(c ? ";" : "")")
        case .norm2, .normF:
            loop(n, "\(acc) += \(v.code)[qq] * \(v.code)[qq]\(c ? ";" : "")")
            return let_("sqrt(\(acc))")
        case .norm1: loop(n, "\(acc) += \(c ? "fabs" : "abs")(\(v.code)[qq])\(c ? ";" : "")")
        case .logsumexp:
            helpers.insert("rc_logsumexp")
            return let_("rc_logsumexp(\(v.code), \(n))")
        }
        return .scalar(acc)
    }

    mutating func matrixFunction(_ m: MatrixFunction, _ xs: [LoopValue], _ shape: [String]) throws -> LoopValue {
        let x = xs[0]
        switch m {
        case .inv:
            if x.isScalar { return let_("1.0 / \(x.code)") }
            let t = array(x.dims)
            helpers.insert("rc_inv")
            emit(c ? "if (rc_inv(\(x.code), \(t.code), \(x.dims[0])) != 0) goto singular;"
                   : "guard rc_inv(\(x.code), &\(t.code), \(x.dims[0])) else { throw RicciExportError(message: \"a matrix to invert is singular\") }")
            return t
        case .det:
            if x.isScalar { return x }
            helpers.insert("rc_det")
            return let_("rc_det(\(x.code), \(x.dims[0]))")
        case .logdet:
            if x.isScalar { return let_("log(\(x.code))") }
            helpers.insert("rc_det")
            return let_("log(rc_det(\(x.code), \(x.dims[0])))")
        case .diag, .Diag:
            if shape.count == 2 {
                let v = materialized(x)
                let t = array(shape)
                loop(shape[0], "\(t.code)[qq * \(shape[0]) + qq] = \(v.code)[qq]\(c ? ";" : "")")
                return t
            }
            if x.dims.count == 2 {
                let t = array(shape)
                loop(shape[0], "\(t.code)[qq] = \(x.code)[qq * \(x.dims[1]) + qq]\(c ? ";" : "")")
                return t
            }
            return x
        case .kron:
            let a = materialized(x), b = materialized(xs[1])
            let (p, q) = LoopEmitter.matrixDims(a), (r, s) = LoopEmitter.matrixDims(b)
            let t = array(shape)
            call("rc_kron", [a.code, b.code, out(t), p, q, r, s])
            return t
        case .vec:
            let a = materialized(x)
            let (r, cc) = LoopEmitter.matrixDims(a)
            let t = array(shape)
            call("rc_transpose", [a.code, out(t), r, cc])
            return t
        case .softmax:
            let a = materialized(x)
            let (r, cc) = LoopEmitter.matrixDims(a)
            let t = array(a.dims)
            call("rc_softmax", [a.code, out(t), r, cc])
            return t
        }
    }
}
