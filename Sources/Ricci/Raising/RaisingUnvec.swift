/// Terms with a reshaping delta `δ[I, a, b]` over the result's two axes: the rest of the term is a
/// vector v over I, and the term is the matrix unvec(v), which has a matrix form when v is made of
/// `vec` and `kron`: unvec(vec(Y)) = Y, unvec(kron(P, Q)*vec(Y)) = Q*Y*P' (vec(A*X*B) =
/// kron(B', A)*vec(X)), unvec(kron(P, Q)'*vec(Y)) = Q'*Y*P (kron(A, B)' = kron(A', B')).
extension RaisingContext {
    /// The matrix form of a term whose only reshaping delta maps a summed index onto the free pair.
    func raiseUnvec(_ factors: [Factor], coefficient: Double, free: [Index]) -> RaisedTerm? {
        guard free.count == 2 else { return nil }
        let reshapes = factors.indices.filter { if case .reshape = factors[$0] { return true } else { return false } }
        guard reshapes.count == 1, case .reshape(let big, let a, let b) = factors[reshapes[0]],
              a == free[0], b == free[1], !free.contains(big) else { return nil }
        var rest = factors
        rest.remove(at: reshapes[0])
        rest.removeAll { f in
            if case .ones(let ix) = f { return ix.allSatisfy { $0 == a || $0 == b } }
            return false
        }
        guard !rest.contains(where: { f in f.indices.contains(a) || f.indices.contains(b) }),
              let v = raiseFactors(rest, extra: [], coefficient: coefficient, free: [big]),
              let m = unvec(v.expr, rows: a.dim, cols: b.dim) else { return nil }
        note(m, shape(over: free))
        return RaisedTerm(expr: m, broadcast: nil)
    }

    /// unvec(v) as a rows×cols matrix, for the forms of `vec` and `kron` above; nil otherwise.
    func unvec(_ v: MatrixExpr, rows: DimVar, cols: DimVar) -> MatrixExpr? {
        func fits(_ d: DimVar?, _ e: DimVar) -> Bool {
            guard let d else { return axis(e) == nil }
            return axis(e).map { dims.same(d, $0) } ?? false
        }
        func plain(_ y: MatrixExpr) -> MatrixExpr? {
            guard let s = shape(y), fits(s.rows, rows), fits(s.cols, cols) else { return nil }
            return y
        }
        switch v {
        case .call(.matrix(.vec), 0, let y) where y.count == 1:
            return plain(y[0])
        case .negate(let x):
            return unvec(x, rows: rows, cols: cols).map(negate)
        case .sum(let ts):
            var out: [MatrixExpr] = []
            for t in ts {
                guard let u = unvec(t, rows: rows, cols: cols) else { return nil }
                out.append(u)
            }
            return sum(out)
        case .transpose(let x):
            let t = transpose(x)
            if case .transpose = t { return nil }
            return unvec(t, rows: rows, cols: cols)
        case .divide(let x, let s) where isScalar(s):
            return unvec(x, rows: rows, cols: cols).map { .divide($0, s) }
        case .product(let xs):
            let scalars = xs.filter(isScalar), mats = xs.filter { !isScalar($0) }
            let m: MatrixExpr
            switch mats.count {
            case 1:
                guard case .call(.matrix(.vec), 0, let y) = mats[0], y.count == 1, let p = plain(y[0]) else { return nil }
                m = p
            case 2:
                guard case .call(.matrix(.vec), 0, let y) = mats[1], y.count == 1 else { return nil }
                switch mats[0] {
                case .call(.matrix(.kron), 0, let pq) where pq.count == 2:
                    // kron(P, Q)*vec(Y) = vec(Q*Y*P')
                    guard let sq = shape(pq[1]), let sp = shape(pq[0]), fits(sq.rows, rows), fits(sp.rows, cols) else { return nil }
                    m = product([pq[1], y[0], transpose(pq[0])])
                case .transpose(.call(.matrix(.kron), 0, let pq)) where pq.count == 2:
                    // kron(P, Q)'*vec(Y) = kron(P', Q')*vec(Y) = vec(Q'*Y*P)
                    guard let sq = shape(pq[1]), let sp = shape(pq[0]), fits(sq.cols, rows), fits(sp.cols, cols) else { return nil }
                    m = product([transpose(pq[1]), y[0], pq[0]])
                default:
                    return nil
                }
            default:
                return nil
            }
            note(m, RaisedShape(rows: axis(rows), cols: axis(cols)))
            return product(scalars + [m])
        default:
            return nil
        }
    }
}
