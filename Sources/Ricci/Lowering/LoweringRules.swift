/// The lowering rule of every typed node: `lower(e, out)` is e's entry at the indices `out`
/// (one per axis of e's shape; Einstein-notation nodes use their own index names).
extension Lowerer {
    func lower(_ e: TypedExpr, _ out: [Index]) throws -> IndexExpr {
        if e.isIndexed || isEinstein(e) { return try lowerEinstein(e) }
        if let c = unitConstant(e) { return broadcast(.constant(c), out) }
        if out.count != e.shape.count, !e.shape.isEmpty, e.shape.allSatisfy({ dims.isOne($0) }) {
            // a 1×1 value where a scalar fits: its unit axes are summed over their single entry
            return broadcast(restrict(try lower(e, freshAxes(e.shape, "u")), []), out)
        }
        if out.count != e.shape.count { return try lowerReconciled(e, out) }
        switch e.kind {
        case .constant(let c):
            return broadcast(.constant(c), out)
        case .variable(let n):
            return IndexExpr(free: out, terms: [Term(1, [.tensor(n, out)])])
        case .eye:
            return IndexExpr(free: out, terms: [Term(1, [.delta(out[0], out[1])])])
        case .ones:
            return IndexExpr(free: out, terms: [Term(1, [.ones(out)])])
        case .zeros:
            return IndexExpr(free: out, terms: [Term(0, [.ones(out)])])
        case .entrywise(let f, let d, let x):
            return try lower(x, out).applying(.builtin(f, derivative: d))
        case .userEntrywise(let f, let d, let x):
            return try lower(x, out).applying(.user(f, derivative: d))
        case .opaque(let f, let d, let x):
            let argIdx = freshAxes(x.shape)
            let arg = try lower(x, argIdx)
            return IndexExpr(free: out, terms: [Term(1, [.opaque(f, derivative: d, arg: arg, indices: out)])])
        case .reduce(let r, let x):
            return try reduction(r, x)
        case .matrixFunction(let m, let xs):
            return try matrixFunction(m, xs, out)
        case .negate(let x):
            return try lower(x, out).scaled(-1)
        case .sum(let terms):
            var all: [Term] = []
            for t in terms {
                let v = t.expr.shape.isEmpty && !out.isEmpty ? broadcast(try lower(t.expr, []), out) : try lower(t.expr, out)
                all += (t.negated ? v.scaled(-1) : v).terms
            }
            return IndexExpr(free: out, terms: all)
        case .matmul(let a, let b):
            let (r, c) = rowCol(e.shape, out)
            let kd = a.shape.count == 2 ? a.shape[1] : (b.shape.isEmpty ? dims.fixed(1) : b.shape[0])
            let k = fresh("k", kd)
            let pa = try lowerView(a, row: r, col: k)
            let pb = try lowerView(b, row: k, col: c)
            return restrict(pa * pb, out)
        case .scale(let s, let x):
            return restrict(try lower(s, []) * lower(x, out), out)
        case .divide(let x, let s):
            return restrict(try lower(x, out) * lower(s, []).applying(.power(-1)), out)
        case .hadamard(let a, let b):
            return restrict(try operand(a, out) * operand(b, out), out)
        case .hadamardDivide(let a, let b):
            return restrict(try operand(a, out) * operand(b, out).applying(.power(-1)), out)
        case .doubleDot(let a, let b, let k):
            let ca = Array(a.shape.suffix(k)).map { fresh("c", $0) }
            let na = a.shape.count - k
            let pa = try lower(a, Array(out.prefix(na)) + ca)
            let pb = try lower(b, ca + Array(out.dropFirst(na)))
            return restrict(pa * pb, out)
        case .power(let x, let p):
            return try lower(x, []).applying(.power(p))
        case .matrixPower(let a, let n):
            return try matrixPower(a, n, out)
        case .entrywisePower(let x, let p):
            return try lower(x, out).applying(.power(p))
        case .transpose(let x):
            let (r, c) = rowCol(e.shape, out)
            return restrict(try lowerView(x, row: c, col: r), out)
        case .indexed, .delta, .reshapeDelta, .term:
            return try lowerEinstein(e)
        }
    }

    /// The value of `eye(1)`, `ones(1, 1)`, `zeros(1, 1)` (any constant whose axes all have size
    /// 1): a 1×1 constant is a scalar wherever a scalar fits, so it is lowered as one.
    func unitConstant(_ e: TypedExpr) -> Double? {
        guard e.shape.allSatisfy({ dims.isOne($0) }) else { return nil }
        switch e.kind {
        case .eye, .ones: return 1
        case .zeros: return 0
        default: return nil
        }
    }

    /// Lowers a node whose recorded shape has more axes than `out`: its shape was computed before
    /// unification found some of its dimensions to be 1 (`x'*x'*x'*x` makes x of length 1 after the
    /// first factor). The axes of length 1 get indices of their own, summed over one value.
    func lowerReconciled(_ e: TypedExpr, _ out: [Index]) throws -> IndexExpr {
        let long = e.shape.filter { !dims.isOne($0) }
        guard out.count < e.shape.count, long.count <= out.count else {
            throw RicciError(.shape, "internal: a shape of \(e.shape.count) axes lowered with \(out.count) indices", at: e.location)
        }
        var rest = out[...]
        var full: [Index] = []
        var ones = e.shape.count - out.count
        for d in e.shape {
            if dims.isOne(d) && ones > 0 && (rest.count < e.shape.count - full.count || rest.isEmpty) {
                ones -= 1
                full.append(fresh("u", d))
            } else if let i = rest.popFirst() {
                full.append(i)
            } else {
                full.append(fresh("u", d))
            }
        }
        return restrict(try lower(e, full), out)
    }

