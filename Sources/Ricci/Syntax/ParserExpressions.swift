/// Expression grammar, loosest first: sum, product (`* / .* ./ :`), unary minus, power (`^ .^`),
/// postfix (transpose, indexing), primary.
extension Parser {
    mutating func expression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try sum()
    }

    mutating func sum() throws -> Expr {
        let first = try product()
        guard at(.plus) || at(.minus) else { return first }
        var terms = [SignedTerm(negated: false, expr: first)]
        while at(.plus) || at(.minus) {
            let neg = at(.minus)
            pos += 1
            terms.append(SignedTerm(negated: neg, expr: try product()))
        }
        return Expr(.sum(terms), at: first.location)
    }

    mutating func product() throws -> Expr {
        var lhs = try unary()
        var chain = 0
        while true {
            let op: Expr.BinaryOp
            switch current.kind {
            case .star: op = .product
            case .slash: op = .divide
            case .dotStar: op = .hadamard
            case .dotSlash: op = .hadamardDivide
            case .colon: op = .doubleDot
            default: return lhs
            }
            let loc = current.location
            pos += 1
            chain += 1
            if chain > Parser.maxChain {
                throw RicciError(.limit, "more than \(Parser.maxChain) products in a row", at: loc)
            }
            let rhs = try unary()
            lhs = Expr(.binary(op, lhs, rhs), at: loc)
        }
    }

    mutating func unary() throws -> Expr {
        if at(.minus) || at(.plus) {
            let neg = at(.minus)
            let loc = current.location
            pos += 1
            try enter()
            defer { depth -= 1 }
            let operand = try unary()
            return neg ? Expr(.negate(operand), at: loc) : operand
        }
        return try power()
    }

    mutating func power() throws -> Expr {
        let base = try postfix()
        guard at(.caret) || at(.dotCaret) else { return base }
        let op: Expr.BinaryOp = at(.caret) ? .power : .entrywisePower
        let loc = current.location
        pos += 1
        try enter()
        defer { depth -= 1 }
        let exponent = try unary()   // right-associative; allows X^-1
        return Expr(.binary(op, base, exponent), at: loc)
    }

    /// Each postfix operator (`'`, `ᵀ`, `^T`, `[i, j]`) wraps the operand in one more node, so it
    /// counts as one level of nesting (``Parser/maxDepth``).
    mutating func postfix() throws -> Expr {
        var e = try primary()
        var levels = 0
        defer { depth -= levels }
        while true {
            let transposeByT = current.kind == .caret && peek(1).kind == .identifier("T") && !isCallOrIndex(at: pos + 2)
            if current.kind == .quote || current.kind == .superT || current.kind == .lbracket || transposeByT {
                try enter()
                levels += 1
            }
            switch current.kind {
            case .quote, .superT:
                e = Expr(.transpose(e), at: current.location)
                pos += 1
            case .caret where peek(1).kind == .identifier("T") && !isCallOrIndex(at: pos + 2):
                e = Expr(.transpose(e), at: current.location)
                pos += 2
            case .lbracket:
                let loc = current.location
                pos += 1
                e = Expr(.index(e, try indexList()), at: loc)
            default:
                return e
            }
        }
    }

    func isCallOrIndex(at k: Int) -> Bool {
        let t = tokens[min(k, tokens.count - 1)].kind
        return t == .lparen || t == .lbracket
    }

    mutating func primary() throws -> Expr {
        let tok = current
        switch tok.kind {
        case .number(let v):
            pos += 1
            return Expr(.number(v), at: tok.location)
        case .lparen:
            pos += 1
            let e = try expression()
            _ = try expectClosing(.rparen, ")", openedAt: tok.location)
            return e
        case .identifier(let name):
            pos += 1
            if (name == "delta" || name == "δ") && at(.lbracket) {
                pos += 1
                let idx = try indexList()
                switch idx.count {
                case 2: return Expr(.delta(idx[0], idx[1]), at: tok.location)
                case 3: return Expr(.reshapeDelta(idx[0], idx[1], idx[2]), at: tok.location)
                default:
                    throw RicciError(.arity, "\(name) takes two indices (the Kronecker delta \(name)[i, j]) or three (the reshaping "
                        + "delta \(name)[I, i, j]), found \(idx.count)", at: tok.location)
                }
            }
            var primes = 0
            while peek(primes).kind == .quote { primes += 1 }
            if peek(primes).kind == .lparen {
                pos += primes + 1
                var args: [Expr] = []
                if !at(.rparen) {
                    args.append(try expression())
                    while at(.comma) { pos += 1; args.append(try expression()) }
                }
                _ = try expectClosing(.rparen, ")", openedAt: tok.location)
                return Expr(.call(name, args, derivative: primes), at: tok.location)
            }
            return Expr(.name(name), at: tok.location)
        case .separator, .end:
            throw RicciError(.syntax, "the expression is incomplete: expected an operand", at: tok.location)
        default:
            throw RicciError(.syntax, "expected an operand, found '\(tok.spelling)'", at: tok.location)
        }
    }

    mutating func expectClosing(_ k: Token.Kind, _ s: String, openedAt open: SourceLocation) throws -> Token {
        guard at(k) else {
            throw RicciError(.syntax, "expected '\(s)' to close the one opened at \(open), found '\(current.spelling)'",
                             at: current.location)
        }
        pos += 1
        return peek(-1)
    }
}
