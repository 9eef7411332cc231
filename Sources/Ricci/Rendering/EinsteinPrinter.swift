/// The output notations.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// ASCII that parses back, Unicode for a terminal (ᵀ ⊙ ·), or LaTeX.
    case text, unicode, latex
}

/// Prints the index form as Einstein-notation statements that parse back (text and unicode), or as LaTeX.
///
/// Sub-expressions whose summation the implicit rule would misread are hoisted into `where`
/// definitions with an explicit left side (`T1[i, j] = ...`), so the printed program always means
/// exactly the index form.
public struct EinsteinPrinter {
    /// The notation printed.
    public var format: OutputFormat
    let dims: DimTable
    /// Names that hoisted definitions must not take.
    var taken: Set<String>
    var hoistCount = 0
    /// Definitions hoisted while printing, in order: (name, full line).
    public var hoisted: [(name: String, line: String)] = []
    /// Canonical forms of hoisted sub-sums, so one statement defines each only once.
    var hoistedKeys: [IndexExpr: String] = [:]

    var names: [Index: String] = [:]
    var usedIndexNames: Set<String> = []
    /// Every numbered name `i1`, `i2`, … below this one is in use (names only accumulate until the
    /// next reset, so the search for a free one goes on from here instead of from `i1`).
    var nextNumberedName = 1
    var leftSide: Set<String> = []
    /// Indices of the statement being printed whose range the printed text fixes (they index a
    /// tensor, or are tied by a delta to one that does); a delta on other indices prints as `eye(d)[i, j]`.
    var ranged: Set<Index> = []

    /// Names an index may not take: the program's names and its dimension names (`b[b]` would read
    /// as a dimension, `a[j]*X[j, a]` as a variable).
    var reservedIndexNames: Set<String>

    /// A printer in `format` over the dimensions `dims`, whose hoisted names avoid `taken`.
    public init(format: OutputFormat, dims: DimTable, taken: Set<String>) {
        self.format = format
        self.dims = dims
        self.taken = taken
        self.reservedIndexNames = taken.union(dims.symbolicNames)
    }

