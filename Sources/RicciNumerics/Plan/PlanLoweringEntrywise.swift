import Ricci

/// Entrywise fusion: a tree of entrywise operations whose inner nodes are used once becomes one
/// loop; outer products, `Diag` scalings and transposes inside it become broadcast operands.
extension PlanLowering {
    /// Adds a node the lowering made up (merged sums), counted as used once.
    mutating func addNode(_ op: GraphOp, sizes: [Int], dims: [PlanDim]) -> Int {
        let id = graph.add(op, sizes: sizes, dims: dims)
        while uses.count < graph.nodes.count { uses.append(1) }
        return id
    }

    mutating func lowerEntrywise(_ id: Int) throws -> Int {
        let tree = try entrywiseTree(id, sizes: graph[id].sizes, root: true)
        if case .operand(let b, .full) = tree { return b }
        return emit(.entrywise(tree, inPlaceOf: nil), for: id, formula: render(tree))
    }

    /// The fused expression of node `id` evaluated at the positions of an output of `sizes`.
    mutating func entrywiseTree(_ id: Int, sizes: [Int], root: Bool = false) throws -> PlanEntrywise {
        let n = graph[id]
        let count = saturatingProduct(sizes)
        let inline = root || uses[id] == 1 || n.count == 1
        if n.count == 1, case .constant(let c) = n.op { return .constant(c) }
        if inline && (n.count == count || n.count == 1) {
            func sub(_ x: Int) throws -> PlanEntrywise { try entrywiseTree(x, sizes: n.count == 1 ? [] : sizes) }
            switch n.op {
            case .negate(let x): return .negate(try sub(x))
            case .add(let xs, let signs):
                if let f = try factoredSum(id) { return try entrywiseTree(f, sizes: sizes) }
                var pos: [PlanEntrywise] = [], neg: [PlanEntrywise] = []
                for (x, s) in zip(xs, signs) {
                    if s { neg.append(try sub(x)) } else { pos.append(try sub(x)) }
                }
                let p: PlanEntrywise = pos.isEmpty ? .constant(0) : pos.count == 1 ? pos[0] : .add(pos)
                if neg.isEmpty { return p }
                return .subtract(p, neg.count == 1 ? neg[0] : .add(neg))
            case .hadamard(let a, let b): return .multiply([try sub(a), try sub(b)])
            case .scale(let a, let b): return .multiply([try sub(a), try sub(b)])
            case .hadamardDivide(let a, let b), .divide(let a, let b): return .divide(try sub(a), try sub(b))
            case .power(let x, let p): return .power(try sub(x), p)
            case .function(let f, let d, let x): return .function(f, derivative: d, try sub(x))
            case .user(let f, let d, let x):
                elementwise.insert(f)
                return .user(f, derivative: d, try sub(x))
            case .reshape(let x) where graph[x].count == n.count:
                if n.count == 1 { return try entrywiseTree(x, sizes: []) }
                if sizes.filter({ $0 != 1 }) == graph[x].sizes.filter({ $0 != 1 }) { return try entrywiseTree(x, sizes: sizes) }
            case .matmul(let a, let b) where sizes.count == 2 && n.count > 1:
                // an outer product x*y' or a Diag scaling, read in place
                if let t = try broadcastProduct(a, b, sizes: sizes) { return t }
            default: break
            }
        }
        if case .transpose(let x) = n.op, n.count == count, sizes.count == 2 {
            return .operand(try materialize(x), .transposed)
        }
        let b = try materialize(id)
        return .operand(b, n.count == 1 ? .scalar : .full)
    }

