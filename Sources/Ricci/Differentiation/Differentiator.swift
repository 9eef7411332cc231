/// Differentiates index-form expressions by one variable of a lowered program.
///
/// `derivative(e, by: K)` is ∂e/∂W with the free indices `e.free + K` (K indexes W's axes): the
/// explicit tensor Γ of DESIGN.md. The rules are the product rule over a term's factors and one rule
/// per factor kind (an exhaustive switch, in FactorDerivatives.swift). A defined name is
/// differentiated through its definition: ∂f/∂W = (∂f/∂E) : (∂E/∂W), with ∂E/∂W computed once and
/// renamed at each use, so the program's own names (E, H) stay in the result.
public final class Differentiator {
    /// The program whose definitions are differentiated through.
    public let program: LoweredProgram
    /// The variable differentiated by.
    public let wrt: String
    let gen: IndexGenerator
    let simplifier: Simplifier
    /// Lowered definitions by name.
    var definitions: [String: IndexExpr] = [:]
    /// ∂E/∂W per definition E, with the K indices used.
    var definitionDerivatives: [String: (expr: IndexExpr, k: [Index])] = [:]
    var dependence: [String: Bool] = [:]
    /// Set when a rule meets a case it cannot differentiate (reported as an error, never a zero).
    public internal(set) var unsupported: String?
    /// When set, the derivative of a definition is a named tangent (`tE[i, k] = ∂E[i]/∂W[k]`, built
    /// once) that uses refer to, instead of a copy of its terms: chains of definitions then give
    /// derivatives of polynomial size. The names in use are passed in; the tangents come out in
    /// evaluation order.
    var tangentNames: Set<String>?
    var tangents: [(name: String, expr: IndexExpr)] = []
    var tangentOf: [String: String] = [:]

    /// When false, a defined name is a constant: the result is the direct (partial) derivative, as
    /// reverse mode needs it.
    public let throughDefinitions: Bool

    /// Prepares differentiation of `program` by `wrt` (an input, or with `throughDefinitions: false`
    /// also a defined name; not checked here: see ``Derivatives``).
    public init(_ program: LoweredProgram, wrt: String, generator: IndexGenerator, throughDefinitions: Bool = true) {
        self.program = program
        self.wrt = wrt
        self.throughDefinitions = throughDefinitions
        self.gen = generator
        self.simplifier = Simplifier(generator: generator)
        // (a partial derivative never looks into definitions: reverse mode makes one per definition,
        // and building this table each time made long programs quadratic)
        if throughDefinitions { for s in program.statements { if let n = s.name { definitions[n] = s.expr } } }
    }

    /// Fresh indices for the axes of a shape.
    public func freshIndices(_ shape: [DimVar], hints: [String]) -> [Index] {
        shape.enumerated().map { k, d in gen.fresh(k < hints.count ? hints[k] : "k\(k)", d) }
    }

    /// ∂e/∂W, unsimplified: free indices `e.free + k`.
    public func derivative(_ e: IndexExpr, by k: [Index]) -> IndexExpr {
        var terms: [Term] = []
        for t in e.terms { terms += derivative(t, by: k) }
        return IndexExpr(free: e.free + k, terms: terms)
    }

    /// The product rule: Σ over factors of (the other factors) · ∂factor.
    func derivative(_ t: Term, by k: [Index]) -> [Term] {
        var out: [Term] = []
        for (m, f) in t.factors.enumerated() where depends(f) {
            // a call whose differentiation budget ran out stops here and ends in the budget's error
            guard WorkBudget.spend(.differentiation, t.factors.count) else { return out }
            var others = t.factors
            others.remove(at: m)
            for u in derivative(f, by: k) {
                out.append(Term(t.coefficient * u.coefficient, others + u.factors))
            }
        }
        return out
    }

    /// Whether a defined or input name depends on W.
    func depends(_ name: String) -> Bool {
        if name == wrt { return true }
        if !throughDefinitions { return false }
        if let d = dependence[name] { return d }
        dependence[name] = false   // definitions only refer to earlier names; this guards cycles
        let r = definitions[name].map(depends) ?? false
        dependence[name] = r
        return r
    }

    func depends(_ e: IndexExpr) -> Bool { e.terms.contains { $0.factors.contains(where: depends) } }

    func depends(_ f: Factor) -> Bool {
        switch f {
        case .tensor(let n, _): return depends(n)
        case .delta, .reshape, .ones: return false
        case .function(_, let a), .opaque(_, _, let a, _): return depends(a)
        case .matrix(_, let args, _): return args.contains(where: depends)
        }
    }

    /// ∂E/∂W of a definition, renamed to E's indices `ix` at its use and the variable's indices `k`.
    func definitionDerivative(_ name: String, at ix: [Index], by k: [Index]) -> [Term] {
        guard throughDefinitions, let def = definitions[name] else { return [] }
        let cached: (expr: IndexExpr, k: [Index])
        if let c = definitionDerivatives[name] {
            cached = c
        } else {
            let kd = k.map { gen.fresh($0.hint, $0.dim) }
            let d = simplifier.simplify(derivative(simplifier.simplify(def), by: kd))
            cached = (d, kd)
            definitionDerivatives[name] = cached
        }
        if var names = tangentNames, !cached.expr.terms.isEmpty,
           cached.expr.terms.count > 1 || cached.expr.terms[0].factors.count > 2 {
            let t: String
            if let known = tangentOf[name] {
                t = known
            } else {
                var candidate = "t" + name, n = 1
                while names.contains(candidate) { n += 1; candidate = "t\(name)\(n)" }
                names.insert(candidate)
                tangentNames = names
                tangentOf[name] = candidate
                tangents.append((candidate, cached.expr))
                t = candidate
            }
            return [Term(1, [.tensor(t, ix + k)])]
        }
        var map: [Index: Index] = [:]
        for (a, b) in zip(cached.expr.free, ix + k) { map[a] = b }
        return cached.expr.freshened(gen).renamed(map).terms
    }
}
