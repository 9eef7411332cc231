import Ricci

/// An operation of the plan graph: the program and its derivatives as one hash-consed DAG, before
/// kernels are chosen. Children are node ids.
enum GraphOp: Hashable {
    case input(String)
    case constant(Double)
    case fill(PlanFill)
    case matmul(Int, Int)
    case transpose(Int)
    case negate(Int)
    /// A sum; `true` marks a subtracted term. Scalar terms broadcast.
    case add([Int], [Bool])
    case hadamard(Int, Int)
    case hadamardDivide(Int, Int)
    /// scalar · x
    case scale(Int, Int)
    /// x / scalar
    case divide(Int, Int)
    /// Entrywise (or scalar) power.
    case power(Int, Double)
    case function(EntrywiseFunction, Int, Int)
    case user(String, Int, Int)
    case opaque(String, Int, Int)
    case reduce(Reduction, Int)
    case matrixFunction(MatrixFunction, [Int])
    case matrixPower(Int, Int)
    case einsum(String, [Int])
    /// The same data seen with another shape (vectors as n×1 or 1×n, scalars as 1×1).
    case reshape(Int)

    /// Child node ids.
    var children: [Int] {
        switch self {
        case .input, .constant, .fill: return []
        case .matmul(let a, let b), .hadamard(let a, let b), .hadamardDivide(let a, let b),
             .scale(let a, let b), .divide(let a, let b):
            return [a, b]
        case .transpose(let a), .negate(let a), .power(let a, _), .function(_, _, let a), .user(_, _, let a),
             .opaque(_, _, let a), .reduce(_, let a), .matrixPower(let a, _), .reshape(let a):
            return [a]
        case .add(let xs, _), .matrixFunction(_, let xs), .einsum(_, let xs): return xs
        }
    }

    /// True for operations computed element by element (fusable into one loop).
    var isEntrywise: Bool {
        switch self {
        case .negate, .add, .hadamard, .hadamardDivide, .scale, .divide, .power, .function, .user: return true
        default: return false
        }
    }
}

/// A node: an operation and the shape of its value.
struct GraphNode: Hashable {
    var op: GraphOp
    var sizes: [Int]
    var dims: [PlanDim]
    var count: Int { sizes.reduce(1, *) }
}

/// The hash-consed graph: equal operations on equal children are one node (common subexpressions
/// across the value, every gradient and every Hessian).
struct PlanGraph {
    private(set) var nodes: [GraphNode] = []
    private var index: [GraphNode: Int] = [:]

    /// The id of the node, adding it when new.
    mutating func add(_ op: GraphOp, sizes: [Int], dims: [PlanDim]) -> Int {
        let n = GraphNode(op: op, sizes: sizes, dims: dims)
        if let id = index[n] { return id }
        nodes.append(n)
        index[n] = nodes.count - 1
        return nodes.count - 1
    }

    subscript(_ id: Int) -> GraphNode { nodes[id] }

    /// How many times each node is used as a child by nodes reachable from `roots` (roots count once more).
    func useCounts(roots: [Int]) -> [Int] {
        var uses = [Int](repeating: 0, count: nodes.count)
        var seen = [Bool](repeating: false, count: nodes.count)
        var stack = roots
        for r in roots { uses[r] += 1 }
        while let id = stack.popLast() {
            guard !seen[id] else { continue }
            seen[id] = true
            for c in nodes[id].op.children {
                uses[c] += 1
                stack.append(c)
            }
        }
        return uses
    }
}
