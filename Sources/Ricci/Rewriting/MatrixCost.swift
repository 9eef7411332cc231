/// The cost the simplifier minimizes: the printed size of a matrix form (names, numbers, operators and
/// function names; parentheses and commas are free), then a rough count of floating-point work.
public struct MatrixCost: Comparable, Sendable {
    /// Tokens of the printed form.
    public var size: Int
    /// A tie-breaker: products and calls weigh more than additions.
    public var work: Int

    public static func < (a: MatrixCost, b: MatrixCost) -> Bool { (a.size, a.work) < (b.size, b.work) }

    /// Costs add: sizes and work.
    public static func + (a: MatrixCost, b: MatrixCost) -> MatrixCost { MatrixCost(size: a.size + b.size, work: a.work + b.work) }

    /// The cost of one expression.
    public init(_ e: MatrixExpr) {
        self = MatrixCost.of(e)
    }

    init(size: Int, work: Int) {
        self.size = size
        self.work = work
    }

    static func of(_ e: MatrixExpr) -> MatrixCost {
        switch e {
        case .number(let v): return MatrixCost(size: v < 0 ? 2 : 1, work: 0)
        case .symbol: return MatrixCost(size: 1, work: 0)
        case .identity, .ones, .zeros: return MatrixCost(size: 2, work: 0)
        case .transpose(let x): return of(x) + MatrixCost(size: 1, work: 1)
        case .negate(let x): return of(x) + MatrixCost(size: 1, work: 1)
        case .power(let x, _), .entrywisePower(let x, _): return of(x) + MatrixCost(size: 2, work: 2)
        case .product(let xs): return xs.map(of).reduce(MatrixCost(size: xs.count - 1, work: 4 * (xs.count - 1)), +)
        case .hadamard(let xs): return xs.map(of).reduce(MatrixCost(size: xs.count - 1, work: xs.count - 1), +)
        case .sum(let xs):
            // a subtracted term prints as ` - t`: its sign is the sum's operator
            let signs = xs.dropFirst().filter { x in
                switch x {
                case .negate: return true
                case .number(let v): return v < 0
                case .product(let ys): if case .number(let v) = ys.first { return v < 0 } else { return false }
                default: return false
                }
            }.count
            return xs.map(of).reduce(MatrixCost(size: xs.count - 1 - signs, work: xs.count - 1), +)
        case .hadamardDivide(let a, let b), .divide(let a, let b): return of(a) + of(b) + MatrixCost(size: 1, work: 2)
        case .doubleDot(let a, let b): return of(a) + of(b) + MatrixCost(size: 1, work: 4)
        case .call(_, _, let xs): return xs.map(of).reduce(MatrixCost(size: 1, work: 3), +)
        }
    }
}

/// Counts the tokens of a printed form the way ``MatrixCost`` does: names, numbers, operators and
/// function names; parentheses, brackets and commas are not counted; a `'` is one operator.
public enum PrintedSize {
    /// The number of tokens of `text` (a matrix form or the right side of a definition).
    public static func tokens(_ text: String) -> Int {
        var count = 0
        var chars = Array(text)[...]
        while let c = chars.first {
            if c == " " || c == "(" || c == ")" || c == "," || c == "[" || c == "]" {
                chars = chars.dropFirst()
            } else if c.isLetter || c == "_" || c.isNumber {
                // a name or a number (with a fraction or an exponent)
                while let d = chars.first, d.isLetter || d.isNumber || d == "_" || d == "." && c.isNumber {
                    chars = chars.dropFirst()
                }
                count += 1
            } else if c == "." && chars.dropFirst().first.map({ "*/^".contains($0) }) == true {
                chars = chars.dropFirst(2)
                count += 1
            } else {
                chars = chars.dropFirst()
                count += 1
            }
        }
        return count
    }
}
