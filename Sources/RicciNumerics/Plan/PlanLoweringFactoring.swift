import Ricci

/// A term of a sum seen as `alpha · scalars · shared * rest` (or `rest * shared`): its product chain
/// flattened (through single-use products, negations and scalar factors, as products are lowered)
/// and split at the factor it may share with other terms.
struct FactoredTerm {
    /// The factor shared with other terms: the chain's leftmost or rightmost matrix.
    var shared: Int
    /// The chain's other factors, in order.
    var rest: [ChainFactor]
    /// Constant factors and the sum's sign, combined.
    var alpha: Double
    /// Scalar factors (node ids; a negative `-s - 1` divides by node `s`).
    var scalars: [Int]
}

/// Common factors of sums of products: `X'*a - X'*b` as `X'*(a - b)` and `A*B + C*B` as
/// `(A + C)*B`, so one product (one pass over X) replaces several.
extension PlanLowering {
    /// The sum `id` rewritten with a common left or right factor taken out of two or more of its
    /// product terms (nil when no two single-use product terms share one).
    mutating func factoredSum(_ id: Int) throws -> Int? {
        guard case .add(let xs, let signs) = graph[id].op, xs.count >= 2 else { return nil }
        for left in [true, false] {
            var terms: [(index: Int, term: FactoredTerm)] = []
            for (k, (x, s)) in zip(xs, signs).enumerated() {
                if let t = factorTerm(x, negated: s, left: left, sizes: graph[id].sizes) { terms.append((k, t)) }
            }
            for (k, first) in terms.enumerated() {
                let group = terms[k...].filter { $0.term.shared == first.term.shared }
                guard group.count >= 2 else { continue }
                if let f = try rebuild(id, group: group.map(\.term), factored: Set(group.map(\.index)), left: left) { return f }
            }
        }
        return nil
    }

    /// Term `x` (subtracted when `negated`) as a flattened product chain split at its leftmost (or
    /// rightmost) matrix factor; nil unless `x` is a single-use product of at least two factors.
    func factorTerm(_ x: Int, negated: Bool, left: Bool, sizes: [Int]) -> FactoredTerm? {
        guard uses[x] == 1, graph[x].sizes == sizes, graph[x].count > 1, graph[x].sizes.count <= 2 else { return nil }
        var alpha = negated ? -1.0 : 1.0
        var factors: [ChainFactor] = []
        flatten(x, top: true, alpha: &alpha, into: &factors)
        var scalars: [Int] = [], chain: [ChainFactor] = []
        for f in factors {
            if case .scalar(let s) = f { scalars.append(s) } else { chain.append(f) }
        }
        guard chain.count >= 2, case .matrix(let shared) = left ? chain[0] : chain[chain.count - 1],
              graph[shared].sizes.count <= 2 else { return nil }
        for f in chain { if case .matrix(let m) = f, graph[m].sizes.count > 2 { return nil } }
        return FactoredTerm(shared: shared, rest: Array(left ? chain.dropFirst() : chain.dropLast()), alpha: alpha, scalars: scalars)
    }

    /// The sum with the grouped terms replaced by `shared * Σ rest` (or `(Σ rest) * shared`); nil
    /// when the rests do not have one shape.
    mutating func rebuild(_ id: Int, group: [FactoredTerm], factored: Set<Int>, left: Bool) throws -> Int? {
        guard case .add(let xs, let signs) = graph[id].op, let first = group.first else { return nil }
        // every term subtracted: the sign stays on the product, the rests are added
        let flip = group.allSatisfy { $0.alpha < 0 }
        var rests: [Int] = [], restSigns: [Bool] = []
        for t in group {
            guard var node = try chainProduct(t.rest) else { return nil }
            let rs = graph[node]
            let signed = flip ? -t.alpha : t.alpha
            let alpha = abs(signed)
            restSigns.append(signed < 0)
            if alpha != 1 {
                node = addNode(.scale(addNode(.constant(alpha), sizes: [], dims: []), node), sizes: rs.sizes, dims: rs.dims)
            }
            for s in t.scalars {
                node = s >= 0 ? addNode(.scale(s, node), sizes: rs.sizes, dims: rs.dims)
                              : addNode(.divide(node, -s - 1), sizes: rs.sizes, dims: rs.dims)
            }
            rests.append(node)
        }
        let rs = graph[rests[0]]
        guard rests.allSatisfy({ graph[$0].count == rs.count }) else { return nil }
        let inner = addNode(.add(rests, restSigns), sizes: rs.sizes, dims: rs.dims)
        let n = graph[id]
        let product = addNode(.matmul(left ? first.shared : inner, left ? inner : first.shared), sizes: n.sizes, dims: n.dims)
        var terms: [Int] = [product], termSigns: [Bool] = [flip]
        for (k, (x, s)) in zip(xs, signs).enumerated() where !factored.contains(k) {
            terms.append(x)
            termSigns.append(s)
        }
        if terms.count == 1 { return flip ? addNode(.negate(product), sizes: n.sizes, dims: n.dims) : product }
        return addNode(.add(terms, termSigns), sizes: n.sizes, dims: n.dims)
    }

    /// The product of chain factors as one node (a `Diag` as its matrix, which lowering absorbs again).
    mutating func chainProduct(_ factors: [ChainFactor]) throws -> Int? {
        var acc: Int?
        for f in factors {
            let node: Int
            switch f {
            case .matrix(let m): node = m
            case .diag(let v): node = try diagNode(v)
            case .scalar(let s): node = s   // not in a chain (scalars are taken out before)
            }
            acc = acc.map { product($0, node) } ?? node
        }
        return acc
    }

    /// A matrix product node of two nodes (its shape from theirs, vectors as columns).
    mutating func product(_ a: Int, _ b: Int) -> Int {
        let (na, nb) = (graph[a], graph[b])
        let sa = Self.matrixShape(na.sizes, na.dims) ?? (1, 1, .fixed(1), .fixed(1))
        let sb = Self.matrixShape(nb.sizes, nb.dims) ?? (1, 1, .fixed(1), .fixed(1))
        if sb.1 == 1 && nb.sizes.count < 2 { return addNode(.matmul(a, b), sizes: [sa.0], dims: [sa.2]) }
        return addNode(.matmul(a, b), sizes: [sa.0, sb.1], dims: [sa.2, sb.3])
    }
}
