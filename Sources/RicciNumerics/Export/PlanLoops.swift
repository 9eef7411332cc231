import Foundation
import Ricci

/// The steps of Ricci's compiled plan as C99 or Swift over row-major arrays: one statement per plan
/// step, the step's formula as a comment above it. Products are BLAS-shaped calls (C: CBLAS from
/// OpenBLAS; Swift: `rc_gemm`/`rc_gemv`/`rc_ger` with the same arguments, written in the file),
/// solves, inverses and determinants go through a factorization (C: LAPACK `dgetrf`/`dgetrs`,
/// `dpotrf`/`dpotrs` for `spd`; Swift: the same algorithms in the file), and each fused entrywise
/// expression is one loop. Every buffer the plan writes is allocated once, zero-filled.
struct PlanLoops: PlanEntryDialect {
    let walk: PlanWalk
    let language: LoopLanguage
    /// The exported function's name (in messages).
    let function: String
    /// Helper definitions the steps call (``LoopFunctions`` and ``PlanLoopRoutines``).
    var helpers: Set<String> = []
    /// Rows of the current entrywise expression's output (for transposed operands).
    var rows = "1"

    init(model: ExportModel, language: LoopLanguage, function: String) throws {
        walk = try PlanWalk(model: model)
        self.language = language
        self.function = function
    }

    var c: Bool { language == .c }
    var model: ExportModel { walk.model }
    var exportModel: ExportModel { walk.model }
    var plan: NumericPlan { walk.plan }
    func rank(_ b: Int) -> Int { walk.rank(b) }

    /// A buffer read as an array: a scalar input is `(&alpha)` in C and `[alpha]` in Swift.
    func p(_ b: Int) -> String {
        let n = walk.name(b)
        guard plan.buffers[b].role == .input, rank(b) == 0 else { return n }
        return c ? "(&\(n))" : "[\(n)]"
    }

    /// A buffer passed to a routine that writes it (`&t` in Swift).
    func w(_ b: Int) -> String { c ? walk.name(b) : "&" + walk.name(b) }

    func size(_ e: ExportDim) -> String { LoopEmitter(model: model, language: language).size(e) }
    func dims(_ b: Int) throws -> [String] {
        try plan.buffers[b].shape.map { try walk.dim($0, size: size, fixed: { c ? "\($0)L" : String($0) }) }
    }
    func count(_ b: Int) throws -> String { LoopEmitter.count(try dims(b)) }
    var one: String { c ? "1L" : "1" }

    /// Rows and columns of a buffer seen as a matrix (a vector is a column, a scalar 1×1).
    func matrix(_ b: Int) throws -> (String, String) {
        let ds = try dims(b)
        switch ds.count {
        case 0: return (one, one)
        case 1: return (ds[0], one)
        default: return (ds[0], ds.dropFirst().joined(separator: " * "))
        }
    }

    // MARK: - syntax of the two languages

    /// `for (long v = 0; v < n; v++) {` / `for v in 0..<(n) {` (closed by the caller with `}`).
    func loop(_ v: String, _ n: String) -> String { c ? "for (long \(v) = 0; \(v) < \(n); \(v)++) {" : "for \(v) in 0..<(\(n)) {" }
    func index(_ v: String, _ e: String) -> String { c ? "long \(v) = \(e);" : "let \(v) = \(e);" }
    func real(_ v: String, _ e: String) -> String { c ? "double \(v) = \(e);" : "var \(v): Double = \(e);" }
    func constant(_ v: String, _ e: String) -> String { c ? "double \(v) = \(e);" : "let \(v): Double = \(e);" }
    /// A block of statements: `{ … }` in C, `do { … }` in Swift.
    var open: String { c ? "{" : "do {" }
    func int(_ s: String) -> String { c ? "(int)\(s)" : s }
    func flag(_ t: Bool) -> String { c ? (t ? "CblasTrans" : "CblasNoTrans") : (t ? "true" : "false") }
    func num(_ x: Double) -> String { x < 0 ? "(\(LoopEmitter.number(x)))" : LoopEmitter.number(x) }
    /// A routine returning a status (0: done, 1: singular or not positive definite, 2: out of memory).
    func checked(_ call: String) -> String {
        c ? "{ int rc_st = \(call); if (rc_st == 2) goto nomem; if (rc_st != 0) goto singular; }"
            : "if \(call) != 0 { throw RicciExportError(message: \"\(function): \(PlanLoops.singularMessage)\") }"
    }
    static let singularMessage = "a matrix to solve with or invert is singular (or not positive definite for spd; logdet needs det > 0)"

    // MARK: - steps

