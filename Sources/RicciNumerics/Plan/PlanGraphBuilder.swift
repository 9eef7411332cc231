import Ricci

/// Adds one checked program to a ``PlanGraph``: inputs by name, definitions by value (so the same
/// definition in the source and in a derivative program is one node), matrix notation node by node
/// and Einstein notation as einsum contractions.
struct PlanGraphBuilder {
    let program: TypedProgram
    let size: (DimVar) -> Int
    /// Node of each name defined so far (inputs and definitions).
    var env: [String: Int] = [:]
    /// Index name → dimension, for the statement being built.
    var indexDims: [String: DimVar] = [:]

    /// Prepares sizes from the plan's `sizes`; a dimension with no size is an error naming it.
    init(program: TypedProgram, sizes: [String: Int]) throws {
        self.program = program
        let names = Set(program.dims.symbolicNames)
        var missing: [String] = []
        size = try program.dims.sizes(given: sizes.filter { names.contains($0.key) }) { name in
            missing.append(name)
            return 1
        }
        if let m = missing.first {
            throw RicciError(.usage, "no size for the dimension \(m): give it with --dims \(m)=N")
        }
    }

    func dims(_ shape: [DimVar]) -> [PlanDim] {
        shape.map { d in
            switch program.dims.resolve(d) {
            case .fixed(let n): return .fixed(n)
            case .named(let s): return .named(s)
            }
        }
    }

    /// Builds every statement; returns the node of the last (the objective or the result).
    mutating func build(into g: inout PlanGraph) throws -> Int {
        for name in program.names {
            guard let s = program.symbols[name], s.definition == nil, case .tensor(let shape) = s.kind else { continue }
            env[name] = g.add(.input(name), sizes: shape.map(size), dims: dims(shape))
        }
        var last: Int?
        for s in program.statements {
            indexDims = s.indexDims
            var id: Int
            if let idx = s.indices {
                let v = try einstein(s.value, &g)
                id = try permute(v, to: idx, &g)
            } else {
                id = try node(s.value, &g)
            }
            let shape = s.shape.map(size)
            if g[id].sizes != shape {
                guard g[id].count == shape.reduce(1, *) else {
                    throw RicciError(.shape, "internal: a statement's value has \(g[id].count) entries for shape \(shape)", at: s.location)
                }
                id = g.add(.reshape(id), sizes: shape, dims: dims(s.shape))
            }
            if let n = s.name { env[n] = id }
            last = id
        }
        guard let result = last else { throw RicciError(.usage, "the program has no statement to evaluate") }
        return result
    }

    /// A matrix-notation expression.
    mutating func node(_ e: TypedExpr, _ g: inout PlanGraph) throws -> Int {
        let sizes = e.shape.map(size), ds = dims(e.shape)
        func add(_ op: GraphOp) -> Int { g.add(op, sizes: sizes, dims: ds) }
        switch e.kind {
        case .constant(let c): return add(.constant(c))
        case .variable(let n):
            guard let id = env[n] else { throw RicciError(.name, "no value for \(n)", at: e.location) }
            return g[id].sizes == sizes ? id : add(.reshape(id))
        case .eye: return add(.fill(.identity))
        case .ones: return add(.fill(.constant(1)))
        case .zeros: return add(.fill(.constant(0)))
        case .entrywise(let f, let d, let x): return add(.function(f, d, try node(x, &g)))
        case .userEntrywise(let f, let d, let x): return add(.user(f, d, try node(x, &g)))
        case .opaque(let f, let d, let x): return add(.opaque(f, d, try node(x, &g)))
        case .reduce(let r, let x): return add(.reduce(r, try node(x, &g)))
        case .matrixFunction(let m, let xs):
            var ids: [Int] = []
            for x in xs { ids.append(try node(x, &g)) }
            return add(.matrixFunction(m, ids))
        case .negate(let x): return add(.negate(try node(x, &g)))
        case .sum(let terms):
            var ids: [Int] = [], signs: [Bool] = []
            for t in terms {
                ids.append(try node(t.expr, &g))
                signs.append(t.negated)
            }
            return add(.add(ids, signs))
        case .matmul(let a, let b): return add(.matmul(try node(a, &g), try node(b, &g)))
        case .scale(let s, let x): return add(.scale(try node(s, &g), try node(x, &g)))
        case .divide(let x, let s): return add(.divide(try node(x, &g), try node(s, &g)))
        case .hadamard(let a, let b): return add(.hadamard(try node(a, &g), try node(b, &g)))
        case .hadamardDivide(let a, let b): return add(.hadamardDivide(try node(a, &g), try node(b, &g)))
        case .doubleDot(let a, let b, let k):
            let x = try node(a, &g), y = try node(b, &g)
            let (ra, rb) = (g[x].sizes.count, g[y].sizes.count)
            guard k <= ra, k <= rb, ra + rb - 2 * k <= 26 else {
                throw RicciError(.shape, "internal: ':' of orders \(ra) and \(rb)", at: e.location)
            }
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            let la = String(letters[0..<ra])
            let lb = String(letters[(ra - k)..<ra]) + String(letters[ra..<(ra + rb - k)])
            let out = String(letters[0..<(ra - k)]) + String(letters[ra..<(ra + rb - k)])
            let id = g.add(.einsum("\(la),\(lb)->\(out)", [x, y]),
                           sizes: Array(g[x].sizes.prefix(ra - k)) + Array(g[y].sizes.suffix(rb - k)),
                           dims: Array(g[x].dims.prefix(ra - k)) + Array(g[y].dims.suffix(rb - k)))
            return g[id].sizes == sizes ? id : add(.reshape(id))
        case .power(let x, let p), .entrywisePower(let x, let p): return add(.power(try node(x, &g), p))
        case .matrixPower(let a, let n): return add(.matrixPower(try node(a, &g), n))
        case .transpose(let x):
            let id = try node(x, &g)
            if g[id].sizes.count < 2 || g[id].sizes.contains(1) { return add(.reshape(id)) }   // a vector's transpose: the same data
            return add(.transpose(id))
        case .indexed, .delta, .reshapeDelta, .term:
            let v = try einstein(e, &g)
            guard v.labels.isEmpty else {
                throw RicciError(.index, "internal: an indexed value where a matrix was expected", at: e.location)
            }
            return g[v.node].sizes == sizes ? v.node : add(.reshape(v.node))
        }
    }
}
