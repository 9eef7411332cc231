/// A place in the program text: 1-based line and column (columns count Unicode characters).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The line, from 1 (0: unknown).
    public var line: Int
    /// The column in characters, from 1.
    public var column: Int
    /// The place at `line`, `column`.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    /// No place in the input.
    public static let unknown = SourceLocation(line: 0, column: 0)
    public var description: String { "\(line):\(column)" }
}
