/// Resolves names, infers and checks shapes by unification, and analyses Einstein indices.
///
/// Use ``TypeChecker/check(_:allowUnusedValues:)``; every problem is a ``RicciError`` pointing at the input.
public final class TypeChecker {
    let dims = DimTable()
    var symbols: [String: Symbol] = [:]
    var names: [String] = []
    var statements: [TypedProgram.Statement] = []
    /// Per statement: the dimension of each index name, and the explicit left-side indices.
    var indexDims: [String: DimVar] = [:]
    var leftSide: [String]?

    /// Where summation is decided for a term (SYNTAX.md section 3).
    enum Level { case top, nested }

    init() {}

    /// Checks a parsed program. A bare expression before the last statement is an error (its value is
    /// never used) unless `allowUnusedValues` (for programs assembled from parts, such as a claim
    /// appended to the user's program).
    public static func check(_ program: Program, allowUnusedValues: Bool = false) throws -> TypedProgram {
        let c = TypeChecker()
        c.allowUnusedValues = allowUnusedValues
        for s in program.statements {
            if case .declaration(let name, let type, let props, let loc) = s {
                try c.declare(name, type, props, at: loc)
            }
        }
        for s in program.statements {
            switch s {
            case .declaration: continue
            case .definition(let name, let idx, let value, let loc):
                try c.define(name, indices: idx, value: value, at: loc)
            case .expression(let e):
                try c.statement(name: nil, indices: nil, value: e, at: e.location)
                try c.unusedValue(e, in: program)
            }
        }
        guard !c.statements.isEmpty else {
            throw RicciError(.syntax, "the program has no objective: its last statement must be an expression or a definition",
                             at: program.statements.last?.location ?? .unknown)
        }
        if case .declaration(let n, _, _, let loc) = program.statements.last {
            throw RicciError(.syntax, "the program ends with the declaration of \(n); its last statement must be the objective", at: loc)
        }
        try c.dims.settleProducts()
        return TypedProgram(program: program, dims: c.dims, names: c.names, symbols: c.symbols, statements: c.statements)
    }

    /// Parses and checks in one step.
    public static func check(source: String, allowUnusedValues: Bool = false) throws -> TypedProgram {
        try check(Parser.parse(source), allowUnusedValues: allowUnusedValues)
    }

    /// Whether bare expressions before the last statement are accepted (see ``check(_:allowUnusedValues:)``).
    var allowUnusedValues = false

    // MARK: - declarations and definitions

    func dimVar(_ d: DimSpec) -> DimVar {
        switch d {
        case .fixed(let n): return dims.fixed(n)
        case .named(let s): return dims.named(s)
        }
    }

    func declare(_ name: String, _ type: DeclaredType, _ props: [Property], at loc: SourceLocation) throws {
        if Builtins.isReserved(name) {
            throw RicciError(.name, "'\(name)' is a built-in name and cannot be declared", at: loc)
        }
        if let old = symbols[name] {
            throw RicciError(.name, "\(name) is declared twice (first at \(old.location))", at: loc)
        }
        let kind: SymbolKind
        switch type {
        case .elementwise: kind = .elementwise
        case .function(let result): kind = .function(result: (result.dims ?? []).map(dimVar), argument: nil)
        default: kind = .tensor(shape: (type.dims ?? []).map(dimVar))
        }
        if !props.isEmpty {
            guard case .tensor(let shape) = kind else {
                throw RicciError(.syntax, "properties apply to tensors, not to the function \(name)", at: loc)
            }
            if props.contains(.diagonal) && props.contains(.positive) {
                throw RicciError(.value, "\(name) is declared diagonal and positive, but the entries off the diagonal of a "
                    + "diagonal matrix are 0; declare it 'diagonal, spd' for a positive diagonal", at: loc)
            }
            for p in props where p != .positive {
                guard shape.count == 2, dims.unify(shape[0], shape[1]) else {
                    throw RicciError(.shape, "\(name) is declared \(p.rawValue) but it is \(dims.describe(shape)), not a square matrix", at: loc)
                }
            }
        }
        symbols[name] = Symbol(name: name, kind: kind, properties: props, declared: true, definition: nil, location: loc)
        names.append(name)
    }

