/// Raises the index form back to matrix notation (DESIGN.md, "Raising back to matrix notation").
///
/// Each term is read as a graph whose vertices are indices and whose edges are matrices; series
/// vertices become matrix products, parallel edges Hadamard products, hanging vectors `Diag(v)` or
/// Hadamard factors, cycles traces, separate components outer products or scalar factors. Order-3
/// and order-4 factors are written with the double-dot product `M : F'(U)` when the rest of the term
/// contracts their leading (or trailing) axes.
///
/// The raiser never guesses: when a term has no certain matrix form (a general cycle, a vertex shared
/// by three matrices, a reshaping delta, an order-3 result outside the known patterns) the result is nil.
public struct Raiser {
    /// The dimensions of the program the index form came from (for `eye(n)` and `ones(n)`).
    public let dims: DimTable

    /// What is known of the structure of the program's names (`S'` is written `S` for a symmetric S).
    public var structure: StructureFacts

    /// A raiser for index forms over the dimensions of `dims`.
    public init(dims: DimTable, structure: StructureFacts = StructureFacts()) {
        self.dims = dims
        self.structure = structure
    }

    /// The structure known of `e` (order ≤ 2) through its matrix form: empty when it has none.
    public func structure(of e: IndexExpr) -> Set<Structure> {
        guard !structure.isEmpty, e.free.count <= 2 else { return [] }
        let ctx = RaisingContext(dims: dims)
        ctx.structure = structure
        guard let m = ctx.raiseExpr(e).map({ ctx.polish($0) }) else { return [] }
        let node = StructureNode(m, isScalar: ctx.isScalar)
        return Set(Structure.allCases.filter { structure.has($0, node) })
    }

    /// The matrix form of `e`, whose free indices are the result's axes in order: order 0 → a scalar;
    /// order 1 → a column vector over free[0]; order 2 → a matrix with rows free[0] and columns free[1];
    /// order 3/4 only for known patterns (an opaque Jacobian alone `F'(W)`, `M : F'(U)`, ...).
    /// nil when no matrix form is certain — never a wrong one.
    public func raise(_ e: IndexExpr) -> MatrixExpr? {
        let ctx = RaisingContext(dims: dims)
        ctx.structure = structure
        return ctx.raiseExpr(e).map { ctx.polish($0) }
    }
}

/// A raised term, and the scalar it broadcasts when it is nothing but a scalar times `ones`.
struct RaisedTerm {
    var expr: MatrixExpr
    var broadcast: MatrixExpr?
}

extension RaisingContext {
    /// A sum of raised terms (terms that only broadcast a scalar are written as that scalar when
    /// another term carries the shape, as in `1 - tanh(U).^2`).
    func raiseExpr(_ e: IndexExpr) -> MatrixExpr? {
        guard depth < Self.maxDepth, Set(e.free).count == e.free.count else { return nil }
        depth += 1
        defer { depth -= 1 }
        var raised: [RaisedTerm] = []
        for t in e.terms where t.coefficient != 0 {
            guard t.coefficient.isFinite, let r = raiseFactors(eliminateDeltas(t.factors, free: e.free), extra: [],
                                                               coefficient: t.coefficient, free: e.free) else { return nil }
            raised.append(r)
        }
        if raised.isEmpty { return zero(e.free) }
        let shaped = !e.free.isEmpty && raised.contains { $0.broadcast == nil }
        var s = sum(raised.map { shaped ? ($0.broadcast ?? $0.expr) : $0.expr })
        if e.free.count <= 2 && !shape(over: e.free).isScalar && (s == .number(0) || shape(s)?.isScalar == true) {
            // the shaped terms cancelled (B + (1 - B) is 1): broadcast what is left to the shape of `free`
            guard s != .number(0) else { return zero(e.free) }
            guard let o = onesOver(e.free) else { return nil }
            s = product([s, o])
        }
        if e.free.count <= 2 { note(s, shape(over: e.free)) }
        return s
    }

    /// `ones(n)` or `ones(r, c)` over free indices.
    func onesOver(_ free: [Index]) -> MatrixExpr? {
        if free.count == 1 { return onesVector(free[0].dim) }
        guard free.count == 2, let r = printable(free[0].dim), let c = printable(free[1].dim) else { return nil }
        return note(.ones([r, c]), shape(over: free))
    }

