/// One name per subexpression: a subexpression that occurs more than once (and is not a bare name or
/// number) gets a definition when that makes the printed form shorter; identical definitions are one.
struct CommonNames {
    let ctx: RaisingContext
    /// Definitions printed by earlier results, by value.
    let names: [MatrixExpr: String]
    /// The names the intermediates had, by their substituted value.
    let original: [MatrixExpr: String]
    let taken: Set<String>
    /// At most this many names are introduced.
    static let maxNames = 12

    /// The expression with repeated subexpressions named, and the definitions in evaluation order.
    func share(_ e: MatrixExpr) -> (MatrixExpr, [(name: String, value: MatrixExpr)]) {
        var expr = e
        var defs: [(name: String, value: MatrixExpr)] = []
        var assigned = Set<String>()
        for _ in 0..<Self.maxNames {
            var counts: [MatrixExpr: Int] = [:]
            for root in [expr] + defs.map(\.value) { count(root, &counts) }
            let candidates = counts.filter { x, n in
                let size = MatrixCost(x).size
                if names[x] != nil { return size >= 4 }   // printed already by an earlier result
                // naming saves n·size - (size + n) tokens (the right side once, a name per use); it has to
                // save at least two, and a name stands for at least a call or an operation on two names
                return size >= 4 && n * size >= size + n + 2 && ctx.shape(x) != nil
            }
            guard let (x, _) = candidates.max(by: { (MatrixCost($0.key).size * $0.value, -$0.key.size) < (MatrixCost($1.key).size * $1.value, -$1.key.size) }) else { break }
            let name = names[x] ?? original[x].flatMap { assigned.contains($0) ? nil : $0 } ?? fresh(assigned)
            assigned.insert(name)
            if let s = ctx.shape(x) { ctx.note(.symbol(name), s) }
            expr = expr.replacing(x, by: .symbol(name))
            defs = defs.map { ($0.name, $0.value.replacing(x, by: .symbol(name))) }
            defs.append((name, x))
        }
        // evaluation order: a definition after the ones it uses
        var ordered: [(name: String, value: MatrixExpr)] = []
        var placed = Set<String>()
        for _ in 0...defs.count {
            for d in defs where !placed.contains(d.name) && d.value.symbols.allSatisfy({ s in placed.contains(s) || !defs.contains { $0.name == s } }) {
                ordered.append(d)
                placed.insert(d.name)
            }
        }
        return (expr, ordered)
    }

    /// Occurrences of each composite subexpression (a subexpression inside a counted one is counted too).
    func count(_ e: MatrixExpr, _ counts: inout [MatrixExpr: Int]) {
        switch e {
        case .number, .symbol, .identity, .ones, .zeros: return
        default: break
        }
        counts[e, default: 0] += 1
        for c in e.children { count(c, &counts) }
    }

    /// A name not used yet: H1, H2, ...
    func fresh(_ assigned: Set<String>) -> String {
        let used = taken.union(assigned).union(names.values)
        for k in 1...1000 where !used.contains("H\(k)") { return "H\(k)" }
        return "H_shared"
    }
}