    /// One block of statements per plan step, each after its formula.
    mutating func lines() throws -> [String] {
        var out: [String] = []
        for step in plan.steps {
            if !step.formula.isEmpty {
                let f = PlanWalk.formula(step)
                out.append(c ? "    /* \(f.replacingOccurrences(of: "*/", with: "* /")) */" : "    // \(f)")
            }
            // Swift needs `;` between a closing brace and a statement on the same line
            out += try kernel(step.kernel, step.output).map { "    " + (c ? $0 : $0.replacingOccurrences(of: #"\} (?=[^}])"#, with: "}; ", options: .regularExpression)) }
        }
        return out
    }

    /// `C = alpha·op(A)·op(B) + beta·C` as a CBLAS call (C) or its Swift twin.
    func gemm(_ a: Int, _ ta: Bool, _ b: Int, _ tb: Bool, _ alpha: Double, _ acc: Bool, into o: Int) throws -> String {
        let (ra, ca) = try matrix(a), (rb, cb) = try matrix(b)
        let (m, kk) = ta ? (ca, ra) : (ra, ca)
        let n = tb ? rb : cb
        let args = [flag(ta), flag(tb), int(m), int(n), int(kk), num(alpha), p(a), int(ca), p(b), int(cb), acc ? "1.0" : "0.0", w(o), int(n)]
        return c ? "cblas_dgemm(CblasRowMajor, " + args.joined(separator: ", ") + ");" : "rc_gemm(" + args.joined(separator: ", ") + ")"
    }

    mutating func kernel(_ k: PlanKernel, _ o: Int) throws -> [String] {
        let out = walk.name(o)
        switch k {
        case .gemm(let a, let ta, let b, let tb, let alpha, let acc):
            if !c { helpers.insert("rc_gemm") }
            return [try gemm(a, ta, b, tb, alpha, acc, into: o)]
        case .syrk(let a, let ta, let alpha, let acc):
            if !c { helpers.insert("rc_gemm") }
            return [try gemm(a, ta, a, !ta, alpha, acc, into: o)]
        case .gemv(let a, let ta, let x, let alpha, let acc):
            let (r, cc) = try matrix(a)
            if c {
                return ["cblas_dgemv(CblasRowMajor, \(flag(ta)), \(int(r)), \(int(cc)), \(num(alpha)), \(p(a)), \(int(cc)), \(p(x)), 1, \(acc ? "1.0" : "0.0"), \(out), 1);"]
            }
            helpers.insert("rc_gemv")
            return ["rc_gemv(\(flag(ta)), \(r), \(cc), \(num(alpha)), \(p(a)), \(p(x)), \(acc ? "1.0" : "0.0"), \(w(o)))"]
        case .ger(let x, let y, let alpha, _):
            let m = try count(x), n = try count(y)
            if c { return ["cblas_dger(CblasRowMajor, \(int(m)), \(int(n)), \(num(alpha)), \(p(x)), 1, \(p(y)), 1, \(out), \(int(n)));"] }
            helpers.insert("rc_ger")
            return ["rc_ger(\(m), \(n), \(num(alpha)), \(p(x)), \(p(y)), \(w(o)))"]
        case .dot(let a, let b, let tb, let alpha):
            if tb && rank(b) == 2 {
                let (r, cc) = try matrix(b)
                return [open + " " + real("rc_s", "0.0") + " " + loop("rc_i", cc) + " " + loop("rc_j", r)
                        + " rc_s += \(p(a))[rc_i * \(r) + rc_j] * \(p(b))[rc_j * \(cc) + rc_i]; } } \(out)[0] = \(num(alpha)) * rc_s; }"]
            }
            let bIndex = try count(b) == "1" || (try count(b)) == "1L" ? "0" : "rc_q"
            return [open + " " + real("rc_s", "0.0") + " " + loop("rc_q", try count(a))
                    + " rc_s += \(p(a))[rc_q] * \(p(b))[\(bIndex)]; } \(out)[0] = \(num(alpha)) * rc_s; }"]
        case .scaledGram(let x, let v, let alpha, let acc):
            // C = alpha·Xᵀ·(Diag(v)·X): the rows of X scaled into a work array, then one product
            let (n, d) = try matrix(x)
            let scale = loop("rc_i", n) + " " + loop("rc_a", d) + " rc_w[rc_i * \(d) + rc_a] = \(p(v))[rc_i] * \(p(x))[rc_i * \(d) + rc_a]; } }"
            if c {
                return ["{ double *rc_w = rc_alloc(\(n) * \(d)); if (!rc_w) goto nomem;",
                        "  " + scale,
                        "  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)\(d), (int)\(d), (int)\(n), \(num(alpha)), \(p(x)), (int)\(d), rc_w, (int)\(d), \(acc ? "1.0" : "0.0"), \(out), (int)\(d)); free(rc_w); }"]
            }
            helpers.insert("rc_gemm")
            return ["do { var rc_w = [Double](repeating: 0, count: \(n) * \(d))",
                    "  " + scale,
                    "  rc_gemm(true, false, \(d), \(d), \(n), \(num(alpha)), \(p(x)), \(d), rc_w, \(d), \(acc ? "1.0" : "0.0"), \(w(o)), \(d)) }"]
        case .entrywise(let e, _):
            let (r, cc) = try matrix(o)
            rows = r
            let body = try PlanWalk.render(e, &self)
            return [loop("rc_i", r) + " " + loop("rc_j", cc) + " " + index("rc_q", "rc_i * \(cc) + rc_j") + " \(out)[rc_q] = \(body); } }"]
        case .reduce(let red, let e):
            return try reduce(red, e, out)
        case .transpose(let a), .vec(let a):
            let (r, cc) = try matrix(a)
            helpers.insert("rc_transpose")
            return ["rc_transpose(\(p(a)), \(w(o)), \(r), \(cc))" + (c ? ";" : "")]
        case .inverse(let a, let f):
            helpers.insert("rc_solve")
            return [checked("rc_solve(\(p(a)), \(c ? "0" : "false"), NULL_B, \(w(o)), \(try matrix(a).0), 0, \(spd(f)))")
                        .replacingOccurrences(of: "NULL_B", with: c ? "NULL" : "nil")]
        case .solve(let a, let ta, let b, let f):
            helpers.insert("rc_solve")
            let (_, cb) = try matrix(b)
            return [checked("rc_solve(\(p(a)), \(c ? (ta ? "1" : "0") : (ta ? "true" : "false")), \(p(b)), \(w(o)), \(try matrix(a).0), \(cb), \(spd(f)))")]
        case .determinant(let a, let f):
            helpers.insert("rc_determinant")
            return [checked("rc_determinant(\(p(a)), \(try matrix(a).0), \(spd(f)), 0, \(w(o)))")]
        case .logDeterminant(let a, let f):
            helpers.insert("rc_determinant")
            return [checked("rc_determinant(\(p(a)), \(try matrix(a).0), \(spd(f)), 1, \(w(o)))")]
        case .matrixPower(let a, let n):
            helpers.insert("rc_matpow")
            return [checked("rc_matpow(\(p(a)), \(w(o)), \(try matrix(a).0), \(n))")]
        case .einsum(let subs, let ops): return [try einsum(subs, ops, o)]
        case .fill(let f):
            let ds = try dims(o)
            switch f {
            case .constant(let v): return [loop("rc_q", try count(o)) + " \(out)[rc_q] = \(num(v)); }"]
            case .identity: return [loop("rc_q", ds[0]) + " \(out)[rc_q * \(ds[0]) + rc_q] = 1.0; }"]
            case .reshapeRows: return [loop("rc_q", ds[0]) + " \(out)[rc_q * \(ds[1]) + rc_q % \(ds[1])] = 1.0; }"]
            case .reshapeColumns:
                // Q[I, j] = 1 when I div m = j, m = size(I) / size(j) (the plan's m is at its nominal sizes)
                return [loop("rc_q", ds[0]) + " \(out)[rc_q * \(ds[1]) + rc_q / ((\(ds[0])) / \(ds[1]))] = 1.0; }"]
            }
        case .diagonal(let a):
            let (r, cc) = try matrix(a)
            return [loop("rc_q", r) + " \(out)[rc_q] = \(p(a))[rc_q * \(cc) + rc_q]; }"]
        case .diagonalMatrix(let v):
            let n = try count(v)
            return [loop("rc_q", n) + " \(out)[rc_q * \(n) + rc_q] = \(p(v))[rc_q]; }"]
        case .kron(let a, let b):
            let (pa, qa) = try matrix(a), (rb, sb) = try matrix(b)
            helpers.insert("rc_kron")
            return ["rc_kron(\(p(a)), \(p(b)), \(w(o)), \(pa), \(qa), \(rb), \(sb))" + (c ? ";" : "")]
        case .softmax(let a):
            let (r, cc) = try matrix(a)
            helpers.insert("rc_softmax")
            return ["rc_softmax(\(p(a)), \(w(o)), \(r), \(cc))" + (c ? ";" : "")]
        case .opaque(let f, let d, let a):
            let id = model.functions.first { $0.name == f }?.id(derivative: d) ?? f
            if c { return ["\(id)(\(p(a)), \(out));"] }
            let n = try count(o)
            return ["do { let rc_r = \(id)(\(p(a))); guard rc_r.count == \(n) else { throw RicciExportError(message: \"\(function): \(id) returned \\(rc_r.count) entries, expected \\(\(n))\") }; \(out) = rc_r }"]
        case .copy(let a):
            if c { return ["memcpy(\(out), \(p(a)), (size_t)(\(try count(o))) * sizeof(double));"] }
            return ["\(out) = \(p(a))"]
        }
    }

    func spd(_ f: PlanFactorization) -> String { f == .cholesky ? (c ? "1" : "true") : (c ? "0" : "false") }

    mutating func reduce(_ red: Reduction, _ e: PlanEntrywise, _ out: String) throws -> [String] {
        let full = e.fullOperands.first
        let (r, cc) = try full.map(matrix) ?? (one, one)
        rows = r
        let body = try PlanWalk.render(e, &self)
        let each = loop("rc_i", r) + " " + loop("rc_j", cc) + " " + index("rc_q", "rc_i * \(cc) + rc_j")
        let s = real("rc_s", "0.0")
        switch red {
        case .sum: return ["\(open) \(s) \(each) rc_s += \(body); } } \(out)[0] = rc_s; }"]
        case .tr:
            return ["\(open) \(s) \(loop("rc_i", r)) \(index("rc_j", "rc_i")) \(index("rc_q", "rc_i * \(cc) + rc_i")) rc_s += \(body); } \(out)[0] = rc_s; }"]
        case .norm2, .normF:
            return ["\(open) \(s) \(each) \(constant("rc_v", body)) rc_s += rc_v * rc_v; } } \(out)[0] = sqrt(rc_s); }"]
        case .norm1: return ["\(open) \(s) \(each) rc_s += \(c ? "fabs" : "abs")(\(body)); } } \(out)[0] = rc_s; }"]
        case .logsumexp:
            let m = c ? "-INFINITY" : "-Double.infinity"
            let v = constant("rc_v", body)
            return ["\(open) \(real("rc_m", m)) \(s) \(each) \(v) if (rc_v > rc_m) { rc_m = rc_v; } } } \(each) rc_s += exp(\(body) - rc_m); } } \(out)[0] = rc_m + log(rc_s); }"]
        }
    }

    /// An einsum as nested loops over every letter, adding into the zero-filled output.
    func einsum(_ subs: String, _ ops: [Int], _ o: Int) throws -> String {
        let parts = subs.components(separatedBy: "->")
        guard parts.count == 2 else { throw RicciError(.usage, "einsum subscripts \(subs)") }
        let ins = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        let outL = Array(parts[1])
        guard ins.count == ops.count else { throw RicciError(.usage, "einsum operands for \(subs)") }
        var size: [Character: String] = [:]
        var order: [Character] = outL
        for (letters, b) in zip(ins, ops) {
            let ds = try dims(b)
            for (k, l) in letters.enumerated() where k < ds.count {
                if size[l] == nil { size[l] = ds[k] }
                if !order.contains(l) { order.append(l) }
            }
        }
        let od = try dims(o)
        for (k, l) in outL.enumerated() where size[l] == nil && k < od.count { size[l] = od[k] }
        func v(_ l: Character) -> String { "rc_e\(l.isUppercase ? "U" + l.lowercased() : String(l))" }
        func offset(_ letters: [Character], _ ds: [String]) -> String {
            guard let first = letters.first else { return "0" }
            var s = v(first)
            for k in 1..<letters.count { s = "(\(s)) * \(ds[k]) + \(v(letters[k]))" }
            return s
        }
        let loops = order.map { loop(v($0), size[$0] ?? one) }.joined(separator: " ")
        let product = try zip(ins, ops).map { letters, b in "\(p(b))[\(offset(letters, try dims(b)))]" }.joined(separator: " * ")
        return loops + " \(walk.name(o))[\(offset(outL, od))] += \(product.isEmpty ? "1.0" : product);"
            + String(repeating: " }", count: order.count)
    }

    // MARK: - the entrywise dialect

    func operand(_ b: Int, _ how: PlanBroadcast) throws -> String {
        switch how {
        case .full: return "\(p(b))[rc_q]"
        case .scalar: return "\(p(b))[0]"
        case .row: return "\(p(b))[rc_i]"
        case .column: return "\(p(b))[rc_j]"
        case .transposed: return "\(p(b))[rc_j * \(rows) + rc_i]"
        }
    }

    func number(_ x: Double) -> String { num(x) }

    func power(_ base: String, _ pw: Double) -> String {
        pw == 2 ? "(\(base) * \(base))" : "pow(\(base), \(num(pw)))"
    }

    mutating func function(_ f: EntrywiseFunction, _ d: Int, _ arg: String) throws -> String {
        "\(try LoopFunctions.name(f, d, language, &helpers))(\(arg))"
    }
}