    func define(_ name: String, indices: [IndexName]?, value: Expr, at loc: SourceLocation) throws {
        if Builtins.isReserved(name) {
            throw RicciError(.name, "'\(name)' is a built-in name and cannot be defined", at: loc)
        }
        if let old = symbols[name], old.definition != nil || !old.declared {
            throw RicciError(.name, "\(name) is already \(old.definition != nil ? "defined" : "used") at \(old.location)", at: loc)
        }
        defining = name
        defer { defining = nil }
        try statement(name: name, indices: indices, value: value, at: loc)
    }

    /// The name whose definition is being checked (its value may not use it).
    var defining: String?

    /// Checks one definition or bare expression; a shape error names the undeclared variables it
    /// involves, whose default types (vector, matrix, scalar) may be the cause.
    func statement(name: String?, indices: [IndexName]?, value: Expr, at loc: SourceLocation) throws {
        do {
            try checkStatement(name: name, indices: indices, value: value, at: loc)
        } catch var e as RicciError where e.kind == .shape {
            e.message += UndeclaredNote.note(for: e.message, symbols: symbols, names: names, dims: dims)
            throw e
        }
    }

    /// A bare expression that is not the last statement: its value is never used, which is a mistake
    /// (often a misspelled declaration `X: frobnicate`, read as the double-dot product X : frobnicate).
    func unusedValue(_ e: Expr, in program: Program) throws {
        // Flagged when a later statement is a bare expression too (the objective): a program followed by
        // definitions (a claim appended to it) keeps its value in use.
        guard !allowUnusedValues, let k = program.statements.firstIndex(of: .expression(e)),
              program.statements[(k + 1)...].contains(where: { if case .expression = $0 { return true } else { return false } })
        else { return }
        if case .binary(.doubleDot, let a, let b) = e.kind, case .name(let n) = a.kind, case .name(let t) = b.kind {
            throw RicciError(.syntax, "unknown type '\(t)' in the declaration of \(n); the types are scalar, vector(d), "
                + "matrix(r, c), tensor(d1, ...), elementwise, function -> TYPE", at: b.location)
        }
        throw RicciError(.syntax, "the value of this statement is never used: only the last statement is the objective "
            + "(give it a name, NAME = ..., or remove it)", at: e.location)
    }

    func checkStatement(name: String?, indices: [IndexName]?, value: Expr, at loc: SourceLocation) throws {
        indexDims = [:]
        leftSide = indices?.map(\.name)
        if let idx = indices {
            var seen = Set<String>()
            for i in idx where !seen.insert(i.name).inserted {
                throw RicciError(.index, "index \(i.name) appears twice on the left side", at: i.location)
            }
        }
        let typed = try check(value, .top)
        var shape = typed.shape
        var outIndices: [String]? = nil
        if let idx = indices {
            guard typed.shape.isEmpty || !typed.isIndexed else {
                throw RicciError(.shape, "the right side is \(dims.describe(typed.shape)), not an indexed entry", at: value.location)
            }
            if !typed.isIndexed && !typed.shape.isEmpty {
                throw RicciError(.index, "an indexed left side needs an indexed right side (write \(value.text) with indices)", at: value.location)
            }
            for i in idx where !typed.free.contains(i.name) {
                throw RicciError(.index, "index \(i.name) of the left side does not appear on the right side", at: i.location)
            }
            shape = try idx.map { i in
                guard let d = indexDims[i.name] else {
                    throw RicciError(.index, "index \(i.name) of the left side does not appear on the right side", at: i.location)
                }
                return d
            }
            outIndices = idx.map(\.name)
        } else if typed.isIndexed {
            outIndices = typed.free.sorted()
            shape = try outIndices!.map { i in
                guard let d = indexDims[i] else { throw RicciError(.index, "index \(i) has no range", at: value.location) }
                return d
            }
        }
        if let name = name {
            if let old = symbols[name], case .tensor(let declared) = old.kind {
                try unifyShapes(declared, shape, what: "the definition of \(name)",
                                left: "declared", right: "defined as", at: loc)
            }
            let def = TypedDefinition(name: name, indices: outIndices, value: typed, location: loc)
            let props = symbols[name]?.properties ?? []
            if symbols[name] == nil { names.append(name) }
            symbols[name] = Symbol(name: name, kind: .tensor(shape: shape), properties: props,
                                   declared: symbols[name]?.declared ?? false, definition: def, location: loc)
        }
        statements.append(.init(name: name, indices: outIndices, value: typed, indexDims: indexDims, shape: shape, location: loc))
        leftSide = nil
    }

