import Foundation
import Ricci

/// The steps of Ricci's compiled numeric plan (``NumericPlan``, issue 12) as NumPy / JAX lines: one
/// line per plan step (a BLAS-shaped product, a fused entrywise expression, a reduction, a solve…),
/// with the step's formula as a comment. The plan shares subexpressions across the value and all
/// derivatives and chooses each product's order; it is compiled from shapes alone at nominal sizes.
struct PlanPython: PlanEntryDialect {
    let walk: PlanWalk
    var helpers: Set<String> = []
    /// The buffer whose shape full operands of the current entrywise expression have.
    var target: Int?
    /// The rank of the current entrywise expression's output.
    var outRank = 0

    /// JAX: a transposed matrix-vector product is one `dot_general` (XLA would copy the transpose first).
    var jax = false

    init(model: ExportModel, jax: Bool = false) throws {
        walk = try PlanWalk(model: model)
        self.jax = jax
    }

    var model: ExportModel { walk.model }
    var exportModel: ExportModel { walk.model }
    var plan: NumericPlan { walk.plan }
    func name(_ b: Int) -> String { walk.name(b) }
    func rank(_ b: Int) -> Int { walk.rank(b) }

    func dim(_ d: PlanDim) throws -> String {
        try walk.dim(d, size: { PythonExpr.render($0, model) }, fixed: { String($0) })
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
            if !step.formula.isEmpty { out.append("    # " + PlanWalk.formula(step)) }
            if PlanWalk.accumulates(step.kernel) {
                out.append("    \(name(o)) = \(name(o)) + \(expr)")
            } else {
                out.append("    \(name(o)) = \(expr)")
            }
        }
        return out
    }

    /// The expression of a kernel and its rank as NumPy computes it.
    mutating func kernel(_ k: PlanKernel, output o: Int) throws -> (String, Int) {
        switch k {
        case .gemm(let a, let ta, let b, let tb, let alpha, _):
            return (Self.scaled(alpha, "\(mat(a, ta)) @ \(mat(b, tb))"), 2)
        case .gemv(let a, let ta, let x, let alpha, _):
            if jax && ta && rank(a) == 2 {
                helpers.insert("_matvec_t")
                return (Self.scaled(alpha, "_matvec_t(\(name(a)), \(vec(x)))"), 1)
            }
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
            case .reshapeColumns:
                // Q[I, j] = 1 when I div m = j, m = size(I) / size(j) (the plan's m is at its nominal sizes)
                helpers.insert("_delta_cols")
                return ("_delta_cols(\(ds[0]) // \(ds[1]), \(ds[1]))", 2)
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
    mutating func entry(_ e: PlanEntrywise, outRank r: Int) throws -> String {
        outRank = r
        return try PlanWalk.render(e, &self)
    }

    mutating func operand(_ b: Int, _ how: PlanBroadcast) throws -> String {
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
    }

    func number(_ c: Double) -> String { c < 0 ? "(\(PythonExpr.number(c)))" : PythonExpr.number(c) }
    func power(_ base: String, _ p: Double) -> String { "(\(base) ** \(number(p)))" }
    mutating func function(_ f: EntrywiseFunction, _ d: Int, _ arg: String) throws -> String {
        try PythonFunctions.call(f, d, arg, &helpers)
    }
}
