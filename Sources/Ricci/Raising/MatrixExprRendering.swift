import Foundation

extension MatrixExpr {
    /// The expression printed in a format.
    ///
    /// - `.text` parses back with the project's parser (`'`, `*`, `.*`, `./`, `:`).
    /// - `.unicode` is the terminal form: `ᵀ`, `·`, `⊙`, `⊘` and `′` (it parses back too).
    /// - `.latex` uses `^{\top}`, `\odot`, `\oslash`, `:`, `\operatorname{tr}`, `\operatorname{Diag}`, with
    ///   names escaped by ``LaTeX``.
    ///
    /// Parentheses appear where precedence needs them, and around a product or Hadamard product that is
    /// an operand of another level-2 operator, as a person writes `X'*((E*alpha') .* h'(X*W))`.
    public func rendered(_ format: OutputFormat) -> String {
        MatrixRenderer(format: format).render(self, 0)
    }
}

/// Prints ``MatrixExpr`` values with the precedence levels of SYNTAX.md: 1 sum, 2 products
/// (`*`, `/`, `.*`, `./`, `:`), 3 negation, 4 powers, 5 postfix and atoms.
struct MatrixRenderer {
    let format: OutputFormat
    var latex: Bool { format == .latex }

    func level(_ e: MatrixExpr) -> Int {
        switch e {
        case .sum: return 1
        case .product, .hadamard, .hadamardDivide, .doubleDot: return 2
        case .divide: return latex ? 5 : 2
        case .negate(let x): return min(3, level(x))
        case .number(let v): return v < 0 ? 3 : 5
        case .power, .entrywisePower: return 4
        case .call(.entrywise(.exp), 0, let args) where args.count == 1 && SymbolicPowers.split(args[0]) != nil: return 4
        case .call(.matrix(.kron), _, _): return latex ? 2 : 5
        case .call(.matrix(.inv), _, _): return latex ? 4 : 5
        default: return 5
        }
    }

    func render(_ e: MatrixExpr, _ context: Int) -> String {
        let s = body(e)
        return level(e) < context ? paren(s) : s
    }

    func paren(_ s: String) -> String { latex ? "\\left(\(s)\\right)" : "(\(s))" }

    var times: String { format == .text ? "*" : (format == .unicode ? "·" : " ") }

    func body(_ e: MatrixExpr) -> String {
        switch e {
        case .number(let v): return number(v)
        case .symbol(let n): return latex ? LaTeX.symbol(n) : n
        case .identity(let d): return latex ? "I_{\(dimText(d))}" : "eye(\(d))"
        case .ones(let ds): return latex ? "\\mathbf{1}_{\(ds.map(dimText).joined(separator: " \\times "))}"
                                         : "ones(\(ds.map(\.description).joined(separator: ", ")))"
        case .zeros(let ds): return latex ? "\\mathbf{0}_{\(ds.map(dimText).joined(separator: " \\times "))}"
                                          : "zeros(\(ds.map(\.description).joined(separator: ", ")))"
        case .transpose(let x):
            switch format {
            case .text: return render(x, 5) + "'"
            case .unicode: return render(x, 5) + "ᵀ"
            case .latex: return "{\(render(x, 5))}^{\\top}"
            }
        case .negate(let x): return "-" + render(x, 2)
        case .product(let xs):
            return xs.enumerated().map { k, x in k == 0 ? render(x, 3) : render(x, 4) }.joined(separator: times)
        case .hadamard(let xs):
            let op = format == .text ? " .* " : (format == .unicode ? " ⊙ " : " \\odot ")
            return xs.map { render($0, 3) }.joined(separator: op)
        case .hadamardDivide(let a, let b):
            let op = format == .text ? " ./ " : (format == .unicode ? " ⊘ " : " \\oslash ")
            return render(a, 3) + op + render(b, 3)
        case .divide(let a, let b):
            if latex { return "\\frac{\(render(a, 0))}{\(render(b, 0))}" }
            return leftOperand(a) + "/" + render(b, 3)
        case .doubleDot(let a, let b):
            return leftOperand(a) + " : " + render(b, 3)
        case .sum(let ts): return sum(ts)
        case .power(let x, let p):
            if latex { return "{\(render(x, 5))}^{\(number(p))}" }
            return render(x, 5) + "^" + exponent(p)
        case .entrywisePower(let x, let p):
            if latex { return "{\(render(x, 5))}^{\\circ \(number(p))}" }
            return render(x, 5) + ".^" + exponent(p)
        case .call(.entrywise(.exp), 0, let args) where args.count == 1 && SymbolicPowers.split(args[0]) != nil:
            // exp(b*log(a)) is how a symbolic power a.^b is held: printed as the power
            guard let (base, exponent) = SymbolicPowers.split(args[0]) else { return call(.entrywise(.exp), 0, args) }
            if latex { return "{\(render(base, 5))}^{\\circ \(render(exponent, 0))}" }
            return render(base, 5) + ".^" + render(exponent, 5)
        case .call(let f, let d, let args):
            return call(f, d, args)
        }
    }

