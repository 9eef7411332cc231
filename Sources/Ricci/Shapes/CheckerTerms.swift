/// Sums, product chains and Einstein terms: where free and summed indices are decided.
extension TypeChecker {
    /// Checks an expression in a term position of the given level.
    func check(_ e: Expr, _ level: Level) throws -> TypedExpr {
        if case .sum(let terms) = e.kind { return try checkSum(terms, level, at: e.location) }
        return try checkTerm(e, level)
    }

    func checkSum(_ terms: [SignedTerm], _ level: Level, at loc: SourceLocation) throws -> TypedExpr {
        var typed: [TypedTerm] = []
        typed.reserveCapacity(terms.count)
        var shape: [DimVar] = []
        var free: [String]? = nil
        var firstIndexed: TypedExpr? = nil
        var firstShaped: TypedExpr? = nil
        for t in terms {
            let x = try checkTerm(t.expr, level)
            typed.append(TypedTerm(negated: t.negated, expr: x))
            if x.isIndexed {
                if let f = free, Set(f) != Set(x.free), let first = firstIndexed {
                    throw RicciError(.index, "the terms of a sum must have the same free indices: \(Self.list(first.free)) "
                        + "in one term, \(Self.list(x.free)) in another", at: t.expr.location)
                }
                free = x.free
                firstIndexed = x
            }
            if !isScalar(x.shape) {
                if let first = firstShaped {
                    try unifyShapes(first.shape, x.shape, what: "cannot add \(dims.describe(first.shape)) and \(dims.describe(x.shape))",
                                    left: "one term", right: "another", at: t.expr.location)
                } else {
                    firstShaped = x
                    shape = x.shape
                }
            }
        }
        if let ix = firstIndexed, let m = firstShaped {
            throw RicciError(.index, "cannot add the indexed entry \(Self.list(ix.free)) and \(dims.describe(m.shape)); index the matrix too",
                             at: m.location)
        }
        var out = TypedExpr(.sum(typed), shape: shape, at: loc)
        out.free = free ?? []
        return out
    }

    static func list(_ idx: [String]) -> String { idx.isEmpty ? "(none)" : idx.joined(separator: ", ") }

    /// One raw factor of a product chain and the operator that joins it to the factors before it.
    struct RawFactor {
        var op: Expr.BinaryOp
        var expr: Expr
        var location: SourceLocation
    }

    /// Flattens the left spine of a chain of `* / .* ./ :` and leading negations.
    func flatten(_ e: Expr) -> (negated: Bool, factors: [RawFactor]) {
        var negated = false
        var spine: [RawFactor] = []
        var cur = e
        while true {
            switch cur.kind {
            case .binary(let op, let a, let b) where op != .power && op != .entrywisePower:
                spine.append(RawFactor(op: op, expr: b, location: cur.location))
                cur = a
                continue
            case .negate(let inner):
                negated.toggle()
                cur = inner
                continue
            default:
                spine.append(RawFactor(op: .product, expr: cur, location: cur.location))
            }
            break
        }
        return (negated, spine.reversed())
    }

    /// Checks a product chain; if any factor carries indices the chain is an Einstein term.
    func checkTerm(_ e: Expr, _ level: Level) throws -> TypedExpr {
        let (negated, raw) = flatten(e)
        var factors: [TypedExpr] = []
        factors.reserveCapacity(raw.count)
        for f in raw { factors.append(try checkFactor(f.expr)) }
        let indexed = factors.contains { $0.isIndexed || Self.occurrences($0).count > 0 }
        if !indexed {
            var acc = factors[0]
            var text = raw[0].expr.render(2)
            for k in 1..<max(1, factors.count) {
                let rt = raw[k].expr.render(3)
                acc = try binary(raw[k].op, acc, factors[k], at: raw[k].location, lhsText: text, rhsText: rt)
                text += (raw[k].op == .doubleDot ? " : " : raw[k].op.rawValue) + rt
            }
            return negated ? TypedExpr(.negate(acc), shape: acc.shape, at: e.location) : acc
        }
        var tf: [TypedFactor] = []
        for (k, f) in factors.enumerated() {
            let op = raw[k].op
            guard op != .doubleDot else {
                throw RicciError(.index, "':' joins matrices and tensors, not indexed entries; write the sum with indices", at: raw[k].expr.location)
            }
            guard isScalar(f.shape) else {
                throw RicciError(.index, "cannot multiply indexed entries by \(raw[k].expr.text), which is \(dims.describe(f.shape)); index it too",
                                 at: raw[k].expr.location)
            }
            tf.append(TypedFactor(inverted: op == .divide || op == .hadamardDivide, expr: f))
        }
        var out = TypedExpr(.term(coefficient: negated ? -1 : 1, factors: tf), shape: [], at: e.location)
        try decideIndices(&out, tf.map(\.expr), level, at: e.location)
        return out
    }

    /// Index occurrences a factor contributes to its term (repeated indices of one access count twice).
    static func occurrences(_ f: TypedExpr) -> [String] {
        switch f.kind {
        case .indexed(_, let idx): return idx
        case .delta(let i, let j): return [i, j]
        case .reshapeDelta(let c, let i, let j): return [c, i, j]
        default: return f.free
        }
    }

