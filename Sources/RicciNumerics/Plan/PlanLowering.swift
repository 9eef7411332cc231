import Ricci

/// Chooses kernels for the graph's nodes: each node needed by an output becomes a buffer written by
/// one step (or none, when a consumer absorbs it: fused entrywise trees, transposes as flags,
/// `Diag(v)` as scaling). Walks from the outputs, memoized, so shared nodes are computed once.
struct PlanLowering {
    var graph: PlanGraph
    var uses: [Int]
    /// Names of program definitions by node (buffers holding one are named after it).
    var nodeNames: [Int: String]
    var buffers: [PlanBuffer] = []
    var steps: [PlanStep] = []
    var memo: [Int: Int] = [:]
    var inputBuffers: [String: Int] = [:]
    var elementwise: Set<String> = []
    var opaque: Set<String> = []

    init(graph: PlanGraph, roots: [Int], nodeNames: [Int: String]) {
        self.graph = graph
        self.uses = graph.useCounts(roots: roots)
        self.nodeNames = nodeNames
    }

    mutating func newBuffer(for id: Int, role: PlanBuffer.Role = .temporary, name: String? = nil) -> Int {
        let n = graph[id]
        let b = PlanBuffer(id: buffers.count, name: name ?? nodeNames[id] ?? "t\(buffers.count)", role: role,
                           shape: n.dims, sizes: n.sizes, slot: -1)
        buffers.append(b)
        return b.id
    }

    /// Appends a step writing a new buffer for node `id`.
    mutating func emit(_ kernel: PlanKernel, for id: Int, formula: String) -> Int {
        let b = newBuffer(for: id)
        emit(kernel, into: b, formula: formula)
        return b
    }

    mutating func emit(_ kernel: PlanKernel, into b: Int, formula: String) {
        let (flops, bytes) = cost(kernel, output: b)
        steps.append(PlanStep(output: b, kernel: kernel, formula: formula, flops: flops, bytes: bytes))
    }

    /// A name for formulas.
    func nm(_ b: Int) -> String { buffers[b].name }

    /// The buffer holding node `id`'s value (computing it once).
    mutating func materialize(_ id: Int) throws -> Int {
        if let b = memo[id] { return b }
        let b = try lower(id)
        memo[id] = b
        return b
    }

