/// One step of a matrix chain along an edge: a matrix, or the diagonal matrix `Diag(v)` of a vector
/// that hung on a vertex the chain passed through.
enum Link: Hashable {
    case mat(MatrixExpr)
    case diag(MatrixExpr)
}

/// An edge of the term graph: a matrix chain with rows over `from` and columns over `to`.
struct Edge {
    var from: Index
    var to: Index
    var links: [Link]

    func other(_ v: Index) -> Index { from == v ? to : from }
}

/// A product term read as a graph (DESIGN.md, "Raising back to matrix notation"): indices are
/// vertices, order-2 pieces are edges, vectors hang on vertices, scalars are set aside.
///
/// Vertices are numbered densely in order of first appearance, and the incidence lists and the
/// groups of parallel edges are kept up to date by every change, so one reduction step costs time
/// linear in the vertices (not their product with the edges).
struct RaisingGraph {
    let free: [Index]
    /// The vertices by number (removed ones too: see `alive`).
    private var index: [Index] = []
    private var number: [Index: Int] = [:]
    private var alive: [Bool] = []
    private var isFreeVertex: [Bool] = []
    /// The ids of the edges at each vertex, by number, oldest first (ids only grow, so appending
    /// keeps the order).
    private var incidence: [[Int]] = []
    private var aliveCount = 0
    var vectors: [Index: [MatrixExpr]] = [:]
    /// The edges by id; change them through ``addEdge(_:_:_:)``, ``replaceEdge(_:with:)`` and
    /// ``removeEdge(_:)`` so that the incidence lists stay right.
    private(set) var edges: [Int: Edge] = [:]
    /// The edges between each unordered pair of vertex numbers, oldest first, and the pairs with more
    /// than one edge.
    private var between: [Pair: [Int]] = [:]
    private var parallel: Set<Pair> = []
    private var nextEdge = 0
    var scalars: [MatrixExpr] = []

    private struct Pair: Hashable {
        let a: Int, b: Int
        init(_ x: Int, _ y: Int) { (a, b) = x <= y ? (x, y) : (y, x) }
    }

    init(free: [Index]) {
        self.free = free
        for i in free { addVertex(i) }
    }

    func isFree(_ v: Index) -> Bool { free.contains(v) }

    /// The vertices that are still in the graph, in order of first appearance.
    var vertices: [Index] { index.indices.filter { alive[$0] }.map { index[$0] } }

    /// How many vertices are still in the graph.
    var vertexCount: Int { aliveCount }

    mutating func addVertex(_ v: Index) {
        if let n = number[v] {
            if !alive[n] { alive[n] = true; aliveCount += 1 }
            return
        }
        number[v] = index.count
        index.append(v)
        alive.append(true)
        isFreeVertex.append(free.contains(v))
        incidence.append([])
        aliveCount += 1
    }

    mutating func removeVertex(_ v: Index) {
        guard let n = number[v], alive[n] else { return }
        alive[n] = false
        aliveCount -= 1
        vectors[v] = nil
    }

    /// Adds a piece: a scalar, a vector on its vertex (`ones` only registers the vertex), or an edge.
    mutating func add(_ p: Piece) {
        switch p.indices.count {
        case 0: scalars.append(p.expr)
        case 1:
            addVertex(p.indices[0])
            if case .ones = p.expr { return }
            vectors[p.indices[0], default: []].append(p.expr)
        default:
            addEdge(p.indices[0], p.indices[1], [.mat(p.expr)])
        }
    }

    mutating func addEdge(_ a: Index, _ b: Index, _ links: [Link]) {
        addVertex(a)
        addVertex(b)
        let id = nextEdge
        nextEdge += 1
        edges[id] = Edge(from: a, to: b, links: links)
        guard let na = number[a], let nb = number[b] else { return }
        incidence[na].append(id)
        if nb != na { incidence[nb].append(id) }
        let pair = Pair(na, nb)
        between[pair, default: []].append(id)
        if between[pair, default: []].count > 1 { parallel.insert(pair) }
    }

    /// Replaces an edge's chain, keeping its id and its ends.
    mutating func replaceEdge(_ id: Int, with links: [Link]) {
        edges[id]?.links = links
    }

    mutating func removeEdge(_ id: Int) {
        guard let e = edges.removeValue(forKey: id), let na = number[e.from], let nb = number[e.to] else { return }
        incidence[na].removeAll { $0 == id }
        if nb != na { incidence[nb].removeAll { $0 == id } }
        let pair = Pair(na, nb)
        between[pair]?.removeAll { $0 == id }
        if (between[pair]?.count ?? 0) < 2 { parallel.remove(pair) }
        if between[pair]?.isEmpty ?? false { between[pair] = nil }
    }

    /// The ids of the edges at a vertex, oldest first.
    func incident(_ v: Index) -> [Int] { number[v].map { incidence[$0] } ?? [] }