    /// An operand of an entrywise operation: scalars are not indexed.
    func operand(_ x: TypedExpr, _ out: [Index]) throws -> IndexExpr {
        x.shape.isEmpty && !out.isEmpty ? try lower(x, []) : try lower(x, out)
    }

    func isEinstein(_ e: TypedExpr) -> Bool {
        switch e.kind {
        case .indexed, .delta, .reshapeDelta, .term: return true
        default: return false
        }
    }

    func idx(_ name: String) -> Index { named[name] ?? fresh(name, program.dims.fixed(1)) }

    /// Einstein-notation nodes: their indices are the user's names.
    func lowerEinstein(_ e: TypedExpr) throws -> IndexExpr {
        let free = e.free.map(idx)
        switch e.kind {
        case .indexed(let base, let names):
            return IndexExpr(free: free, terms: try lower(base, names.map(idx)).terms)
        case .delta(let i, let j):
            return IndexExpr(free: free, terms: [Term(1, [.delta(idx(i), idx(j))])])
        case .reshapeDelta(let c, let i, let j):
            return IndexExpr(free: free, terms: [Term(1, [.reshape(idx(c), idx(i), idx(j))])])
        case .term(let c, let factors):
            var acc = IndexExpr.constant(c)
            for f in factors {
                let v = try lower(f.expr, [])
                acc = acc * (f.inverted ? v.applying(.power(-1)) : v)
            }
            // Indices summed in this term are local to it. The same name may be free elsewhere in the
            // statement (`A[i, j] + x[i]*y[j]*B[i, j]` where the second term is a broadcast scalar), so
            // the summed ones get fresh indices of their own.
            var local: [Index: Index] = [:]
            for n in e.summed {
                let i = idx(n)
                if !free.contains(i) { local[i] = fresh(n, i.dim) }
            }
            let term = restrict(acc, free)
            return local.isEmpty ? term : term.renamed(local)
        case .sum(let terms):
            var all: [Term] = []
            for t in terms {
                var v = try lower(t.expr, [])
                if v.free.isEmpty && !free.isEmpty { v = broadcast(v, free) }
                all += (t.negated ? v.scaled(-1) : v).terms
            }
            return IndexExpr(free: free, terms: all)
        case .negate(let x):
            return try lower(x, []).scaled(-1)
        case .entrywise(let f, let d, let x):
            return try lower(x, []).applying(.builtin(f, derivative: d))
        case .userEntrywise(let f, let d, let x):
            return try lower(x, []).applying(.user(f, derivative: d))
        case .power(let x, let p), .entrywisePower(let x, let p):
            return try lower(x, []).applying(.power(p))
        default:
            throw RicciError(.index, "internal: cannot lower this indexed expression", at: e.location)
        }
    }

    func reduction(_ r: Reduction, _ x: TypedExpr) throws -> IndexExpr {
        let ax = freshAxes(x.shape, "s")
        switch r {
        case .sum:
            return IndexExpr(free: [], terms: try lower(x, ax).terms)
        case .tr:
            guard x.shape.count == 2 else { return IndexExpr(free: [], terms: try lower(x, ax).terms) }
            let v = try lower(x, ax)
            return IndexExpr(free: [], terms: (v * IndexExpr(free: ax, terms: [Term(1, [.delta(ax[0], ax[1])])])).terms)
        case .norm2, .normF:
            // √(Σ x²): x is lowered once, so a derivative does not see two copies of it
            let sq = try lower(x, ax).applying(.power(2))
            return IndexExpr(free: [], terms: sq.terms).applying(.builtin(.sqrt, derivative: 0))
        case .norm1:
            return IndexExpr(free: [], terms: try lower(x, ax).applying(.builtin(.abs, derivative: 0)).terms)
        case .logsumexp:
            let s = IndexExpr(free: [], terms: try lower(x, ax).applying(.builtin(.exp, derivative: 0)).terms)
            return s.applying(.builtin(.log, derivative: 0))
        }
    }
}

extension IndexExpr {
    /// Renames indices everywhere (free and bound) by `map`.
    public func renamed(_ map: [Index: Index]) -> IndexExpr {
        func r(_ i: Index) -> Index { map[i] ?? i }
        func rf(_ f: Factor) -> Factor {
            switch f {
            case .tensor(let n, let ix): return .tensor(n, ix.map(r))
            case .delta(let a, let b): return .delta(r(a), r(b))
            case .reshape(let c, let a, let b): return .reshape(r(c), r(a), r(b))
            case .ones(let ix): return .ones(ix.map(r))
            case .function(let g, let arg):
                // an argument renamed onto a diagonal (free [s, i] → [s, s]) is the same value with free [s]
                var a = arg.renamed(map)
                var seen = Set<Index>()
                a.free = a.free.filter { seen.insert($0).inserted }
                return .function(g, a)
            case .opaque(let n, let d, let arg, let ix): return .opaque(n, derivative: d, arg: arg, indices: ix.map(r))
            case .matrix(let m, let args, let ix): return .matrix(m, args: args, indices: ix.map(r))
            }
        }
        return IndexExpr(free: free.map(r), terms: terms.map { Term($0.coefficient, $0.factors.map(rf)) })
    }
}
