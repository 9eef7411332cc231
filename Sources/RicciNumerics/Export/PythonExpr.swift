import Foundation
import Ricci

/// Python code with its precedence (0 sum, 1 product, 2 unary, 3 power, 4 atom) and array rank.
struct PyCode {
    var text: String
    var prec: Int
    var rank: Int

    /// The text, parenthesized when it binds looser than `p`.
    func at(_ p: Int) -> String { prec < p ? "(\(text))" : text }
}

/// Writes one checked statement of a Ricci program as a NumPy / JAX expression over `xp`.
///
/// Vectors are 1-D arrays, matrices 2-D, scalars 0-D; every node's value has the rank of its typed
/// shape (a reshape is written where NumPy's rules would give another rank). Einstein terms become
/// `xp.einsum` calls; the helpers used (`_sigmoid`, `_softmax`, …) are collected in `helpers`.
struct PythonExpr {
    let model: ExportModel
    let program: Int
    /// The statement's index names, as einsum letters.
    var letters: [String: Character] = [:]
    var helpers: Set<String> = []
    var varRanks: [String: Int]
    /// Shared subexpressions across the module's steps (nil: none).
    var cse: PythonCSE?

    init(model: ExportModel, program: Int, statement: TypedProgram.Statement, varRanks: [String: Int]) throws {
        self.model = model
        self.program = program
        self.varRanks = varRanks
        let alphabet = Array("ijklmnopqrstuvwxyzabcdefghABCDEFGHIJKLMNOPQRSTUVWXYZ")
        // an index keeps its own letter where it is one; the others take the first free letters
        let names = statement.indexDims.keys.sorted()
        guard names.count <= alphabet.count else { throw RicciError(.limit, "more than \(alphabet.count) indices in one statement") }
        var used = Set<Character>()
        for n in names where n.count == 1 {
            if let c = n.first, alphabet.contains(c) { letters[n] = c; used.insert(c) }
        }
        var free = alphabet.filter { !used.contains($0) }.makeIterator()
        for n in names where letters[n] == nil { letters[n] = free.next() }
    }

    func dim(_ d: DimVar) throws -> String { PythonExpr.render(try model.dim(d, in: program), model) }

