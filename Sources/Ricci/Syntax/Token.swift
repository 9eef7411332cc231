/// A lexical token of the Ricci language.
public struct Token: Hashable, Sendable {
    /// What a token is.
    public enum Kind: Hashable, Sendable {
        /// A name.
        case identifier(String)
        /// A numeric literal.
        case number(Double)
        /// `+ - * / ^`.
        case plus, minus, star, slash, caret
        /// `.*` (or ⊙), `./` (or ⊘), `.^`.
        case dotStar, dotSlash, dotCaret      // .*  ./  .^   (also ⊙ ⊘)
        /// `:`, `'`, `ᵀ`, `->`.
        case colon, quote, superT, arrow      // :  '  ᵀ  ->
        /// `( ) [ ] , =`.
        case lparen, rparen, lbracket, rbracket, comma, equals
        /// A statement separator: a newline or `;`.
        case separator                        // newline or ;
        /// The end of the input.
        case end
    }
    /// What the token is.
    public var kind: Kind
    /// Where it starts.
    public var location: SourceLocation

    /// How the token is written, for error messages.
    public var spelling: String {
        switch kind {
        case .identifier(let s): return s
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .caret: return "^"
        case .dotStar: return ".*"
        case .dotSlash: return "./"
        case .dotCaret: return ".^"
        case .colon: return ":"
        case .quote: return "'"
        case .superT: return "ᵀ"
        case .arrow: return "->"
        case .lparen: return "("
        case .rparen: return ")"
        case .lbracket: return "["
        case .rbracket: return "]"
        case .comma: return ","
        case .equals: return "="
        case .separator: return "end of statement"
        case .end: return "end of input"
        }
    }
}
