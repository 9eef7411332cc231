/// Turns simplified derivatives in index form into ``DerivativeResult``s: names, Einstein forms (with
/// hoisted sub-sums), matrix forms where raising finds a certain one, and the intermediates each
/// result refers to — the program's own definitions as written, names of nested activations, and
/// shared adjoints.
struct DerivativePrinter {
    let program: LoweredProgram
    let kind: DerivativeKind
    let layout: Layout
    let adjoints: [(name: String, expr: IndexExpr)]
    var raiser: Raiser
    var einstein: EinsteinPrinter
    var unicode: EinsteinPrinter
    var latex: EinsteinPrinter
    /// Every possible intermediate in evaluation order, with the index form used to follow references.
    var table: [(name: String, expr: IndexExpr, printed: Intermediate, unicode: String, latex: String)] = []

    var typed: TypedProgram { program.typed }

    /// `structure`: the program's ``StructureFacts`` when the caller has them (else computed here).
    init(program: LoweredProgram, kind: DerivativeKind, layout: Layout, adjoints: [(name: String, expr: IndexExpr)],
         structure: StructureFacts? = nil) {
        self.program = program
        self.kind = kind
        self.layout = layout
        self.adjoints = adjoints
        self.raiser = Raiser(dims: program.typed.dims, structure: structure ?? StructureFacts(program: program.typed))
        let taken = Set(program.typed.names).union(program.statements.compactMap(\.name)).union(adjoints.map(\.name))
        einstein = EinsteinPrinter(format: .text, dims: program.typed.dims, taken: taken)
        unicode = EinsteinPrinter(format: .unicode, dims: program.typed.dims, taken: taken)
        latex = EinsteinPrinter(format: .latex, dims: program.typed.dims, taken: taken)
    }

    /// The order of each variable (for the vec layout's row and column axes).
    var wrtOrder: [String: Int] = [:]
    /// Definitions printed by earlier results, by value (one name per subexpression across results).
    var shared: [MatrixExpr: String] = [:]
    /// The simplifier's raised intermediates, shared by the results.
    var session: SimplifierSession?
    /// Why the simplifier stopped on the last result it saw (reported even when its form is not taken).
    var lastStop: String?

    mutating func results(_ exprs: [IndexExpr], wrt: [String]) -> [DerivativeResult] {
        buildTable()
        let base = kind == .hessian ? "H" : "G"
        let declarations = EinsteinPrinter.declarations(typed)
        var taken = Set(typed.names).union(program.statements.compactMap(\.name)).union(adjoints.map(\.name))
        return zip(exprs, wrt).map { exact, w in
            var name = exprs.count == 1 ? base : "\(base)_\(w)"
            var n = 1
            while taken.contains(name) { n += 1; name = (exprs.count == 1 ? base : "\(base)_\(w)_") + String(n) }
            taken.insert(name)
            // zero prints as 0 times ones over the free indices, so that the Einstein form has them
            let e = exact.terms.isEmpty && !exact.free.isEmpty
                ? IndexExpr(free: exact.free, terms: [Term(0, [.ones(exact.free)])]) : exact
            let text = einstein.statement(name, e)
            let hoisted = einstein.hoisted.map(\.line)
            einstein.hoisted = []
            let uniLine = unicode.statement(name, e)
            let uniHoisted = unicode.hoisted.map(\.line)
            unicode.hoisted = []
            let texLine = latex.statement(name, e)
            latex.hoisted = []
            // raised in the simplifier session's context, which the simplifier then starts from
            if session == nil { session = SimplifierSession(raiser) }
            let plain = session.flatMap { $0.raise(exact) } ?? nil
            let used = intermediates(for: exact)
            lastStop = nil
            let chosen = plain.flatMap { simplest(exact, raised: $0, used: used, taken: taken) }
            let raised = chosen?.result ?? plain
            let matrixUsed = chosen?.intermediates ?? used.map { ($0.printed, $0.unicode, $0.latex) }
            let texResult = raised.map { "\(LaTeX.symbol(name)) = \($0.rendered(.latex))" } ?? texLine
            let uniResult = raised.map { "\(name) = \($0.rendered(.unicode))" } ?? (uniHoisted + [uniLine]).joined(separator: "\n")
            let texLines = (raised == nil ? used.map(\.latex) : matrixUsed.map(\.2)) + [texResult]
            let uniLines = (raised == nil ? used.map(\.unicode) : matrixUsed.map(\.1)) + [uniResult]
            return DerivativeResult(
                wrt: w, kind: kind, layout: layout,
                shape: e.free.map { typed.dims.resolve($0.dim) },
                index: exact, name: name,
                matrix: raised?.rendered(.text),
                einstein: text,
                vec: VecForm(raiser: raiser).vec(exact, rows: exact.free.count - wrtOrder[w, default: 0]),
                intermediates: used.map(\.printed),
                matrixIntermediates: matrixUsed.map(\.0),
                identities: chosen?.identities ?? [],
                simplifierStop: chosen?.stopReason ?? lastStop,
                einsteinDefinitions: hoisted,
                declarations: declarations,
                latex: texLines.count == 1 ? texResult
                    : "\\begin{aligned}\n" + texLines.map { $0.replacingFirst(" = ", with: " &= ") }.joined(separator: " \\\\\n") + "\n\\end{aligned}",
                unicode: uniLines.joined(separator: "\n"))
        }
    }

