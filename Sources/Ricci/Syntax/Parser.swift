/// A recursive-descent parser for the Ricci language (SYNTAX.md sections 1–3).
///
/// Nesting is bounded (``Parser/maxDepth``) so that hostile input ends in an error, not a stack overflow.
public struct Parser {
    /// The deepest nesting of parentheses, calls, brackets and unary operators accepted.
    public static let maxDepth = 256
    /// The longest chain of level-2 operators (`a*b*c...`) accepted in one term.
    public static let maxChain = 5_000
    /// The most axes of a tensor: dimensions in a declaration, indices in brackets (NumPy's limit).
    public static let maxOrder = 32

    var tokens: [Token]
    var pos = 0
    var depth = 0

    /// The names that start a type in a declaration.
    static let typeKeywords: Set<String> = ["scalar", "vector", "matrix", "tensor", "elementwise", "function"]

    init(tokens: [Token]) { self.tokens = tokens }

    /// Parses a whole program.
    public static func parse(_ source: String) throws -> Program {
        var p = Parser(tokens: try Lexer.tokenize(source))
        var statements: [Statement] = []
        while true {
            while p.at(.separator) { p.pos += 1 }
            if p.at(.end) { break }
            statements.append(try p.statement())
            if !p.at(.separator) && !p.at(.end) {
                throw RicciError(.syntax, "unexpected '\(p.current.spelling)' after the end of a statement", at: p.current.location)
            }
        }
        if statements.isEmpty { throw RicciError(.syntax, "the program is empty", at: SourceLocation(line: 1, column: 1)) }
        return Program(statements: statements, source: source)
    }

    /// Parses a single expression (no statements).
    public static func parseExpression(_ source: String) throws -> Expr {
        var p = Parser(tokens: try Lexer.tokenize(source))
        while p.at(.separator) { p.pos += 1 }
        let e = try p.expression()
        while p.at(.separator) { p.pos += 1 }
        guard p.at(.end) else { throw RicciError(.syntax, "unexpected '\(p.current.spelling)'", at: p.current.location) }
        return e
    }

    // MARK: - token helpers

