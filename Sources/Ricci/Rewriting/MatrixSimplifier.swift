import Foundation

/// The bounds of one simplification: every loop of the simplifier is bounded by one of these.
public struct SimplifierLimits: Sendable {
    /// Passes over the whole expression.
    public var iterations = 6
    /// Nodes visited, over all passes.
    public var nodes = 20_000
    /// Terms of one entrywise polynomial (past it, that subexpression is left as it is).
    public var terms = 48
    /// Nodes of an expression after intermediates are substituted into it.
    public var inlinedNodes = 100
    /// Wall-clock budget in seconds.
    public var seconds = 2.0

    /// The default limits.
    public init() {}
}

/// A bounded rewrite search over ``MatrixExpr`` that keeps the cheapest form (``MatrixCost``): identities
/// as named data (``MatrixIdentities``), like terms merged across products, common factors pulled out
/// of sums (left and right matrix factors, `Diag` arguments, entrywise factors), and an entrywise
/// normal form in which sums that divide cancel and the sigmoid identities apply.
///
/// Each pass rewrites bottom-up and keeps, at each node, the cheapest of the candidates; passes repeat
/// until nothing changes or a limit of ``SimplifierLimits`` is hit, and ``stopReason`` says which.
final class MatrixSimplifier {
    let ctx: RaisingContext
    let limits: SimplifierLimits
    /// Names of the identities used by the rewrites that were kept.
    var used: Set<String> = []
    /// Why the last run stopped: "saturated", or the limit that was hit.
    var stopReason = "saturated"
    var atomOrder: [MatrixExpr: Int] = [:]
    /// Each subtree's cheapest form and the identities it used, so later passes do not redo it.
    private var memo: [MatrixExpr: (MatrixExpr, Set<String>)] = [:]
    /// Each subtree's entrywise polynomial (nil: too many terms) and the identities it used.
    var polyMemo: [MatrixExpr: (Poly?, Set<String>)] = [:]

    private var visited = 0
    private let deadline: Date
    /// Subtrees that earlier runs of the same session left as they were (shared by those runs).
    private let shared: SimplifierShared?
    /// Subtrees this run left as they were, with no identity used: added to ``shared`` when the run
    /// ends without hitting a limit (a limit makes a visit return its input unexamined).
    private var unchanged: [MatrixExpr] = []

    init(ctx: RaisingContext, limits: SimplifierLimits = SimplifierLimits(), shared: SimplifierShared? = nil) {
        self.ctx = ctx
        self.limits = limits
        self.shared = shared
        self.deadline = Date().addingTimeInterval(limits.seconds)
    }

    /// The cheapest form found for `e`.
    func run(_ e: MatrixExpr) -> MatrixExpr {
        let out = search(e)
        if stopReason == "saturated", let shared { shared.unchanged.formUnion(unchanged) }
        unchanged = []
        return out
    }

    private func search(_ e: MatrixExpr) -> MatrixExpr {
        _ = order(e)
        var current = e
        for _ in 0..<limits.iterations {
            let next = pass(current)
            if next == current { return current }
            current = MatrixCost(next) <= MatrixCost(current) ? next : current
            if stopReason != "saturated" { return current }
        }
        if stopReason == "saturated" { stopReason = "iteration limit (\(limits.iterations) passes)" }
        return current
    }

    /// Whether a limit was hit; records which.
    private func exhausted() -> Bool {
        if stopReason != "saturated" { return true }
        visited += 1
        if visited > limits.nodes { stopReason = "node limit (\(limits.nodes) nodes visited)"; return true }
        if visited % 64 == 0 && Date() > deadline { stopReason = "time limit (\(limits.seconds) s)"; return true }
        return false
    }

    /// One bottom-up pass: children first, then the cheapest candidate at this node.
    func pass(_ e: MatrixExpr) -> MatrixExpr {
        if let done = memo[e] { used.formUnion(done.1); return done.0 }   // a subtree seen in an earlier pass
        if let shared, shared.unchanged.contains(e) { return e }           // or in an earlier run
        let before = used
        used = []
        let out = visit(e)
        memo[e] = (out, used)
        if out == e && used.isEmpty && shared != nil { unchanged.append(e) }
        used.formUnion(before)
        return out
    }

    /// One node of a pass (``pass(_:)`` remembers its result).
    private func visit(_ e: MatrixExpr) -> MatrixExpr {
        if exhausted() { return e }
        let kids = e.mapChildren(pass)
        // e's shape, looked up once (shapes are facts: a known one does not change)
        var shapeE = ctx.shape(e)
        if let s = shapeE { ctx.note(kids, s) }
        var best = kids
        var bestCost = MatrixCost(kids)
        var bestRules: Set<String> = []
        func consider(_ c: MatrixExpr?, _ rules: Set<String>) {
            guard let c, c != best else { return }
            // a shaped value never becomes a bare constant here (the raiser broadcasts those)
            if shapeE == nil { shapeE = ctx.shape(e) }
            if let s = shapeE, !s.isScalar, ctx.shape(c)?.isScalar ?? true { return }
            let cost = MatrixCost(c)
            if cost < bestCost { best = c; bestCost = cost; bestRules = rules }
        }
        for rule in MatrixIdentities.local {
            if let r = rule.rewrite?(kids) {
                let saved = used
                used = []
                let inner = pass(r)
                consider(inner, used.union([rule.name]))
                used = saved
            }
        }
        if case .transpose(let x) = kids, !ctx.structure.isEmpty,
           ctx.structure.has(.symmetric, StructureNode(x, isScalar: ctx.isScalar)) {
            consider(x, ["symmetric-transpose"])   // S' = S
        }
        let saved = used
        used = []
        if case .sum(let xs) = kids, let f = factorSum(xs) { consider(f, used) }
        used = []
        if let t = termRules(kids) { consider(t, used) }
        used = []
        if case .product(let xs) = kids, let d = cancelDots(xs) {
            let inner = pass(d)
            consider(inner, used.union(["dot-cancellation"]))
        }
        used = []
        if isEntrywise(kids), let p = poly(kids) {
            consider(express(p), used.union(["like-terms"]))
        }
        used = saved.union(bestRules)
        if case .sum(let xs) = best { best = sumOf(xs) }   // a positive term first
        if shapeE == nil { shapeE = ctx.shape(e) }
        if let s = shapeE { ctx.note(best, s) }
        return best
    }

    /// Whether the node is entrywise arithmetic (the polynomial normal form applies).
    func isEntrywise(_ e: MatrixExpr) -> Bool {
        switch e {
        case .sum, .hadamard, .hadamardDivide, .negate, .entrywisePower, .divide: return true
        case .product(let xs): return xs.filter { !ctx.isScalar($0) }.count <= 1 && xs.count > 1
        case .call(.entrywise(.sigmoid), 0, let a): if case .negate = a.first { return true } else { return false }
        default: return false
        }
    }
}
