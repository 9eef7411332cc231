import Foundation
import Ricci

/// The steps of Ricci's compiled numeric plan as C99: each product a CBLAS call (`cblas_dgemm`,
/// `cblas_dgemv`, `cblas_dger`), each fused entrywise expression one loop, every buffer a row-major
/// array allocated once; one statement per plan step with the step's formula as a comment.
struct PlanC {
    let model: ExportModel
    let plan: NumericPlan
    var names: [Int: String] = [:]
    var helpers: Set<String> = []
    var temps: [String] = []

    init(model: ExportModel) throws {
        let p = try PlanPython(model: model)
        self.model = model
        plan = p.plan
        for b in plan.buffers {
            switch b.role {
            case .input:
                guard let i = model.inputs.first(where: { $0.name == b.name }) else { throw RicciError(.usage, "plan input \(b.name) unknown") }
                names[b.id] = i.dims.isEmpty ? "(&\(i.id))" : i.id
            case .output, .temporary:
                let n = p.name(b.id)   // the plan's own names (E, t7, grad_W), as in the formulas
                names[b.id] = n
                temps.append(n)
            }
        }
    }

    func p(_ b: Int) -> String { names[b] ?? "b\(b)" }
    func rank(_ b: Int) -> Int { plan.buffers[b].shape.count }

    func dim(_ d: PlanDim) throws -> String {
        switch d {
        case .fixed(let n): return "\(n)L"
        case .named(let s):
            if let id = model.sizeIDs[s] { return id }
            if let e = try model.originalDim(named: s) { return LoopEmitter(model: model, language: .c).size(e) }
            throw RicciError(.shape, "the plan's size \(s) is not an input's")
        case .product(let ds): return "(" + (try ds.map(dim)).joined(separator: " * ") + ")"
        }
    }

    func dims(_ b: Int) throws -> [String] { try plan.buffers[b].shape.map(dim) }
    func count(_ b: Int) throws -> String { LoopEmitter.count(try dims(b)) }

    /// Rows and columns of a buffer seen as a matrix (a vector is a column, a scalar 1×1).
    func matrix(_ b: Int) throws -> (String, String) {
        let ds = try dims(b)
        switch ds.count {
        case 0: return ("1L", "1L")
        case 1: return (ds[0], "1L")
        default: return (ds[0], ds.dropFirst().joined(separator: " * "))
        }
    }

    static func num(_ x: Double) -> String { LoopEmitter.number(x) }

    /// Statements allocating every buffer the plan writes, then one block per step.
    mutating func lines() throws -> [String] {
        var out: [String] = []
        for b in plan.buffers where b.role != .input {
            out.append("    \(p(b.id)) = rc_alloc(\(try count(b.id))); if (!\(p(b.id))) goto nomem;")
        }
        for step in plan.steps {
            if !step.formula.isEmpty { out.append("    /* \(step.formula.replacingOccurrences(of: "*/", with: "* /")) */") }
            out += try kernel(step.kernel, step.output).map { "    " + $0 }
        }
        return out
    }

