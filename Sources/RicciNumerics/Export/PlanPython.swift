import Foundation
import Ricci

/// The steps of Ricci's compiled numeric plan (``NumericPlan``, issue 12) as NumPy / JAX lines: one
/// line per plan step (a BLAS-shaped product, a fused entrywise expression, a reduction, a solve…),
/// with the step's formula as a comment. The plan shares subexpressions across the value and all
/// derivatives and chooses each product's order; it is compiled from shapes alone at nominal sizes.
struct PlanPython {
    let model: ExportModel
    let plan: NumericPlan
    var names: [Int: String] = [:]
    var helpers: Set<String> = []
    /// The buffer whose shape full operands of the current entrywise expression have.
    var target: Int?

    /// Nominal size of every symbolic dimension when the plan is compiled (the code works at any size).
    static let nominalSize = 256

    init(model: ExportModel) throws {
        self.model = model
        var requests: [PlanRequest] = [.value]
        for o in model.outputs where o.key != "value" {
            if o.key.hasPrefix("hessian_") { requests.append(.hessian(String(o.key.dropFirst(8)))) }
            else { requests.append(.gradient(String(o.key.dropFirst(5)))) }
        }
        let dims = Dictionary(uniqueKeysWithValues: model.programs[0].dims.symbolicNames.map { ($0, PlanPython.nominalSize) })
        plan = try NumericPlan(source: model.source, requests: requests, results: model.results.sorted { a, b in
            // the plan takes one result per request, in request order (gradients, then Hessians)
            (a.kind == .hessian ? 1 : 0, model.wrt.firstIndex(of: a.wrt) ?? 0) < (b.kind == .hessian ? 1 : 0, model.wrt.firstIndex(of: b.wrt) ?? 0)
        }.filter { _ in true }, dims: dims, memoryLimit: .infinity)
        var taken = Set(model.inputs.map(\.id)).union(model.sizeIDs.values).union(model.outputs.map(\.key))
        for f in model.functions { taken.formUnion([f.id, f.id + "_prime", f.id + "_prime2"]) }
        taken.formUnion(ExportNames.reserved)
        for b in plan.buffers {
            switch b.role {
            case .input:
                guard let i = model.inputs.first(where: { $0.name == b.name }) else { throw RicciError(.usage, "plan input \(b.name) unknown") }
                names[b.id] = i.id
            case .output:
                names[b.id] = ExportNames.identifier(b.name, avoiding: [])
            case .temporary:
                let id = ExportNames.identifier(b.name, avoiding: taken)
                taken.insert(id)
                names[b.id] = id
            }
        }
    }

    func name(_ b: Int) -> String { names[b] ?? "b\(b)" }
    func rank(_ b: Int) -> Int { plan.buffers[b].shape.count }

