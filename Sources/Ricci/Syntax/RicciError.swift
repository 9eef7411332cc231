/// Every error the symbolic core reports: what went wrong and where in the input.
///
/// `kind` is a stable machine-readable word (used in JSON output), `message` is for people.
public struct RicciError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The error families.
    public enum Kind: String, Sendable {
        /// Syntax, shape, unknown or misused name, argument count, Einstein index, a limit, a bad value, a numeric failure, input/output, command usage.
        case syntax, shape, name, arity, index, limit, value, numeric, io, usage
    }
    /// The family, as a stable word.
    public var kind: Kind
    /// What went wrong, for people.
    public var message: String
    /// Where in the input (``SourceLocation/unknown`` when nowhere in particular).
    public var location: SourceLocation

    /// An error of `kind` with `message`, at `location`.
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
        let lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        out = "error (line \(location.line), column \(location.column)): \(message)"
        guard location.line <= lines.count else { return out }
        var text = Array(String(lines[location.line - 1]))
        var column = max(1, location.column)
        if text.count > 100 {
            // Show a window of the line around the column.
            let start = max(0, min(column - 1 - 40, text.count - 80))
            let end = min(text.count, start + 80)
            let head = start > 0 ? Array("…") : []
            text = head + Array(text[start..<end]) + (end < text.count ? Array("…") : [])
            column = column - start + head.count
        }
        let caretPad = String(repeating: " ", count: max(0, column - 1))
        out += "\n  \(String(text))\n  \(caretPad)^"
        return out
    }
}
