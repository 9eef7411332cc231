/// Matrix chains, vectors and scalars read off a reduced term graph.
extension RaisingContext {
    /// A chain as one matrix expression: identities dropped, adjacent diagonals merged,
    /// `Diag(u)*M*Diag(v)` written `(u*v') .* M`, other diagonals as `Diag(v)`.
    func chainExpr(_ chain: [Link]) -> MatrixExpr {
        var ls = chain
        if ls.count > 1 {
            let kept = ls.filter { if case .mat(.identity) = $0 { return false } else { return true } }
            if !kept.isEmpty { ls = kept }
        }
        var merged: [Link] = []
        for l in ls {
            if case .diag(let v) = l, case .diag(let u)? = merged.last {
                merged[merged.count - 1] = .diag(hangingProduct([u, v]))
            } else {
                merged.append(l)
            }
        }
        ls = merged
        var k = 0
        while k + 2 < ls.count {
            if case .diag(let u) = ls[k], case .mat(let m) = ls[k + 1], case .diag(let v) = ls[k + 2] {
                let s = shape(m)
                let o = outer(u, v)
                var h = hadamard([o, m])
                if case .hadamard(var xs) = h, let at = xs.firstIndex(of: o) {   // (u*v') .* M, the outer product first
                    xs.remove(at: at)
                    h = .hadamard([o] + xs)
                }
                if let s { note(h, s) }
                ls.replaceSubrange(k...(k + 2), with: [.mat(h)])
            }
            k += 1
        }
        let items: [MatrixExpr] = ls.map { l in
            switch l {
            case .mat(let m): return m
            case .diag(let v):
                let d = MatrixExpr.call(.matrix(.Diag), v)
                if let s = shape(v) { note(d, RaisedShape(rows: s.rows, cols: s.rows)) }
                return d
            }
        }
        return product(items)
    }

    /// The vector a chain makes of the vectors hanging at its far end (all ones when none):
    /// `M*(d .* (N*v))` for the chain M, Diag(d), N.
    func applyChain(_ chain: [Link], to hanging: [MatrixExpr], over dim: DimVar) -> MatrixExpr? {
        var acc: MatrixExpr? = hanging.isEmpty ? nil : hangingProduct(hanging)
        var pending: [MatrixExpr] = []
        func flush() -> Bool {
            guard !pending.isEmpty else { return true }
            defer { pending = [] }
            if let a = acc { acc = product(pending + [a]); return true }
            if dims.isOne(dim) { acc = product(pending); return true }   // M*ones(1) is M's single column
            guard let o = onesVector(dim) else { return false }
            acc = product(pending + [o])
            return true
        }
        for l in chain.reversed() {
            switch l {
            case .mat(.identity): continue
            case .mat(let m): pending.insert(m, at: 0)
            case .diag(let d):
                guard flush() else { return nil }
                acc = acc.map { hangingProduct([d, $0]) } ?? d
            }
        }
        guard flush() else { return nil }
        return acc ?? onesVector(dim)
    }

    /// The vector on a free vertex: the Hadamard product of what hangs there, or `ones(n)`.
    func vertexVector(_ hanging: [MatrixExpr], over dim: DimVar) -> MatrixExpr? {
        hanging.isEmpty ? onesVector(dim) : hangingProduct(hanging)
    }

    /// A summed vertex with nothing but vectors: `sum(v)`, `tr(M)` for `diag(M)`, `u'*v`, `u'*(v .* w)`;
    /// with nothing at all, the dimension itself.
    func vertexScalar(_ hanging: [MatrixExpr], over dim: DimVar) -> MatrixExpr? {
        switch hanging.count {
        case 0:
            if case .fixed(let n) = dims.resolve(dim) { return .number(Double(n)) }
            return onesVector(dim).map { .call(.reduction(.sum), $0) }
        case 1:
            if case .call(.matrix(.diag), 0, let m) = hanging[0], m.count == 1 { return .call(.reduction(.tr), m[0]) }
            return .call(.reduction(.sum), hanging[0])
        case 2:
            return fewerTransposes(product([transpose(hanging[0]), hanging[1]]), product([transpose(hanging[1]), hanging[0]]))
        default:
            return product([transpose(hanging[0]), hangingProduct(Array(hanging.dropFirst()))])
        }
    }

    /// A lone edge between two summed vertices: `u'*M*v`, `sum(M*v)`, `sum(M)`, `A : B`, `tr(A*B)`.
    func edgeScalar(_ u: [MatrixExpr], _ chain: [Link], _ v: [MatrixExpr], from a: Index, to b: Index) -> MatrixExpr? {
        let m = chainExpr(chain)
        switch (u.isEmpty, v.isEmpty) {
        case (false, false):
            let x = hangingProduct(u), y = hangingProduct(v)
            return fewerTransposes(product([transpose(x), m, y]), product([transpose(y), transpose(m), x]))
        case (false, true):
            let x = hangingProduct(u)
            return dims.isOne(b.dim) ? product([transpose(x), m]) : .call(.reduction(.sum), product([transpose(x), m]))
        case (true, false):
            let y = hangingProduct(v)
            return dims.isOne(a.dim) ? product([m, y]) : .call(.reduction(.sum), product([m, y]))
        case (true, true):
            if case .entrywisePower(let p, 2) = m { return .doubleDot(p, p) }
            if case .hadamard(let xs) = m, xs.count == 2 {
                if case .transpose(let r) = xs[1] { return .call(.reduction(.tr), product([xs[0], r])) }
                if case .transpose(let r) = xs[0] { return .call(.reduction(.tr), product([r, xs[1]])) }
                return .doubleDot(xs[0], xs[1])
            }
            return .call(.reduction(.sum), m)
        }
    }

    /// The outer product of the vectors on two free vertices in different components (`u*v'`; a unit
    /// axis with nothing on it drops out, as in `v'`; `ones(r, c)` when both are empty).
    func outerOfVertices(_ u: [MatrixExpr], _ f0: Index, _ v: [MatrixExpr], _ f1: Index) -> MatrixExpr? {
        if u.isEmpty && v.isEmpty {
            guard let r = printable(f0.dim), let c = printable(f1.dim) else { return nil }
            return note(.ones([r, c]), RaisedShape(rows: axis(f0.dim), cols: axis(f1.dim)))
        }
        if u.isEmpty && dims.isOne(f0.dim) { return transpose(hangingProduct(v)) }
        if v.isEmpty && dims.isOne(f1.dim) { return hangingProduct(u) }
        guard let x = vertexVector(u, over: f0.dim), let y = vertexVector(v, over: f1.dim) else { return nil }
        return outer(x, y)
    }

    /// The form with fewer transposes (the first on a tie).
    func fewerTransposes(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr {
        b.transposeCount < a.transposeCount ? b : a
    }
}
