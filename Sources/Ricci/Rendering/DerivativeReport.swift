/// The printed forms of derivative results: text (a program fragment that parses back), Unicode,
/// LaTeX, and the JSON object of SYNTAX.md section 5.
public struct DerivativeReport: Sendable {
    /// The program, as given.
    public let source: String
    /// One result per variable, in the order asked for.
    public let results: [DerivativeResult]

    /// A report of `results`, derivatives of `source`.
    public init(source: String, results: [DerivativeResult]) {
        self.source = source
        self.results = results
    }

    /// Text or Unicode: per result, a comment naming it, the intermediates it uses (each printed
    /// once), the matrix form, and the Einstein form (as a comment when a matrix form is printed).
    /// The text form parses back as a program once the declarations are added.
    public func text(_ format: OutputFormat) -> String {
        var printed = Set<String>()
        return results.map { r in
            if format == .latex { return r.latex }
            var lines = ["# \(describe(r))"]
            let matrixReady = r.matrix != nil && r.matrixIntermediates.allSatisfy { $0.matrix != nil }
            if matrixReady {
                for i in r.matrixIntermediates where printed.insert("\(i.name) = \(i.matrix ?? "")").inserted {
                    lines.append("\(i.name) = \(i.matrix ?? "")")
                }
            } else {
                for i in r.intermediates where printed.insert(i.einstein.joined(separator: "\n")).inserted { lines += i.einstein }
            }
            if let stop = r.simplifierStop, stop != "saturated" { lines.append("# simplifier: \(stop)") }
            if format == .unicode {
                lines.append(r.unicode.split(separator: "\n").last.map(String.init) ?? r.unicode)
            } else if matrixReady, let m = r.matrix {
                lines.append("\(r.name) = \(m)")
                lines += (r.einsteinDefinitions + [r.einstein]).map { "# " + $0 }
            } else {
                lines += r.einsteinDefinitions + [r.einstein]
            }
            if let v = r.vec { lines.append("# vec: \(v)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// "gradient by W: a d×k matrix (denominator layout)".
    func describe(_ r: DerivativeResult) -> String {
        let shape = r.shape.map(\.description)
        let what: String
        switch shape.count {
        case 0: what = "a scalar"
        case 1: what = "a vector of length \(shape[0])"
        case 2: what = "a \(shape.joined(separator: "×")) matrix"
        default: what = "an order-\(shape.count) tensor \(shape.joined(separator: "×"))"
        }
        let layout = r.kind == .gradient && r.layout == .numerator ? " (numerator layout)" : ""
        let convention = r.symmetric.map { "; \(r.wrt) symmetric, convention \($0.rawValue): \($0.formula)" } ?? ""
        let along = r.direction.map { " along \($0) (d²f[\($0)] = H : \($0))" } ?? ""
        return "\(r.kind.rawValue) by \(r.wrt)\(along): \(what)\(layout)\(convention)"
    }

    /// One JSON object for one result, `{"results": [...]}` for several.
    public func json() -> JSON {
        if results.count == 1 { return json(results[0]) }
        return .object([("input", .string(source)), ("results", .array(results.map(json)))])
    }

    /// `[name, value]` pairs of what the printed form uses: the matrix form's definitions in matrix
    /// notation when the result has a matrix form, else the Einstein form's (``einsteinWhere(_:)``).
    func whereList(_ r: DerivativeResult) -> [JSON] {
        let matrixReady = r.matrix != nil && r.matrixIntermediates.allSatisfy { $0.matrix != nil }
        guard matrixReady else { return einsteinWhere(r) }
        return r.matrixIntermediates.map { .array([.string($0.name), .string($0.matrix ?? "")]) }
    }

    /// `[name, value]` pairs of the Einstein form: its intermediates in Einstein notation, then its
    /// hoisted sub-sums, so that it evaluates from the JSON alone (JSON's `einstein_where`).
    func einsteinWhere(_ r: DerivativeResult) -> [JSON] {
        func pair(_ line: String) -> JSON {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return .array(parts.map(JSON.string))
        }
        return r.intermediates.flatMap { $0.einstein.map(pair) } + r.einsteinDefinitions.map(pair)
    }

    func json(_ r: DerivativeResult) -> JSON {
        .object([
            ("input", .string(source)),
            ("wrt", .array([.string(r.wrt)])),
            ("kind", .string(r.kind.rawValue)),
            ("order", .number(Double(r.order))),
            ("shape", .array(r.shape.map { d in
                if case .fixed(let n) = d { return .number(Double(n)) } else { return .string(d.description) }
            })),
            ("layout", .string(r.layout.rawValue)),
            ("symmetric", r.symmetric.map { .string($0.rawValue) } ?? .null),
            ("direction", r.direction.map(JSON.string) ?? .null),
            ("name", .string(r.name)),
            ("matrix", r.matrix.map(JSON.string) ?? .null),
            ("einstein", .string(r.einstein)),
            ("vec", r.vec.map(JSON.string) ?? .null),
            ("where", .array(whereList(r))),
            ("einstein_where", .array(einsteinWhere(r))),
            ("identities", .array(r.identities.map { .array([.string($0), .string(MatrixIdentities.statement(of: $0) ?? "")]) })),
            ("simplifier", r.simplifierStop.map { .object([("stopped", .string($0))]) } ?? .null),
            ("declarations", .array(r.declarations.map(JSON.string))),
            ("program", r.program(r.matrix == nil ? .einstein : .matrix).map(JSON.string) ?? .null),
            ("latex", .string(r.latex)),
            ("unicode", .string(r.unicode)),
        ])
    }
}
