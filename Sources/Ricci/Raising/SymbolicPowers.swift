/// A power with a symbolic exponent is held as `exp(b*log(a))` (see the type checker's
/// `symbolicPower`); the printers recognise the pattern and write `a.^b` (matrix notation) or
/// `a^b` (Einstein notation).
enum SymbolicPowers {
    /// The program's scalar names while a result is printed: `i*log(x)` is a scaling (so
    /// `exp(i*log(x))` is `x.^i`) only when `i` is a scalar, and a matrix product `M*log(x)` is not.
    @TaskLocal static var scalars: Set<String> = []

    /// The program's scalar names (inputs and definitions of a scalar shape).
    static func scalarNames(_ typed: TypedProgram) -> Set<String> {
        Set(typed.names.filter { n in
            guard case .tensor(let shape)? = typed.symbols[n]?.kind else { return false }
            return shape.allSatisfy { typed.dims.isOne($0) }
        })
    }

    /// Whether `e` is certainly a scalar: numbers, scalar names, reductions, and products, sums,
    /// powers and entrywise functions of those.
    static func isScalar(_ e: MatrixExpr) -> Bool {
        switch e {
        case .number: return true
        case .symbol(let n): return scalars.contains(n)
        case .call(.reduction, _, _): return true
        case .call(.matrix(.det), _, _), .call(.matrix(.logdet), _, _): return true
        case .call(.entrywise, _, let args), .call(.user, _, let args): return args.allSatisfy(isScalar)
        case .product(let xs), .hadamard(let xs), .sum(let xs): return xs.allSatisfy(isScalar)
        case .negate(let x), .power(let x, _), .entrywisePower(let x, _), .transpose(let x): return isScalar(x)
        case .divide(let a, let b), .hadamardDivide(let a, let b): return isScalar(a) && isScalar(b)
        default: return false
        }
    }

    /// (a, b) when `arg` is `b .* log(a)` (an entrywise product with exactly one `log` factor), or
    /// `b*log(a)` with every other factor a scalar (a scaling, not a matrix product), else nil.
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
        if !hadamard && !rest.allSatisfy(isScalar) { return nil }
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
              case .function(_, let inner) = t.factors[logs[0]],
              Set(inner.free).isSubset(of: Set(arg.free)) else { return nil }   // entrywise, not a contraction
        var rest = t.factors
        rest.remove(at: logs[0])
        let used = Set(rest.flatMap(\.indices))
        return (inner, IndexExpr(free: arg.free.filter { used.contains($0) }, terms: [Term(t.coefficient, rest)]))
    }
}
