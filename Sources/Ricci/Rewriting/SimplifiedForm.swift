/// A matrix form chosen by the simplifier: the result, the definitions it uses (one name per
/// subexpression), the identities used and why the search stopped.
public struct SimplifiedMatrixForm: Sendable {
    /// The result in matrix notation.
    public var result: MatrixExpr
    /// Generated definitions the result uses, in evaluation order (the program's own definitions
    /// are not repeated here; see ``kept``).
    public var definitions: [(name: String, value: MatrixExpr)]
    /// Names of intermediates that were not substituted (the program's own definitions, shared parts).
    public var kept: [String]
    /// The identities the simplifier used, by name (``MatrixIdentities``).
    public var identities: [String]
    /// "saturated", or the limit that stopped the search.
    public var stopReason: String
}

/// An intermediate offered to the simplifier: its index form, and whether it may be substituted.
public struct OfferedDefinition: Sendable {
    /// The name the forms use.
    public var name: String
    /// Its value in index form.
    public var expr: IndexExpr
    /// False for the program's own definitions (kept by name, as the program wrote them).
    public var inlinable: Bool

    /// An intermediate named `name` with value `expr`.
    public init(name: String, expr: IndexExpr, inlinable: Bool) {
        self.name = name
        self.expr = expr
        self.inlinable = inlinable
    }
}

extension Raiser {
    /// The result raised, with the offered intermediates substituted where that lets identities and
    /// like terms shorten it, simplified (`MatrixSimplifier`), and repeated subexpressions named
    /// once. `names` maps a definition already printed by an earlier result to its name (so that
    /// several results share one name per subexpression); `taken` are names that may not be reused.
    /// nil when the result or an intermediate it uses has no matrix form.
    public func simplified(_ e: IndexExpr, offered: [OfferedDefinition], names: [MatrixExpr: String], taken: Set<String>,
                           limits: SimplifierLimits = SimplifierLimits()) -> SimplifiedMatrixForm? {
        simplified(e, offered: offered, names: names, taken: taken, limits: limits, session: SimplifierSession(self))
    }

    /// The same, reusing the raised intermediates of `session` (several results of one program).
    func simplified(_ e: IndexExpr, offered: [OfferedDefinition], names: [MatrixExpr: String], taken: Set<String>,
                    limits: SimplifierLimits, session: SimplifierSession) -> SimplifiedMatrixForm? {
        let ctx = session.ctx
        var inline: [String: MatrixExpr] = [:], raisedDefs: [String: MatrixExpr] = [:]
        var original: [MatrixExpr: String] = [:], duplicate: [String: MatrixExpr] = [:]
        var kept: [String] = [], order: [String] = []
        for d in offered {
            order.append(d.name)
            ctx.note(.symbol(d.name), ctx.shape(over: d.expr.free))
            guard d.inlinable, let (r0, r) = session.definition(d, limits: limits) else { kept.append(d.name); continue }
            inline[d.name] = r
            if let first = original[r] { duplicate[d.name] = .symbol(first) } else { original[r] = d.name }
            raisedDefs[d.name] = duplicate.isEmpty ? r0 : r0.substituting(duplicate)
        }
        guard let raised = session.raise(e) else { return nil }
        // A: every intermediate substituted, simplified, repeated parts named again
        let whole = raised.substituting(inline)
        if whole.size <= limits.inlinedNodes {
            let simplifier = MatrixSimplifier(ctx: ctx, limits: limits, shared: session.shared)
            let result = simplifier.run(whole)
            if whole == raised && duplicate.isEmpty && result == raised {   // nothing substituted, nothing found
                return SimplifiedMatrixForm(result: raised, definitions: [], kept: [], identities: [], stopReason: simplifier.stopReason)
            }
            if MatrixCost(result) < MatrixCost(whole) {
                let (r, defs) = CommonNames(ctx: ctx, names: names, original: original, taken: taken).share(result)
                let referenced = r.symbols.union(defs.reduce(into: Set<String>()) { $0.formUnion($1.value.symbols) })
                return SimplifiedMatrixForm(result: r, definitions: defs, kept: kept.filter { referenced.contains($0) },
                                            identities: simplifier.used.sorted(), stopReason: simplifier.stopReason)
            }
        }
        // B: the intermediates kept by name (identical ones merged), the result simplified
        let simplifier = MatrixSimplifier(ctx: ctx, limits: limits, shared: session.shared)
        let start = duplicate.isEmpty ? raised : raised.substituting(duplicate)
        let result = simplifier.run(start)
        var stop = simplifier.stopReason
        if whole.size > limits.inlinedNodes {
            stop += "; intermediates kept by name (substituted, the result has \(whole.size) nodes, more than the \(limits.inlinedNodes) allowed)"
        }
        if result == raised && duplicate.isEmpty {   // nothing to say beyond the raised form but why
            return SimplifiedMatrixForm(result: raised, definitions: [], kept: [], identities: [], stopReason: stop)
        }
        var needed = result.symbols
        var defs: [(name: String, value: MatrixExpr)] = []
        for n in order.reversed() where needed.contains(n) {
            if let v = raisedDefs[n] {
                defs.insert((n, v), at: 0)
                needed.formUnion(v.symbols)
            }
        }
        return SimplifiedMatrixForm(result: result, definitions: defs, kept: kept.filter { needed.contains($0) },
                                    identities: simplifier.used.sorted(), stopReason: stop)
    }
}