    // MARK: - names

    /// The tensor a name stands for, giving undeclared names their default kind.
    func variable(_ name: String, at loc: SourceLocation) throws -> TypedExpr {
        if name == defining {
            throw RicciError(.name, "\(name) is used in its own definition; a definition can only use inputs and names "
                + "defined before it", at: loc)
        }
        if let s = symbols[name] {
            switch s.kind {
            case .tensor(let shape): return TypedExpr(.variable(name), shape: shape, at: loc)
            case .elementwise, .function:
                throw RicciError(.name, "\(name) is a function; apply it to an argument: \(name)(...)", at: loc)
            }
        }
        // Extensions: a dimension name is its size (`sum(x.^2)/n`), and an undeclared I the identity.
        if let d = dims.existing(name) {
            let ones = TypedExpr(.ones, shape: [d], at: loc)
            return TypedExpr(.reduce(.sum, ones), shape: [], at: loc)
        }
        if name == "eye" || name == "I" {
            let d = dims.fresh("eye_n")
            return TypedExpr(.eye, shape: [d, d], at: loc)
        }
        if Builtins.isReserved(name) {
            throw RicciError(.name, "\(name) is a built-in function; call it with arguments: \(name)(...)", at: loc)
        }
        if name.count >= 4, let near = nearestName(to: name, in: Array(symbols.keys).filter { $0.count >= 4 }),
           editDistance(near, name) == 1 {
            throw RicciError(.name, "unknown name '\(name)'; did you mean '\(near)'? (declare \(name) to use both)", at: loc)
        }
        let shape: [DimVar]
        if Builtins.isGreek(name) {
            shape = []
        } else if let f = name.first, f.isUppercase {
            shape = [dims.fresh("\(name)_r"), dims.fresh("\(name)_c")]
        } else {
            shape = [dims.fresh("\(name)_n")]
        }
        symbols[name] = Symbol(name: name, kind: .tensor(shape: shape), properties: [], declared: false, definition: nil, location: loc)
        names.append(name)
        return TypedExpr(.variable(name), shape: shape, at: loc)
    }

    // MARK: - shape helpers

    func isScalar(_ shape: [DimVar]) -> Bool { shape.allSatisfy { dims.isOne($0) } }

    /// Rows and columns of a scalar, vector or matrix; `nil` for order 3 and up.
    func matrixView(_ shape: [DimVar]) -> (DimVar, DimVar)? {
        switch shape.count {
        case 0: return (dims.fixed(1), dims.fixed(1))
        case 1: return (shape[0], dims.fixed(1))
        case 2: return (shape[0], shape[1])
        default: return nil
        }
    }

    /// The canonical shape of an r×c result: scalar for 1×1, a vector for r×1.
    func canonical(_ r: DimVar, _ c: DimVar) -> [DimVar] {
        if dims.isOne(r) && dims.isOne(c) { return [] }
        if dims.isOne(c) { return [r] }
        return [r, c]
    }

    /// Unifies two shapes axis by axis, or throws a shape error that names both.
    func unifyShapes(_ a: [DimVar], _ b: [DimVar], what: String, left: String, right: String,
                     at loc: SourceLocation) throws {
        var x = a, y = b
        if let va = matrixView(a), let vb = matrixView(b), a.count != b.count {
            x = canonical(va.0, va.1)
            y = canonical(vb.0, vb.1)
        }
        guard x.count == y.count else {
            throw RicciError(.shape, "\(what): \(left) is \(dims.describe(a)) but \(right) is \(dims.describe(b))", at: loc)
        }
        for (k, (p, q)) in zip(x, y).enumerated() where !dims.unify(p, q) {
            throw RicciError(.shape, "\(what): \(left) is \(dims.describe(a)) but \(right) is \(dims.describe(b)); "
                + "dimension \(k + 1) differs (\(dims.resolve(p)) vs \(dims.resolve(q)))", at: loc)
        }
    }
}
