extension MatrixSimplifier {
    /// `(a ./ b)'*b = sum(a)` and `b'*(a ./ b) = sum(a)` for column vectors a and b, wherever the
    /// pair stands next to each other in a product (the named identity `dot-cancellation`). Where
    /// an entry of b is 0 the left side is not defined, so the two sides agree wherever the program
    /// does. Returns the product with each such pair replaced, or nil when there is none.
    func cancelDots(_ xs: [MatrixExpr]) -> MatrixExpr? {
        var out: [MatrixExpr] = []
        var changed = false
        var j = 0
        while j < xs.count {
            if j + 1 < xs.count, let (a, negated) = dotCancellation(xs[j], xs[j + 1]) {
                let s = ctx.note(.call(.reduction(.sum), derivative: 0, [a]), .scalar)
                out.append(negated ? ctx.note(.negate(s), .scalar) : s)
                changed = true
                j += 2
            } else {
                out.append(xs[j])
                j += 1
            }
        }
        guard changed else { return nil }
        return out.count == 1 ? out[0] : .product(out)
    }

    /// The numerator a (and whether the quotient was negated) when `u*v` is `(±a ./ b)'*b` or
    /// `b'*(±a ./ b)` with a and b column vectors.
    private func dotCancellation(_ u: MatrixExpr, _ v: MatrixExpr) -> (MatrixExpr, Bool)? {
        guard let sv = ctx.shape(v), sv.rows != nil, sv.cols == nil,
              let su = ctx.shape(u), su.rows == nil, su.cols != nil else { return nil }
        if case .transpose(let q) = u, let (a, b, neg) = quotient(q), b == v, isColumn(a) { return (a, neg) }
        if case .transpose(let b) = u, let (a, b2, neg) = quotient(v), b == b2, isColumn(a) { return (a, neg) }
        return nil
    }

    /// `a ./ b` or `-(a ./ b)` or `(-a) ./ b`, as (a, b, negated).
    private func quotient(_ e: MatrixExpr) -> (MatrixExpr, MatrixExpr, Bool)? {
        switch e {
        case .hadamardDivide(.negate(let a), let b): return (a, b, true)
        case .hadamardDivide(let a, let b): return (a, b, false)
        case .negate(.hadamardDivide(let a, let b)): return (a, b, true)
        default: return nil
        }
    }

    private func isColumn(_ a: MatrixExpr) -> Bool {
        guard let s = ctx.shape(a) else { return false }
        return s.rows != nil && s.cols == nil
    }
}
