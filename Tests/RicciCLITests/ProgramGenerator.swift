import Foundation
import Ricci

/// Random well-shaped matrix-notation expressions over a fixed set of declared inputs, with every
/// operator and built-in of SYNTAX.md section 2, and arguments kept where finite differences are
/// meaningful: `log`/`sqrt`/`./` get positive arguments, `asin`/`acos`/`atanh`/`tan` arguments in
/// (−1, 1), `exp`/`sinh`/`cosh` bounded arguments, `inv`/`det`/`logdet`/`^(-1)` symmetric positive
/// definite matrices `S + M*M'` (eigenvalues ≥ 1). Kinks (`relu`, `abs`, `norm1`) are rare.
///
/// Shapes: scalars, vectors of n and d, matrices n×n, n×d, d×n, d×d, with n ≠ d (3 and 4 in the
/// tests), so a transposed result cannot pass by accident. Shared by the derivative property tests;
/// RandomRoundTripTests has an older, smaller generator of the same kind that could move here.
struct ProgramGenerator {
    enum Shape: CaseIterable { case s, vn, vd, mnn, mnd, mdn, mdd }

    static let declarations = """
        A: matrix(n, d); B: matrix(d, n); C: matrix(n, n); D: matrix(d, d); S: matrix(n, n), spd; P: matrix(n, d), positive
        x: vector(d); y: vector(n); p: vector(n), positive; q: vector(d), positive; alpha: scalar; beta: scalar
        h: elementwise; F: function -> matrix(n, n)

        """

    /// The declared shape of each input, as the engine prints dimensions.
    static let inputShapes: [String: [String]] = [
        "A": ["n", "d"], "B": ["d", "n"], "C": ["n", "n"], "D": ["d", "d"], "S": ["n", "n"], "P": ["n", "d"],
        "x": ["d"], "y": ["n"], "p": ["n"], "q": ["d"], "alpha": [], "beta": [],
    ]

    var rng: TestRandom
    /// Inputs used by the expressions generated so far.
    var used: Set<String> = []

    init(seed: UInt64) { rng = TestRandom(seed) }

    mutating func chance(_ p: Double) -> Bool { rng.next(0, 1) < p }
    /// One of `xs`. Only for plain values: every interpolation in an array literal is evaluated, so
    /// choices that generate (and record used inputs) go through `int` and a `switch`.
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    /// A uniform integer in 0..<n.
    mutating func int(_ n: Int) -> Int { min(Int(rng.next(0, Double(n))), n - 1) }

    mutating func use(_ name: String) -> String {
        used.insert(name)
        return name
    }

    /// A scalar objective: a random expression of a random shape, wrapped into a scalar.
    mutating func objective(depth: Int) -> String {
        used = []
        let shape = pick(Shape.allCases)
        let e = expr(shape, depth)
        switch shape {
        case .s: return e
        case .vn:
            switch int(6) {
            case 0: return "sum(\(e))"
            case 1: return "normF(\(e))^2"
            case 2: return "logsumexp(\(e))"
            case 3: return "\(use("y"))'*\(e)"
            case 4: return "norm2(\(e))"
            default: return "(\(e))'*(\(e))"
            }
        case .vd:
            switch int(4) {
            case 0: return "sum(\(e))"
            case 1: return "normF(\(e))^2"
            case 2: return "logsumexp(\(e))"
            default: return "\(use("x"))'*\(e)"
            }
        case .mnn:
            switch int(4) {
            case 0: return "tr(\(e))"
            case 1: return "sum(\(e))"
            case 2: return "normF(\(e))^2"
            default: return "(\(e)) : \(use("C"))"
            }
        case .mdd: return pick(["tr(\(e))", "sum(\(e))", "normF(\(e))^2"])
        case .mnd:
            switch int(4) {
            case 0: return "sum(\(e))"
            case 1: return "normF(\(e))^2"
            case 2: return "\(use("y"))'*(\(e))*\(use("x"))"
            default: return "(\(e)) : \(use("A"))"
            }
        case .mdn:
            switch int(3) {
            case 0: return "sum(\(e))"
            case 1: return "normF(\(e))^2"
            default: return "\(use("x"))'*(\(e))*\(use("y"))"
            }
        }
    }

    mutating func leaf(_ s: Shape) -> String {
        switch s {
        case .s: return chance(0.6) ? use(pick(["alpha", "beta"])) : pick(["2", "0.5", "3"])
        case .vn: return use(pick(["y", "y", "p"]))
        case .vd: return use(pick(["x", "x", "q"]))
        case .mnn: return use(pick(["C", "C", "S"]))
        case .mnd: return use(pick(["A", "A", "P"]))
        case .mdn: return use("B")
        case .mdd: return use("D")
        }
    }

