/// Derivative rules of entrywise functions, each next to the function it differentiates.
///
/// `derivative(of: g, at: u)` is g′(u) as an index-form term whose indices are u's free indices; nil
/// means the derivative is zero everywhere it exists (`step`, `sign`; at their jumps the convention
/// is 0, like relu′(0) = step(0) = 0 and abs′(0) = sign(0) = 0).
enum EntrywiseDerivatives {
    static func derivative(of g: ScalarFunction, at u: IndexExpr) -> Term? {
        switch g {
        case .identity:
            return Term(1, [])
        case .power(let p):
            if p == 0 { return nil }
            if p == 1 { return Term(1, []) }
            return Term(p, [.function(.power(p - 1), u)])
        case .user(let name, let d):
            return Term(1, [.function(.user(name, derivative: d + 1), u)])
        case .builtin(let f, let d):
            if d == 0 { return builtin(f, u) }
            // f^(d)′ = f^(d+1); relu′ = step, abs′ = sign, step and sign are constant away from 0
            if [.step, .sign, .relu, .abs].contains(f) { return nil }
            return Term(1, [.function(.builtin(f, derivative: d + 1), u)])
        }
    }

    /// f(u) as a factor.
    static func call(_ f: EntrywiseFunction, _ u: IndexExpr) -> Factor { .function(.builtin(f, derivative: 0), u) }
    static func pow(_ p: Double, _ u: IndexExpr) -> Factor { .function(.power(p), u) }

    /// 1 ± c·x^2 over u's free indices, as one parenthesized factor.
    static func onePlus(_ c: Double, squareOf x: IndexExpr) -> IndexExpr {
        let one = Term(1, x.free.isEmpty ? [] : [.ones(x.free)])
        return IndexExpr(free: x.free, terms: [one, Term(c, [pow(2, x)])])
    }

    /// A single factor as an expression over u's free indices.
    static func single(_ f: Factor, _ u: IndexExpr) -> IndexExpr { IndexExpr(free: u.free, terms: [Term(1, [f])]) }

    static func builtin(_ f: EntrywiseFunction, _ u: IndexExpr) -> Term? {
        switch f {
        case .exp: return Term(1, [call(.exp, u)])                                   // exp′ = exp
        case .log: return Term(1, [pow(-1, u)])                                      // log′(x) = 1/x
        case .sin: return Term(1, [call(.cos, u)])                                   // sin′ = cos
        case .cos: return Term(-1, [call(.sin, u)])                                  // cos′ = −sin
        case .tan: return Term(1, [.function(.identity, onePlus(1, squareOf: single(call(.tan, u), u)))])   // 1 + tan²
        case .tanh: return Term(1, [.function(.identity, onePlus(-1, squareOf: single(call(.tanh, u), u)))]) // 1 − tanh²
        case .sigmoid:                                                               // σ(1 − σ)
            let one = Term(1, u.free.isEmpty ? [] : [.ones(u.free)])
            return Term(1, [call(.sigmoid, u), .function(.identity, IndexExpr(free: u.free, terms: [one, Term(-1, [call(.sigmoid, u)])]))])
        case .relu: return Term(1, [call(.step, u)])                                 // relu′ = step
        case .step, .sign: return nil                                                // 0 (and 0 at the jump)
        case .sqrt: return Term(0.5, [pow(-1, single(call(.sqrt, u), u))])          // 1/(2√x)
        case .abs: return Term(1, [call(.sign, u)])                                  // abs′ = sign
        case .softplus: return Term(1, [call(.sigmoid, u)])                          // softplus′ = σ
        case .asin: return Term(1, [pow(-0.5, onePlus(-1, squareOf: u))])           // (1 − x²)^(−1/2)
        case .acos: return Term(-1, [pow(-0.5, onePlus(-1, squareOf: u))])          // −(1 − x²)^(−1/2)
        case .atan: return Term(1, [pow(-1, onePlus(1, squareOf: u))])              // 1/(1 + x²)
        case .sinh: return Term(1, [call(.cosh, u)])                                 // sinh′ = cosh
        case .cosh: return Term(1, [call(.sinh, u)])                                 // cosh′ = sinh
        case .atanh: return Term(1, [pow(-1, onePlus(-1, squareOf: u))])            // 1/(1 − x²)
        }
    }
}