/// The raising context and the raised intermediates shared by the results of one program, so that
/// each intermediate is raised and substituted once.
final class SimplifierSession {
    let ctx: RaisingContext
    /// What the simplifier runs of this session share.
    let shared = SimplifierShared()
    /// Per name: the raised definition and its value with earlier intermediates substituted (nil when
    /// it has no matrix form or is too large to substitute).
    private var cache: [String: (MatrixExpr, MatrixExpr)?] = [:]

    init(_ raiser: Raiser) {
        ctx = RaisingContext(dims: raiser.dims)
        ctx.structure = raiser.structure
    }

    /// Results already raised in this session's context (the printer raises each result once and
    /// the simplifier starts from that form).
    private var raisedResults: [IndexExpr: MatrixExpr?] = [:]

    /// The matrix form of a result, raised (and polished) once per session.
    func raise(_ e: IndexExpr) -> MatrixExpr? {
        if let r = raisedResults[e] { return r }
        let r = ctx.raiseExpr(e).map { ctx.polish($0) }
        raisedResults[e] = .some(r)
        return r
    }

    func definition(_ d: OfferedDefinition, limits: SimplifierLimits) -> (MatrixExpr, MatrixExpr)? {
        if let c = cache[d.name] { return c }
        ctx.note(.symbol(d.name), ctx.shape(over: d.expr.free))
        var out: (MatrixExpr, MatrixExpr)?
        if let r0 = ctx.raiseExpr(d.expr).map({ ctx.polish($0) }) {
            var values: [String: MatrixExpr] = [:]
            for n in r0.symbols { if let c = cache[n], let v = c?.1 { values[n] = v } }
            let r = r0.substituting(values)
            if r.size <= limits.inlinedNodes {
                if let s = ctx.shape(.symbol(d.name)) { ctx.note(r, s) }
                out = (r0, r)
            }
        }
        cache[d.name] = .some(out)
        return out
    }
}

extension MatrixExpr {
    /// The expression with the named symbols replaced by their values.
    func substituting(_ values: [String: MatrixExpr]) -> MatrixExpr {
        if values.isEmpty { return self }
        if case .symbol(let n) = self, let v = values[n] { return v }
        return mapChildren { $0.substituting(values) }
    }

    /// Every symbol the expression mentions.
    var symbols: Set<String> {
        if case .symbol(let n) = self { return [n] }
        return children.reduce(into: Set<String>()) { $0.formUnion($1.symbols) }
    }
}

/// What the simplifier runs of one session share: the subtrees a run examined and left as they were
/// (no rewrite made them cheaper), so that later runs over the same subtrees skip them.
final class SimplifierShared {
    var unchanged: Set<MatrixExpr> = []
}