    /// An expression of shape `s` and nesting depth at most `d`.
    mutating func expr(_ s: Shape, _ d: Int) -> String {
        if d <= 0 || chance(0.2) { return leaf(s) }
        switch Int(rng.next(0, 13)) {
        case 0: return "(\(expr(s, d - 1)) + \(expr(s, d - 1)))"
        case 1:
            // e - e is zero: legal, but a table case covers zero results; here it would hide the rest
            let a = expr(s, d - 1), b = expr(s, d - 1)
            return a == b ? "(\(a) - 2*\(b))" : "(\(a) - \(b))"
        case 2: return function(s, d)
        case 3: return "(\(expr(s, d - 1)) .* \(expr(s, d - 1)))"
        case 4: return chance(0.5) ? "(\(expr(s, d - 1)) ./ \(positive(s, d - 1)))" : "(\(expr(s, d - 1)) ⊙ \(expr(s, d - 1)))"
        case 5: return "(\(expr(.s, d - 2))*\(expr(s, d - 1)))"
        case 6: return "(\(expr(s, d - 1))/\(positive(.s, d - 2)))"
        case 7, 8: return product(s, d)
        case 9: return special(s, d)
        case 10: return chance(0.5) ? "(\(expr(s, d - 1))).^2" : "(\(positive(s, d - 1))).^\(pick(["0.5", "3", "(-1)"]))"
        case 11: return s == .s ? "(\(expr(s, d - 1)) + 1)" : "(1 - \(expr(s, d - 1)))"
        default: return "-\(expr(s, d - 1))"
        }
    }

    /// An entrywise function of an expression of shape `s`, its argument kept in the function's domain.
    mutating func function(_ s: Shape, _ d: Int) -> String {
        let k = int(10)
        if k == 4 { return pick(["log", "sqrt", "log'"]) + "(\(positive(s, d - 1)))" }
        let e = expr(s, d - 1)
        switch k {
        case 0, 1: return pick(["tanh", "sigmoid", "sin", "cos", "atan", "softplus", "tanh'", "sigmoid'", "atan'"]) + "(\(e))"
        case 2: return pick(["h", "h", "h'"]) + "(\(e))"
        case 3: return pick(["exp", "sinh", "cosh", "exp'", "sinh'"]) + "(tanh(\(e)))"
        case 5: return pick(["asin", "acos", "atanh", "tan", "arcsin", "arccos", "arctan", "asin'"]) + "(0.5*tanh(\(e)))"
        case 6: return pick(["relu", "abs", "softplus'"]) + "(\(e))"
        case 7: return "(\(pick(["step", "sign"]))(\(e)) .* \(expr(s, d - 1)))"
        case 8: return "sigmoid(\(e))"
        default: return "tanh(\(e))"
        }
    }

    /// A symmetric positive definite n×n matrix: S, or S plus a Gram matrix.
    mutating func spd(_ d: Int) -> String {
        if d <= 0 || chance(0.3) { return use("S") }
        let m = chance(0.5) ? expr(.mnd, d - 1) : expr(.mnn, d - 1)
        return "(\(use("S")) + \(pick(["0.5*", "", "0.1*"]))(\(m))*(\(m))')"
    }

    /// An expression with positive entries.
    mutating func positive(_ s: Shape, _ d: Int) -> String {
        if d <= 0 || chance(0.25) {
            switch s {
            case .vn: return use("p")
            case .vd: return use("q")
            case .mnd: return use("P")
            case .s: return pick(["2", "3"])
            default: return "exp(tanh(\(leaf(s))))"
            }
        }
        if s == .s {
            return one([
                { g in "exp(tanh(\(g.expr(.s, d - 1))))" }, { g in "(1 + (\(g.expr(.s, d - 1)))^2)" },
                { g in "(normF(\(g.expr(.mnd, d - 1)))^2 + 1)" }, { g in "sigmoid(\(g.expr(.s, d - 1)))" },
                { g in "det(\(g.spd(d - 1)))" },
            ])
        }
        var options: [Make] = [
            { g in "exp(tanh(\(g.expr(s, d - 1))))" }, { g in "(1 + (\(g.expr(s, d - 1))).^2)" }, { g in "sigmoid(\(g.expr(s, d - 1)))" },
            { g in "softplus(\(g.expr(s, d - 1)))" }, { g in "(2 + sin(\(g.expr(s, d - 1))))" },
        ]
        if s != .mdd && s != .mdn { options.append { g in "softmax(\(g.expr(s, d - 1)))" } }
        return one(options)
    }

    typealias Make = (inout ProgramGenerator) -> String

    /// Runs one of `options`, chosen at random (only the chosen one generates).
    mutating func one(_ options: [Make]) -> String {
        let k = int(options.count)
        return options[k](&self)
    }

