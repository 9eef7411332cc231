/// A factor of a term in matrix form: a scalar (no index), a column vector over one index, or a
/// matrix with rows `indices[0]` and columns `indices[1]`.
struct Piece {
    var expr: MatrixExpr
    var indices: [Index]
}

extension RaisingContext {
    /// Removes every Kronecker delta with a summed index by renaming that index to the other one
    /// (Σ_b δ_ab f(b) = f(a)); `δ[a, a]` is 1 for every a. Deltas between two free indices stay (they
    /// are `eye(n)`). The renamed-to index keeps a `ones` factor so a sum over it is not lost.
    func eliminateDeltas(_ factors: [Factor], free: [Index]) -> [Factor] {
        var fs = factors
        for _ in 0...factors.count {
            guard let k = fs.firstIndex(where: { f in
                if case .delta(let a, let b) = f { return a == b || !free.contains(a) || !free.contains(b) }
                return false
            }), case .delta(let a, let b) = fs[k] else { break }
            fs.remove(at: k)
            if a == b { fs.append(.ones([a])); continue }
            let (gone, kept) = free.contains(b) ? (a, b) : (b, a)
            fs = IndexExpr(free: [], terms: [Term(1, fs)]).renamed([gone: kept]).terms[0].factors
            fs.append(.ones([kept]))
        }
        return fs
    }

    /// Whether a factor has order 3 or more (handled by the double-dot patterns, not the graph).
    func isBig(_ f: Factor) -> Bool {
        if case .reshape = f { return false }
        return f.indices.count >= 3
    }

    /// The matrix form of a factor of order 0 to 2, as pieces (`ones` over several indices splits
    /// into one piece per index); nil when it has none.
    func pieces(_ f: Factor) -> [Piece]? {
        switch f {
        case .tensor(let n, let ix):
            guard ix.count <= 2 else { return nil }
            return [piece(note(.symbol(n), shape(over: ix)), ix)]
        case .delta(let a, let b):
            guard let d = printable(a.dim) else { return nil }
            return [piece(note(.identity(d), shape(over: [a, a])), [a, b])]
        case .ones(let ix):
            var out: [Piece] = []
            for i in ix {
                guard let o = onesVector(i.dim) else { return nil }
                out.append(Piece(expr: o, indices: [i]))
            }
            return out
        case .reshape:
            return nil
        case .function(let g, let arg):
            // f(M)[k, k] is f(diag(M))[k]: an entrywise function read on the diagonal of its argument
            var axes: [Index] = []
            for i in arg.free where !axes.contains(i) { axes.append(i) }
            guard axes.count <= 2, let inner = raiseExpr(IndexExpr(free: axes, terms: arg.terms)) else { return nil }
            return [piece(apply(g, inner, over: axes), axes)]
        case .opaque(let n, let d, let arg, let ix):
            guard ix.count <= 2, let inner = raiseArgument(arg) else { return nil }
            return [piece(note(.call(.opaque(n), derivative: d, [inner]), shape(over: ix)), ix)]
        case .matrix(let atom, let args, let ix):
            guard ix.count <= 2 else { return nil }
            var raised: [MatrixExpr] = []
            for a in args {
                guard let r = raiseArgument(a) else { return nil }
                raised.append(r)
            }
            let m: MatrixFunction
            switch atom {
            case .inv: m = .inv
            case .det: m = .det
            case .logdet: m = .logdet
            case .kron: m = .kron
            case .vec: m = .vec
            case .softmax: m = .softmax
            }
            guard raised.count == (m == .kron ? 2 : 1) else { return nil }
            return [piece(note(.call(.matrix(m), derivative: 0, raised), shape(over: ix)), ix)]
        }
    }

    /// The argument of a matrix atom or an opaque function (its own index scope, any order).
    func raiseArgument(_ arg: IndexExpr) -> MatrixExpr? {
        raiseExpr(arg)
    }

    /// A piece; a matrix read on its diagonal (`X[i, i]`) is the vector `diag(X)`.
    func piece(_ e: MatrixExpr, _ ix: [Index]) -> Piece {
        if ix.count == 2 && ix[0] == ix[1] {
            return Piece(expr: note(.call(.matrix(.diag), e), shape(over: [ix[0]])), indices: [ix[0]])
        }
        return Piece(expr: e, indices: ix)
    }

    /// An entrywise function applied to a raised argument over `ix`.
    func apply(_ g: ScalarFunction, _ x: MatrixExpr, over ix: [Index]) -> MatrixExpr {
        let s = shape(over: ix)
        switch g {
        case .identity: return note(x, s)
        case .power(let p):
            let y = entrywisePower(x, p)
            if p < 0, case .entrywisePower = y { return note(hadamard([y]), s) }   // 1 ./ x
            return note(y, s)
        case .builtin(let f, let d): return note(.call(.entrywise(f), derivative: d, [x]), s)
        case .user(let n, let d): return note(.call(.user(n), derivative: d, [x]), s)
        }
    }

    /// The matrix form of a factor of order 3 or more (a declared tensor, an opaque function's value
    /// or Jacobian); nil for anything else.
    func bigExpr(_ f: Factor) -> MatrixExpr? {
        switch f {
        case .tensor(let n, _): return .symbol(n)
        case .opaque(let n, let d, let arg, _):
            guard let inner = raiseArgument(arg) else { return nil }
            return .call(.opaque(n), derivative: d, [inner])
        default: return nil
        }
    }
}
