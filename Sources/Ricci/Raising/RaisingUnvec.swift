/// Terms with a reshaping delta `δ[I, a, b]`: the factors over I make a vector v, and v reshaped is
/// the matrix unvec(v) over (a, b), which has a matrix form when v is made of
/// `vec` and `kron`: unvec(vec(Y)) = Y, unvec(kron(P, Q)*vec(Y)) = Q*Y*P' (vec(A*X*B) =
/// kron(B', A)*vec(X)), unvec(kron(P, Q)'*vec(Y)) = Q'*Y*P (kron(A, B)' = kron(A', B')).
extension RaisingContext {
    /// The matrix form of a term whose only reshaping delta δ[I, a, b] has I summed: the factors over I
    /// (`vec(Y)[I]`, or `kron(P, Q)[I, J]*vec(Y)[J]`) become one matrix over (a, b), and the rest of the
    /// term is raised around it as usual.
    func raiseUnvec(_ factors: [Factor], coefficient: Double, free: [Index]) -> RaisedTerm? {
        let reshapes = factors.indices.filter { if case .reshape = factors[$0] { return true } else { return false } }
        guard reshapes.count == 1, case .reshape(let big, let a, let b) = factors[reshapes[0]], !free.contains(big), a != b else { return nil }
        var rest = factors
        rest.remove(at: reshapes[0])
        rest.removeAll { f in
            if case .ones(let ix) = f { return ix.allSatisfy { $0 == a || $0 == b } }
            return false
        }
        // the factors that carry I, and through a kron the index J it is contracted with
        let onBig = rest.indices.filter { rest[$0].indices.contains(big) }
        guard onBig.count == 1 else { return nil }
        var v: MatrixExpr
        var taken = [onBig[0]]
        switch rest[onBig[0]] {
        case .matrix(.vec, let args, let ix) where ix == [big] && args.count == 1:
            guard let y = raiseArgument(args[0]) else { return nil }
            v = note(.call(.matrix(.vec), y), shape(over: [big]))
        case .matrix(.kron, let args, let ix) where ix.count == 2 && args.count == 2 && ix.contains(big):
            let j = ix[0] == big ? ix[1] : ix[0]
            let onJ = rest.indices.filter { $0 != onBig[0] && rest[$0].indices.contains(j) }
            guard !free.contains(j), onJ.count == 1, case .matrix(.vec, let yargs, let jx) = rest[onJ[0]], jx == [j], yargs.count == 1,
                  let p = raiseArgument(args[0]), let q = raiseArgument(args[1]), let y = raiseArgument(yargs[0]) else { return nil }
            let k = note(.call(.matrix(.kron), derivative: 0, [p, q]), shape(over: ix))
            let kv = ix[0] == big ? k : note(.transpose(k), shape(over: [ix[1], ix[0]]))
            v = product([kv, note(.call(.matrix(.vec), y), shape(over: [j]))])
            taken.append(onJ[0])
        default:
            return nil
        }
        guard let m = unvec(v, rows: a.dim, cols: b.dim) else { return nil }
        note(m, shape(over: [a, b]))
        for k in taken.sorted(by: >) { rest.remove(at: k) }
        return raiseFactors(rest, extra: [Piece(expr: m, indices: [a, b])], coefficient: coefficient, free: free)
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
