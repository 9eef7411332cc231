/// Canonical orientation of symmetric factors: a factor `S[j, i]` of a matrix known to be symmetric
/// (declared `symmetric`/`spd`/`diagonal`, a definition the ``StructureRules`` show symmetric, or
/// `inv` of a symmetric argument) equals `S[i, j]`, so each term takes the orientation of its
/// symmetric factors whose like-term key (``LikeTerms``) is smallest. Terms equal up to the
/// orientation of symmetric factors then merge: `S*x + S'*x` is `2*S*x`.
///
/// Rule: "symmetric factor S[j,i] = S[i,j]". Bounded: at most ``maxFactors`` factors of a term
/// are oriented (2^6 orientations tried); the others keep theirs.
enum SymmetricFactors {
    /// The most symmetric factors of one term whose orientations are tried.
    static let maxFactors = 6

    /// The term's factors with its symmetric factors in canonical orientation.
    static func orient(_ factors: [Factor], free: [Index], facts: StructureFacts) -> [Factor] {
        guard !facts.isEmpty else { return factors }
        let positions = factors.indices.filter { flippable(factors[$0], facts) }.prefix(maxFactors)
        guard !positions.isEmpty else { return factors }
        var best = factors, bestKey = LikeTerms.key(Term(1, factors), free: free).signature()
        for mask in 1..<(1 << positions.count) {
            var candidate = factors
            for (bit, p) in positions.enumerated() where mask & (1 << bit) != 0 { candidate[p] = flipped(candidate[p]) }
            let key = LikeTerms.key(Term(1, candidate), free: free).signature()
            if key < bestKey {
                best = candidate
                bestKey = key
            }
        }
        return best
    }

    /// Whether the factor is a symmetric matrix entry with two different indices.
    static func flippable(_ f: Factor, _ facts: StructureFacts) -> Bool {
        switch f {
        case .tensor(let n, let ix): return ix.count == 2 && ix[0] != ix[1] && facts.isSymmetric(name: n)
        case .matrix(.inv, let args, let ix):
            return ix.count == 2 && ix[0] != ix[1] && args.count == 1 && isSymmetric(args[0], facts, depth: 0)
        default: return false
        }
    }

    /// The factor with its two indices swapped.
    static func flipped(_ f: Factor) -> Factor {
        switch f {
        case .tensor(let n, let ix) where ix.count == 2: return .tensor(n, [ix[1], ix[0]])
        case .matrix(let m, let args, let ix) where ix.count == 2: return .matrix(m, args: args, indices: [ix[1], ix[0]])
        default: return f
        }
    }

    /// Whether an expression with two free indices is symmetric in them: its canonical form, with
    /// its symmetric factors oriented, is unchanged when the two are swapped.
    static func isSymmetric(_ e: IndexExpr, _ facts: StructureFacts, depth: Int) -> Bool {
        guard e.free.count == 2, e.free[0] != e.free[1], depth < StructureFacts.maxDepth else { return false }
        let (a, b) = (e.free[0], e.free[1])
        if e.terms.count == 1, e.terms[0].factors.count == 1, case .tensor(let n, let ix) = e.terms[0].factors[0],
           Set(ix) == [a, b] {
            return facts.isSymmetric(name: n)
        }
        let swapped = IndexExpr(free: e.free, terms: e.terms.map { $0.renamed([a: b, b: a]) })
        func oriented(_ x: IndexExpr) -> IndexExpr {
            LikeTerms.canonical(IndexExpr(free: x.free, terms: x.terms.map { Term($0.coefficient, orient($0.factors, free: x.free, facts: facts)) }))
        }
        return oriented(e) == oriented(swapped)
    }
}
