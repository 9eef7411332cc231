/// One side of a derivation step, in a form a machine can evaluate: an expression of the language
/// (over the program's names, the direction `dW` and the derivation's definitions), or a quantity
/// defined by differentiation that a checker computes numerically.
public struct StepSide: Sendable, Hashable {
    /// What the side is: an expression, or a quantity a checker computes numerically.
    public enum Kind: String, Sendable {
        /// `text` is an expression, evaluated after the derivation's context.
        case expression
        /// The directional derivative of the expression `text` along `dW`: (f(W + h·dW) − f(W − h·dW)) / 2h.
        case differential
        /// The gradient of the objective by W.
        case gradient
        /// The Jacobian of the expression `text` by W (order p + q).
        case jacobian
    }
    /// What kind of side this is.
    public var kind: Kind
    /// The expression (language text); empty for ``Kind/gradient``.
    public var text: String
}

/// One step of a derivation: `lhs = rhs`, the identity (rule) that justifies it, and its printed forms.
public struct DerivationStep: Sendable, Hashable {
    /// The identity the step uses, in words and Unicode.
    public var rule: String
    /// The left side, machine-checkable.
    public var lhs: StepSide
    /// The right side, machine-checkable.
    public var rhs: StepSide
    /// The step as a person reads it (Unicode).
    public var text: String
    /// The step as one line of an `aligned` block: `lhs &= rhs`.
    public var latex: String
    /// The rule in LaTeX.
    public var ruleLatex: String
}

/// A derivation of a gradient in the differential style: the objective written with `:`, its
/// differential, the differentials of the definitions, factors moved across `:` until only `dW` is
/// left, the gradient read off — and the index form of the chain rule with the explicit Γ.
public struct Derivation: Sendable {
    /// The program derived.
    public var source: String
    /// The variable.
    public var wrt: String
    /// The name of the direction (the differential of the variable): `dW`.
    public var direction: String
    /// Program lines every step is evaluated after: declarations (the direction included), the
    /// program's definitions and the derivation's own (named parts, differentials, Γ).
    public var context: [String]
    /// The steps in order.
    public var steps: [DerivationStep]
    /// The engine's gradient, for reference.
    public var result: DerivativeResult
    /// The definitions the steps use (the program's, named parts, named activations), in Unicode.
    public var definitions: [String]
    /// The same definitions in LaTeX (`E &= ...`).
    public var definitionsLatex: [String]
}
