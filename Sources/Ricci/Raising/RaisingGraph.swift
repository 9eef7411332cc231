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
struct RaisingGraph {
    let free: [Index]
    /// Vertices in order of first appearance.
    private(set) var vertices: [Index] = []
    var vectors: [Index: [MatrixExpr]] = [:]
    var edges: [Int: Edge] = [:]
    private var nextEdge = 0
    var scalars: [MatrixExpr] = []

    init(free: [Index]) {
        self.free = free
        for i in free { addVertex(i) }
    }

    func isFree(_ v: Index) -> Bool { free.contains(v) }

    mutating func addVertex(_ v: Index) {
        if !vertices.contains(v) { vertices.append(v) }
    }

    mutating func removeVertex(_ v: Index) {
        vertices.removeAll { $0 == v }
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
        edges[nextEdge] = Edge(from: a, to: b, links: links)
        nextEdge += 1
    }

    /// The ids of the edges at a vertex, oldest first.
    func incident(_ v: Index) -> [Int] {
        edges.keys.filter { edges[$0].map { $0.from == v || $0.to == v } ?? false }.sorted()
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
        var budget = 4 * (g.vertices.count + g.edges.count) + 8
        while budget > 0 {
            budget -= 1
            guard let progressed = step(&g) else { return false }
            if !progressed { return true }
        }
        return false
    }

    private func step(_ g: inout RaisingGraph) -> Bool? {
        // series, the latest index first (so a trace reads tr(A*B*C) in the order it was written)
        for v in g.vertices.reversed() where !g.isFree(v) {
            let inc = g.incident(v)
            guard inc.count == 2, let e1 = g.edges[inc[0]], let e2 = g.edges[inc[1]] else { continue }
            let a = e1.other(v), b = e2.other(v)
            if a == b { continue }
            var chain = links(e1, from: a)
            let hang = g.hanging(v)
            if !hang.isEmpty { chain.append(.diag(hangingProduct(hang))) }
            chain += links(e2, from: v)
            g.edges[inc[0]] = nil
            g.edges[inc[1]] = nil
            g.removeVertex(v)
            g.addEdge(a, b, chain)
            return true
        }
        // parallel
        let ids = g.edges.keys.sorted()
        for (x, i) in ids.enumerated() {
            guard let e1 = g.edges[i] else { continue }
            for j in ids[(x + 1)...] {
                guard let e2 = g.edges[j], Set([e1.from, e1.to]) == Set([e2.from, e2.to]) else { continue }
                let second = e2.from == e1.from ? chainExpr(e2.links) : wholeTranspose(chainExpr(e2.links))
                let merged = hadamard([chainExpr(e1.links), second])
                g.edges[j] = nil
                g.edges[i] = Edge(from: e1.from, to: e1.to, links: [.mat(merged)])
                return true
            }
        }
        // leaves, the latest index first (so a scalar chain reads x'*A*y in the order it was written)
        for v in g.vertices.reversed() where !g.isFree(v) {
            let inc = g.incident(v)
            guard inc.count == 1, let e = g.edges[inc[0]] else { continue }
            let a = e.other(v)
            if !g.isFree(a) && g.incident(a).count == 1 { continue }   // a lone edge: read as a scalar later
            guard let vec = applyChain(links(e, from: a), to: g.hanging(v), over: v.dim) else { return nil }
            g.edges[inc[0]] = nil
            g.removeVertex(v)
            g.vectors[a, default: []].append(vec)
            return true
        }
        // isolated summed vertices
        for v in g.vertices where !g.isFree(v) && g.incident(v).isEmpty {
            guard let s = vertexScalar(g.hanging(v), over: v.dim) else { return nil }
            g.scalars.append(s)
            g.removeVertex(v)
            return true
        }
        return false
    }
}
