import Foundation

/// Like-term merging: terms equal up to the order of their factors and the renaming of summed
/// indices are added (canonical renaming: factors sorted by a signature that hides summed indices,
/// then summed indices renamed by first occurrence).
enum LikeTerms {
    static func merge(_ e: IndexExpr) -> IndexExpr {
        var order: [Term] = []
        var sums: [Term: (Term, Double)] = [:]
        for t in e.terms {
            let k = key(t, free: e.free)
            if let (first, c) = sums[k] {
                sums[k] = (first, c + t.coefficient)
            } else {
                order.append(k)
                sums[k] = (t, t.coefficient)
            }
        }
        var terms: [Term] = []
        for k in order {
            guard let (t, c) = sums[k], c != 0, abs(c) > 1e-13 * max(1, abs(t.coefficient)) else { continue }
            terms.append(Term(c, t.factors))
        }
        return IndexExpr(free: e.free, terms: terms)
    }

    /// The canonical form of an expression (for comparisons only: its summed indices get negative ids).
    ///
    /// Memoized (``CanonicalForms``): a nested argument's form is computed once, not again at every
    /// level above it, so deep nesting costs about its size squared in hashing rather than cubed in
    /// signature strings.
    static func canonical(_ e: IndexExpr) -> IndexExpr {
        if let known = CanonicalForms.shared.lookup(e) { return known }
        let c = computeCanonical(e)
        CanonicalForms.shared.store(e, c)
        return c
    }

    static func computeCanonical(_ e: IndexExpr) -> IndexExpr {
        var terms = e.terms.map { Term($0.coefficient, key($0, free: e.free).factors) }
        terms = terms.enumerated().map { ($1, $1.signature(), $0) }
            .sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
        return IndexExpr(free: e.free, terms: terms)
    }

    /// The canonical term with coefficient 1.
    static func key(_ t: Term, free: [Index]) -> Term {
        let bound = Set(t.bound(free: free))
        let nested = t.factors.map(canonicalArguments)
        let signed = nested.map { f in (f, f.signature(bound)) }
        let sorted = signed.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
        var map: [Index: Index] = [:]
        var next = -1
        for f in sorted {
            for i in f.indices where bound.contains(i) && map[i] == nil {
                map[i] = Index(id: next, hint: "", dim: DimVar(id: 0))
                next -= 1
            }
        }
        return Term(1, sorted).renamed(map)
    }

    /// A factor whose nested arguments are in canonical form.
    static func canonicalArguments(_ f: Factor) -> Factor {
        switch f {
        case .tensor, .delta, .reshape, .ones: return f
        case .function(let g, let a): return .function(g, canonical(a))
        case .opaque(let n, let d, let a, let ix): return .opaque(n, derivative: d, arg: canonicalScope(a), indices: ix)
        case .matrix(let m, let args, let ix): return .matrix(m, args: args.map(canonicalScope), indices: ix)
        }
    }

    /// The canonical form of an argument with its own scope: its free indices are renamed by position too.
    static func canonicalScope(_ e: IndexExpr) -> IndexExpr {
        var map: [Index: Index] = [:]
        for (k, i) in e.free.enumerated() { map[i] = Index(id: -1000 - k, hint: "", dim: DimVar(id: 0)) }
        return canonical(e.renamed(map))
    }
}

/// The memo of ``LikeTerms/canonical(_:)``, shared by every caller (the canonical form depends on
/// the expression alone). Bounded: it is emptied when it holds ``capacity`` forms.
final class CanonicalForms: @unchecked Sendable {
    static let shared = CanonicalForms()
    /// The most forms kept.
    let capacity = 20_000
    private var forms: [IndexExpr: IndexExpr] = [:]
    private let lock = NSLock()

    func lookup(_ e: IndexExpr) -> IndexExpr? {
        // small expressions are cheaper to canonicalize than to hash and look up under the lock
        guard isNested(e) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return forms[e]
    }

    func store(_ e: IndexExpr, _ c: IndexExpr) {
        guard isNested(e) else { return }
        lock.lock()
        defer { lock.unlock() }
        if forms.count >= capacity { forms.removeAll(keepingCapacity: true) }
        forms[e] = c
    }

    /// Whether a term has a factor with a nested argument (only those recur at every level).
    func isNested(_ e: IndexExpr) -> Bool {
        e.terms.contains { t in
            t.factors.contains { f in
                switch f {
                case .tensor, .delta, .reshape, .ones: return false
                case .function, .opaque, .matrix: return true
                }
            }
        }
    }
}