    static func render(_ d: ExportDim, _ model: ExportModel) -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .size(let n): return model.sizeIDs[n] ?? n
        case .product(let a, let b): return "(\(render(a, model)) * \(render(b, model)))"
        }
    }

    func shapeTuple(_ ds: [DimVar]) throws -> String {
        let parts = try ds.map(dim)
        return parts.count == 1 ? "(\(parts[0]),)" : "(" + parts.joined(separator: ", ") + ")"
    }

    static func number(_ c: Double) -> String {
        if c == c.rounded(), abs(c) < 1e15 { return String(Int(c)) }
        return "\(c)"
    }

    /// The statement's value with the statement's rank.
    mutating func statement(_ s: TypedProgram.Statement) throws -> PyCode {
        var v: PyCode
        if let idx = s.indices {
            let (code, labels) = try labeled(s.value)
            v = try align(code, labels, to: idx)
            v.rank = idx.count
        } else {
            v = try value(s.value)
        }
        return try coerce(v, to: s.shape)
    }

    /// A reshape to `shape` when the rank differs.
    func coerce(_ c: PyCode, to shape: [DimVar]) throws -> PyCode {
        if c.rank == shape.count { return c }
        if shape.isEmpty { return PyCode(text: "xp.reshape(\(c.text), ())", prec: 4, rank: 0) }
        return PyCode(text: "xp.reshape(\(c.text), \(try shapeTuple(shape)))", prec: 4, rank: shape.count)
    }

    func atom(_ s: String, _ rank: Int) -> PyCode { PyCode(text: s, prec: 4, rank: rank) }

    /// A matrix-notation node, with its typed rank.
    mutating func value(_ e: TypedExpr) throws -> PyCode {
        switch e.kind {
        case .indexed, .delta, .reshapeDelta, .term:
            let (code, labels) = try labeled(e)
            guard labels.isEmpty else { throw RicciError(.index, "internal: an indexed value where a matrix was expected", at: e.location) }
            return try coerce(code, to: e.shape)
        default: break
        }
        if e.isIndexed {
            let (code, _) = try labeled(e)
            return try coerce(code, to: e.shape)
        }
        let v = try coerce(try raw(e), to: e.shape)
        return cse?.share(v) ?? v
    }

    mutating func raw(_ e: TypedExpr) throws -> PyCode {
        let r = e.shape.count
        switch e.kind {
        case .constant(let c): return PyCode(text: PythonExpr.number(c), prec: c < 0 ? 2 : 4, rank: 0)
        case .variable(let n):
            let id = model.id(n, in: program)
            return atom(id, varRanks[id] ?? r)
        case .eye: return atom("xp.eye(\(try dim(e.shape[0])))", 2)
        case .ones: return atom("xp.ones(\(try shapeTuple(e.shape)))", r)
        case .zeros: return atom("xp.zeros(\(try shapeTuple(e.shape)))", r)
        case .entrywise(let f, let d, let x):
            let a = try value(x)
            return atom(try PythonFunctions.call(f, d, a.text, &helpers), a.rank)
        case .userEntrywise(let f, let d, let x):
            let a = try value(x)
            return atom("\(functionID(f, d))(\(a.text))", a.rank)
        case .opaque(let f, let d, let x):
            return atom("\(functionID(f, d))(\(try value(x).text))", r)
        case .reduce(let red, let x): return try reduce(red, try value(x))
        case .matrixFunction(let m, let xs): return try matrixFunction(m, try xs.map { try value($0) }, e)
        case .negate(let x): return PyCode(text: "-" + (try value(x)).at(3), prec: 2, rank: r)
        case .sum(let terms):
            var text = ""
            for (k, t) in terms.enumerated() {
                var v = try value(t.expr)
                if v.rank != 0 { v = try coerce(v, to: e.shape) }
                let body = v.at(t.negated ? 1 : 0)
                text += k == 0 ? (t.negated ? "-" + v.at(3) : body) : (t.negated ? " - " + v.at(1) : " + " + body)
            }
            return PyCode(text: text.isEmpty ? "0" : text, prec: 0, rank: r)
        case .matmul(let a, let b): return try matmul(a, b, e)
        case .scale(let s, let x):
            let c = try value(s), v = try value(x)
            return PyCode(text: "\(c.at(1)) * \(v.at(2))", prec: 1, rank: v.rank)
        case .divide(let x, let s):
            let v = try value(x), c = try value(s)
            return PyCode(text: "\(v.at(1)) / \(c.at(2))", prec: 1, rank: v.rank)
        case .hadamard(let a, let b), .hadamardDivide(let a, let b):
            var x = try value(a), y = try value(b)
            if x.rank != 0 { x = try coerce(x, to: e.shape) }
            if y.rank != 0 { y = try coerce(y, to: e.shape) }
            let op = { if case .hadamard = e.kind { return "*" } else { return "/" } }()
            return PyCode(text: "\(x.at(1)) \(op) \(y.at(2))", prec: 1, rank: r)
        case .doubleDot(let a, let b, let k):
            let x = try value(a), y = try value(b)
            return atom("xp.tensordot(\(x.text), \(y.text), axes=\(k))", x.rank + y.rank - 2 * k)
        case .power(let x, let p), .entrywisePower(let x, let p):
            if p == 2, case .reduce(let r, let inner) = x.kind, r == .normF || r == .norm2 {
                let v = try value(inner)
                return atom("xp.sum(\(v.at(3)) ** 2)", 0)   // normF(A)^2 without the square root
            }
            let v = try value(x)
            if p == 0.5 { return atom("xp.sqrt(\(v.text))", v.rank) }
            return PyCode(text: "\(v.at(4)) ** \(PythonExpr.number(p))", prec: 3, rank: v.rank)
        case .matrixPower(let a, let n):
            let v = try value(a)
            switch n {
            case 0: return atom("xp.eye(\(try dim(e.shape[0])))", 2)
            case 1: return v
            case -1: return atom("xp.linalg.inv(\(v.text))", 2)
            default:
                let base = n > 0 ? v.text : "xp.linalg.inv(\(v.text))"
                return atom("xp.linalg.matrix_power(\(base), \(abs(n)))", 2)
            }
        case .transpose(let x):
            let v = try value(x)
            switch v.rank {
            case 0: return v
            case 1: return atom("\(v.at(4))[None, :]", 2)
            default: return atom("\(v.at(4)).T", 2)
            }
        case .indexed, .delta, .reshapeDelta, .term: return try value(e)
        }
    }

    func functionID(_ f: String, _ d: Int) -> String {
        guard let fn = model.functions.first(where: { $0.name == f }) else { return f }
        return fn.id(derivative: d)
    }

    /// A 2-D view of a value (a vector as a column, a scalar as 1×1).
    func matrix(_ v: PyCode) -> String {
        switch v.rank {
        case 0: return "xp.reshape(\(v.text), (1, 1))"
        case 1: return "\(v.at(4))[:, None]"
        default: return v.text
        }
    }

    mutating func matmul(_ a: TypedExpr, _ b: TypedExpr, _ e: TypedExpr) throws -> PyCode {
        // a product with Diag(v) scales rows or columns
        if case .matrixFunction(.Diag, let args) = b.kind, args.count == 1, a.shape.count == 2 {
            let x = try value(a), v = try value(args[0])
            return PyCode(text: "\(x.at(1)) * \(v.at(2))", prec: 1, rank: 2)
        }
        if case .matrixFunction(.Diag, let args) = a.kind, args.count == 1, b.shape.count == 2 {
            let v = try value(args[0]), y = try value(b)
            return PyCode(text: "\(v.at(4))[:, None] * \(y.at(2))", prec: 1, rank: 2)
        }
        // a row vector x' times something: x as a 1-D array on the left
        if case .transpose(let inner) = a.kind, inner.shape.count == 1 {
            let x = try value(inner), y = try value(b)
            if y.rank == 1 { return PyCode(text: "\(x.at(2)) @ \(y.at(2))", prec: 1, rank: 0) }
            if y.rank == 2 { return atom("(\(x.at(2)) @ \(y.at(2)))[None, :]", 2) }
        }
        let x = try value(a), y = try value(b)
        if x.rank == 2 && y.rank == 1 { return PyCode(text: "\(x.at(1)) @ \(y.at(2))", prec: 1, rank: 1) }
        if x.rank == 2 && y.rank == 2 { return PyCode(text: "\(x.at(1)) @ \(y.at(2))", prec: 1, rank: 2) }
        if x.rank == 1 && y.rank == 2 { return PyCode(text: "\(x.at(4))[:, None] @ \(y.at(2))", prec: 1, rank: 2) }
        return PyCode(text: "\(matrix(x)) @ \(matrix(y))", prec: 1, rank: 2)
    }

    mutating func reduce(_ r: Reduction, _ v: PyCode) throws -> PyCode {
        switch r {
        case .sum: return atom("xp.sum(\(v.text))", 0)
        case .tr: return atom(v.rank == 2 ? "xp.trace(\(v.text))" : "xp.sum(\(v.text))", 0)
        case .norm2, .normF: return atom("xp.sqrt(xp.sum(\(v.at(3)) ** 2))", 0)
        case .norm1: return atom("xp.sum(xp.abs(\(v.text)))", 0)
        case .logsumexp:
            helpers.insert("_logsumexp")
            return atom("_logsumexp(\(v.text))", 0)
        }
    }

    mutating func matrixFunction(_ m: MatrixFunction, _ xs: [PyCode], _ e: TypedExpr) throws -> PyCode {
        let x = xs[0]
        switch m {
        case .inv: return x.rank == 2 ? atom("xp.linalg.inv(\(x.text))", 2) : PyCode(text: "1 / \(x.at(2))", prec: 1, rank: x.rank)
        case .det: return x.rank == 2 ? atom("xp.linalg.det(\(x.text))", 0) : atom("xp.sum(\(x.text))", 0)
        case .logdet: return x.rank == 2 ? atom("xp.linalg.slogdet(\(x.text))[1]", 0) : atom("xp.log(xp.sum(\(x.text)))", 0)
        case .diag, .Diag:
            if e.shape.count == 2 { return atom("xp.diag(xp.reshape(\(x.text), (-1,)))", 2) }
            return atom(x.rank == 2 ? "xp.diagonal(\(x.text))" : x.text, x.rank == 2 ? 1 : x.rank)
        case .kron:
            return atom("xp.kron(\(matrix(x)), \(matrix(xs[1])))", 2)
        case .vec:
            let m = matrix(x)
            return atom("xp.reshape(\(x.rank == 2 ? x.at(4) : "(\(m))").T, (-1,))", 1)
        case .softmax:
            helpers.insert("_softmax")
            return atom("_softmax(\(x.text))", x.rank)
        }
    }
}
