import Foundation

/// The result of `ricci lower` in every output form.
public struct LoweredReport: Sendable {
    /// The lowered program reported.
    public let lowered: LoweredProgram

    /// A report of `lowered`.
    public init(_ lowered: LoweredProgram) { self.lowered = lowered }

    /// The whole program in Einstein notation.
    public func einstein(_ format: OutputFormat = .text) -> String {
        EinsteinPrinter.print(lowered, format: format)
    }

    /// The inferred type of every name, in order of appearance.
    public var types: [(String, String)] {
        let p = lowered.typed
        return p.names.compactMap { n in p.symbols[n].map { (n, p.typeText(of: $0)) } }
    }

    /// The JSON object of SYNTAX.md section 5 with `kind: "value"`.
    public func json() -> JSON {
        let p = lowered.typed
        let shape = p.resolve(p.result.shape)
        let all = einstein(.text).split(separator: "\n").map(String.init)
        let declared = EinsteinPrinter.declarations(p).count
        let lines = Array(all.dropFirst(declared))
        return .object([
            ("input", .string(p.program.source)),
            ("wrt", .array([])),
            ("kind", .string("value")),
            ("order", .number(Double(shape.count))),
            ("shape", .array(shape.map { d in
                if case .fixed(let n) = d { return .number(Double(n)) } else { return .string(d.description) }
            })),
            ("matrix", .null),
            ("einstein", .string(lines.last ?? "")),
            ("where", .array(lines.dropLast().map { line in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return .array(parts.map { .string($0) })
            })),
            ("program", .string(all.joined(separator: "\n"))),
            ("types", .object(types.map { ($0.0, .string($0.1)) })),
            ("latex", .string(einstein(.latex))),
            ("unicode", .string(einstein(.unicode))),
        ])
    }
}
