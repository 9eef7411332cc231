import Ricci

/// A graph node with the Einstein index names of its axes (empty for matrix-notation values).
struct LabeledNode {
    var node: Int
    var labels: [String] = []
}

/// Einstein notation: each product term becomes one einsum node (planned later by the contraction
/// planner), sums align their terms' axes, entrywise functions keep their labels.
extension PlanGraphBuilder {
    static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    func labelShape(_ labels: [String], at loc: SourceLocation) throws -> (sizes: [Int], dims: [PlanDim]) {
        var ds: [DimVar] = []
        for l in labels {
            guard let d = indexDims[l] else { throw RicciError(.index, "index \(l) has no range", at: loc) }
            ds.append(d)
        }
        return (ds.map(size), dims(ds))
    }

    /// `einsum` of labeled operands to the `output` labels.
    mutating func contract(_ ops: [LabeledNode], to output: [String], _ g: inout PlanGraph, at loc: SourceLocation) throws -> Int {
        var letter: [String: Character] = [:]
        func code(_ l: String) throws -> Character {
            if let c = letter[l] { return c }
            guard letter.count < Self.letters.count else {
                throw RicciError(.index, "a term uses more than \(Self.letters.count) indices", at: loc)
            }
            let c = Self.letters[letter.count]
            letter[l] = c
            return c
        }
        var parts: [String] = []
        for o in ops { parts.append(String(try o.labels.map(code))) }
        let out = String(try output.map(code))
        let (sizes, ds) = try labelShape(output, at: loc)
        return g.add(.einsum(parts.joined(separator: ",") + "->" + out, ops.map(\.node)), sizes: sizes, dims: ds)
    }

    /// The node with its axes in the order of `labels` (an einsum transposition when they differ).
    mutating func permute(_ v: LabeledNode, to labels: [String], _ g: inout PlanGraph) throws -> Int {
        if v.labels == labels { return v.node }
        if v.labels.isEmpty {
            guard labels.isEmpty else { throw RicciError(.index, "internal: a scalar where indices \(labels) were expected") }
            return v.node
        }
        return try contract([v], to: labels, &g, at: .unknown)
    }

    mutating func einstein(_ e: TypedExpr, _ g: inout PlanGraph) throws -> LabeledNode {
        switch e.kind {
        case .indexed(let base, let names):
            return LabeledNode(node: try node(base, &g), labels: names)
        case .delta(let i, let j):
            let (sizes, ds) = try labelShape([i, j], at: e.location)
            return LabeledNode(node: g.add(.fill(.identity), sizes: sizes, dims: ds), labels: [i, j])
        case .reshapeDelta(let c, let i, let j):
            let parts = try reshapeDeltaParts(c, i, j, &g, at: e.location)
            return LabeledNode(node: try contract(parts, to: [c, i, j], &g, at: e.location), labels: [c, i, j])
        case .term(let coefficient, let factors):
            var scalars: [Int] = []
            var ops: [LabeledNode] = []
            for f in factors {
                if !f.inverted, case .reshapeDelta(let c, let i, let j) = f.expr.kind {
                    ops += try reshapeDeltaParts(c, i, j, &g, at: f.expr.location)
                    continue
                }
                var v = try einstein(f.expr, &g)
                if f.inverted { v.node = g.add(.power(v.node, -1), sizes: g[v.node].sizes, dims: g[v.node].dims) }
                if v.labels.isEmpty {
                    guard g[v.node].count == 1 else { throw RicciError(.index, "internal: unlabeled factor", at: f.expr.location) }
                    scalars.append(g[v.node].sizes.isEmpty ? v.node : g.add(.reshape(v.node), sizes: [], dims: []))
                } else {
                    ops.append(v)
                }
            }
            var id: Int
            if ops.isEmpty {
                id = g.add(.constant(coefficient), sizes: [], dims: [])
                for s in scalars { id = g.add(.scale(s, id), sizes: [], dims: []) }
                return LabeledNode(node: id)
            }
            id = try contract(ops, to: e.free, &g, at: e.location)
            let (sizes, ds) = (g[id].sizes, g[id].dims)
            for s in scalars { id = g.add(.scale(s, id), sizes: sizes, dims: ds) }
            if coefficient != 1 { id = g.add(.scale(g.add(.constant(coefficient), sizes: [], dims: []), id), sizes: sizes, dims: ds) }
            return LabeledNode(node: id, labels: e.free)
        case .sum(let terms) where e.isIndexed:
            let (sizes, ds) = try labelShape(e.free, at: e.location)
            var ids: [Int] = [], signs: [Bool] = []
            for t in terms {
                let v = try einstein(t.expr, &g)
                ids.append(try permute(v, to: v.labels.isEmpty ? [] : e.free, &g))
                signs.append(t.negated)
            }
            return LabeledNode(node: g.add(.add(ids, signs), sizes: sizes, dims: ds), labels: e.free)
        case .negate(let x) where e.isIndexed:
            return try mapLabeled(x, &g) { .negate($0) }
        case .entrywise(let f, let d, let x) where e.isIndexed:
            return try mapLabeled(x, &g) { .function(f, d, $0) }
        case .userEntrywise(let f, let d, let x) where e.isIndexed:
            return try mapLabeled(x, &g) { .user(f, d, $0) }
        case .power(let x, let p) where e.isIndexed, .entrywisePower(let x, let p) where e.isIndexed:
            return try mapLabeled(x, &g) { .power($0, p) }
        default:
            return LabeledNode(node: try node(e, &g))
        }
    }

    mutating func mapLabeled(_ x: TypedExpr, _ g: inout PlanGraph, _ op: (Int) -> GraphOp) throws -> LabeledNode {
        let v = try einstein(x, &g)
        return LabeledNode(node: g.add(op(v.node), sizes: g[v.node].sizes, dims: g[v.node].dims), labels: v.labels)
    }

    /// `delta[I, i, j]` as its two factors R[I, i] (I mod m = i) and Q[I, j] (I div m = j).
    mutating func reshapeDeltaParts(_ c: String, _ i: String, _ j: String, _ g: inout PlanGraph,
                                    at loc: SourceLocation) throws -> [LabeledNode] {
        let (cs, cd) = try labelShape([c], at: loc)
        let (isz, idim) = try labelShape([i], at: loc)
        let (jsz, jdim) = try labelShape([j], at: loc)
        let (mn, overflow) = isz[0].multipliedReportingOverflow(by: jsz[0])
        guard !overflow, mn == cs[0] else {
            throw RicciError(.shape, "delta[\(c), \(i), \(j)] needs dim(\(c)) = dim(\(i))·dim(\(j)), but they are \(cs[0]), \(isz[0]) and \(jsz[0])", at: loc)
        }
        let r = g.add(.fill(.reshapeRows), sizes: cs + isz, dims: cd + idim)
        let q = g.add(.fill(.reshapeColumns(m: isz[0])), sizes: cs + jsz, dims: cd + jdim)
        return [LabeledNode(node: r, labels: [c, i]), LabeledNode(node: q, labels: [c, j])]
    }
}