    /// A matrix product (with transposes) of shape `s`.
    mutating func product(_ s: Shape, _ d: Int) -> String {
        let options: [(Shape, Shape, Bool)]   // left, right, and whether the left is written as (E)' with E of the transposed shape
        switch s {
        case .s:
            return one([
                { g in "(\(g.expr(.vn, d - 1)))'*\(g.expr(.vn, d - 1))" },
                { g in "(\(g.expr(.vd, d - 1)))'*\(g.expr(.mdd, d - 1))*\(g.expr(.vd, d - 1))" },
                { g in "(\(g.expr(.vn, d - 1)))'*\(g.expr(.mnd, d - 1))*\(g.expr(.vd, d - 1))" },
            ])
        case .vn: options = [(.mnd, .vd, false), (.mnn, .vn, false), (.mnd, .vd, true)]
        case .vd: options = [(.mdn, .vn, false), (.mdd, .vd, false), (.mdn, .vn, true)]
        case .mnn: options = [(.mnd, .mdn, false), (.mnn, .mnn, false), (.mnd, .mdn, true)]
        case .mnd: options = [(.mnn, .mnd, false), (.mnd, .mdd, false), (.mnn, .mnd, true)]
        case .mdn: options = [(.mdd, .mdn, false), (.mdn, .mnn, false), (.mdd, .mdn, true)]
        case .mdd: options = [(.mdn, .mnd, false), (.mdd, .mdd, false), (.mdn, .mnd, true)]
        }
        let (l, r, t) = pick(options)
        if t {
            let lt: Shape = [.mnd: .mdn, .mdn: .mnd, .mnn: .mnn, .mdd: .mdd][l] ?? l
            return "((\(expr(lt, d - 1)))'*\(expr(r, d - 1)))"
        }
        return "(\(expr(l, d - 1))*\(expr(r, d - 1)))"
    }

    /// Built-ins that produce shape `s`.
    mutating func special(_ s: Shape, _ d: Int) -> String {
        switch s {
        case .s:
            return one([
                { g in "tr(\(g.expr(.mnn, d - 1)))" }, { g in "sum(\(g.expr(.mnd, d - 1)))" },
                { g in "normF(\(g.expr(.mdn, d - 1)))^2" }, { g in "logsumexp(\(g.expr(.vn, d - 1)))" },
                { g in "(\(g.expr(.mnd, d - 1)) : \(g.expr(.mnd, d - 1)))" }, { g in "logdet(\(g.spd(d - 1)))" },
                { g in "det(\(g.spd(d - 1)))" }, { g in "norm2(\(g.positive(.vd, d - 1)))" },
                { g in "(vec(\(g.expr(.mnd, d - 1)))'*vec(\(g.expr(.mnd, d - 1))))" },
                { g in "sum(kron(\(g.expr(.mnd, d - 1)), \(g.expr(.vn, d - 1))))" },
                { g in "sum(kron(\(g.expr(.mnd, d - 1)), \(g.expr(.mdn, d - 1))))" },
                { g in "(\(g.expr(.s, d - 1)))^2" }, { g in "norm1(\(g.positive(.vn, d - 1)))" },
                { g in "logsumexp(\(g.expr(.mdd, d - 1)))" },
            ])
        case .vn:
            return one([
                { g in "softmax(\(g.expr(.vn, d - 1)))" }, { g in "diag(\(g.expr(.mnn, d - 1)))" },
                { g in "(inv(\(g.spd(d - 1)))*\(g.expr(.vn, d - 1)))" }, { g in "(\(g.spd(d - 1))^(-1)*\(g.expr(.vn, d - 1)))" },
            ])
        case .vd:
            return one([{ g in "softmax(\(g.expr(.vd, d - 1)))" }, { g in "diag(\(g.expr(.mdd, d - 1)))" }])
        case .mnn:
            return one([
                { g in "Diag(\(g.expr(.vn, d - 1)))" }, { g in "diag(\(g.expr(.vn, d - 1)))" }, { g in "(\(g.expr(.mnn, d - 1)))^2" },
                { g in "inv(\(g.spd(d - 1)))" }, { g in "F(\(g.expr(.mnn, d - 1)))" }, { g in "softmax(\(g.expr(.mnn, d - 1)))" },
                { g in "(\(g.expr(.vn, d - 1))*(\(g.expr(.vn, d - 1)))')" }, { g in "(\(g.expr(.mnn, d - 1)))'" },
                { g in "(logdet(\(g.spd(d - 1)))*\(g.expr(.mnn, d - 1)))" }, { g in "(\(g.spd(d - 1)))^(-1)" },
            ])
        case .mnd:
            return one([
                { g in "softmax(\(g.expr(.mnd, d - 1)))" }, { g in "(\(g.expr(.vn, d - 1))*(\(g.expr(.vd, d - 1)))')" },
                { g in "(\(g.expr(.mdn, d - 1)))'" }, { g in "(Diag(\(g.expr(.vn, d - 1)))*\(g.expr(.mnd, d - 1)))" },
            ])
        case .mdn:
            return one([
                { g in "(\(g.expr(.mnd, d - 1)))'" }, { g in "(\(g.expr(.vd, d - 1))*(\(g.expr(.vn, d - 1)))')" },
                { g in "softmax(\(g.expr(.mdn, d - 1)))" },
            ])
        case .mdd:
            return one([
                { g in "(\(g.expr(.mdd, d - 1)))'" }, { g in "Diag(\(g.expr(.vd, d - 1)))" }, { g in "(\(g.expr(.mdd, d - 1)))^2" },
                { g in "(\(g.expr(.vd, d - 1))*(\(g.expr(.vd, d - 1)))')" },
            ])
        }
    }
}
