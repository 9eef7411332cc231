/// The library's entry points for derivatives.
///
/// ```swift
/// let g = try Derivatives.derivative(of: "normF(X*W - Y)^2", wrt: "W", kind: .gradient)
/// g.matrix    // "2*X'*(X*W - Y)"
/// g.einstein  // "G[k, l] = 2*X[i, k]*(X[i, a]*W[a, l] - Y[i, l])"
/// ```
public enum Derivatives {
    /// The derivative of a program's objective (its last statement) by one variable.
    ///
    /// - Parameters:
    ///   - source: the program text (SYNTAX.md).
    ///   - wrt: the variable's name.
    ///   - kind: gradient, Jacobian or Hessian; a gradient or Hessian of a non-scalar is refused
    ///     (use a Jacobian).
    ///   - layout: denominator (default) or numerator, for gradients.
    public static func derivative(of source: String, wrt: String, kind: DerivativeKind,
                                  layout: Layout = .denominator) throws -> DerivativeResult {
        try derivatives(of: source, wrt: [wrt], kind: kind, layout: layout)[0]
    }

    /// One derivative per variable, in the order given.
    public static func derivatives(of source: String, wrt: [String], kind: DerivativeKind,
                                   layout: Layout = .denominator) throws -> [DerivativeResult] {
        let lowered = try Lowerer.lower(TypeChecker.check(source: source))
        return try wrt.map { try derivative(of: lowered, wrt: $0, kind: kind, layout: layout) }
    }

    /// The derivative of a lowered program's objective by `wrt`.
    public static func derivative(of program: LoweredProgram, wrt: String, kind: DerivativeKind,
                                  layout: Layout = .denominator) throws -> DerivativeResult {
        let typed = program.typed
        let variableShape = try checkVariable(wrt, in: typed)
        guard let last = program.statements.last else { throw RicciError(.usage, "the program has no objective") }
        let objectiveShape = typed.result.shape.filter { !typed.dims.isOne($0) }
        if kind != .jacobian && !objectiveShape.isEmpty {
            throw RicciError(.shape, "the objective is \(typed.dims.describe(typed.result.shape)), not a scalar: "
                + "a \(kind.rawValue) needs a scalar objective; `ricci jacobian` gives the derivative of a tensor",
                at: typed.result.location)
        }
        let gen = IndexGenerator(after: program.statements.map(\.expr.maxIndexID).max() ?? 0)
        var objective = last.expr
        // unit axes of a 1×1 objective are summed over their single value
        objective.free = objective.free.filter { !typed.dims.isOne($0.dim) }
        let d = Differentiator(program, wrt: wrt, generator: gen)
        let simplifier = Simplifier(generator: gen)
        let k = d.freshIndices(variableShape, hints: ["k", "l", "m", "p"])
        var result = simplifier.simplify(d.derivative(simplifier.simplify(objective), by: k))
        if kind == .hessian {
            let k2 = d.freshIndices(variableShape, hints: ["p", "q", "r", "s"])
            result = simplifier.simplify(d.derivative(result, by: k2))
        }
        if let why = d.unsupported {
            throw RicciError(.limit, "cannot differentiate this program by \(wrt): \(why)", at: typed.result.location)
        }
        if kind == .gradient && layout == .numerator {
            result = numeratorLayout(result, dims: typed.dims, gen)
        }
        return DerivativePrinter(program: program, wrt: wrt, kind: kind, layout: layout).result(result)
    }

    /// The variable's shape; errors for names that are not inputs of the program.
    static func checkVariable(_ name: String, in p: TypedProgram) throws -> [DimVar] {
        guard let s = p.symbols[name] else {
            let inputs = p.names.filter { p.symbols[$0]?.definition == nil }
            let hint = nearestName(to: name, in: inputs).map { " (did you mean '\($0)'?)" } ?? ""
            throw RicciError(.name, "'\(name)' is not a name of the program\(hint)")
        }
        if s.definition != nil {
            throw RicciError(.name, "'\(name)' is defined by the program; differentiate by one of its inputs", at: s.location)
        }
        guard case .tensor(let shape) = s.kind else {
            throw RicciError(.name, "'\(name)' is a function, not a variable", at: s.location)
        }
        return shape
    }

    /// Numerator layout: a gradient by a matrix is transposed; by a vector it becomes a row (1×n).
    static func numeratorLayout(_ e: IndexExpr, dims: DimTable, _ gen: IndexGenerator) -> IndexExpr {
        switch e.free.count {
        case 2: return IndexExpr(free: e.free.reversed(), terms: e.terms)
        case 1:
            let unit = gen.fresh("u", dims.fixed(1))
            return IndexExpr(free: [unit] + e.free, terms: e.terms.map { Term($0.coefficient, $0.factors + [.ones([unit])]) })
        default: return e
        }
    }
}
