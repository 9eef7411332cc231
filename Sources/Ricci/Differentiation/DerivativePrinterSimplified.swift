/// The simplifier's form of a result, when it is cheaper than the raised form with the intermediates
/// as they were named.
struct ChosenMatrixForm {
    var result: MatrixExpr
    /// (intermediate, unicode line, latex line) in evaluation order: what the matrix form uses.
    var intermediates: [(Intermediate, String, String)]
    var identities: [String]
    var stopReason: String
}

extension DerivativePrinter {
    /// The simplified matrix form of `exact` and the definitions it uses, or nil when the raised form
    /// `raised` with the intermediates `used` is as cheap (size of the printed form, definitions' right
    /// sides included, the program's own definitions excluded).
    mutating func simplest(_ exact: IndexExpr, raised: MatrixExpr,
                           used: [(name: String, expr: IndexExpr, printed: Intermediate, unicode: String, latex: String)],
                           taken: Set<String>) -> ChosenMatrixForm? {
        guard used.allSatisfy({ $0.printed.matrix != nil }) else { return nil }
        let offered = used.map { OfferedDefinition(name: $0.name, expr: $0.expr, inlinable: !$0.printed.fromProgram) }
        let names = taken.union(table.map(\.name))
        if session == nil { session = SimplifierSession(raiser) }
        guard let session, let s = raiser.simplified(exact, offered: offered, names: shared, taken: names,
                                                     limits: SimplifierLimits(), session: session) else { return nil }
        lastStop = s.stopReason
        if s.result == raised && s.definitions.isEmpty && s.kept.isEmpty { return nil }
        // the kept intermediates, with what they use that the new definitions do not define
        let defined = Set(s.definitions.map(\.name))
        var position: [String: Int] = [:]
        for (k, row) in table.enumerated() { position[row.name] = k }
        var needed = Set<Int>()
        var stack = s.kept
        while let n = stack.popLast() {
            guard !defined.contains(n), let k = position[n], needed.insert(k).inserted else { continue }
            stack += table[k].expr.tensorNames
        }
        let keptRows = needed.sorted().map { table[$0] }
        guard keptRows.allSatisfy({ $0.printed.matrix != nil }) else { return nil }
        func tokens(_ rows: [(name: String, expr: IndexExpr, printed: Intermediate, unicode: String, latex: String)]) -> Int {
            rows.filter { !$0.printed.fromProgram }.reduce(0) { $0 + PrintedSize.tokens($1.printed.matrix ?? "") }
        }
        let before = PrintedSize.tokens(raised.rendered(.text)) + tokens(used)
        let after = PrintedSize.tokens(s.result.rendered(.text)) + tokens(keptRows)
            + s.definitions.reduce(0) { $0 + PrintedSize.tokens($1.value.rendered(.text)) }
        let fewer = s.definitions.count + keptRows.count < used.count
        guard after < before || (after == before && fewer) else { return nil }
        var out = keptRows.map { ($0.printed, $0.unicode, $0.latex) }
        for (n, v) in s.definitions {
            shared[v] = n
            out.append((Intermediate(name: n, matrix: v.rendered(.text), einstein: [], fromProgram: false),
                        "\(n) = \(v.rendered(.unicode))", "\(LaTeX.symbol(n)) = \(v.rendered(.latex))"))
        }
        return ChosenMatrixForm(result: s.result, intermediates: out, identities: s.identities, stopReason: s.stopReason)
    }
}
