/// Terms, factors and notation details of the Einstein printer.
extension EinsteinPrinter {
    mutating func sum(_ e: IndexExpr) -> String {
        // zero keeps its indices (an entrywise function of zero is still summed over them)
        if e.terms.isEmpty { return e.free.isEmpty ? "0" : term(Term(0, [.ones(e.free)]), free: e.free) }
        let e = withoutUnitAxes(e)
        var out = ""
        for (k, t) in e.terms.enumerated() {
            var s = isImpliedBroadcast(e, k) ? number(t.coefficient) : term(t, free: e.free)
            let neg = s.hasPrefix("-")
            if neg { s.removeFirst() }
            if k == 0 { out = (neg ? "-" : "") + s } else { out += (neg ? " - " : " + ") + s }
            // printing is work too: a term of many long names costs its length, and printing stops
            // (the call then fails with the output budget's error) once the budget has run out
            guard WorkBudget.spend(.output, s.utf8.count + 3) else { break }
        }
        return out
    }

    mutating func term(_ t: Term, free: [Index]) -> String {
        // ones(1)[u] over a summed axis of size 1 that nothing else mentions is the number 1
        let t = Term(t.coefficient, t.factors.filter { f in
            guard case .ones(let ix) = f, ix.allSatisfy({ i in !free.contains(i) && dims.isOne(i.dim) }) else { return true }
            return ix.contains { i in t.factors.contains { g in g != f && g.indices.contains(i) } }
        })
        var parts: [String] = []
        for f in t.factors { parts.append(factor(f)) }
        if format != .latex {
            // A free index no factor mentions (the unit axis of a row vector `x'`, a broadcast) must still
            // appear in the printed term, or the left side would name an index the right side lacks.
            let present = counts(t)
            for i in free where present[i] == nil { parts.append(factor(.ones([i]))) }
        }
        let c = t.coefficient
        var body = parts.joined(separator: times)
        if format == .latex {
            let bound = counts(t).keys.filter { !free.contains($0) }.sorted()
            if !bound.isEmpty { body = "\\sum_{" + bound.map { indexName($0) }.joined(separator: ",") + "} " + body }
        }
        if parts.isEmpty { return number(c) }
        if c == 1 { return body }
        if c == -1 { return "-" + body }
        return number(c) + times + body
    }

    var times: String {
        switch format {
        case .text: return "*"
        case .unicode: return "·"
        case .latex: return " "
        }
    }

    func number(_ c: Double) -> String { formatNumber(c) }

    /// Whether a nested sum reads back with the same summation under the implicit rule.
    func inlineReadsBack(_ e: IndexExpr) -> Bool {
        e.terms.allSatisfy { t in
            counts(t).allSatisfy { i, n in
                let name = names[i] ?? ""
                if e.free.contains(i) { return n == 1 || leftSide.contains(name) }
                return n >= 2 && !leftSide.contains(name)
            }
        }
    }

    /// The argument of an entrywise function or a parenthesized sum: inline, or a hoisted definition.
    mutating func nested(_ e: IndexExpr) -> (text: String, single: Bool) {
        for i in e.free { _ = indexName(i) }
        if format == .latex || inlineReadsBack(e) {
            // one atomic factor: a power (`x^2`, right-associative when read back) or a product of
            // ones (`ones(3)[i]*ones(4)[j]`) is not atomic and needs parentheses under another power
            let single = e.terms.count == 1 && e.terms[0].factors.count <= 1 && e.terms[0].coefficient == 1
                && !e.terms[0].factors.contains { f in
                    if case .function(.power, _) = f { return true }
                    if case .ones(let ix) = f { return ix.count > 1 }
                    if case .reshape(_, let a, let b) = f { return !ranged.contains(a) || !ranged.contains(b) }
                    return false
                }
            return (sum(e), single)
        }
        let name = hoist(e)
        if e.free.isEmpty { return (symbolName(name), true) }   // a scalar: `T`, not `T[]`
        return (entry(name, e.free.map { names[$0] ?? "?" }), true)
    }

    /// Hoists `e` into a definition with an explicit left side and returns its name.
    mutating func hoist(_ e: IndexExpr) -> String {
        // the same sub-sum hoisted twice in one statement gets one definition
        let key = LikeTerms.canonicalScope(e)
        if let n = hoistedKeys[key], hoisted.contains(where: { $0.name == n }) { return n }
        let name = freshName("T")
        hoistedKeys[key] = name
        var sub = EinsteinPrinter(format: format, dims: dims, taken: taken)
        sub.hoistCount = hoistCount
        sub.hoisted = hoisted
        sub.hoistedKeys = hoistedKeys
        let line = sub.statementExplicit(name, e)
        taken = sub.taken
        hoistCount = sub.hoistCount
        hoisted = sub.hoisted
        hoistedKeys = sub.hoistedKeys
        hoisted.append((name, line))
        return name
    }

    mutating func statementExplicit(_ name: String, _ e: IndexExpr) -> String {
        names = [:]
        usedIndexNames = []
        nextNumberedName = 1
        ranged = EinsteinPrinter.rangedIndices(e)
        let idx = e.free.map { indexName($0) }
        leftSide = Set(idx)
        return "\(entry(name, idx)) = \(sum(e))"
    }

