/// What is differentiated: a gradient (scalar by anything), a Jacobian (anything by anything) or a
/// Hessian (second derivative of a scalar).
public enum DerivativeKind: String, Sendable, CaseIterable {
    /// The derivative of a scalar, in the variable's shape; a Jacobian of order p + q; a Hessian, the second derivative of a scalar.
    case gradient, jacobian, hessian
}

/// The layout of a gradient (SYNTAX.md section 4): denominator (the variable's shape, the default)
/// or numerator (transposed: a row vector, Wᵀ).
public enum Layout: String, Sendable, CaseIterable {
    /// Denominator: the gradient has the variable's shape; numerator: it is transposed.
    case denominator, numerator
}

/// The printed form a result program uses for its last line.
public enum ResultForm: Sendable {
    /// Matrix notation (section 2), or Einstein notation (section 3).
    case matrix, einstein
}

/// One derivative, simplified, in every form of SYNTAX.md section 4.
public struct DerivativeResult: Sendable {
    /// The variable differentiated by.
    public var wrt: String
    /// Gradient, Jacobian or Hessian.
    public var kind: DerivativeKind
    /// The layout of a gradient.
    public var layout: Layout
    /// The result's shape (the objective's axes, then the variable's, as SYNTAX.md section 4 orders them).
    public var shape: [Dim]
    /// The result's order (number of axes).
    public var order: Int { shape.count }
    /// The simplified index form; its free indices are the result's axes in order.
    public var index: IndexExpr
    /// The name the result is given in printed programs (`G`, `G_W` for several variables, `H`).
    public var name: String
    /// Matrix notation (section 2), or `nil` when no matrix form is certain.
    public var matrix: String?
    /// The Einstein form: `G[k, l] = ...`.
    public var einstein: String
    /// The matricized form ∂vec(F)/∂vec(W)ᵀ for order 3 and 4 results, when known.
    public var vec: String?
    /// Named intermediates the forms refer to, in evaluation order: the program's own definitions
    /// (as written), names given to nested activations (H1 = tanh(W1*X)), and shared adjoints
    /// (dH2 = ∂f/∂H2).
    public var intermediates: [Intermediate]
    /// The intermediates the matrix form uses, in evaluation order: one name per subexpression,
    /// possibly other names than the Einstein form's (``intermediates``).
    public var matrixIntermediates: [Intermediate]
    /// The identities the simplifier used for the matrix form, by name (``MatrixIdentities``).
    public var identities: [String]
    /// Why the simplifier stopped ("saturated", or the limit hit, with what was left undone); nil when
    /// it did not run (no matrix form).
    public var simplifierStop: String?
    /// The intermediates of the index form ``index`` (and of `Raiser.raise(index)`) that have a matrix
    /// form, as `(name, value)` pairs: the names the Einstein form uses.
    public var indexDefinitions: [(name: String, value: String)] {
        intermediates.compactMap { i in i.matrix.map { (i.name, $0) } }
    }
    /// The intermediates of the matrix form, as `(name, value)` pairs (JSON's `where`).
    public var definitions: [(name: String, value: String)] {
        matrixIntermediates.compactMap { i in i.matrix.map { (i.name, $0) } }
    }
    /// Lines that define the Einstein form's hoisted sub-sums (`T1[i, j] = ...`), in order.
    public var einsteinDefinitions: [String]
    /// The convention of a derivative by a matrix declared `symmetric`/`spd` (nil for other variables).
    public var symmetric: SymmetricConvention? = nil
    /// For a Hessian applied to a direction V (d²f[V] = H : V, in the variable's shape): V's name.
    public var direction: String? = nil
    /// Declarations of the program's inputs, so that printed programs parse on their own.
    public var declarations: [String]
    /// The matrix form (or, without one, the Einstein form) in LaTeX, with its intermediates.
    public var latex: String
    /// The same for a terminal: ᵀ ⊙ ⊘ ·.
    public var unicode: String

    /// A complete program whose value is the result, printed in `form` (nil if there is no matrix form):
    /// declarations, the program's definitions, then `name = matrix` or the Einstein lines.
    public func program(_ form: ResultForm) -> String? {
        var lines = declarations
        switch form {
        case .matrix:
            guard let m = matrix else { return nil }
            for i in matrixIntermediates {
                guard let value = i.matrix else { return nil }
                lines.append("\(i.name) = \(value)")
            }
            lines.append("\(name) = \(m)")
        case .einstein:
            lines += intermediates.flatMap(\.einstein)
            lines += einsteinDefinitions
            lines.append(einstein)
        }
        return lines.joined(separator: "\n")
    }
}

/// A named intermediate of a result: its matrix form (nil if none) and its Einstein lines.
public struct Intermediate: Sendable, Hashable {
    /// The name the forms use (`E`, `H1`, `dH2`).
    public var name: String
    /// The value in matrix notation, or the definition as the program wrote it.
    public var matrix: String?
    /// The definition's lines in Einstein notation (hoisted sub-sums first), or as written.
    public var einstein: [String]
    /// True for the program's own definitions.
    public var fromProgram: Bool
}
