/// The printed forms of derivative results: text (a program fragment that parses back), Unicode,
/// LaTeX, and the JSON object of SYNTAX.md section 5.
public struct DerivativeReport: Sendable {
    public let source: String
    public let results: [DerivativeResult]

    public init(source: String, results: [DerivativeResult]) {
        self.source = source
        self.results = results
    }

    /// Text or Unicode: per result, a comment naming it, the definitions it uses, the matrix form,
    /// and the Einstein form (as a comment when a matrix form is printed).
    public func text(_ format: OutputFormat) -> String {
        results.map { r in
            var lines = ["# \(describe(r))"]
            lines += r.definitions.map { "\($0.name) = \($0.value)" }
            switch format {
            case .latex:
                return r.latex
            case .unicode:
                lines.append(r.unicode)
            case .text:
                if let m = r.matrix {
                    lines.append("\(r.name) = \(m)")
                    lines += (r.einsteinDefinitions + [r.einstein]).map { "# " + $0 }
                } else {
                    lines += r.einsteinDefinitions + [r.einstein]
                }
            }
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
        return "\(r.kind.rawValue) by \(r.wrt): \(what)\(layout)"
    }

    /// One JSON object for one result, `{"results": [...]}` for several.
    public func json() -> JSON {
        if results.count == 1 { return json(results[0]) }
        return .object([("input", .string(source)), ("results", .array(results.map(json)))])
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
            ("name", .string(r.name)),
            ("matrix", r.matrix.map(JSON.string) ?? .null),
            ("einstein", .string(r.einstein)),
            ("vec", r.vec.map(JSON.string) ?? .null),
            ("where", .array(r.definitions.map { .array([.string($0.name), .string($0.value)]) }
                + r.einsteinDefinitions.map { line in
                    let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return .array(parts.map(JSON.string))
                })),
            ("declarations", .array(r.declarations.map(JSON.string))),
            ("program", r.program(r.matrix == nil ? .einstein : .matrix).map(JSON.string) ?? .null),
            ("latex", .string(r.latex)),
            ("unicode", .string(r.unicode)),
        ])
    }
}