    func dim(_ d: PlanDim) throws -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .named(let s):
            if let id = model.sizeIDs[s] { return id }
            if let e = try model.originalDim(named: s) { return PythonExpr.render(e, model) }
            throw RicciError(.shape, "the plan's size \(s) is not an input's")
        case .product(let ds): return "(" + (try ds.map(dim)).joined(separator: " * ") + ")"
        }
    }

    func shape(_ b: Int) throws -> String {
        let ds = try plan.buffers[b].shape.map(dim)
        return ds.count == 1 ? "(\(ds[0]),)" : "(" + ds.joined(separator: ", ") + ")"
    }

    /// A 2-D view of a buffer, transposed or not.
    func mat(_ b: Int, _ t: Bool) -> String {
        switch rank(b) {
        case 0: return "xp.reshape(\(name(b)), (1, 1))"
        case 1: return t ? "\(name(b))[None, :]" : "\(name(b))[:, None]"
        default: return t ? "\(name(b)).T" : name(b)
        }
    }

    func vec(_ b: Int) -> String { rank(b) == 1 ? name(b) : "xp.reshape(\(name(b)), (-1,))" }

    static func scaled(_ alpha: Double, _ s: String) -> String {
        alpha == 1 ? s : alpha == -1 ? "-(\(s))" : "\(PythonExpr.number(alpha)) * (\(s))"
    }

    /// The Python lines of evaluate's body (after the argument checks).
    mutating func lines() throws -> [String] {
        var out: [String] = []
        for step in plan.steps {
            let o = step.output
            var (expr, natural) = try kernel(step.kernel, output: o)
            if natural != rank(o) {
                expr = rank(o) == 0 ? "xp.reshape(\(expr), ())" : "xp.reshape(\(expr), \(try shape(o)))"
                natural = rank(o)
            }
            if !step.formula.isEmpty { out.append("    # " + step.formula) }
            if accumulates(step.kernel) {
                out.append("    \(name(o)) = \(name(o)) + \(expr)")
            } else {
                out.append("    \(name(o)) = \(expr)")
            }
        }
        return out
    }

    func accumulates(_ k: PlanKernel) -> Bool {
        switch k {
        case .gemm(_, _, _, _, _, let a), .gemv(_, _, _, _, let a), .ger(_, _, _, let a), .syrk(_, _, _, let a),
             .scaledGram(_, _, _, let a):
            return a
        default: return false
        }
    }

    /// The expression of a kernel and its rank as NumPy computes it.
    mutating func kernel(_ k: PlanKernel, output o: Int) throws -> (String, Int) {
        switch k {
        case .gemm(let a, let ta, let b, let tb, let alpha, _):
            return (Self.scaled(alpha, "\(mat(a, ta)) @ \(mat(b, tb))"), 2)
        case .gemv(let a, let ta, let x, let alpha, _):
            return (Self.scaled(alpha, "\(mat(a, ta)) @ \(vec(x))"), 1)
        case .ger(let x, let y, let alpha, _):
            return (Self.scaled(alpha, "xp.outer(\(vec(x)), \(vec(y)))"), 2)
        case .syrk(let a, let ta, let alpha, _):
            return (Self.scaled(alpha, ta ? "\(mat(a, true)) @ \(mat(a, false))" : "\(mat(a, false)) @ \(mat(a, true))"), 2)
        case .dot(let a, let b, let tb, let alpha):
            let other = tb && rank(b) == 2 ? "\(name(b)).T" : name(b)
            let left = rank(a) == rank(b) || rank(a) == 0 || rank(b) == 0 ? name(a) : vec(a)
            let right = rank(a) == rank(b) || rank(a) == 0 || rank(b) == 0 ? other : vec(b)
            return (Self.scaled(alpha, "xp.sum(\(left) * \(right))"), 0)
        case .scaledGram(let x, let v, let alpha, _):
            return (Self.scaled(alpha, "\(mat(x, true)) @ (\(vec(v))[:, None] * \(mat(x, false)))"), 2)
        case .entrywise(let e, _):
            target = o
            var s = try entry(e, outRank: rank(o))
            if !e.readsFull && rank(o) > 0 { s = "xp.broadcast_to(\(s), \(try shape(o)))" }
            return (s, rank(o))
        case .reduce(let r, let e):
            let full = e.fullOperands.first
            target = full
            let inner = try entry(e, outRank: full.map(rank) ?? 0)
            switch r {
            case .sum: return ("xp.sum(\(inner))", 0)
            case .tr: return ("xp.trace(\(inner))", 0)
            case .norm2, .normF: return ("xp.sqrt(xp.sum((\(inner)) ** 2))", 0)
            case .norm1: return ("xp.sum(xp.abs(\(inner)))", 0)
            case .logsumexp:
                helpers.insert("_logsumexp")
                return ("_logsumexp(\(inner))", 0)
            }
        case .transpose(let a): return (rank(a) == 2 ? "\(name(a)).T" : name(a), rank(a) == 2 ? 2 : rank(a))
        case .inverse(let a, _): return ("xp.linalg.inv(\(mat(a, false)))", 2)
        case .solve(let a, let ta, let b, _): return ("xp.linalg.solve(\(mat(a, ta)), \(name(b)))", rank(b))
        case .determinant(let a, _): return ("xp.linalg.det(\(mat(a, false)))", 0)
        case .logDeterminant(let a, _): return ("xp.linalg.slogdet(\(mat(a, false)))[1]", 0)
        case .matrixPower(let a, let n):
            switch n {
            case 0: return ("xp.eye(\(name(a)).shape[0])", 2)
            case 1: return (mat(a, false), 2)
            case -1: return ("xp.linalg.inv(\(mat(a, false)))", 2)
            default:
                let base = n > 0 ? mat(a, false) : "xp.linalg.inv(\(mat(a, false)))"
                return ("xp.linalg.matrix_power(\(base), \(abs(n)))", 2)
            }
        case .einsum(let subs, let ops):
            let outLetters = subs.split(separator: ">").last.map { $0.count } ?? 0
            let opt = ops.count > 2 ? ", optimize=True" : ""
            return ("xp.einsum(\"\(subs)\", " + ops.map(name).joined(separator: ", ") + opt + ")", outLetters)
        case .fill(let f):
            let ds = try plan.buffers[o].shape.map(dim)
            switch f {
            case .constant(let c):
                return ds.isEmpty ? ("xp.asarray(float(\(PythonExpr.number(c))))", 0) : ("xp.full(\(try shape(o)), float(\(PythonExpr.number(c))))", ds.count)
            case .identity: return ("xp.eye(\(ds[0]))", 2)
            case .reshapeRows:
                helpers.insert("_delta_rows")
                return ("_delta_rows(\(ds[1]), \(ds[0]) // \(ds[1]))", 2)
            case .reshapeColumns(let m):
                helpers.insert("_delta_cols")
                return ("_delta_cols(\(m), \(ds[1]))", 2)
            }
        case .diagonal(let a): return ("xp.diagonal(\(name(a)))", 1)
        case .diagonalMatrix(let v): return ("xp.diag(\(vec(v)))", 2)
        case .kron(let a, let b): return ("xp.kron(\(mat(a, false)), \(mat(b, false)))", 2)
        case .vec(let a): return ("xp.reshape(\(mat(a, true)), (-1,))", 1)
        case .softmax(let a):
            helpers.insert("_softmax")
            return ("_softmax(\(name(a)))", rank(a))
        case .opaque(let f, let d, let a):
            let id = model.functions.first { $0.name == f }?.id(derivative: d) ?? f
            return ("\(id)(\(name(a)))", rank(o))
        case .copy(let a): return ("xp.array(\(name(a)), copy=True)", rank(a))
        }
    }

    /// A fused entrywise expression at an output of rank `outRank`.
    mutating func entry(_ e: PlanEntrywise, outRank: Int) throws -> String {
        switch e {
        case .operand(let b, let how):
            switch how {
            case .full:
                // same number of elements; shapes may differ by unit axes ((1, l) and (l,))
                if let t = target, plan.buffers[t].shape != plan.buffers[b].shape {
                    return rank(t) == 0 ? "xp.reshape(\(name(b)), ())" : "xp.reshape(\(name(b)), \(try shape(t)))"
                }
                return name(b)
            case .scalar: return rank(b) == 0 ? name(b) : "xp.reshape(\(name(b)), ())"
            case .row: return outRank == 2 ? "\(vec(b))[:, None]" : vec(b)
            case .column: return outRank == 2 ? "\(vec(b))[None, :]" : vec(b)
            case .transposed: return rank(b) == 2 ? "\(name(b)).T" : name(b)
            }
        case .constant(let c): return PythonExpr.number(c)
        case .negate(let x): return "-(\(try entry(x, outRank: outRank)))"
        case .add(let xs): return "(" + (try xs.map { try entry($0, outRank: outRank) }).joined(separator: " + ") + ")"
        case .subtract(let a, let b): return "(\(try entry(a, outRank: outRank)) - \(try entry(b, outRank: outRank)))"
        case .multiply(let xs): return (try xs.map { try entry($0, outRank: outRank) }).joined(separator: " * ")
        case .divide(let a, let b): return "\(try entry(a, outRank: outRank)) / (\(try entry(b, outRank: outRank)))"
        case .power(let x, let p): return "(\(try entry(x, outRank: outRank))) ** \(PythonExpr.number(p))"
        case .function(let f, let d, let x): return try PythonFunctions.call(f, d, try entry(x, outRank: outRank), &helpers)
        case .user(let f, let d, let x):
            let id = model.functions.first { $0.name == f }?.id(derivative: d) ?? f
            return "\(id)(\(try entry(x, outRank: outRank)))"
        }
    }
}