    /// Zero of the shape of `free`.
    func zero(_ free: [Index]) -> MatrixExpr? {
        switch free.count {
        case 0: return .number(0)
        case 1: return onesVector(free[0].dim).map { .product([.number(0), $0]) }
        case 2:
            guard let r = printable(free[0].dim), let c = printable(free[1].dim) else { return nil }
            return note(.zeros([r, c]), shape(over: free))
        default: return nil
        }
    }

    /// One product term: order-3+ factors through the double-dot patterns, the rest through the graph.
    func raiseFactors(_ factors: [Factor], extra: [Piece], coefficient: Double, free: [Index]) -> RaisedTerm? {
        if factors.contains(where: { if case .reshape = $0 { return true } else { return false } }) {
            return raiseUnvec(factors, coefficient: coefficient, free: free)
        }
        if let k = factors.firstIndex(where: isBig) {
            return raiseWithBig(factors, at: k, extra: extra, coefficient: coefficient, free: free)
        }
        guard free.count <= 2 else { return nil }
        var g = RaisingGraph(free: free)
        extra.forEach { g.add($0) }
        for f in factors {
            guard let ps = pieces(f) else { return nil }
            ps.forEach { g.add($0) }
        }
        return assemble(&g, coefficient: coefficient)
    }

    /// Reduces the graph and multiplies its scalars, its lone scalar edges and its free part.
    func assemble(_ g: inout RaisingGraph, coefficient: Double) -> RaisedTerm? {
        guard reduce(&g) else { return nil }
        // lone edges between two summed vertices are scalars
        for (id, e) in g.edges.sorted(by: { $0.key < $1.key }) where !g.isFree(e.from) && !g.isFree(e.to) {
            guard g.incident(e.from).count == 1, g.incident(e.to).count == 1,
                  let s = edgeScalar(g.hanging(e.from), e.links, g.hanging(e.to), from: e.from, to: e.to) else { return nil }
            g.scalars.append(s)
            g.removeEdge(id)
            g.removeVertex(e.from)
            g.removeVertex(e.to)
        }
        guard g.vertices.allSatisfy(g.isFree), let (main, isBroadcast) = freePart(g) else { return nil }
        let scalars = [MatrixExpr.number(coefficient)] + g.scalars
        var expr: MatrixExpr
        if let m = main {
            if case .doubleDot(let a, let b) = m, coefficient != 1 || !g.scalars.isEmpty {
                expr = .doubleDot(product(scalars + [a]), b)   // 2*A : G, as the double-dot derivation writes it
            } else {
                expr = product(scalars + [m])
            }
        } else {
            expr = product(scalars)
        }
        return RaisedTerm(expr: expr, broadcast: isBroadcast ? product(scalars) : nil)
    }

    /// What the free vertices make: nothing (a scalar term), a vector, a matrix chain between the two
    /// free indices, or an outer product; and whether it is only a broadcast of ones.
    func freePart(_ g: RaisingGraph) -> (MatrixExpr?, Bool)? {
        let f = g.free
        switch f.count {
        case 0:
            return g.edges.isEmpty ? (nil, false) : nil
        case 1:
            guard g.edges.isEmpty, let v = vertexVector(g.hanging(f[0]), over: f[0].dim) else { return nil }
            return (v, g.hanging(f[0]).isEmpty)
        case 2:
            let u = g.hanging(f[0]), v = g.hanging(f[1])
            if g.edges.isEmpty {
                return outerOfVertices(u, f[0], v, f[1]).map { ($0, u.isEmpty && v.isEmpty) }
            }
            guard g.edges.count == 1, let e = g.edges.values.first else { return nil }
            var chain = links(e, from: f[0])
            if !u.isEmpty { chain.insert(.diag(hangingProduct(u)), at: 0) }
            if !v.isEmpty { chain.append(.diag(hangingProduct(v))) }
            let m = chainExpr(chain)
            note(m, RaisedShape(rows: axis(f[0].dim), cols: axis(f[1].dim)))
            return (m, false)
        default:
            return nil
        }
    }
}