    mutating func kernel(_ k: PlanKernel, _ o: Int) throws -> [String] {
        let out = p(o)
        switch k {
        case .gemm(let a, let ta, let b, let tb, let alpha, let acc):
            let (ra, ca) = try matrix(a), (rb, cb) = try matrix(b)
            let (m, kk) = ta ? (ca, ra) : (ra, ca)
            let n = tb ? rb : cb
            return ["cblas_dgemm(CblasRowMajor, \(ta ? "CblasTrans" : "CblasNoTrans"), \(tb ? "CblasTrans" : "CblasNoTrans"), (int)\(m), (int)\(n), (int)\(kk), \(Self.num(alpha)), \(p(a)), (int)\(ca), \(p(b)), (int)\(cb), \(acc ? "1.0" : "0.0"), \(out), (int)\(n));"]
        case .gemv(let a, let ta, let x, let alpha, let acc):
            let (r, c) = try matrix(a)
            return ["cblas_dgemv(CblasRowMajor, \(ta ? "CblasTrans" : "CblasNoTrans"), (int)\(r), (int)\(c), \(Self.num(alpha)), \(p(a)), (int)\(c), \(p(x)), 1, \(acc ? "1.0" : "0.0"), \(out), 1);"]
        case .ger(let x, let y, let alpha, _):
            let m = try count(x), n = try count(y)
            return ["cblas_dger(CblasRowMajor, (int)\(m), (int)\(n), \(Self.num(alpha)), \(p(x)), 1, \(p(y)), 1, \(out), (int)\(n));"]
        case .syrk(let a, let ta, let alpha, let acc):
            let (r, c) = try matrix(a)
            let (m, kk) = ta ? (c, r) : (r, c)
            return ["cblas_dgemm(CblasRowMajor, \(ta ? "CblasTrans" : "CblasNoTrans"), \(ta ? "CblasNoTrans" : "CblasTrans"), (int)\(m), (int)\(m), (int)\(kk), \(Self.num(alpha)), \(p(a)), (int)\(c), \(p(a)), (int)\(c), \(acc ? "1.0" : "0.0"), \(out), (int)\(m));"]
        case .dot(let a, let b, let tb, let alpha):
            if tb && rank(b) == 2 {
                let (r, c) = try matrix(b)
                return ["{ double rc_s = 0.0; for (long rc_i = 0; rc_i < \(c); rc_i++) for (long rc_j = 0; rc_j < \(r); rc_j++) rc_s += \(p(a))[rc_i * \(r) + rc_j] * \(p(b))[rc_j * \(c) + rc_i]; \(out)[0] = \(Self.num(alpha)) * rc_s; }"]
            }
            let n = try count(a)
            let bIndex = try count(b) == "1" ? "0" : "rc_q"
            return ["{ double rc_s = 0.0; for (long rc_q = 0; rc_q < \(n); rc_q++) rc_s += \(p(a))[rc_q] * \(p(b))[\(bIndex)]; \(out)[0] = \(Self.num(alpha)) * rc_s; }"]
        case .scaledGram(let x, let v, let alpha, _):
            let (n, d) = try matrix(x)
            return ["for (long rc_i = 0; rc_i < \(n); rc_i++) for (long rc_a = 0; rc_a < \(d); rc_a++) { double rc_f = \(Self.num(alpha)) * \(p(v))[rc_i] * \(p(x))[rc_i * \(d) + rc_a]; for (long rc_b = 0; rc_b < \(d); rc_b++) \(out)[rc_a * \(d) + rc_b] += rc_f * \(p(x))[rc_i * \(d) + rc_b]; }"]
        case .entrywise(let e, _):
            let (r, c) = try matrix(o)
            let body = try entry(e, rows: r)
            return ["for (long rc_i = 0; rc_i < \(r); rc_i++) for (long rc_j = 0; rc_j < \(c); rc_j++) { long rc_q = rc_i * \(c) + rc_j; \(out)[rc_q] = \(body); }"]
        case .reduce(let red, let e):
            let full = e.fullOperands.first
            let (r, c) = try full.map(matrix) ?? ("1L", "1L")
            let body = try entry(e, rows: r)
            let loop = "for (long rc_i = 0; rc_i < \(r); rc_i++) for (long rc_j = 0; rc_j < \(c); rc_j++) { long rc_q = rc_i * \(c) + rc_j;"
            switch red {
            case .sum: return ["{ double rc_s = 0.0; \(loop) rc_s += \(body); } \(out)[0] = rc_s; }"]
            case .tr: return ["{ double rc_s = 0.0; for (long rc_i = 0; rc_i < \(r); rc_i++) { long rc_j = rc_i, rc_q = rc_i * \(c) + rc_i; (void)rc_j; rc_s += \(body); } \(out)[0] = rc_s; }"]
            case .norm2, .normF: return ["{ double rc_s = 0.0; \(loop) double rc_v = \(body); rc_s += rc_v * rc_v; } \(out)[0] = sqrt(rc_s); }"]
            case .norm1: return ["{ double rc_s = 0.0; \(loop) rc_s += fabs(\(body)); } \(out)[0] = rc_s; }"]
            case .logsumexp:
                return ["{ double rc_m = -INFINITY, rc_s = 0.0; \(loop) double rc_v = \(body); if (rc_v > rc_m) rc_m = rc_v; } \(loop) rc_s += exp(\(body) - rc_m); } \(out)[0] = rc_m + log(rc_s); }"]
            }
        case .transpose(let a):
            let (r, c) = try matrix(a)
            helpers.insert("rc_transpose")
            return ["rc_transpose(\(p(a)), \(out), \(r), \(c));"]
        case .inverse(let a, _):
            helpers.insert("rc_inv")
            return ["if (rc_inv(\(p(a)), \(out), \(try matrix(a).0)) != 0) goto singular;"]
        case .solve(let a, let ta, let b, _):
            // op(A)⁻¹·B through the inverse (a small dense helper; the plan's LU is not exported)
            helpers.insert("rc_inv")
            let n = try matrix(a).0
            let (_, cb) = try matrix(b)
            return ["{ double *rc_w = rc_alloc(\(n) * \(n)); if (!rc_w) goto nomem;",
                    " if (rc_inv(\(p(a)), rc_w, \(n)) != 0) { free(rc_w); goto singular; }",
                    " cblas_dgemm(CblasRowMajor, \(ta ? "CblasTrans" : "CblasNoTrans"), CblasNoTrans, (int)\(n), (int)\(cb), (int)\(n), 1.0, rc_w, (int)\(n), \(p(b)), (int)\(cb), 0.0, \(out), (int)\(cb)); free(rc_w); }"]
        case .determinant(let a, _):
            helpers.insert("rc_det")
            return ["\(out)[0] = rc_det(\(p(a)), \(try matrix(a).0));"]
        case .logDeterminant(let a, _):
            helpers.insert("rc_det")
            return ["\(out)[0] = log(rc_det(\(p(a)), \(try matrix(a).0)));"]
        case .matrixPower(let a, let n):
            let m = try matrix(a).0
            helpers.insert("rc_inv")
            var l = ["{ double *rc_base = rc_alloc(\(m) * \(m)), *rc_tmp = rc_alloc(\(m) * \(m)); if (!rc_base || !rc_tmp) { free(rc_base); free(rc_tmp); goto nomem; }"]
            l.append(n < 0 ? " if (rc_inv(\(p(a)), rc_base, \(m)) != 0) { free(rc_base); free(rc_tmp); goto singular; }"
                           : " memcpy(rc_base, \(p(a)), (size_t)(\(m) * \(m)) * sizeof(double));")
            l.append(" for (long rc_i = 0; rc_i < \(m) * \(m); rc_i++) \(out)[rc_i] = (rc_i % (\(m) + 1) == 0) ? 1.0 : 0.0;")
            l.append(" for (int rc_r = 0; rc_r < \(abs(n)); rc_r++) { cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)\(m), (int)\(m), (int)\(m), 1.0, \(out), (int)\(m), rc_base, (int)\(m), 0.0, rc_tmp, (int)\(m)); memcpy(\(out), rc_tmp, (size_t)(\(m) * \(m)) * sizeof(double)); }")
            l.append(" free(rc_base); free(rc_tmp); }")
            return l
        case .einsum(let subs, let ops): return try einsum(subs, ops, o)
        case .fill(let f):
            let n = try count(o)
            let ds = try dims(o)
            switch f {
            case .constant(let c): return ["for (long rc_q = 0; rc_q < \(n); rc_q++) \(out)[rc_q] = \(Self.num(c));"]
            case .identity: return ["for (long rc_q = 0; rc_q < \(ds[0]); rc_q++) \(out)[rc_q * \(ds[0]) + rc_q] = 1.0;"]
            case .reshapeRows: return ["for (long rc_q = 0; rc_q < \(ds[0]); rc_q++) \(out)[rc_q * \(ds[1]) + rc_q % \(ds[1])] = 1.0;"]
            case .reshapeColumns(let m): return ["for (long rc_q = 0; rc_q < \(ds[0]); rc_q++) \(out)[rc_q * \(ds[1]) + rc_q / \(m)] = 1.0;"]
            }
        case .diagonal(let a):
            let (r, c) = try matrix(a)
            return ["for (long rc_q = 0; rc_q < \(r); rc_q++) \(out)[rc_q] = \(p(a))[rc_q * \(c) + rc_q];"]
        case .diagonalMatrix(let v):
            let n = try count(v)
            return ["for (long rc_q = 0; rc_q < \(n); rc_q++) \(out)[rc_q * \(n) + rc_q] = \(p(v))[rc_q];"]
        case .kron(let a, let b):
            let (pa, qa) = try matrix(a), (rb, sb) = try matrix(b)
            helpers.insert("rc_kron")
            return ["rc_kron(\(p(a)), \(p(b)), \(out), \(pa), \(qa), \(rb), \(sb));"]
        case .vec(let a):
            let (r, c) = try matrix(a)
            helpers.insert("rc_transpose")
            return ["rc_transpose(\(p(a)), \(out), \(r), \(c));"]
        case .softmax(let a):
            let (r, c) = try matrix(a)
            helpers.insert("rc_softmax")
            return ["rc_softmax(\(p(a)), \(out), \(r), \(c));"]
        case .opaque(let f, let d, let a):
            let id = model.functions.first { $0.name == f }?.id(derivative: d) ?? f
            return ["\(id)(\(p(a)), \(out));"]
        case .copy(let a):
            return ["memcpy(\(out), \(p(a)), (size_t)(\(try count(o))) * sizeof(double));"]
        }
    }