    /// The summed vertices still in the graph with `degree` edges, the latest first (or the oldest
    /// first with `latestFirst: false`).
    func summedVertices(degree: Int, latestFirst: Bool = true) -> some Sequence<Index> {
        let n = index.count
        return (0..<n).lazy.map { latestFirst ? n - 1 - $0 : $0 }
            .filter { alive[$0] && !isFreeVertex[$0] && incidence[$0].count == degree }
            .map { index[$0] }
    }

    /// The first pair of parallel edges (between the same two vertices): the oldest edge that has a
    /// parallel one, and its oldest parallel edge.
    func firstParallelPair() -> (Int, Int)? {
        var best: (Int, Int)?
        for pair in parallel {
            guard let ids = between[pair], ids.count > 1 else { continue }
            if best.map({ ids[0] < $0.0 }) ?? true { best = (ids[0], ids[1]) }
        }
        return best
    }

    /// The vectors hanging on a vertex.
    func hanging(_ v: Index) -> [MatrixExpr] { vectors[v] ?? [] }
}

extension RaisingContext {
    /// An edge's chain read from `v` to its other end (walked backwards it is transposed).
    func links(_ e: Edge, from v: Index) -> [Link] {
        if e.from == v { return e.links }
        return e.links.reversed().map { l in
            if case .mat(let m) = l { return .mat(transpose(m)) }
            return l
        }
    }

    /// `m'` with a product kept whole (`(B*C)'`), so that a Hadamard product with it can read as a trace.
    func wholeTranspose(_ m: MatrixExpr) -> MatrixExpr {
        guard case .product(let xs) = m, xs.filter({ !isScalar($0) }).count > 1 else { return transpose(m) }
        let t = MatrixExpr.transpose(m)
        if let s = shape(m) { note(t, s.transposed) }
        return t
    }

    /// Reduces the graph until no rule applies: series (a summed vertex between two edges becomes one
    /// edge), parallel (two edges between the same vertices become their Hadamard product), leaves (a
    /// summed vertex at the end of one edge becomes a vector on its neighbor), isolated summed vertices
    /// (a scalar). Returns false when some step could not be written (a dimension without a name).
    func reduce(_ g: inout RaisingGraph) -> Bool {
        var budget = 4 * (g.vertexCount + g.edges.count) + 8
        while budget > 0 {
            budget -= 1
            guard WorkBudget.spend(.raising, g.vertexCount + g.edges.count + 1) else { return false }
            guard let progressed = step(&g) else { return false }
            if !progressed { return true }
        }
        return false
    }

    private func step(_ g: inout RaisingGraph) -> Bool? {
        // Each rule finds its vertex first and changes the graph after: a change while the lazy
        // search still holds the graph would copy all of it.
        // series, the latest index first (so a trace reads tr(A*B*C) in the order it was written)
        let series = g.summedVertices(degree: 2).first { v in
            let inc = g.incident(v)
            guard let e1 = g.edges[inc[0]], let e2 = g.edges[inc[1]] else { return false }
            return e1.other(v) != e2.other(v)
        }
        if let v = series {
            let inc = g.incident(v)
            guard let e1 = g.edges[inc[0]], let e2 = g.edges[inc[1]] else { return nil }
            let a = e1.other(v), b = e2.other(v)
            var chain = links(e1, from: a)
            let hang = g.hanging(v)
            if !hang.isEmpty { chain.append(.diag(hangingProduct(hang))) }
            chain += links(e2, from: v)
            g.removeEdge(inc[0])
            g.removeEdge(inc[1])
            g.removeVertex(v)
            g.addEdge(a, b, chain)
            return true
        }
        // parallel
        if let (i, j) = g.firstParallelPair(), let e1 = g.edges[i], let e2 = g.edges[j] {
            let second = e2.from == e1.from ? chainExpr(e2.links) : wholeTranspose(chainExpr(e2.links))
            let merged = hadamard([chainExpr(e1.links), second])
            g.removeEdge(j)
            g.replaceEdge(i, with: [.mat(merged)])
            return true
        }
        // leaves, the latest index first (so a scalar chain reads x'*A*y in the order it was written)
        let leaf = g.summedVertices(degree: 1).first { v in
            guard let e = g.edges[g.incident(v)[0]] else { return false }
            let a = e.other(v)
            return g.isFree(a) || g.incident(a).count != 1   // a lone edge: read as a scalar later
        }
        if let v = leaf {
            let id = g.incident(v)[0]
            guard let e = g.edges[id] else { return nil }
            let a = e.other(v)
            guard let vec = applyChain(links(e, from: a), to: g.hanging(v), over: v.dim) else { return nil }
            g.removeEdge(id)
            g.removeVertex(v)
            g.vectors[a, default: []].append(vec)
            return true
        }
        // isolated summed vertices
        if let v = g.summedVertices(degree: 0, latestFirst: false).first(where: { _ in true }) {
            guard let s = vertexScalar(g.hanging(v), over: v.dim) else { return nil }
            g.scalars.append(s)
            g.removeVertex(v)
            return true
        }
        return false
    }
}
