/// Every error the symbolic core reports: what went wrong and where in the input.
///
/// `kind` is a stable machine-readable word (used in JSON output), `message` is for people.
public struct RicciError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The error families.
    public enum Kind: String, Sendable {
        case syntax, shape, name, arity, index, limit, value, numeric, io, usage
    }
    public var kind: Kind
    public var message: String
    public var location: SourceLocation

    public init(_ kind: Kind, _ message: String, at location: SourceLocation = .unknown) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String {
        location.line > 0 ? "\(kind) error at \(location): \(message)" : "\(kind) error: \(message)"
    }

    /// The message with the offending line of `source` and a caret under the column.
    public func rendered(source: String) -> String {
        var out = "error: \(message)"
        guard location.line > 0 else { return out }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        out = "error (line \(location.line), column \(location.column)): \(message)"
        guard location.line <= lines.count else { return out }
        let text = String(lines[location.line - 1])
        let caretPad = String(repeating: " ", count: max(0, location.column - 1))
        out += "\n  \(text)\n  \(caretPad)^"
        return out
    }
}