    /// Prints a whole lowered program, one statement per line (hoisted definitions first).
    public static func print(_ p: LoweredProgram, format: OutputFormat) -> String {
        var pr = EinsteinPrinter(format: format, dims: p.typed.dims, taken: Set(p.typed.names))
        var lines: [String] = format == .latex ? [] : declarations(p.typed)
        for (k, s) in p.statements.enumerated() {
            let name = s.name ?? (k == p.statements.count - 1 ? pr.freshName("result") : pr.freshName("T"))
            let line = pr.statement(name, s.expr)
            lines += pr.hoisted.map(\.line)
            pr.hoisted = []
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Declarations of every name the program does not define, with inferred types and properties,
    /// so that the printed program parses back on its own.
    public static func declarations(_ p: TypedProgram) -> [String] {
        p.names.compactMap { n in
            guard let s = p.symbols[n], s.definition == nil else { return nil }
            return "\(n): \(p.typeText(of: s))"
        }
    }

    mutating func freshName(_ base: String) -> String {
        var n = base
        while taken.contains(n) {
            hoistCount += 1
            n = "\(base == "result" ? "result" : "T")\(hoistCount)"
        }
        taken.insert(n)
        return n
    }

    /// One statement `name[free] = ...`; hoisted helper definitions accumulate in ``hoisted``.
    public mutating func statement(_ name: String, _ e: IndexExpr) -> String {
        let e = withoutUnitAxes(e)
        names = [:]
        usedIndexNames = []
        nextNumberedName = 1
        if let whole = wholeSum(e) { return "\(symbolName(name)) = \(whole)" }
        ranged = EinsteinPrinter.rangedIndices(e)
        for i in e.free { _ = indexName(i) }
        leftSide = Set(e.free.map { names[$0] ?? "" })
        let implicitOK = e.free.isEmpty && e.terms.allSatisfy { t in counts(t).allSatisfy { $0.value == 2 } }
        let lhs: String
        if e.free.isEmpty && implicitOK {
            lhs = symbolName(name)
        } else {
            lhs = entry(name, e.free.map { indexName($0) })
        }
        let saved = (names, usedIndexNames, leftSide, nextNumberedName)
        let rhs = sum(e)
        (names, usedIndexNames, leftSide, nextNumberedName) = saved
        return "\(lhs) = \(rhs)"
    }

    // MARK: - indices

    /// The indices whose range a printed statement fixes without help: those of tensors, ones, opaque
    /// and matrix atoms, anywhere in the statement, and (transitively) those a delta ties to them. A
    /// reshaping delta δ[I, i, j] ranges I when i and j are ranged, and one of i, j when I and the other
    /// are (dim(I) = dim(i)·dim(j)); I alone does not range i and j.
    static func rangedIndices(_ e: IndexExpr) -> Set<Index> {
        var out = Set<Index>()
        var deltas: [(Index, Index)] = []
        var reshapes: [(Index, Index, Index)] = []
        func walk(_ x: IndexExpr) {
            for t in x.terms {
                for f in t.factors {
                    switch f {
                    case .tensor(_, let ix), .ones(let ix): out.formUnion(ix)
                    case .delta(let a, let b): deltas.append((a, b))
                    case .reshape(let c, let a, let b): reshapes.append((c, a, b))
                    case .function(_, let arg): walk(arg)
                    case .opaque(_, _, let arg, let ix): out.formUnion(ix); walk(arg)
                    case .matrix(_, let args, let ix): out.formUnion(ix); args.forEach(walk)
                    }
                }
            }
        }
        walk(e)
        var changed = true
        while changed {
            changed = false
            for (a, b) in deltas where out.contains(a) != out.contains(b) {
                out.insert(a)
                out.insert(b)
                changed = true
            }
            for (c, a, b) in reshapes {
                let known = [c, a, b].filter { out.contains($0) }.count
                if known == 2 || (known == 1 && a == b && out.contains(c)) {
                    let before = out.count
                    out.formUnion([c, a, b])
                    changed = changed || out.count != before
                }
            }
        }
        return out
    }

    mutating func indexName(_ i: Index) -> String {
        if let n = names[i] { return n }
        let pool = ["i", "j", "k", "l", "a", "b", "c", "d", "e", "f", "g", "h", "p", "q", "r", "s", "t", "u", "v", "w"]
        var n = i.hint
        func unavailable(_ x: String) -> Bool { usedIndexNames.contains(x) || reservedIndexNames.contains(x) || taken.contains(x) }
        if n.isEmpty || unavailable(n) || n.count > 3 {
            if let free = pool.first(where: { !unavailable($0) }) {
                n = free
            } else {
                var k = nextNumberedName
                while unavailable("i\(k)") { k += 1 }
                nextNumberedName = k + 1
                n = "i\(k)"
            }
        }
        usedIndexNames.insert(n)
        names[i] = n
        return n
    }

    /// How often each index shows in the printed term.
    func counts(_ t: Term) -> [Index: Int] {
        var c: [Index: Int] = [:]
        for f in t.factors { for i in printedIndices(f) { c[i, default: 0] += 1 } }
        return c
    }

    /// The indices a factor shows when printed: its own, and for a reshaping delta (text and unicode)
    /// those of the `ones(d)[i]` that give its unranged parts their range.
    func printedIndices(_ f: Factor) -> [Index] {
        if format != .latex, EinsteinPrinter.isSquaredTensor(f) { return f.indices + f.indices }   // x[s]*x[s]
        guard format != .latex, case .reshape(_, let a, let b) = f else { return f.indices }
        return f.indices + (a == b ? [a] : [a, b]).filter { !ranged.contains($0) }
    }

    /// `x[s]^2` of one tensor entry, printed `x[s]*x[s]` so that the implicit rule sums a repeated index.
    static func isSquaredTensor(_ f: Factor) -> Bool {
        guard case .function(.power(2), let x) = f, x.terms.count == 1, x.terms[0].coefficient == 1,
              x.terms[0].factors.count == 1, case .tensor(_, let ix) = x.terms[0].factors[0], !ix.isEmpty else { return false }
        return true
    }
}
