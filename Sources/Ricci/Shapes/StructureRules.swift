/// A structural property of a matrix value that declarations state and operations preserve.
public enum Structure: String, Hashable, Sendable, CaseIterable {
    /// Sᵀ = S.
    case symmetric
    /// Symmetric positive definite (so invertible, with a defined `logdet`).
    case spd
    /// Every entry > 0.
    case positive
    /// Every entry off the diagonal is 0 (a square matrix).
    case diagonal

    /// The structure a declared property states.
    public init(_ p: Property) {
        switch p {
        case .symmetric: self = .symmetric
        case .spd: self = .spd
        case .positive: self = .positive
        case .diagonal: self = .diagonal
        }
    }
}

/// One named rule: when it applies, the node has the property it concludes.
public struct StructureRule: Sendable {
    /// The rule's name, as ``StructureFacts/reason(_:_:)`` reports it.
    public let name: String
    /// The property the rule concludes.
    public let concludes: Structure
    /// Whether the rule applies to a node, given a way to ask about its children.
    let applies: @Sendable (StructureNode, StructureQuery) -> Bool
}

/// What a rule may ask about a node's children (bounded by ``StructureFacts/maxDepth``).
public struct StructureQuery: Sendable {
    let ask: @Sendable (Structure, StructureNode) -> Bool
    let known: @Sendable (Structure, String) -> Bool
    /// Whether `node` has the property.
    func callAsFunction(_ s: Structure, _ node: StructureNode) -> Bool { ask(s, node) }
}

/// The rules of structure, as data: which operations preserve which property
/// (symmetric, spd, positive, diagonal). Each is checked by value in the tests.
public enum StructureRules {
    /// Entrywise functions whose values are all > 0.
    static let positiveFunctions: Set<String> = ["exp", "sigmoid", "softplus", "cosh", "softmax", "exp'", "sigmoid'", "softplus'"]
    /// Entrywise functions that keep positive entries positive.
    static let positiveOnPositive: Set<String> = ["sqrt", "abs", "tanh", "sinh", "atan"]
    /// Scalar-valued calls.
    static let scalarCalls: Set<String> = ["sum", "tr", "norm2", "normF", "norm1", "logsumexp", "det", "logdet"]

    /// The non-scalar items of a product, and whether every scalar item is a known positive scalar.
    static func split(_ xs: [StructureNode], _ q: StructureQuery) -> (matrices: [StructureNode], positiveScale: Bool) {
        let mats = xs.filter { !$0.scalar }
        let positive = xs.filter(\.scalar).allSatisfy { q(.positive, $0) }
        return (mats, positive)
    }

    /// `a` is `b'` (or `b` is `a'`), syntactically.
    static func isTransposePair(_ a: StructureNode, _ b: StructureNode) -> Bool {
        if case .transpose(let x) = a.kind, x == b { return true }
        if case .transpose(let y) = b.kind, y == a { return true }
        return false
    }