    /// An einsum as nested loops over every letter.
    func einsum(_ subs: String, _ ops: [Int], _ o: Int) throws -> [String] {
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
        var loops = ""
        for l in order { loops += "for (long \(v(l)) = 0; \(v(l)) < \(size[l] ?? "1L"); \(v(l))++) " }
        let product = try zip(ins, ops).map { letters, b in "\(p(b))[\(offset(letters, try dims(b)))]" }.joined(separator: " * ")
        return [loops + "\(p(o))[\(offset(outL, od))] += \(product.isEmpty ? "1.0" : product);"]
    }

    /// A fused entrywise expression at output position (i, j), element q.
    func entry(_ e: PlanEntrywise, rows: String) throws -> String {
        switch e {
        case .operand(let b, let how):
            switch how {
            case .full: return "\(p(b))[rc_q]"
            case .scalar: return "\(p(b))[0]"
            case .row: return "\(p(b))[rc_i]"
            case .column: return "\(p(b))[rc_j]"
            case .transposed: return "\(p(b))[rc_j * \(rows) + rc_i]"
            }
        case .constant(let c): return Self.num(c)
        case .negate(let x): return "(-\(try entry(x, rows: rows)))"
        case .add(let xs): return "(" + (try xs.map { try entry($0, rows: rows) }).joined(separator: " + ") + ")"
        case .subtract(let a, let b): return "(\(try entry(a, rows: rows)) - \(try entry(b, rows: rows)))"
        case .multiply(let xs): return "(" + (try xs.map { try entry($0, rows: rows) }).joined(separator: " * ") + ")"
        case .divide(let a, let b): return "(\(try entry(a, rows: rows)) / \(try entry(b, rows: rows)))"
        case .power(let x, let pw):
            let s = try entry(x, rows: rows)
            return pw == 2 ? "(\(s) * \(s))" : "pow(\(s), \(Self.num(pw)))"
        case .function(let f, let d, let x):
            var h: Set<String> = []
            let fn = try LoopFunctions.name(f, d, .c, &h)
            return "\(fn)(\(try entry(x, rows: rows)))"
        case .user(let f, let d, let x):
            let id = model.functions.first { $0.name == f }?.id(derivative: d) ?? f
            return "\(id)(\(try entry(x, rows: rows)))"
        }
    }

    /// The entrywise helpers (`rc_sigmoid`, `rc_d1_tanh`, …) the steps call.
    func entryHelpers() -> Set<String> {
        var h: Set<String> = []
        func visit(_ e: PlanEntrywise) {
            switch e {
            case .operand, .constant: return
            case .negate(let x), .power(let x, _), .user(_, _, let x): visit(x)
            case .function(let f, let d, let x): _ = try? LoopFunctions.name(f, d, .c, &h); visit(x)
            case .add(let xs), .multiply(let xs): xs.forEach(visit)
            case .subtract(let a, let b), .divide(let a, let b): visit(a); visit(b)
            }
        }
        for s in plan.steps {
            switch s.kernel {
            case .entrywise(let e, _), .reduce(_, let e): visit(e)
            default: break
            }
        }
        return h
    }
}