    /// The left operand of `/` or `:`: a product or a double-dot product needs no parentheses
    /// (`2*A : G` is `(2*A) : G`, `A : H : A` is `(A : H) : A`).
    func leftOperand(_ a: MatrixExpr) -> String {
        switch a {
        case .product, .doubleDot: return render(a, 2)
        default: break
        }
        return render(a, 3)
    }

    func exponent(_ p: Double) -> String { p < 0 ? "(\(number(p)))" : number(p) }

    /// A constant: integers without decimals; float noise such as 0.010000000000000002 shown as 0.01.
    func number(_ v: Double) -> String { formatNumber(v) }

    func dimText(_ d: Dim) -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .named(let s): return LaTeX.escapeText(s)
        }
    }

    /// A term of a sum without its sign, and whether it is subtracted.
    func splitSign(_ t: MatrixExpr) -> (Bool, MatrixExpr) {
        switch t {
        case .negate(let x): return (true, x)
        case .number(let v) where v < 0: return (true, .number(-v))
        case .product(let xs):
            if case .number(let v) = xs.first, v < 0 {
                let rest = Array(xs.dropFirst())
                if v == -1 { return (true, rest.count == 1 ? rest[0] : .product(rest)) }
                return (true, .product([.number(-v)] + rest))
            }
            return (false, t)
        case .divide(let a, let b):
            let (neg, body) = splitSign(a)
            return neg ? (true, .divide(body, b)) : (false, t)
        case .hadamardDivide(let a, let b):
            let (neg, body) = splitSign(a)
            return neg ? (true, .hadamardDivide(body, b)) : (false, t)
        default: return (false, t)
        }
    }

    func sum(_ ts: [MatrixExpr]) -> String {
        var out = ""
        for (k, t) in ts.enumerated() {
            if k == 0 { out = render(t, 1); continue }
            let (neg, b) = splitSign(t)
            out += (neg ? " - " : " + ") + render(b, 2)
        }
        return out
    }

    func call(_ f: MatrixCallee, _ d: Int, _ args: [MatrixExpr]) -> String {
        let inner = args.map { render($0, 0) }.joined(separator: ", ")
        let primes = String(repeating: format == .unicode ? "′" : "'", count: d)
        guard latex else { return f.name + primes + "(" + inner + ")" }
        switch f {
        case .entrywise(let fn):
            if fn == .sqrt && d == 0 { return "\\sqrt{\(inner)}" }
            let known: Set<String> = ["exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh"]
            let alias = ["asin": "arcsin", "acos": "arccos", "atan": "arctan"][fn.rawValue]
            let head = alias.map { "\\" + $0 } ?? (known.contains(fn.rawValue) ? "\\" + fn.rawValue : "\\operatorname{\(fn.rawValue)}")
            return head + primes + paren(inner)
        case .user(let n), .opaque(let n): return LaTeX.symbol(n) + primes + paren(inner)
        case .reduction(let r):
            switch r {
            case .norm2: return "\\left\\| \(inner) \\right\\|_{2}"
            case .normF: return "\\left\\| \(inner) \\right\\|_{F}"
            case .norm1: return "\\left\\| \(inner) \\right\\|_{1}"
            default: return "\\operatorname{\(r.rawValue)}" + paren(inner)
            }
        case .matrix(let m):
            switch m {
            case .inv: return "{\(args.first.map { render($0, 5) } ?? "")}^{-1}"
            case .det: return "\\det" + paren(inner)
            case .logdet: return "\\log\\det" + paren(inner)
            case .kron: return args.map { render($0, 3) }.joined(separator: " \\otimes ")
            default: return "\\operatorname{\(m.rawValue)}" + paren(inner)
            }
        }
    }
}