    var current: Token { tokens[min(pos, tokens.count - 1)] }
    func peek(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
    func at(_ k: Token.Kind) -> Bool { current.kind == k }

    mutating func expect(_ k: Token.Kind, _ what: String) throws -> Token {
        guard at(k) else {
            throw RicciError(.syntax, "expected \(what), found '\(current.spelling)'", at: current.location)
        }
        defer { pos += 1 }
        return current
    }

    mutating func identifier(_ what: String) throws -> (String, SourceLocation) {
        if case .identifier(let s) = current.kind {
            pos += 1
            return (s, peek(-1).location)
        }
        throw RicciError(.syntax, "expected \(what), found '\(current.spelling)'", at: current.location)
    }

    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw RicciError(.limit, "the expression is nested more than \(Parser.maxDepth) levels deep", at: current.location)
        }
    }

    // MARK: - statements

    mutating func statement() throws -> Statement {
        if case .identifier(let name) = current.kind {
            let loc = current.location
            if peek(1).kind == .colon, case .identifier(let kw) = peek(2).kind, Parser.typeKeywords.contains(kw) {
                pos += 2
                return try declaration(name: name, at: loc)
            }
            // `x: scalr` or `x: Vector(3)` is a misspelled declaration, not the double-dot product of x and a name
            if peek(1).kind == .colon, case .identifier(let kw) = peek(2).kind,
               let near = Parser.typeKeywords.sorted().first(where: { editDistance($0, kw.lowercased()) <= 1 }) {
                throw RicciError(.syntax, "unknown type '\(kw)'; did you mean '\(near)'? (the types are scalar, vector(d), "
                    + "matrix(r, c), tensor(d1, ...), elementwise, function -> TYPE)", at: peek(2).location)
            }
            if peek(1).kind == .equals {
                pos += 2
                return .definition(name: name, indices: nil, value: try expression(), location: loc)
            }
            if peek(1).kind == .lbracket, let close = matchingBracket(from: pos + 1), tokens[close + 1].kind == .equals {
                pos += 2
                let idx: [IndexName]
                if at(.rbracket) { pos += 1; idx = [] } else { idx = try indexList() }
                _ = try expect(.equals, "'='")
                return .definition(name: name, indices: idx, value: try expression(), location: loc)
            }
        }
        return .expression(try expression())
    }

    func matchingBracket(from open: Int) -> Int? {
        var d = 0
        var k = open
        while k < tokens.count - 1 {
            switch tokens[k].kind {
            case .lbracket: d += 1
            case .rbracket:
                d -= 1
                if d == 0 { return k }
            case .separator, .end: return nil
            default: break
            }
            k += 1
        }
        return nil
    }

    mutating func declaration(name: String, at loc: SourceLocation) throws -> Statement {
        let type = try declaredType()
        var props: [Property] = []
        while at(.comma) {
            pos += 1
            let (p, ploc) = try identifier("a property (symmetric, spd, positive, diagonal)")
            guard let prop = Property(rawValue: p) else {
                throw RicciError(.syntax, "unknown property '\(p)'; the properties are symmetric, spd, positive and diagonal", at: ploc)
            }
            props.append(prop)
        }
        return .declaration(name: name, type: type, properties: props, location: loc)
    }

    mutating func declaredType() throws -> DeclaredType {
        let (kw, loc) = try identifier("a type")
        switch kw {
        case "scalar": return .scalar
        case "elementwise": return .elementwise
        case "vector":
            let ds = try dimList()
            guard ds.count == 1 else { throw RicciError(.syntax, "vector takes one dimension, found \(ds.count)", at: loc) }
            return .vector(ds[0])
        case "matrix":
            let ds = try dimList()
            guard ds.count == 2 else { throw RicciError(.syntax, "matrix takes two dimensions, found \(ds.count)", at: loc) }
            return .matrix(ds[0], ds[1])
        case "tensor":
            let ds = try dimList()
            guard !ds.isEmpty else { throw RicciError(.syntax, "tensor needs at least one dimension", at: loc) }
            return .tensor(ds)
        case "function":
            _ = try expect(.arrow, "'->' after 'function'")
            // Checked before reading the result type: `function -> function -> ...` is refused at the
            // second `function`, without recursion.
            if case .identifier("function") = current.kind {
                throw RicciError(.syntax, "a function cannot return a function", at: current.location)
            }
            let result = try declaredType()
            if case .function = result { throw RicciError(.syntax, "a function cannot return a function", at: loc) }
            if case .elementwise = result { throw RicciError(.syntax, "a function returns a scalar, vector, matrix or tensor", at: loc) }
            return .function(result: result)
        default:
            throw RicciError(.syntax, "unknown type '\(kw)'; the types are scalar, vector(d), matrix(r, c), tensor(d1, ...), elementwise, function -> TYPE", at: loc)
        }
    }

    mutating func dimList() throws -> [DimSpec] {
        _ = try expect(.lparen, "'('")
        var ds: [DimSpec] = [try dimension()]
        while at(.comma) {
            if ds.count == Parser.maxOrder {
                throw RicciError(.limit, "a tensor has at most \(Parser.maxOrder) dimensions", at: current.location)
            }
            pos += 1
            ds.append(try dimension())
        }
        _ = try expect(.rparen, "')'")
        return ds
    }

    /// A dimension: a name, or an integer expression of literals with `+ - * ^` and parentheses.
    mutating func dimension() throws -> DimSpec {
        if case .identifier(let s) = current.kind { pos += 1; return .named(s) }
        let loc = current.location
        let v = try dimSum()
        guard v >= 1 else { throw RicciError(.shape, "a dimension must be a positive integer, found \(v)", at: loc) }
        return .fixed(v)
    }

    mutating func dimSum() throws -> Int {
        var v = try dimProduct()
        while at(.plus) || at(.minus) {
            let neg = at(.minus)
            let loc = current.location
            pos += 1
            let r = try dimProduct()
            let (s, o) = neg ? v.subtractingReportingOverflow(r) : v.addingReportingOverflow(r)
            if o { throw RicciError(.limit, "dimension too large", at: loc) }
            v = s
        }
        return v
    }

    mutating func dimProduct() throws -> Int {
        var v = try dimPower()
        while at(.star) {
            let loc = current.location
            pos += 1
            let (p, o) = v.multipliedReportingOverflow(by: try dimPower())
            if o { throw RicciError(.limit, "dimension too large", at: loc) }
            v = p
        }
        return v
    }

    mutating func dimPower() throws -> Int {
        let base = try dimAtom()
        guard at(.caret) else { return base }
        let loc = current.location
        pos += 1
        let e = try dimAtom()
        guard e >= 0 else { throw RicciError(.syntax, "a dimension exponent must be non-negative", at: loc) }
        var v = 1
        for _ in 0..<min(e, 64) {
            let (p, o) = v.multipliedReportingOverflow(by: base)
            if o { throw RicciError(.limit, "dimension too large", at: loc) }
            v = p
        }
        if e > 64 && abs(base) > 1 { throw RicciError(.limit, "dimension too large", at: loc) }
        return v
    }

    mutating func dimAtom() throws -> Int {
        let tok = current
        switch tok.kind {
        case .number(let x):
            pos += 1
            guard x == x.rounded(), abs(x) < 9.2e18 else {
                throw RicciError(.syntax, "a dimension must be an integer, found \(tok.spelling)", at: tok.location)
            }
            return Int(x)
        case .lparen:
            pos += 1
            try enter()
            let v = try dimSum()
            depth -= 1
            _ = try expect(.rparen, "')'")
            return v
        default:
            throw RicciError(.syntax, "expected a dimension (an integer or a name), found '\(tok.spelling)'", at: tok.location)
        }
    }

    mutating func indexList() throws -> [IndexName] {
        var out: [IndexName] = []
        repeat {
            if out.count == Parser.maxOrder {
                throw RicciError(.limit, "at most \(Parser.maxOrder) indices in brackets (a tensor has at most "
                    + "\(Parser.maxOrder) axes)", at: current.location)
            }
            if !out.isEmpty { pos += 1 }
            let (s, l) = try identifier("an index name")
            out.append(IndexName(s, at: l))
        } while at(.comma)
        _ = try expect(.rbracket, "']'")
        return out
    }
}
