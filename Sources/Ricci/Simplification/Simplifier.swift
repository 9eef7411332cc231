/// Brings index-form expressions to a simplified canonical form: nested sums spliced, Kronecker
/// deltas eliminated, powers of the same base merged, like terms merged up to renaming of summed
/// indices.
///
/// The rules are applied in passes over the whole expression; the driver stops at a fixed point or
/// after ``maxPasses`` passes and records why it stopped in ``stopReason``.
public final class Simplifier {
    let gen: IndexGenerator
    /// The most passes a call to ``simplify(_:)`` makes.
    public var maxPasses = 12
    /// Why the last top-level ``simplify(_:)`` stopped.
    public private(set) var stopReason = ""

    /// What is known of the structure of the program's names (symmetric factors are oriented by it).
    public var structure = StructureFacts()
    /// Orientations and symmetry checks already made (for ``structure``).
    let symmetryMemo = SymmetryMemo()

    /// A simplifier whose fresh indices come from `generator`.
    public init(generator: IndexGenerator) { self.gen = generator }

    /// The simplified expression (same free indices, same value).
    ///
    /// Every pass spends from the running call's ``WorkBudget`` (about the square of each term's
    /// number of factors); once a budget
    /// has run out the expression is returned as it is, and the call ends in the budget's error.
    public func simplify(_ e: IndexExpr) -> IndexExpr {
        if WorkBudget.isExhausted { return e }
        if let done = cache[e] { return done }
        let result = fixedPoint(e)
        cache[e] = result
        cache[result] = result
        return result
    }

    /// Simplified forms already computed (nested arguments recur in every pass and in every copy).
    var cache: [IndexExpr: IndexExpr] = [:]

    func fixedPoint(_ e: IndexExpr) -> IndexExpr {
        var current = e
        for pass in 1...maxPasses {
            guard WorkBudget.spend(.simplifier, Simplifier.cost(of: current)) else {
                stopReason = "stopped: the simplifier budget ran out"
                return current
            }
            let next = self.pass(current)
            if next == current {
                stopReason = "fixed point after \(pass) pass\(pass == 1 ? "" : "es")"
                return next
            }
            current = next
        }
        stopReason = "stopped at the limit of \(maxPasses) passes"
        return current
    }

    /// What one pass over `e` spends: a term costs its number of factors f times its weight w (f
    /// plus the factors of the sums and arguments directly inside them): its factors are compared
    /// with each other, and a pass over one term of 320 factors takes milliseconds. At least 1.
    static func cost(of e: IndexExpr) -> Int {
        e.terms.reduce(0) { total, t in
            let f = min(t.factors.count, 1 << 20)
            let w = min(t.factors.reduce(0) { $0 &+ 1 &+ innerFactors($1) }, 1 << 40)
            return total &+ max(1, f &* w)
        }
    }

    /// The factors of the expressions directly inside a factor (one level: deeper ones are paid
    /// for when the simplifier reaches them).
    private static func innerFactors(_ f: Factor) -> Int {
        func count(_ e: IndexExpr) -> Int { e.terms.reduce(0) { $0 &+ $1.factors.count } }
        switch f {
        case .function(_, let arg), .opaque(_, _, let arg, _): return count(arg)
        case .matrix(_, let args, _): return args.reduce(0) { $0 &+ count($1) }
        default: return 0
        }
    }

    /// One pass: every term simplified, a lone parenthesized sum spliced into the outer sum, like terms merged.
    func pass(_ e: IndexExpr) -> IndexExpr {
        var terms: [Term] = []
        for t in e.terms {
            guard let s = simplify(t, free: e.free) else { continue }
            if s.factors.count == 1, case .function(.identity, let inner) = s.factors[0], Set(inner.free) == Set(e.free) {
                let moved = inner.freshened(gen)
                terms += moved.terms.map { Term(s.coefficient * $0.coefficient, $0.factors) }
            } else {
                terms.append(s)
            }
        }
        return LikeTerms.merge(IndexExpr(free: e.free, terms: terms))
    }

    /// One term simplified; nil when it is zero.
    func simplify(_ t: Term, free: [Index]) -> Term? {
        if t.coefficient == 0 { return nil }
        var coefficient = t.coefficient
        var factors: [Factor] = []
        for f in t.factors {
            guard let (c, fs) = simplify(f) else { return nil }
            coefficient *= c
            factors += fs
        }
        if coefficient == 0 { return nil }
        factors = DeltaRules.eliminate(factors, free: free)
        factors = PowerRules.merge(factors)
        factors = GroupPowers.merge(factors, free: Set(free))
        factors = OnesRules.repair(factors, free: free)
        factors = FreeDeltas.substitute(factors, free: free)
        factors = SymmetricFactors.orient(factors, free: free, facts: structure, memo: symmetryMemo)
        return Term(coefficient, factors)
    }

    /// A factor simplified into a coefficient and factors; nil when it is zero.
    func simplify(_ f: Factor) -> (Double, [Factor])? {
        switch f {
        case .tensor, .delta, .reshape, .ones:
            return (1, [f])
        case .opaque(let n, let d, let arg, let ix):
            return (1, [.opaque(n, derivative: d, arg: simplify(arg), indices: ix)])
        case .matrix(let m, let args, let ix):
            return (1, [.matrix(m, args: args.map(simplify), indices: ix)])
        case .function(let g, let rawArg):
            let arg = simplify(rawArg)
            switch g {
            case .identity:
                if arg.isZero { return nil }
                if arg.terms.count == 1 { return splice(arg) }
                return (1, [.function(.identity, arg)])
            case .power(let p):
                return PowerRules.power(p, of: arg, gen)
            case .builtin, .user:
                return (1, [.function(g, arg)])
            }
        }
    }

    /// The factors of a one-term expression, with its summed indices made fresh.
    func splice(_ e: IndexExpr) -> (Double, [Factor]) {
        let t = e.freshened(gen).terms[0]
        return (t.coefficient, t.factors)
    }
}
