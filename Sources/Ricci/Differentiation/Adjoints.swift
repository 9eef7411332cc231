/// Reverse mode over the program's definitions — backpropagation written symbolically.
///
/// The adjoint of a definition E is the gradient of the objective by E, as if E were an input:
/// adj(E) = Σ over the statements S that use E of adj(S) : ∂S/∂E (direct derivatives, Γ contracted
/// by a double dot), and the gradient by W is Σ adj(S) : ∂S/∂W over the statements that use W.
/// An adjoint used in more than one place keeps a name (`dE`), so that the gradients of a deep
/// composition by all its weights share their common part and grow linearly with its depth; one used
/// once is substituted where it is used.
struct Adjoints {
    let program: LoweredProgram
    let gen: IndexGenerator
    let simplifier: Simplifier

    /// The named adjoints (in evaluation order) and one gradient per variable (free indices `k[v]`).
    struct Output {
        var adjoints: [(name: String, expr: IndexExpr)]
        var gradients: [IndexExpr]
        var unsupported: String?
    }

    func run(wrt: [String], k: [[Index]], taken: Set<String>) -> Output {
        let statements = program.statements
        guard let last = statements.indices.last else { return Output(adjoints: [], gradients: [], unsupported: nil) }
        // Only definitions the objective uses (directly or through others) have adjoints: unused ones
        // would each cost a pass over all the others (3,000 unused definitions took minutes).
        var live: Set<String> = []
        for (s, st) in statements.enumerated().reversed() where s == last || st.name.map(live.contains) == true {
            live.formUnion(st.expr.tensorNames)
        }
        var dependent = Set(wrt)
        var index: [String: Int] = [:]
        for (s, st) in statements.enumerated() {
            if let n = st.name, live.contains(n), !st.expr.tensorNames.isDisjoint(with: dependent) { dependent.insert(n); index[n] = s }
        }
        var names = taken
        var adjointName: [Int: String] = [:]
        for (s, st) in statements.enumerated() where s != last {
            guard let n = st.name, dependent.contains(n) else { continue }
            var a = "d" + n, c = 1
            while names.contains(a) { c += 1; a = "d\(n)\(c)" }
            names.insert(a)
            adjointName[s] = a
        }
        var contributions: [String: [Term]] = [:]
        var unsupported: String?
        var free: [String: [Index]] = [:]
        for (v, ks) in zip(wrt, k) { free[v] = ks }
        for (s, st) in statements.enumerated() { if let n = st.name, s != last { free[n] = st.expr.free } }
        var adjoints: [(name: String, expr: IndexExpr)] = []

        for s in statements.indices.reversed() {
            let st = statements[s]
            var own = st.expr
            let adjoint: Term
            if s == last {
                own.free = []   // the objective is a scalar; unit axes are summed over their one value
                adjoint = Term(1, [])
            } else {
                guard let n = st.name, dependent.contains(n), let a = adjointName[s] else { continue }
                let e = simplifier.simplify(IndexExpr(free: st.expr.free, terms: contributions[n] ?? []))
                adjoints.append((a, e))
                adjoint = Term(1, [.tensor(a, st.expr.free)])
            }
            let body = simplifier.simplify(own)
            for target in body.tensorNames.intersection(dependent).sorted() {
                guard let kt = free[target] else { continue }
                let d = Differentiator(program, wrt: target, generator: gen, throughDefinitions: false)
                let ks = kt.map { gen.fresh($0.hint, $0.dim) }
                let partial = d.derivative(body, by: ks)
                if let why = d.unsupported { unsupported = why }
                let terms = partial.terms.map { Term(adjoint.coefficient * $0.coefficient, adjoint.factors + $0.factors) }
                // S's own indices are made fresh before the variable's indices take the target's names
                var map: [Index: Index] = [:]
                for (a, b) in zip(ks, kt) { map[a] = b }
                contributions[target, default: []] += IndexExpr(free: ks, terms: terms).freshened(gen).renamed(map).terms
            }
        }
        let gradients = zip(wrt, k).map { v, ks in simplifier.simplify(IndexExpr(free: ks, terms: contributions[v] ?? [])) }
        var out = Output(adjoints: adjoints, gradients: gradients, unsupported: unsupported)
        inlineSingleUses(&out)
        return out
    }

    /// Substitutes adjoints used once (or that are a single factor) where they are used — but not
    /// links of a chain (adjoints that refer to other adjoints), which keep their names so that a
    /// deep composition stays linear in size (and in time).
    ///
    /// Linear in the number of adjoints: the top-level uses of each adjoint, and where they are, are
    /// counted once. Inlining never changes them for another adjoint, because only values that name
    /// no adjoint are inlined (the links of a chain keep their names).
    func inlineSingleUses(_ out: inout Output) {
        let adjointNames = Set(out.adjoints.map(\.name))
        let chained = Set(out.adjoints.filter { !$0.expr.tensorNames.isDisjoint(with: adjointNames) }.map(\.name))
        var uses: [String: Int] = [:]
        var inAdjoints: [String: [Int]] = [:], inGradients: [String: [Int]] = [:]
        func scan(_ e: IndexExpr, _ record: (String) -> Void) {
            for t in e.terms { for f in t.factors { if case .tensor(let m, _) = f, adjointNames.contains(m) { record(m) } } }
        }
        for (j, a) in out.adjoints.enumerated() {
            scan(a.expr) { m in
                uses[m, default: 0] += 1
                if inAdjoints[m]?.last != j { inAdjoints[m, default: []].append(j) }
            }
        }
        for (j, g) in out.gradients.enumerated() {
            scan(g) { m in
                uses[m, default: 0] += 1
                if inGradients[m]?.last != j { inGradients[m, default: []].append(j) }
            }
        }
        var removed = Set<Int>()
        for k in out.adjoints.indices {
            let (name, value) = out.adjoints[k]
            let small = value.terms.count == 1 && value.terms[0].factors.count <= 1
            guard !chained.contains(name), (uses[name] ?? 0) <= 1 || small else { continue }
            removed.insert(k)
            for j in inAdjoints[name] ?? [] where !removed.contains(j) {
                out.adjoints[j].expr = substitute(name, value, in: out.adjoints[j].expr)
            }
            for j in inGradients[name] ?? [] { out.gradients[j] = substitute(name, value, in: out.gradients[j]) }
        }
        out.adjoints = out.adjoints.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// `e` with the tensor `name` replaced by `value` (renamed to each use's indices).
    func substitute(_ name: String, _ value: IndexExpr, in e: IndexExpr) -> IndexExpr {
        guard e.references(name) > 0 else { return e }
        var terms: [Term] = []
        for t in e.terms {
            var partial = [Term(t.coefficient, [])]
            for f in t.factors {
                if case .tensor(let n, let ix) = f, n == name {
                    var map: [Index: Index] = [:]
                    for (a, b) in zip(value.free, ix) { map[a] = b }
                    let v = value.freshened(gen).renamed(map).asSingleTerm()
                    partial = partial.map { Term($0.coefficient * v.coefficient, $0.factors + v.factors) }
                } else {
                    partial = partial.map { Term($0.coefficient, $0.factors + [f]) }
                }
            }
            terms += partial
        }
        return simplifier.simplify(IndexExpr(free: e.free, terms: terms))
    }
}

extension IndexExpr {
    /// How many tensor factors named `name` the expression has at its top level.
    func references(_ name: String) -> Int {
        terms.reduce(0) { n, t in
            n + t.factors.filter { if case .tensor(let m, _) = $0 { return m == name } else { return false } }.count
        }
    }
}
