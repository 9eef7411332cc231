/// A minimal JSON value with deterministic key order, for the `--format json` outputs.
public indirect enum JSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number (integers print without a fraction).
    case number(Double)
    /// A string, escaped when serialized.
    case string(String)
    /// An array.
    case array([JSON])
    /// Keys keep their order.
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

    /// Compact or pretty text.
    public func serialized(pretty: Bool = true, indent: Int = 0) -> String {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let end = pretty ? String(repeating: "  ", count: indent) : ""
        let nl = pretty ? "\n" : ""
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x):
            if !x.isFinite { return x.isNaN ? "null" : (x > 0 ? "1e308" : "-1e308") }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            return "\(x)"
        case .string(let s): return JSON.quote(s)
        case .array(let xs):
            if xs.isEmpty { return "[]" }
            if xs.allSatisfy({ if case .number = $0 { return true } else { return false } }) {
                return "[" + xs.map { $0.serialized(pretty: false) }.joined(separator: ", ") + "]"
            }
            return "[" + nl + xs.map { pad + $0.serialized(pretty: pretty, indent: indent + 1) }.joined(separator: "," + nl) + nl + end + "]"
        case .object(let kv):
            if kv.isEmpty { return "{}" }
            return "{" + nl + kv.map { pad + JSON.quote($0.0) + ": " + $0.1.serialized(pretty: pretty, indent: indent + 1) }
                .joined(separator: "," + nl) + nl + end + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// The error object of SYNTAX.md section 5.
    public static func error(_ e: RicciError) -> JSON {
        .object([("error", .object([
            ("kind", .string(e.kind.rawValue)), ("message", .string(e.message)),
            ("line", e.location.line > 0 ? .number(Double(e.location.line)) : .null),
            ("column", e.location.line > 0 ? .number(Double(e.location.column)) : .null),
        ]))])
    }
}
