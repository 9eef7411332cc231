/// One statement in index form: `name[free...] = expr`.
public struct LoweredStatement: Hashable, Sendable {
    /// The defined name, or `nil` for the objective written as a bare expression.
    public var name: String?
    /// The right side in index form; its free indices are the left side's.
    public var expr: IndexExpr
    /// Whether the statement was an Einstein-notation statement with the implicit rule.
    public var implicit: Bool
}

/// A program in index form: its statements in order (the last is the objective).
public struct LoweredProgram: Sendable {
    /// The checked program that was lowered (names, shapes, dimensions).
    public var typed: TypedProgram
    /// One lowered statement per statement of the program, in order.
    public var statements: [LoweredStatement]
}

/// Lowers a checked program to the index form: every product becomes an explicit contraction.
public final class Lowerer {
    let program: TypedProgram
    let gen = IndexGenerator()
    var named: [String: Index] = [:]

    init(_ program: TypedProgram) { self.program = program }

    /// Lowers every statement of a checked program.
    public static func lower(_ program: TypedProgram) throws -> LoweredProgram {
        let l = Lowerer(program)
        var out: [LoweredStatement] = []
        for s in program.statements {
            l.named = [:]
            for (n, d) in s.indexDims { l.named[n] = l.gen.fresh(n, d) }
            let expr: IndexExpr
            if let idx = s.indices {
                var e = try l.lower(s.value, [])
                e.free = idx.compactMap { l.named[$0] }
                expr = e
            } else {
                let hints = ["i", "j", "k", "l", "m", "p"]
                let free = s.shape.enumerated().map { k, d in l.gen.fresh(k < hints.count ? hints[k] : "i\(k)", d) }
                expr = try l.lower(s.value, free)
            }
            out.append(LoweredStatement(name: s.name, expr: expr, implicit: s.indices != nil && s.name == nil))
        }
        return LoweredProgram(typed: program, statements: out)
    }

    /// Parses, checks and lowers source text.
    public static func lower(source: String) throws -> LoweredProgram {
        try lower(TypeChecker.check(source: source))
    }

    var dims: DimTable { program.dims }

    func fresh(_ hint: String, _ d: DimVar) -> Index { gen.fresh(hint, d) }
    func freshAxes(_ shape: [DimVar], _ hint: String = "a") -> [Index] { shape.map { fresh(hint, $0) } }

    /// Indices for the rows and columns of a canonical result shape.
    func rowCol(_ shape: [DimVar], _ out: [Index]) -> (Index?, Index?) {
        switch shape.count {
        case 2: return (out[0], out[1])
        case 1: return (out[0], nil)
        default: return (nil, nil)
        }
    }

    /// Lowers a scalar, vector or matrix operand with given row and column indices (nil for a unit axis).
    func lowerView(_ e: TypedExpr, row: Index?, col: Index?) throws -> IndexExpr {
        switch e.shape.count {
        case 0: return try lower(e, [])
        case 1: return try lower(e, [row ?? fresh("u", e.shape[0])])
        default: return try lower(e, [row ?? fresh("u", e.shape[0]), col ?? fresh("u", e.shape[1])])
        }
    }

    /// The all-ones broadcast of a scalar expression over `out`.
    func broadcast(_ s: IndexExpr, _ out: [Index]) -> IndexExpr {
        guard !out.isEmpty else { return s }
        return s * IndexExpr(free: out, terms: [Term(1, [.ones(out)])])
    }

    func restrict(_ e: IndexExpr, _ free: [Index]) -> IndexExpr { IndexExpr(free: free, terms: e.terms) }
}