    /// A matrix-level argument (of inv, det, F, kron, vec): a plain name, or a hoisted definition.
    mutating func matrixArgument(_ e: IndexExpr) -> String {
        if e.terms.count == 1, e.terms[0].coefficient == 1, e.terms[0].factors.count == 1,
           case .tensor(let n, let ix) = e.terms[0].factors[0], ix == e.free {
            return symbolName(n)
        }
        return symbolName(hoist(e))
    }

    mutating func factor(_ f: Factor) -> String {
        switch f {
        case .tensor(let n, let ix):
            // a scalar is its name: `alpha`, not `alpha[]` (which does not parse on a right side)
            if ix.isEmpty { return symbolName(n) }
            return entry(n, ix.map { indexName($0) })
        case .delta(let a, let b):
            let (x, y) = (indexName(a), indexName(b))
            if format != .latex, !ranged.contains(a), !ranged.contains(b) {
                // nothing else in the statement gives these indices a range: write the identity's size
                return entryOf("eye(\(dims.resolve(a.dim)))", [x, y])
            }
            switch format {
            case .text: return "delta[\(x), \(y)]"
            case .unicode: return "δ[\(x),\(y)]"
            case .latex: return "\\delta_{\(latexIndices([x, y]))}"
            }
        case .reshape(let c, let a, let b):
            let ns = [c, a, b].map { indexName($0) }
            switch format {
            case .text, .unicode:
                let head = format == .text ? "delta[\(ns.joined(separator: ", "))]" : "δ[\(ns.joined(separator: ","))]"
                // the combined index does not fix the ranges of its parts: give unranged parts theirs
                let unranged = (a == b ? [a] : [a, b]).filter { !ranged.contains($0) }
                return ([head] + unranged.map { factor(.ones([$0])) }).joined(separator: times)
            case .latex: return "\\delta_{\(latexIndices(ns))}"
            }
        case .ones(let ix):
            return ix.map { i in
                let n = indexName(i)
                return format == .latex ? "\\mathbf{1}_{\(n)}" : "ones(\(dims.resolve(i.dim)))[\(n)]"
            }.joined(separator: times)
        case .function(.builtin(.exp, 0), let arg) where SymbolicPowers.split(arg) != nil:
            // exp(b*log(a)) holds the symbolic power a^b: printed as the power
            guard let (base, exponent) = SymbolicPowers.split(arg) else { return "" }
            let (a, single) = nested(base), (b, atomic) = nested(exponent)
            if format == .latex { return "{\(single ? a : "\\left(\(a)\\right)")}^{\(b)}" }
            return (single ? a : "(\(a))") + "^" + (atomic ? b : "(\(b))")
        case .function(let g, let arg):
            let (a, single) = nested(arg)
            switch g {
            case .identity:
                return format == .latex ? "\\left(\(a)\\right)" : "(\(a))"
            case .power(let p):
                if format != .latex, EinsteinPrinter.isSquaredTensor(f) { return a + times + a }
                let base = single ? a : (format == .latex ? "\\left(\(a)\\right)" : "(\(a))")
                if format == .latex { return "{\(base)}^{\(number(p))}" }
                return base + "^" + (p < 0 ? "(\(number(p)))" : number(p))
            case .builtin(.sqrt, 0) where format == .latex:
                return "\\sqrt{\(a)}"
            case .builtin(let fn, let d):
                return functionName(fn.rawValue, d) + paren(a)
            case .user(let n, let d):
                return functionName(n, d, user: true) + paren(a)
            }
        case .opaque(let n, let d, let arg, let ix):
            let a = matrixArgument(arg)
            let head = functionName(n, d, user: true) + paren(a)
            return ix.isEmpty ? head : entryOf(head, ix.map { indexName($0) })
        case .matrix(let m, let args, let ix):
            let a = args.map { matrixArgument($0) }.joined(separator: ", ")
            let head = (format == .latex ? "\\operatorname{\(m.rawValue)}" : m.rawValue) + paren(a)
            return ix.isEmpty ? head : entryOf(head, ix.map { indexName($0) })
        }
    }

    func paren(_ s: String) -> String { format == .latex ? "\\left(\(s)\\right)" : "(\(s))" }

    func functionName(_ n: String, _ d: Int, user: Bool = false) -> String {
        let primes = String(repeating: format == .unicode ? "′" : "'", count: d)
        if format == .latex {
            let known: Set<String> = ["exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos", "arctan"]
            let alias = ["asin": "arcsin", "acos": "arccos", "atan": "arctan"][n] ?? n
            let head = user ? symbolName(n) : (known.contains(alias) ? "\\\(alias)" : "\\operatorname{\(alias)}")
            return head + primes
        }
        return n + primes
    }

    func entry(_ name: String, _ idx: [String]) -> String { entryOf(symbolName(name), idx) }

    func entryOf(_ head: String, _ idx: [String]) -> String {
        switch format {
        case .text: return "\(head)[\(idx.joined(separator: ", "))]"
        case .unicode: return "\(head)[\(idx.joined(separator: ","))]"
        case .latex: return idx.isEmpty ? head : "{\(head)}_{\(latexIndices(idx))}"
        }
    }

    func latexIndices(_ idx: [String]) -> String {
        idx.allSatisfy { $0.count == 1 } ? idx.joined() : idx.joined(separator: ",")
    }

    func symbolName(_ n: String) -> String {
        guard format == .latex else { return n }
        return LaTeX.symbol(n)
    }
}
