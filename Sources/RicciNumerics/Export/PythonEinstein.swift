import Foundation
import Ricci

/// Einstein-notation nodes in Python: labeled values contracted with `xp.einsum`.
extension PythonExpr {
    func letter(_ name: String) throws -> Character {
        guard let c = letters[name] else { throw RicciError(.index, "index \(name) has no range") }
        return c
    }

    func subscripts(_ labels: [String]) throws -> String { String(try labels.map(letter)) }

    /// A labeled value reordered (by einsum) to the labels `out`.
    func align(_ c: PyCode, _ labels: [String], to out: [String]) throws -> PyCode {
        if labels == out || labels.isEmpty { return c }
        return atom("xp.einsum(\"\(try subscripts(labels))->\(try subscripts(out))\", \(c.text))", out.count)
    }

    /// A value with the Einstein index names of its axes (empty for matrix-notation values).
    mutating func labeled(_ e: TypedExpr) throws -> (PyCode, [String]) {
        switch e.kind {
        case .indexed(let base, let names):
            return (try value(base), names)
        case .delta(let i, let j):
            guard let d = model.programs[program].statements.lazy.compactMap({ $0.indexDims[i] }).first else {
                throw RicciError(.index, "index \(i) has no range", at: e.location)
            }
            return (atom("xp.eye(\(try dim(d)))", 2), [i, j])
        case .reshapeDelta:
            throw RicciError(.index, "internal: a reshaping delta outside a product term", at: e.location)
        case .term(let c, let factors):
            return try term(c, factors, e)
        case .sum(let terms):
            var text = ""
            for (k, t) in terms.enumerated() {
                let (v, labels) = try labeled(t.expr)
                let a = try align(v, labels, to: e.free)
                text += k == 0 ? (t.negated ? "-" + a.at(3) : a.at(0)) : (t.negated ? " - " + a.at(1) : " + " + a.at(0))
            }
            return (PyCode(text: text, prec: 0, rank: e.free.count), e.free)
        case .negate(let x):
            let (v, labels) = try labeled(x)
            return (PyCode(text: "-" + v.at(3), prec: 2, rank: v.rank), labels)
        case .entrywise(let f, let d, let x):
            let (v, labels) = try labeled(x)
            return (atom(try PythonFunctions.call(f, d, v.text, &helpers), v.rank), labels)
        case .userEntrywise(let f, let d, let x):
            let (v, labels) = try labeled(x)
            return (atom("\(functionID(f, d))(\(v.text))", v.rank), labels)
        case .power(let x, let p), .entrywisePower(let x, let p):
            let (v, labels) = try labeled(x)
            return (PyCode(text: "\(v.at(4)) ** \(PythonExpr.number(p))", prec: 3, rank: v.rank), labels)
        default:
            return (try value(e), [])
        }
    }

    /// The size of an index, from the statement that uses it.
    func indexDim(_ name: String) throws -> String {
        for s in model.programs[program].statements {
            if let d = s.indexDims[name] { return try dim(d) }
        }
        throw RicciError(.index, "index \(name) has no range")
    }

    /// A product term: scalars multiply, labeled factors go into one einsum over the term's free indices.
    mutating func term(_ c: Double, _ factors: [TypedFactor], _ e: TypedExpr) throws -> (PyCode, [String]) {
        var scalars: [String] = []
        var ops: [(code: String, labels: [String])] = []
        for f in factors {
            if !f.inverted, case .reshapeDelta(let ci, let i, let j) = f.expr.kind {
                // δ[I, i, j] = R[I, i]·Q[I, j]: I mod dim(i) = i and I div dim(i) = j
                let m = try indexDim(i), n = try indexDim(j)
                helpers.insert("_delta_rows")
                helpers.insert("_delta_cols")
                ops.append(("_delta_rows(\(m), \(n))", [ci, i]))
                ops.append(("_delta_cols(\(m), \(n))", [ci, j]))
                continue
            }
            var (v, labels) = try labeled(f.expr)
            if f.inverted { v = PyCode(text: "1 / \(v.at(2))", prec: 1, rank: v.rank) }
            if labels.isEmpty { scalars.append(v.at(2)) } else { ops.append((v.at(1), labels)) }
        }
        var parts: [String] = []
        if c != 1 && !(c == -1 && !(ops.isEmpty && scalars.isEmpty)) { parts.append(PythonExpr.number(c)) }
        parts += scalars
        if !ops.isEmpty {
            let spec = try ops.map { try subscripts($0.labels) }.joined(separator: ",") + "->" + (try subscripts(e.free))
            if ops.count == 1, ops[0].labels == e.free {
                parts.append(ops[0].code)
            } else {
                let opt = ops.count > 2 ? ", optimize=True" : ""
                parts.append("xp.einsum(\"\(spec)\", " + ops.map(\.code).joined(separator: ", ") + opt + ")")
            }
        }
        if parts.isEmpty { parts = ["1"] }
        var text = parts.joined(separator: " * ")
        var prec = parts.count == 1 ? (parts[0].hasPrefix("-") ? 2 : 4) : 1
        if c == -1 && !(ops.isEmpty && scalars.isEmpty) {
            text = "-" + (prec < 3 ? "(\(text))" : text)
            prec = 2
        }
        let labels = ops.isEmpty ? [] : e.free
        return (PyCode(text: text, prec: prec, rank: labels.count), labels)
    }
}
