import Foundation
import Ricci

/// Einstein-notation nodes in C and Swift: nested loops over every index of a product term.
extension LoopEmitter {
    /// The loop variable of an index.
    func ix(_ name: String) -> String {
        "i_" + String(name.unicodeScalars.map { $0.isASCII && CharacterSet.alphanumerics.contains($0) ? Character($0) : "_" })
    }

    /// The size of an index, from the statement that uses it.
    func indexSize(_ name: String) throws -> String {
        if let d = statement?.indexDims[name] { return try dim(d) }
        for s in model.programs[program].statements {
            if let d = s.indexDims[name] { return try dim(d) }
        }
        throw RicciError(.index, "index \(name) has no range")
    }

    /// The row-major offset of labels into an array with `dims`.
    func offset(_ labels: [String], _ dims: [String]) -> String {
        guard !labels.isEmpty else { return "0" }
        var s = ix(labels[0])
        for k in 1..<labels.count { s = "(\(s)) * \(dims[k]) + \(ix(labels[k]))" }
        return s
    }

    /// The value of an Einstein node, its axes in the order `out`.
    mutating func einstein(_ e: TypedExpr, out: [String]) throws -> LoopValue {
        switch e.kind {
        case .indexed(let base, let names) where names == out && Set(names).count == names.count:
            return try value(base)
        case .indexed, .delta, .reshapeDelta:
            return try term(1, [(false, e)], out: out)
        case .term(let k, let factors):
            return try term(k, factors.map { ($0.inverted, $0.expr) }, out: out)
        case .sum(let terms):
            let shape = try out.map(indexSize)
            let vs = try terms.map { t -> LoopValue in
                let v = try einstein(t.expr, out: t.expr.free.isEmpty ? [] : out)
                return v
            }
            let signs = terms.map(\.negated)
            return map(shape, vs) { xs in
                zip(xs, signs).enumerated().map { k, p in (p.1 ? " - " : (k == 0 ? "" : " + ")) + p.0 }.joined()
            }
        case .negate(let x):
            let v = try einstein(x, out: out)
            return map(v.dims, [v]) { "-\($0[0])" }
        case .entrywise(let f, let d, let x):
            let v = try einstein(x, out: out)
            let fn = try LoopFunctions.name(f, d, language, &helpers)
            return map(v.dims, [v]) { "\(fn)(\($0[0]))" }
        case .userEntrywise(let f, let d, let x):
            let v = try einstein(x, out: out)
            let fn = functionID(f, d)
            return map(v.dims, [v]) { "\(fn)(\($0[0]))" }
        case .power(let x, let p), .entrywisePower(let x, let p):
            let v = try einstein(x, out: out)
            return map(v.dims, [v]) { "pow(\($0[0]), \(LoopEmitter.number(p)))" }
        default:
            let v = try raw(e)
            guard out.isEmpty || v.isScalar else { throw RicciError(.index, "internal: a matrix value where indices were expected", at: e.location) }
            return v
        }
    }

    /// A product term: `out[...] += c * f1[...] * f2[...] * ...` over every index.
    mutating func term(_ k: Double, _ factors: [(inverted: Bool, expr: TypedExpr)], out: [String]) throws -> LoopValue {
        var parts: [String] = []
        var indices = out
        func use(_ labels: [String]) { for l in labels where !indices.contains(l) { indices.append(l) } }
        for f in factors {
            var access: String
            switch f.expr.kind {
            case .delta(let i, let j):
                access = "(\(ix(i)) == \(ix(j)) ? 1.0 : 0.0)"
                use([i, j])
            case .reshapeDelta(let ci, let i, let j):
                access = "(\(ix(ci)) == \(ix(i)) + \(try indexSize(i)) * \(ix(j)) ? 1.0 : 0.0)"
                use([ci, i, j])
            case .indexed(let base, let names):
                let v = try value(base)
                access = v.isScalar ? "(\(v.code))" : "\(v.code)[\(offset(names, v.dims))]"
                use(names)
            default:
                if f.expr.free.isEmpty {
                    let v = try value(f.expr)
                    access = v.isScalar ? "(\(v.code))" : "\(v.code)[0]"
                } else {
                    let v = try einstein(f.expr, out: f.expr.free)
                    access = v.isScalar ? "(\(v.code))" : "\(v.code)[\(offset(f.expr.free, v.dims))]"
                    use(f.expr.free)
                }
            }
            parts.append(f.inverted ? "(1.0 / \(access))" : access)
        }
        if k != 1 || parts.isEmpty { parts.insert("(\(LoopEmitter.number(k)))", at: 0) }
        let product = parts.joined(separator: " * ")
        let shape = try out.map(indexSize)
        let target: String
        let result: LoopValue
        if out.isEmpty {
            let acc = fresh("s")
            emit(c ? "double \(acc) = 0.0;" : "var \(acc): Double = 0")
            target = acc
            result = .scalar(acc)
        } else {
            let t = array(shape)
            target = "\(t.code)[\(offset(out, shape))]"
            result = t
        }
        var open = ""
        var close = ""
        for i in indices {
            let n = try indexSize(i)
            open += c ? "for (long \(ix(i)) = 0; \(ix(i)) < \(n); \(ix(i))++) " : "for \(ix(i)) in 0..<\(n) { "
            if !c { close += " }" }
        }
        emit(open + "\(target) += \(product)" + (c ? ";" : "") + close)
        return result
    }
}
