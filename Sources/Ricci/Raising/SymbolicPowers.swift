/// A power with a symbolic exponent is held as `exp(b*log(a))` (see the type checker's
/// `symbolicPower`); the printers recognise the pattern and write `a.^b` (matrix notation) or
/// `a^b` (Einstein notation).
enum SymbolicPowers {
    /// (a, b) when `arg` is `b*log(a)` or `b .* log(a)` (a product with exactly one `log` factor
    /// and at least one other factor), else nil.
    static func split(_ arg: MatrixExpr) -> (base: MatrixExpr, exponent: MatrixExpr)? {
        let (xs, hadamard): ([MatrixExpr], Bool)
        switch arg {
        case .product(let ys): (xs, hadamard) = (ys, false)
        case .hadamard(let ys): (xs, hadamard) = (ys, true)
        default: return nil
        }
        let logs = xs.indices.filter { k in
            if case .call(.entrywise(.log), 0, let a) = xs[k], a.count == 1 { return true }
            return false
        }
        guard logs.count == 1, xs.count >= 2, case .call(_, _, let a) = xs[logs[0]] else { return nil }
        var rest = xs
        rest.remove(at: logs[0])
        let exponent = rest.count == 1 ? rest[0] : (hadamard ? .hadamard(rest) : .product(rest))
        return (a[0], exponent)
    }
}

extension SymbolicPowers {
    /// (a, b) when the index form `arg` is one term `c·log(a)·rest` with at least one factor besides
    /// the log (or a coefficient other than 1): b is `c·rest`, with `arg`'s free indices.
    static func split(_ arg: IndexExpr) -> (base: IndexExpr, exponent: IndexExpr)? {
        guard arg.terms.count == 1 else { return nil }
        let t = arg.terms[0]
        let logs = t.factors.indices.filter { k in
            if case .function(.builtin(.log, 0), _) = t.factors[k] { return true }
            return false
        }
        guard logs.count == 1, t.factors.count >= 2 || t.coefficient != 1,
              case .function(_, let inner) = t.factors[logs[0]] else { return nil }
        var rest = t.factors
        rest.remove(at: logs[0])
        let used = Set(rest.flatMap(\.indices))
        return (inner, IndexExpr(free: arg.free.filter { used.contains($0) }, terms: [Term(t.coefficient, rest)]))
    }
}
