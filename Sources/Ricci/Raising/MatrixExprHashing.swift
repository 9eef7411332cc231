/// Hashing of ``MatrixExpr`` over a bounded prefix of the tree, with a cheap mix.
///
/// The simplifier and the raiser key dictionaries by expressions (shapes, memos, atom ranks) and look
/// up every subexpression of every node they visit. The synthesized hash walks the whole tree through
/// `Hasher` (a SipHash round per field, the symbol names byte by byte), which made hashing the
/// largest cost of a derivation. This hash mixes the first ``hashedNodes`` nodes in preorder (each
/// node's case, its payload and its number of children) into one integer with FNV-1a steps and
/// feeds only that integer to the `Hasher`: equal expressions still hash equally, and equality
/// (synthesized, exact) decides between the rare expressions that agree on that prefix. Nothing
/// iterates a dictionary in hash order where the order shows, so results do not depend on it.
extension MatrixExpr {
    /// The most nodes one hash visits.
    static let hashedNodes = 8

    public func hash(into hasher: inout Hasher) {
        var budget = MatrixExpr.hashedNodes
        var h = HashMix()
        mix(into: &h, budget: &budget)
        hasher.combine(h.state)
    }

    private func mix(into h: inout HashMix, budget: inout Int) {
        budget -= 1
        func children(_ xs: [MatrixExpr], _ budget: inout Int) {
            h.add(xs.count)
            for x in xs {
                guard budget > 0 else { return }
                x.mix(into: &h, budget: &budget)
            }
        }
        switch self {
        case .number(let v): h.add(0); h.add(v)
        case .symbol(let n): h.add(1); h.add(n)
        case .identity(let d): h.add(2); h.add(d.hashValue)
        case .ones(let ds): h.add(3); h.add(ds.hashValue)
        case .zeros(let ds): h.add(4); h.add(ds.hashValue)
        case .transpose(let x): h.add(5); children([x], &budget)
        case .negate(let x): h.add(6); children([x], &budget)
        case .product(let xs): h.add(7); children(xs, &budget)
        case .hadamard(let xs): h.add(8); children(xs, &budget)
        case .hadamardDivide(let a, let b): h.add(9); children([a, b], &budget)
        case .divide(let a, let b): h.add(10); children([a, b], &budget)
        case .doubleDot(let a, let b): h.add(11); children([a, b], &budget)
        case .sum(let xs): h.add(12); children(xs, &budget)
        case .power(let x, let p): h.add(13); h.add(p); children([x], &budget)
        case .entrywisePower(let x, let p): h.add(14); h.add(p); children([x], &budget)
        case .call(let f, let d, let xs):
            h.add(15)
            switch f {
            case .entrywise(let g): h.add(0); h.add(g.rawValue)
            case .user(let n): h.add(1); h.add(n)
            case .opaque(let n): h.add(2); h.add(n)
            case .reduction(let r): h.add(3); h.add(r.rawValue)
            case .matrix(let m): h.add(4); h.add(m.rawValue)
            }
            h.add(d)
            children(xs, &budget)
        }
    }
}

/// FNV-1a over 64-bit words (wrapping arithmetic): a cheap, deterministic mix for ``MatrixExpr``'s hash.
struct HashMix {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ word: UInt64) {
        state = (state ^ word) &* 0x0000_0100_0000_01b3
    }

    mutating func add(_ k: Int) { add(UInt64(bitPattern: Int64(k))) }

    /// A number (0 and -0 are equal, so they mix equally).
    mutating func add(_ v: Double) { add(v == 0 ? 0 : v.bitPattern) }

    /// A name, byte by byte, then its length.
    mutating func add(_ s: String) {
        var n = 0
        for b in s.utf8 {
            state = (state ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            n += 1
        }
        add(n)
    }
}