    /// `x*y'` as x[i]·y[j]; `Diag(v)*A` as v[i]·A[i, j]; `A*Diag(v)` as A[i, j]·v[j].
    mutating func broadcastProduct(_ a: Int, _ b: Int, sizes: [Int]) throws -> PlanEntrywise? {
        let (r, c) = (sizes[0], sizes[1])
        func vector(_ x: Int) -> Bool { graph[x].sizes.filter { $0 != 1 }.count <= 1 }
        if case .matrixFunction(.Diag, let vs) = graph[a].op, vs.count == 1, vector(vs[0]), graph[b].sizes == sizes {
            return .multiply([.operand(try materialize(vs[0]), .row), try entrywiseTree(b, sizes: sizes)])
        }
        if case .matrixFunction(.Diag, let vs) = graph[b].op, vs.count == 1, vector(vs[0]), graph[a].sizes == sizes {
            return .multiply([try entrywiseTree(a, sizes: sizes), .operand(try materialize(vs[0]), .column)])
        }
        if vector(a), vector(b), graph[a].count == r, graph[b].count == c,
           let sa = Self.matrixShape(graph[a].sizes, graph[a].dims), sa.1 == 1 || r == 1,
           let sb = Self.matrixShape(graph[b].sizes, graph[b].dims), sb.0 == 1 || c == 1 {
            return .multiply([.operand(try materialize(a), .row), .operand(try materialize(b), .column)])
        }
        return nil
    }

    /// `Σ ±c·A'*Diag(v)*A` terms of a sum merged into one `A'*Diag(Σ ±c·v)*A`; nil when there are
    /// not two such terms with the same A.
    mutating func lowerGramSum(_ id: Int) throws -> Int? {
        guard case .add(let xs, let signs) = graph[id].op, graph[id].sizes.count == 2 else { return nil }
        var grams: [(a: Int, v: Int, alpha: Double, term: Int)] = []
        for (x, s) in zip(xs, signs) where uses[x] == 1 {
            var alpha = s ? -1.0 : 1.0
            var fs: [ChainFactor] = []
            flatten(x, top: true, alpha: &alpha, into: &fs)
            guard fs.count == 3, case .matrix(let l) = fs[0], case .diag(let v) = fs[1], case .matrix(let r) = fs[2],
                  case .transpose(let lt) = graph[l].op, lt == r else { continue }
            grams.append((r, v, alpha, x))
        }
        guard let first = grams.first else { return nil }
        let same = grams.filter { $0.a == first.a }
        guard same.count >= 2 else { return nil }
        let vd = graph[first.v]
        var terms: [Int] = []
        for g in same {
            let c = addNode(.constant(g.alpha), sizes: [], dims: [])
            terms.append(addNode(.scale(c, g.v), sizes: vd.sizes, dims: vd.dims))
        }
        let v = addNode(.add(terms, terms.map { _ in false }), sizes: vd.sizes, dims: vd.dims)
        let an = graph[first.a]
        let at = addNode(.transpose(first.a), sizes: an.sizes.reversed(), dims: an.dims.reversed())
        let dg = addNode(.matrixFunction(.Diag, [v]), sizes: [vd.count, vd.count], dims: [vd.dims[0], vd.dims[0]])
        let left = addNode(.matmul(at, dg), sizes: [an.sizes[1], vd.count], dims: [an.dims[1], vd.dims[0]])
        let gram = addNode(.matmul(left, first.a), sizes: graph[id].sizes, dims: graph[id].dims)
        let rest = zip(xs, signs).filter { x, _ in !same.contains { $0.term == x } }
        if rest.isEmpty { return try materialize(gram) }
        let sum = addNode(.add([gram] + rest.map(\.0), [false] + rest.map(\.1)), sizes: graph[id].sizes, dims: graph[id].dims)
        return try lowerEntrywise(sum)
    }

    /// The expression in the language's notation over buffer names.
    func render(_ e: PlanEntrywise) -> String {
        switch e {
        case .operand(let b, let how):
            switch how {
            case .full, .scalar: return nm(b)
            case .row: return nm(b) + "[i]"
            case .column: return nm(b) + "[j]"
            case .transposed: return nm(b) + "'"
            }
        case .constant(let c): return format(c)
        case .negate(let x): return "-(" + render(x) + ")"
        case .add(let xs): return "(" + xs.map(render).joined(separator: " + ") + ")"
        case .subtract(let a, let b): return "(" + render(a) + " - " + render(b) + ")"
        case .multiply(let xs): return xs.map(render).joined(separator: " .* ")
        case .divide(let a, let b): return "(" + render(a) + ") ./ (" + render(b) + ")"
        case .power(let x, let p): return "(" + render(x) + ").^" + format(p)
        case .function(let f, let d, let x): return f.rawValue + String(repeating: "'", count: d) + "(" + render(x) + ")"
        case .user(let f, let d, let x): return f + String(repeating: "'", count: d) + "(" + render(x) + ")"
        }
    }
}
