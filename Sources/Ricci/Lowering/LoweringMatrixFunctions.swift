/// Lowering of matrix functions and matrix powers.
extension Lowerer {
    /// The argument of a matrix atom with its own fresh indices.
    func atomArgument(_ x: TypedExpr) throws -> IndexExpr {
        try lower(x, freshAxes(x.shape, "a"))
    }

    func matrixFunction(_ m: MatrixFunction, _ xs: [TypedExpr], _ out: [Index]) throws -> IndexExpr {
        let x = xs[0]
        switch m {
        case .inv, .det, .logdet:
            if x.shape.isEmpty {   // a scalar: 1/x, x, log x
                let v = try lower(x, [])
                switch m {
                case .inv: return v.applying(.power(-1))
                case .det: return v
                default: return v.applying(.builtin(.log, derivative: 0))
                }
            }
            let atom: MatrixAtom = m == .inv ? .inv : (m == .det ? .det : .logdet)
            return IndexExpr(free: out, terms: [Term(1, [.matrix(atom, args: [try atomArgument(x)], indices: out)])])
        case .kron:
            return IndexExpr(free: out, terms: [Term(1, [.matrix(.kron, args: [try atomArgument(xs[0]), try atomArgument(xs[1])],
                                                                 indices: out)])])
        case .vec:
            return IndexExpr(free: out, terms: [Term(1, [.matrix(.vec, args: [try atomArgument(x)], indices: out)])])
        case .diag:
            // diag(A)_i = Σ_j A_ij δ_ij
            // (a scalar or a 1×1 operand has no axes of its own: they get indices of length 1)
            let i = out.first ?? fresh("i", dims.fixed(1))
            let j = fresh("j", x.shape.count == 2 ? x.shape[1] : dims.fixed(1))
            let v = try lowerView(x, row: i, col: j)
            return restrict(v * IndexExpr(free: [i, j], terms: [Term(1, [.delta(i, j)])]), out)
        case .Diag:
            let i = out.first ?? fresh("i", dims.fixed(1))
            let j = out.count > 1 ? out[1] : fresh("j", i.dim)
            let v = try lowerView(x, row: i, col: nil)
            return restrict(v * IndexExpr(free: [i, j], terms: [Term(1, [.delta(i, j)])]), out)
        case .softmax:
            // softmax(X)_ic = exp(X_ic) / Σ_k exp(X_kc), kept whole: it is evaluated stably (the largest
            // entry subtracted) and differentiated by its own rule, d S = S ⊙ (dU − 1·(1ᵀ(S ⊙ dU)))
            return IndexExpr(free: out, terms: [Term(1, [.matrix(.softmax, args: [try atomArgument(x)], indices: out)])])
        }
    }

    func matrixPower(_ a: TypedExpr, _ n: Int, _ out: [Index]) throws -> IndexExpr {
        if n == 0 { return IndexExpr(free: out, terms: [Term(1, [.delta(out[0], out[1])])]) }
        let d = a.shape[0]
        // a 1×1 matrix: its power is the power of its one entry, kept as a power (never expanded
        // into n equal factors, whose products and derivatives grow with n)
        if dims.isOne(d) { return try lower(a, out).applying(.power(Double(n))) }
        func base(_ i: Index, _ j: Index) throws -> IndexExpr {
            if n > 0 { return try lower(a, [i, j]) }
            return IndexExpr(free: [i, j], terms: [Term(1, [.matrix(.inv, args: [try atomArgument(a)], indices: [i, j])])])
        }
        var chain = [out[0]]
        for _ in 1..<abs(n) { chain.append(fresh("k", d)) }
        chain.append(out[1])
        var acc = try base(chain[0], chain[1])
        for k in 1..<abs(n) { acc = acc * (try base(chain[k], chain[k + 1])) }
        return restrict(acc, out)
    }
}