    /// Sets `free` and `summed` of a term by the rules of SYNTAX.md section 3.
    func decideIndices(_ t: inout TypedExpr, _ factors: [TypedExpr], _ level: Level, at loc: SourceLocation) throws {
        var count: [String: Int] = [:]
        var order: [String] = []
        var thirdAt: [String: SourceLocation] = [:]   // where an index first appears a third time
        for f in factors {
            for i in Self.occurrences(f) {
                if count[i] == nil { order.append(i) }
                count[i, default: 0] += 1
                if count[i] == 3 { thirdAt[i] = f.location }
            }
        }
        let lhs = Set(leftSide ?? [])
        switch (level, leftSide) {
        case (.top, .some(let left)):
            t.free = left.filter { count[$0] != nil }
            t.summed = order.filter { !lhs.contains($0) }
        case (.top, nil):
            if let bad = order.first(where: { count[$0]! > 2 }) {
                throw RicciError(.index, "index \(bad) appears \(count[bad]!) times in one term; without an indexed left side "
                    + "an index appears once (free) or twice (summed) — write a left side such as Y[\(bad)] = ...", at: thirdAt[bad] ?? loc)
            }
            t.free = order.filter { count[$0] == 1 }.sorted()
            t.summed = order.filter { count[$0] == 2 }
        case (.nested, _):
            t.free = order.filter { count[$0] == 1 || lhs.contains($0) }.sorted()
            t.summed = order.filter { count[$0]! > 1 && !lhs.contains($0) }
        }
    }

    // MARK: - Einstein entries

    /// `base[i, j, ...]`: one index per axis; each index's range unifies with the axis.
    func checkIndex(_ base: Expr, _ idx: [IndexName], at loc: SourceLocation) throws -> TypedExpr {
        let b = try check(base, .nested)
        guard !b.isIndexed else {
            throw RicciError(.index, "\(base.text) is already an indexed entry", at: loc)
        }
        guard idx.count == b.shape.count else {
            throw RicciError(.index, "\(base.text) is \(dims.describe(b.shape)) and takes \(b.shape.count) "
                + "ind\(b.shape.count == 1 ? "ex" : "ices"), found \(idx.count)", at: loc)
        }
        for (k, i) in idx.enumerated() { try bindIndex(i, to: b.shape[k], what: "axis \(k + 1) of \(base.text)") }
        var out = TypedExpr(.indexed(b, idx.map(\.name)), shape: [], at: loc)
        out.free = Array(Set(idx.map(\.name))).sorted()
        return out
    }

    func bindIndex(_ i: IndexName, to d: DimVar, what: String) throws {
        if let old = indexDims[i.name] {
            guard dims.unify(old, d) else {
                throw RicciError(.index, "index \(i.name) ranges over \(dims.resolve(old)) elsewhere but over \(dims.resolve(d)) as \(what)",
                                 at: i.location)
            }
        } else {
            indexDims[i.name] = d
        }
    }

    func checkDelta(_ i: IndexName, _ j: IndexName, at loc: SourceLocation) throws -> TypedExpr {
        let d = indexDims[i.name] ?? indexDims[j.name] ?? dims.fresh("\(i.name)_d")
        try bindIndex(i, to: d, what: "the first index of delta")
        try bindIndex(j, to: d, what: "the second index of delta")
        var out = TypedExpr(.delta(i.name, j.name), shape: [], at: loc)
        out.free = Array(Set([i.name, j.name])).sorted()
        return out
    }

    /// `delta[I, i, j]`, the reshaping delta: the ranges satisfy dim(I) = dim(i)·dim(j). The product is
    /// a dimension of the table, sized at evaluation and checked there in both directions; a range of I
    /// known in any order (from `v[I]` or `vec(A)[I]`) unifies with it. Integers that cannot agree are
    /// an error after checking (``DimTable/settleProducts()``), sizes that cannot agree an error when
    /// they are chosen; a declared name joins the product and is sized as it.
    func checkReshapeDelta(_ c: IndexName, _ i: IndexName, _ j: IndexName, at loc: SourceLocation) throws -> TypedExpr {
        let text = "delta[\(c.name), \(i.name), \(j.name)]"
        try bindIndex(i, to: indexDims[i.name] ?? dims.fresh("\(i.name)_d"), what: "the second index of \(text)")
        try bindIndex(j, to: indexDims[j.name] ?? dims.fresh("\(j.name)_d"), what: "the third index of \(text)")
        guard let di = indexDims[i.name], let dj = indexDims[j.name] else {
            throw RicciError(.index, "internal: the indices of \(text) have no range", at: loc)
        }
        // a relation even for integer ranges: a declared range of I is then sized as the product
        let p = dims.relation(di, dj, what: text, at: loc)
        if let dc = indexDims[c.name] {
            // the product joins the known range (not the reverse), so a plain name stays its representative
            guard dims.unify(p, dc) else {
                var product = "\(dims.resolve(di))·\(dims.resolve(dj))"
                if case .fixed(let n) = dims.resolve(p) { product += " = \(n)" }
                throw RicciError(.index, "\(text) needs dim(\(c.name)) = dim(\(i.name))·dim(\(j.name)) = \(product), "
                    + "but \(c.name) ranges over \(dims.resolve(dc)) elsewhere", at: c.location)
            }
        } else {
            indexDims[c.name] = p
        }
        var out = TypedExpr(.reshapeDelta(c.name, i.name, j.name), shape: [], at: loc)
        out.free = Array(Set([c.name, i.name, j.name])).sorted()
        return out
    }
}