    /// The table of every intermediate: definitions in program order, then adjoints.
    mutating func buildTable() {
        var asWritten: [String: String] = [:]
        for s in typed.program.statements {
            if case .definition(let n, let ix, let value, _) = s {
                asWritten[n] = (ix.map { "\(n)[\($0.map(\.name).joined(separator: ", "))]" } ?? n) + " = " + value.text
            }
        }
        let last = program.statements.count - 1
        for (k, s) in program.statements.enumerated() where k != last {
            guard let n = s.name else { continue }
            if let line = asWritten[n] {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let lhs = parts.first ?? n, rhs = parts.count > 1 ? parts[1] : ""
                let raised = raiser.raise(s.expr)
                table.append((n, s.expr, Intermediate(name: lhs, matrix: rhs, einstein: [line], fromProgram: true),
                              raised.map { "\(n) = \($0.rendered(.unicode))" } ?? line,
                              raised.map { "\(LaTeX.symbol(n)) = \($0.rendered(.latex))" } ?? latexLine(n, s.expr)))
            } else {
                table.append(printed(n, s.expr))
            }
        }
        for (n, e) in adjoints { table.append(printed(n, e)) }
    }

    /// A generated intermediate in every form.
    mutating func printed(_ n: String, _ e: IndexExpr) -> (name: String, expr: IndexExpr, printed: Intermediate, unicode: String, latex: String) {
        let line = einstein.statement(n, e)
        let lines = einstein.hoisted.map(\.line) + [line]
        einstein.hoisted = []
        let uni = unicode.statement(n, e)
        let uniLines = unicode.hoisted.map(\.line) + [uni]
        unicode.hoisted = []
        let raised = raiser.raise(e)
        raiser.structure.learn(n, raiser.structure(of: e))   // H1 = exp(U) is positive, for what uses H1
        return (n, e, Intermediate(name: n, matrix: raised?.rendered(.text), einstein: lines, fromProgram: false),
                raised.map { "\(n) = \($0.rendered(.unicode))" } ?? uniLines.joined(separator: "\n"),
                raised.map { "\(LaTeX.symbol(n)) = \($0.rendered(.latex))" } ?? latexLine(n, e))
    }

    mutating func latexLine(_ n: String, _ e: IndexExpr) -> String {
        let l = latex.statement(n, e)
        latex.hoisted = []
        return l
    }

    /// The intermediates `e` refers to, directly or through other intermediates, in evaluation order.
    func intermediates(for e: IndexExpr) -> [(name: String, expr: IndexExpr, printed: Intermediate, unicode: String, latex: String)] {
        var position: [String: Int] = [:]
        for (k, row) in table.enumerated() { position[row.name] = k }
        var needed = Set<Int>()
        var stack = Array(e.tensorNames)
        while let n = stack.popLast() {
            guard let k = position[n], needed.insert(k).inserted else { continue }
            stack += table[k].expr.tensorNames
        }
        return needed.sorted().map { table[$0] }
    }
}

extension IndexExpr {
    /// Every tensor name the expression mentions, nested arguments included.
    public var tensorNames: Set<String> {
        var out = Set<String>()
        for t in terms {
            for f in t.factors {
                switch f {
                case .tensor(let n, _): out.insert(n)
                case .delta, .reshape, .ones: break
                case .function(_, let a), .opaque(_, _, let a, _): out.formUnion(a.tensorNames)
                case .matrix(_, let args, _): for a in args { out.formUnion(a.tensorNames) }
                }
            }
        }
        return out
    }
}

extension String {
    /// The string with the first occurrence of `a` replaced by `b`.
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}
