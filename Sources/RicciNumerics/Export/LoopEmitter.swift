import Foundation
import Ricci

/// A value in generated C or Swift: a `double` expression (rank 0) or a row-major array with sizes.
struct LoopValue {
    /// A scalar expression, or the array's name.
    var code: String
    /// Size expressions of the axes (empty for scalars).
    var dims: [String]
    var isScalar: Bool { dims.isEmpty }

    static func scalar(_ s: String) -> LoopValue { LoopValue(code: s, dims: []) }
}

/// Writes statements of C or Swift that compute typed expressions: one loop or helper call per
/// operation, every intermediate array named `t1`, `t2`, … (C allocates them, Swift makes arrays).
struct LoopEmitter {
    let model: ExportModel
    let language: LoopLanguage
    var program = 0
    var statement: TypedProgram.Statement?
    var lines: [String] = []
    var temps: [String] = []
    var helpers: Set<String> = []
    /// Identifier → value of every computed step and input.
    var env: [String: LoopValue] = [:]
    var next = 0

    init(model: ExportModel, language: LoopLanguage) {
        self.model = model
        self.language = language
    }

    var c: Bool { language == .c }

    // MARK: - sizes and names

    func size(_ d: ExportDim) -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .size(let n): return model.sizeIDs[n] ?? n
        case .product(let a, let b): return "(\(size(a)) * \(size(b)))"
        }
    }

    func dim(_ d: DimVar) throws -> String { size(try model.dim(d, in: program)) }
    func dims(_ ds: [DimVar]) throws -> [String] { try ds.map(dim) }
    static func count(_ dims: [String]) -> String { dims.isEmpty ? "1" : dims.joined(separator: " * ") }

    mutating func emit(_ s: String) { lines.append("    " + s) }

    mutating func fresh(_ prefix: String) -> String {
        next += 1
        return "\(prefix)\(next)"
    }

    /// A new zero-filled array.
    mutating func array(_ dims: [String]) -> LoopValue {
        let name = fresh("t")
        let n = LoopEmitter.count(dims)
        if c {
            temps.append(name)
            emit("\(name) = rc_alloc(\(n)); if (!\(name)) goto nomem;")
        } else {
            emit("var \(name) = [Double](repeating: 0, count: \(n))")
        }
        return LoopValue(code: name, dims: dims)
    }

    /// A scalar named once (so that an expression is not computed twice).
    mutating func let_(_ expr: String) -> LoopValue {
        let name = fresh("s")
        emit(c ? "double \(name) = \(expr);" : "let \(name): Double = \(expr)")
        return .scalar(name)
    }

    /// `for q in 0..<n { body }`.
    mutating func loop(_ n: String, _ body: String, index: String = "qq") {
        emit(c ? "for (long \(index) = 0; \(index) < \(n); \(index)++) \(body)" : "for \(index) in 0..<\(n) { \(body) }")
    }

    /// The element `q` of a value (a scalar broadcasts).
    func at(_ v: LoopValue, _ q: String = "qq") -> String { v.isScalar ? "(\(v.code))" : "\(v.code)[\(q)]" }

    /// An output argument of a helper call.
    func out(_ v: LoopValue) -> String { c ? v.code : "&" + v.code }

    /// A call statement.
    mutating func call(_ f: String, _ args: [String]) {
        helpers.insert(f)
        emit(f + "(" + args.joined(separator: ", ") + ")" + (c ? ";" : ""))
    }

    /// An array holding a value (scalars become one-element arrays).
    mutating func materialized(_ v: LoopValue) -> LoopValue {
        guard v.isScalar else { return v }
        let t = array(["1"])
        emit("\(t.code)[0] = \(v.code)\(c ? ";" : "")")
        return t
    }

    /// An entrywise map of arrays of the same count (scalars broadcast) into a new array.
    mutating func map(_ dims: [String], _ operands: [LoopValue], _ f: ([String]) -> String) -> LoopValue {
        if dims.isEmpty || operands.allSatisfy(\.isScalar) && dims.isEmpty {
            return let_(f(operands.map { at($0) }))
        }
        let t = array(dims)
        loop(LoopEmitter.count(dims), "\(t.code)[qq] = \(f(operands.map { at($0) }))\(c ? ";" : "")")
        return t
    }

    /// The value with `dims` as its sizes (a reshape is free in row-major storage).
    func reshaped(_ v: LoopValue, _ dims: [String]) -> LoopValue {
        if dims.isEmpty && !v.isScalar { return .scalar("\(v.code)[0]") }
        if v.isScalar { return v }
        return LoopValue(code: v.code, dims: dims)
    }

    /// A matrix view (rows, columns) of a value's sizes.
    static func matrixDims(_ v: LoopValue) -> (String, String) {
        switch v.dims.count {
        case 0: return ("1", "1")
        case 1: return (v.dims[0], "1")
        default: return (v.dims[0], v.dims.dropFirst().joined(separator: " * "))
        }
    }

    static func number(_ c: Double) -> String {
        if c == c.rounded(), abs(c) < 1e15 { return String(format: "%.1f", c) }
        return "\(c)"
    }

    // MARK: - statements

    /// Computes a statement of program `p` into the environment under `id`.
    mutating func statement(_ s: TypedProgram.Statement, program p: Int, id: String) throws {
        program = p
        statement = s
        var v: LoopValue
        if let idx = s.indices {
            v = try einstein(s.value, out: idx)
        } else {
            v = try value(s.value)
        }
        v = reshaped(v, try dims(s.shape))
        if v.isScalar {
            emit(c ? "double \(id) = \(v.code);" : "let \(id): Double = \(v.code)")
            env[id] = .scalar(id)
        } else {
            emit(c ? "double *\(id) = \(v.code);" : "let \(id) = \(v.code)")
            env[id] = LoopValue(code: id, dims: v.dims)
        }
    }
}
