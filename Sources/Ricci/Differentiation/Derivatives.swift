/// The library's entry points for derivatives.
public enum Derivatives {
    /// The derivative of a program's objective (its last statement) by one variable.
    ///
    /// - Parameters:
    ///   - source: the program text (SYNTAX.md).
    ///   - wrt: the variable's name.
    ///   - kind: gradient, Jacobian or Hessian; a gradient of a non-scalar is refused (use a Jacobian).
    ///   - layout: denominator (default) or numerator, for gradients.
    public static func derivative(of source: String, wrt: String, kind: DerivativeKind,
                                  layout: Layout = .denominator) throws -> DerivativeResult {
        try derivatives(of: source, wrt: [wrt], kind: kind, layout: layout)[0]
    }

    /// One derivative per variable, in the order given.
    public static func derivatives(of source: String, wrt: [String], kind: DerivativeKind,
                                   layout: Layout = .denominator) throws -> [DerivativeResult] {
        throw RicciError(.usage, "derivatives are not implemented yet")
    }
}