    /// Every rule, in the order they are tried.
    public static let all: [StructureRule] = [
        // declarations, and definitions inferred from their values
        StructureRule(name: "declared symmetric", concludes: .symmetric) { n, q in
            if case .name(let s) = n.kind { return n.scalar || q.known(.symmetric, s) || q.known(.spd, s) || q.known(.diagonal, s) }
            return false
        },
        StructureRule(name: "declared spd", concludes: .spd) { n, q in
            if case .name(let s) = n.kind { return q.known(.spd, s) }
            return false
        },
        StructureRule(name: "declared positive", concludes: .positive) { n, q in
            if case .name(let s) = n.kind { return q.known(.positive, s) }
            return false
        },
        StructureRule(name: "declared diagonal", concludes: .diagonal) { n, q in
            if case .name(let s) = n.kind { return q.known(.diagonal, s) }
            return false
        },
        // constants
        StructureRule(name: "scalar", concludes: .symmetric) { n, _ in n.scalar },
        StructureRule(name: "positive constant", concludes: .positive) { n, _ in
            if case .number(let v) = n.kind { return v > 0 }
            return false
        },
        StructureRule(name: "identity", concludes: .spd) { n, _ in n.kind == .identity },
        StructureRule(name: "identity", concludes: .symmetric) { n, _ in n.kind == .identity },
        StructureRule(name: "identity", concludes: .diagonal) { n, _ in n.kind == .identity },
        // spd implies symmetric; diagonal implies symmetric
        StructureRule(name: "spd is symmetric", concludes: .symmetric) { n, q in !n.scalar && q(.spd, n) },
        StructureRule(name: "diagonal is symmetric", concludes: .symmetric) { n, q in !n.scalar && q(.diagonal, n) },
        // transposes and negations
        StructureRule(name: "transpose keeps structure", concludes: .symmetric) { n, q in
            if case .transpose(let x) = n.kind { return q(.symmetric, x) }
            return false
        },
        StructureRule(name: "transpose keeps structure", concludes: .spd) { n, q in
            if case .transpose(let x) = n.kind { return q(.spd, x) }
            return false
        },
        StructureRule(name: "transpose keeps structure", concludes: .positive) { n, q in
            if case .transpose(let x) = n.kind { return q(.positive, x) }
            return false
        },
        StructureRule(name: "transpose keeps structure", concludes: .diagonal) { n, q in
            if case .transpose(let x) = n.kind { return q(.diagonal, x) }
            return false
        },
        StructureRule(name: "negation keeps symmetry", concludes: .symmetric) { n, q in
            if case .negate(let x) = n.kind { return q(.symmetric, x) }
            return false
        },
        StructureRule(name: "negation keeps diagonal", concludes: .diagonal) { n, q in
            if case .negate(let x) = n.kind { return q(.diagonal, x) }
            return false
        },
        // inverses and powers
        StructureRule(name: "inverse keeps structure", concludes: .symmetric) { n, q in
            if case .call("inv", let a, _) = n.kind, a.count == 1 { return q(.symmetric, a[0]) }
            return false
        },
        StructureRule(name: "inverse keeps structure", concludes: .spd) { n, q in
            if case .call("inv", let a, _) = n.kind, a.count == 1 { return q(.spd, a[0]) }
            return false
        },
        StructureRule(name: "inverse keeps structure", concludes: .diagonal) { n, q in
            if case .call("inv", let a, _) = n.kind, a.count == 1 { return q(.diagonal, a[0]) }
            return false
        },
        StructureRule(name: "integer power keeps structure", concludes: .symmetric) { n, q in
            if case .power(let x, let p) = n.kind { return p == p.rounded() && q(.symmetric, x) }
            return false
        },
        StructureRule(name: "integer power keeps structure", concludes: .spd) { n, q in
            if case .power(let x, let p) = n.kind { return !n.scalar && p == p.rounded() && q(.spd, x) }
            return false
        },
        StructureRule(name: "integer power keeps structure", concludes: .diagonal) { n, q in
            if case .power(let x, let p) = n.kind { return !n.scalar && p == p.rounded() && q(.diagonal, x) }
            return false
        },
        // sums and scalings
        StructureRule(name: "sum of symmetric", concludes: .symmetric) { n, q in
            if case .sum(let ts, _) = n.kind { return ts.allSatisfy { q(.symmetric, $0) } }
            return false
        },
        StructureRule(name: "sum of spd", concludes: .spd) { n, q in
            if case .sum(let ts, let neg) = n.kind { return !neg.contains(true) && ts.allSatisfy { !$0.scalar && q(.spd, $0) } }
            return false
        },
        StructureRule(name: "sum of positive", concludes: .positive) { n, q in
            if case .sum(let ts, let neg) = n.kind { return !neg.contains(true) && ts.allSatisfy { q(.positive, $0) } }
            return false
        },
        StructureRule(name: "sum of diagonal", concludes: .diagonal) { n, q in
            if case .sum(let ts, _) = n.kind { return ts.allSatisfy { !$0.scalar && q(.diagonal, $0) } }
            return false
        },
        StructureRule(name: "division by a scalar keeps symmetry", concludes: .symmetric) { n, q in
            if case .divide(let a, _) = n.kind { return q(.symmetric, a) }
            return false
        },
        StructureRule(name: "division by a positive scalar keeps structure", concludes: .spd) { n, q in
            if case .divide(let a, let s) = n.kind { return q(.spd, a) && q(.positive, s) }
            return false
        },
        StructureRule(name: "division by a positive scalar keeps structure", concludes: .positive) { n, q in
            if case .divide(let a, let s) = n.kind { return q(.positive, a) && q(.positive, s) }
            return false
        },
        StructureRule(name: "division by a scalar keeps diagonal", concludes: .diagonal) { n, q in
            if case .divide(let a, _) = n.kind { return q(.diagonal, a) }
            return false
        },
        // products: scalings, congruences X'*S*X, products of diagonals and of positives
        StructureRule(name: "congruence X'*S*X (and S*T*S)", concludes: .symmetric) { n, q in
            guard case .product(let xs) = n.kind else { return false }
            let m = split(xs, q).matrices
            if m.isEmpty { return true }
            var (i, j) = (0, m.count - 1)
            while i < j {
                guard isTransposePair(m[i], m[j]) || (m[i] == m[j] && q(.symmetric, m[i])) else { return false }
                i += 1
                j -= 1
            }
            return i > j || q(.symmetric, m[i])
        },
        StructureRule(name: "positive scaling keeps spd", concludes: .spd) { n, q in
            guard case .product(let xs) = n.kind else { return false }
            let (m, positive) = split(xs, q)
            return positive && m.count == 1 && q(.spd, m[0])
        },
        StructureRule(name: "product of positive", concludes: .positive) { n, q in
            if case .product(let xs) = n.kind { return xs.allSatisfy { q(.positive, $0) } }
            return false
        },
        StructureRule(name: "product of diagonal", concludes: .diagonal) { n, q in
            guard case .product(let xs) = n.kind else { return false }
            let m = split(xs, q).matrices
            return !m.isEmpty && m.allSatisfy { q(.diagonal, $0) }
        },
        // entrywise operations
        StructureRule(name: "Hadamard product of symmetric", concludes: .symmetric) { n, q in
            if case .hadamard(let xs) = n.kind { return xs.allSatisfy { q(.symmetric, $0) } }
            if case .hadamardDivide(let a, let b) = n.kind { return q(.symmetric, a) && q(.symmetric, b) }
            return false
        },
        StructureRule(name: "Hadamard product of positive", concludes: .positive) { n, q in
            if case .hadamard(let xs) = n.kind { return xs.allSatisfy { q(.positive, $0) } }
            if case .hadamardDivide(let a, let b) = n.kind { return q(.positive, a) && q(.positive, b) }
            return false
        },
        StructureRule(name: "Hadamard product with a diagonal", concludes: .diagonal) { n, q in
            if case .hadamard(let xs) = n.kind { return xs.contains { !$0.scalar && q(.diagonal, $0) } }
            if case .hadamardDivide(let a, _) = n.kind { return !a.scalar && q(.diagonal, a) }
            return false
        },
        StructureRule(name: "entrywise power keeps structure", concludes: .symmetric) { n, q in
            if case .entrywisePower(let x, _) = n.kind { return q(.symmetric, x) }
            return false
        },
        StructureRule(name: "entrywise power keeps structure", concludes: .positive) { n, q in
            if case .entrywisePower(let x, _) = n.kind { return q(.positive, x) }
            return false
        },
        StructureRule(name: "entrywise power keeps structure", concludes: .diagonal) { n, q in
            if case .entrywisePower(let x, let p) = n.kind { return p > 0 && !x.scalar && q(.diagonal, x) }
            return false
        },
        StructureRule(name: "entrywise function keeps symmetry", concludes: .symmetric) { n, q in
            if case .call(_, let a, true) = n.kind, a.count == 1 { return q(.symmetric, a[0]) }
            return false
        },
        StructureRule(name: "entrywise function with positive values", concludes: .positive) { n, _ in
            if case .call(let f, _, true) = n.kind { return positiveFunctions.contains(f) }
            if case .call("softmax", _, false) = n.kind { return true }
            return false
        },
        StructureRule(name: "entrywise function keeps positive", concludes: .positive) { n, q in
            if case .call(let f, let a, true) = n.kind, a.count == 1 { return positiveOnPositive.contains(f) && q(.positive, a[0]) }
            return false
        },
        // matrix built-ins
        StructureRule(name: "Diag is diagonal", concludes: .diagonal) { n, _ in
            if case .call("Diag", _, _) = n.kind { return true }
            return false
        },
        StructureRule(name: "Diag of positive is spd", concludes: .spd) { n, q in
            if case .call("Diag", let a, _) = n.kind, a.count == 1 { return q(.positive, a[0]) }
            return false
        },
        StructureRule(name: "kron keeps structure", concludes: .symmetric) { n, q in
            if case .call("kron", let a, _) = n.kind, a.count == 2 { return q(.symmetric, a[0]) && q(.symmetric, a[1]) }
            return false
        },
        StructureRule(name: "kron keeps structure", concludes: .spd) { n, q in
            if case .call("kron", let a, _) = n.kind, a.count == 2 { return q(.spd, a[0]) && q(.spd, a[1]) }
            return false
        },
        StructureRule(name: "kron keeps structure", concludes: .diagonal) { n, q in
            if case .call("kron", let a, _) = n.kind, a.count == 2 { return q(.diagonal, a[0]) && q(.diagonal, a[1]) }
            return false
        },
        StructureRule(name: "determinant of spd is positive", concludes: .positive) { n, q in
            if case .call("det", let a, _) = n.kind, a.count == 1 { return q(.spd, a[0]) }
            return false
        },
        StructureRule(name: "sum of positive entries is positive", concludes: .positive) { n, q in
            if case .call(let f, let a, false) = n.kind, f == "sum" || f == "tr", a.count == 1 { return q(.positive, a[0]) }
            return false
        },
    ]
}
