/// Splits program text into tokens. Newlines inside parentheses or brackets do not end a statement.
public struct Lexer {
    private let chars: [Character]
    private var pos = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    /// Tokens already read, waiting to be returned (a superscript power is three tokens).
    private var pending: [Token] = []

    /// The superscript digits, read as powers: `x²` is `x^2`, `A⁻¹` is `A^-1`.
    static let superscripts: [Character: Int] = ["⁰": 0, "¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9]

    /// A lexer over `source`.
    public init(_ source: String) { chars = Array(source) }

    /// Tokenizes the whole input; the last token is `.end`.
    public static func tokenize(_ source: String) throws -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let t = try lexer.next()
            tokens.append(t)
            if t.kind == .end { return tokens }
        }
    }

    private func peek(_ k: Int = 0) -> Character? { pos + k < chars.count ? chars[pos + k] : nil }

    private mutating func advance() {
        if Lexer.isNewline(chars[pos]) { line += 1; column = 1 } else { column += 1 }
        pos += 1
    }

    /// A line end: `\n`, or `\r\n` (one Character in Swift).
    static func isNewline(_ c: Character) -> Bool { c == "\n" || c == "\r\n" }

    static func isIdentifierStart(_ c: Character) -> Bool {
        c == "_" || (c.isLetter && c != "ᵀ" && c != "δ") || c == "δ"
    }

    static func isIdentifierContinue(_ c: Character) -> Bool {
        (isIdentifierStart(c) || c.isNumber) && c != "ᵀ" && superscripts[c] == nil
    }

    private mutating func next() throws -> Token {
        if !pending.isEmpty { return pending.removeFirst() }
        while let c = peek() {
            if c == "#" {
                while let d = peek(), !Lexer.isNewline(d) { advance() }
            } else if Lexer.isNewline(c) && depth == 0 {
                let loc = SourceLocation(line: line, column: column)
                advance()
                return Token(kind: .separator, location: loc)
            } else if c.isWhitespace {
                advance()
            } else {
                break
            }
        }
        let loc = SourceLocation(line: line, column: column)
        guard let c = peek() else { return Token(kind: .end, location: loc) }
        func single(_ k: Token.Kind) -> Token { advance(); return Token(kind: k, location: loc) }
        if c.isASCII && c.isNumber || (c == "." && (peek(1)?.isASCII ?? false) && (peek(1)?.isNumber ?? false)) {
            return try number(loc)
        }
        if Lexer.isIdentifierStart(c) {
            var s = ""
            while let d = peek(), Lexer.isIdentifierContinue(d) { s.append(d); advance() }
            return Token(kind: .identifier(s), location: loc)
        }
        if Lexer.superscripts[c] != nil || (c == "⁻" && peek(1).map { Lexer.superscripts[$0] != nil } == true) {
            return superscriptPower(loc)
        }
        switch c {
        case "+": return single(.plus)
        case "→": return single(.arrow)
        case "-", "−":
            if peek(1) == ">" { advance(); return single(.arrow) }
            return single(.minus)
        case "*", "·": return single(.star)
        case "/": return single(.slash)
        case "^": return single(.caret)
        case "⊙": return single(.dotStar)
        case "⊘": return single(.dotSlash)
        case ":": return single(.colon)
        case "'", "′": return single(.quote)
        case "ᵀ": return single(.superT)
        case ",": return single(.comma)
        case "=": return single(.equals)
        case ";": return single(.separator)
        case "(": depth += 1; return single(.lparen)
        case "[": depth += 1; return single(.lbracket)
        case ")": depth = max(0, depth - 1); return single(.rparen)
        case "]": depth = max(0, depth - 1); return single(.rbracket)
        case ".":
            switch peek(1) {
            case "*": advance(); return single(.dotStar)
            case "/": advance(); return single(.dotSlash)
            case "^": advance(); return single(.dotCaret)
            default: break
            }
        default: break
        }
        throw RicciError(.syntax, "unexpected character '\(c)'", at: loc)
    }

    /// `²`, `⁻¹`, `¹⁰`: the tokens of `^2`, `^-1`, `^10` (the first returned, the rest pending).
    private mutating func superscriptPower(_ loc: SourceLocation) -> Token {
        var negative = false
        if peek() == "⁻" { negative = true; advance() }
        var value = 0.0
        let digitsAt = SourceLocation(line: line, column: column)
        while let d = peek(), let v = Lexer.superscripts[d] { value = value * 10 + Double(v); advance() }
        if negative { pending.append(Token(kind: .minus, location: loc)) }
        pending.append(Token(kind: .number(value), location: digitsAt))
        return Token(kind: .caret, location: loc)
    }

    private mutating func number(_ loc: SourceLocation) throws -> Token {
        var s = ""
        while let d = peek(), d.isASCII && d.isNumber { s.append(d); advance() }
        if peek() == ".", let d = peek(1), d.isASCII && d.isNumber {
            s.append("."); advance()
            while let d = peek(), d.isASCII && d.isNumber { s.append(d); advance() }
        } else if peek() == ".", s.isEmpty == false, !(peek(1).map { "*/^".contains($0) } ?? false) {
            // "2." is the number 2 (but "2.*x" is 2 .* x)
            advance()
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let sgn = peek(1), sgn == "+" || sgn == "-" { k = 2 }
            if let d = peek(k), d.isASCII && d.isNumber {
                s.append("e")
                if k == 2, let sgn = peek(1) { s.append(sgn) }
                for _ in 0..<k { advance() }
                while let d = peek(), d.isASCII && d.isNumber { s.append(d); advance() }
            }
        }
        guard let v = Double(s) else { throw RicciError(.syntax, "malformed number '\(s)'", at: loc) }
        return Token(kind: .number(v), location: loc)
    }
}