    mutating func lower(_ id: Int) throws -> Int {
        let n = graph[id]
        switch n.op {
        case .input(let name):
            if let b = inputBuffers[name] { return b }
            let b = newBuffer(for: id, role: .input, name: name)
            inputBuffers[name] = b
            return b
        case .constant(let c):
            return emit(.fill(.constant(c)), for: id, formula: format(c))
        case .fill(let f):
            return emit(.fill(f), for: id, formula: "\(f)")
        case .reshape(let x):
            let src = try materialize(x)
            if buffers[src].sizes == n.sizes { return src }
            // vectors, row vectors and 1×1 matrices share their data: a reshape is only a new view
            if n.sizes.filter({ $0 != 1 }) == buffers[src].sizes.filter({ $0 != 1 }) { return src }
            return emit(.copy(src), for: id, formula: nm(src))
        case .transpose(let x):
            let src = try materialize(x)
            return emit(.transpose(src), for: id, formula: nm(src) + "'")
        case .matmul:
            return try lowerProduct(id)
        case .scale, .negate, .divide:
            if let b = try lowerScaledProduct(id) { return b }
            return try lowerEntrywise(id)
        case .add:
            if let b = try lowerGramSum(id) { return b }
            if let f = try factoredSum(id) { return try materialize(f) }
            return try lowerEntrywise(id)
        case .hadamard, .hadamardDivide, .power, .function, .user:
            if case .user(let f, _, _) = n.op { elementwise.insert(f) }
            return try lowerEntrywise(id)
        case .reduce(let r, let x):
            return try lowerReduce(id, r, x)
        case .matrixFunction(let m, let xs):
            return try lowerMatrixFunction(id, m, xs)
        case .matrixPower(let x, let p):
            let src = try materialize(x)
            return emit(.matrixPower(src, p), for: id, formula: "\(nm(src))^\(p)")
        case .einsum(let subs, let xs):
            var ops: [Int] = []
            for x in xs { ops.append(try materialize(x)) }
            return emit(.einsum(subscripts: subs, operands: ops), for: id,
                        formula: "einsum('\(subs)', \(ops.map(nm).joined(separator: ", ")))")
        case .opaque(let f, let d, let x):
            opaque.insert(f)
            let src = try materialize(x)
            return emit(.opaque(f, derivative: d, src), for: id, formula: "\(f)\(String(repeating: "'", count: d))(\(nm(src)))")
        }
    }

    mutating func lowerMatrixFunction(_ id: Int, _ m: MatrixFunction, _ xs: [Int]) throws -> Int {
        var ops: [Int] = []
        for x in xs { ops.append(try materialize(x)) }
        let a = ops[0], f = "\(m.rawValue)(\(ops.map(nm).joined(separator: ", ")))"
        let fact: PlanFactorization = isSPD(xs[0]) ? .cholesky : .lu
        switch m {
        case .inv: return emit(.inverse(a, fact), for: id, formula: f)
        case .det: return emit(.determinant(a, fact), for: id, formula: f)
        case .logdet: return emit(.logDeterminant(a, fact), for: id, formula: f)
        case .diag: return emit(.diagonal(a), for: id, formula: f)
        case .Diag: return emit(.diagonalMatrix(a), for: id, formula: f)
        case .kron:
            guard ops.count == 2 else { throw RicciError(.usage, "kron takes two arguments") }
            return emit(.kron(a, ops[1]), for: id, formula: f)
        case .vec: return emit(.vec(a), for: id, formula: f)
        case .softmax: return emit(.softmax(a), for: id, formula: f)
        }
    }

    /// True for a matrix known symmetric positive (semi)definite from its form, so Cholesky applies
    /// (the executor falls back to LU when the values are not positive definite): an input declared
    /// `spd`, a Gram product `AᵀA` or `AAᵀ`, a positive multiple, a sum or an inverse of such.
    func isSPD(_ id: Int, depth: Int = 0) -> Bool {
        guard depth < 16, graph[id].sizes.count == 2 else { return false }
        switch graph[id].op {
        case .input(let name): return spdInputs.contains(name)
        case .reshape(let x): return graph[x].sizes == graph[id].sizes && isSPD(x, depth: depth + 1)
        case .matmul(let a, let b):
            if case .transpose(let x) = graph[a].op, x == b { return true }
            if case .transpose(let x) = graph[b].op, x == a { return true }
            return false
        case .scale(let c, let x):
            if case .constant(let v) = graph[c].op, v > 0 { return isSPD(x, depth: depth + 1) }
            return false
        case .add(let xs, let signs): return !signs.contains(true) && xs.allSatisfy { isSPD($0, depth: depth + 1) }
        case .matrixFunction(.inv, let xs): return xs.count == 1 && isSPD(xs[0], depth: depth + 1)
        default: return false
        }
    }
    var spdInputs: Set<String> = []

    mutating func lowerReduce(_ id: Int, _ r: Reduction, _ x: Int) throws -> Int {
        // tr(op(A)*op(B)) as a dot product, without the product
        if r == .tr, uses[x] == 1, case .matmul(let a, let b) = graph[x].op {
            let va = try view(a), vb = try view(b)
            return emit(.dot(a: va.buffer, b: vb.buffer, transB: va.trans == vb.trans, alpha: 1), for: id,
                        formula: "tr(\(nm(va.buffer))\(va.trans ? "'" : "")*\(nm(vb.buffer))\(vb.trans ? "'" : ""))")
        }
        var tree = try entrywiseTree(x, sizes: graph[x].sizes, root: uses[x] <= 1)
        if graph[x].count > 1 && !tree.readsFull {
            // only broadcasts (x[i]·y[j]): the reduced shape is not any operand's, so write it out first
            let b = newBuffer(for: x)
            emit(.entrywise(tree, inPlaceOf: nil), into: b, formula: render(tree))
            tree = .operand(b, .full)
        }
        return emit(.reduce(r, tree), for: id, formula: "\(r.rawValue)(\(render(tree)))")
    }

    /// Outputs: each root's buffer renamed (or copied when it is an input or already an output).
    mutating func bindOutput(_ name: String, root: Int) throws -> Int {
        let b = try materialize(root)
        if buffers[b].role == .temporary && buffers[b].sizes == graph[root].sizes {
            buffers[b].role = .output
            buffers[b].name = name
            return b
        }
        let out = newBuffer(for: root, role: .output, name: name)
        emit(.copy(b), into: out, formula: nm(b))
        return out
    }

    func format(_ c: Double) -> String {
        c == c.rounded() && abs(c) < 1e15 ? String(Int(c)) : String(c)
    }
}
