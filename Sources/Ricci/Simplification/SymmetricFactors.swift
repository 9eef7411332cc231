/// Canonical orientation of symmetric factors: a factor `S[j, i]` of a matrix known to be symmetric
/// (declared `symmetric`/`spd`/`diagonal`, a definition the ``StructureRules`` show symmetric, or
/// `inv` of a symmetric argument) equals `S[i, j]`, so each term takes the orientation of its
/// symmetric factors whose like-term key (``LikeTerms``) is smallest. Terms equal up to the
/// orientation of symmetric factors then merge: `S*x + S'*x` is `2*S*x`.
///
/// Rule: "symmetric factor S[j,i] = S[i,j]". Bounded: at most ``maxFactors`` factors of a term
/// are oriented (2^6 orientations tried, each compared on flat stand-ins of the factors); the
/// others keep theirs.
/// Results of ``SymmetricFactors`` already computed by one simplifier (terms and arguments recur
/// in every pass and in every copy).
final class SymmetryMemo {
    struct Key: Hashable { var factors: [Factor]; var free: [Index] }
    var oriented: [Key: [Factor]] = [:]
    var symmetric: [IndexExpr: Bool] = [:]
}

enum SymmetricFactors {
    /// The most symmetric factors of one term whose orientations are tried.
    static let maxFactors = 6
    /// The deepest nesting of `inv` arguments whose symmetry is checked (each level compares two
    /// oriented forms, so the work is at most 2^maxNesting).
    static let maxNesting = 8

    /// The term's factors with its symmetric factors in canonical orientation.
    static func orient(_ factors: [Factor], free: [Index], facts: StructureFacts, depth: Int = 0,
                       memo: SymmetryMemo = SymmetryMemo()) -> [Factor] {
        guard !facts.isEmpty else { return factors }
        let key = SymmetryMemo.Key(factors: factors, free: free)
        if let done = memo.oriented[key] { return done }
        let best = orientation(factors, free: free, facts: facts, depth: depth, memo: memo)
        memo.oriented[key] = best
        return best
    }

    static func orientation(_ factors: [Factor], free: [Index], facts: StructureFacts, depth: Int, memo: SymmetryMemo) -> [Factor] {
        let positions = factors.indices.filter { flippable(factors[$0], facts, depth: depth, memo: memo) }.prefix(maxFactors)
        guard !positions.isEmpty else { return factors }
        // keys are compared on flat stand-ins: nested arguments are described once, not per orientation
        let flat = factors.map(standIn)
        var bestMask = 0, bestKey = LikeTerms.key(Term(1, flat), free: free).signature()
        for mask in 1..<(1 << positions.count) {
            var candidate = flat
            for (bit, p) in positions.enumerated() where mask & (1 << bit) != 0 { candidate[p] = flipped(candidate[p]) }
            let key = LikeTerms.key(Term(1, candidate), free: free).signature()
            if key < bestKey {
                bestMask = mask
                bestKey = key
            }
        }
        var best = factors
        for (bit, p) in positions.enumerated() where bestMask & (1 << bit) != 0 { best[p] = flipped(best[p]) }
        return best
    }

    /// A factor without nested arguments that compares as the factor does: its nested arguments (in
    /// canonical form, their own indices renamed by position) become part of a name.
    static func standIn(_ f: Factor) -> Factor {
        switch f {
        case .tensor, .delta, .reshape, .ones: return f
        case .function(let g, let a):
            return .tensor("f:\(g.signature){\(LikeTerms.canonicalScope(a).signature())}", a.free)
        case .opaque(let n, let d, let a, let ix):
            return .tensor("o:\(n)\(d){\(LikeTerms.canonicalScope(a).signature())}", ix)
        case .matrix(let m, let args, let ix):
            return .tensor("m:\(m.rawValue){\(args.map { LikeTerms.canonicalScope($0).signature() }.joined(separator: ";"))}", ix)
        }
    }

    /// Whether the factor is a symmetric matrix entry with two different indices.
    static func flippable(_ f: Factor, _ facts: StructureFacts, depth: Int, memo: SymmetryMemo) -> Bool {
        switch f {
        case .tensor(let n, let ix): return ix.count == 2 && ix[0] != ix[1] && facts.isSymmetric(name: n)
        case .matrix(.inv, let args, let ix):
            return ix.count == 2 && ix[0] != ix[1] && args.count == 1 && isSymmetric(args[0], facts, depth: depth + 1, memo: memo)
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
    static func isSymmetric(_ e: IndexExpr, _ facts: StructureFacts, depth: Int, memo: SymmetryMemo) -> Bool {
        guard e.free.count == 2, e.free[0] != e.free[1], depth <= maxNesting else { return false }
        if let known = memo.symmetric[e] { return known }
        let r = checkSymmetric(e, facts, depth: depth, memo: memo)
        memo.symmetric[e] = r
        return r
    }

    static func checkSymmetric(_ e: IndexExpr, _ facts: StructureFacts, depth: Int, memo: SymmetryMemo) -> Bool {
        guard e.free.count == 2 else { return false }
        let (a, b) = (e.free[0], e.free[1])
        if e.terms.count == 1, e.terms[0].factors.count == 1, case .tensor(let n, let ix) = e.terms[0].factors[0],
           Set(ix) == [a, b] {
            return facts.isSymmetric(name: n)
        }
        let swapped = IndexExpr(free: e.free, terms: e.terms.map { $0.renamed([a: b, b: a]) })
        func oriented(_ x: IndexExpr) -> IndexExpr {
            LikeTerms.canonical(IndexExpr(free: x.free, terms: x.terms.map { Term($0.coefficient, orient($0.factors, free: x.free, facts: facts, depth: depth, memo: memo)) }))
        }
        return oriented(e) == oriented(swapped)
    }
}
