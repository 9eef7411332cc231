import Ricci

/// The engine's derivative checked by value: its matrix and Einstein forms evaluated at random
/// inputs and compared with central finite differences of the program.
public struct DerivativeCheck: Sendable {
    /// The symbolic result that was checked.
    public var result: DerivativeResult
    /// Relative error of the matrix form (nil when there is none).
    public var matrixError: Double?
    /// Relative error of the Einstein form.
    public var einsteinError: Double
    /// The tolerance the verdict uses.
    public var tolerance: Double
    /// The point of the check (inputs and sizes).
    public var base: Evaluation

    /// True when every printed form agrees with finite differences within the tolerance.
    public var passed: Bool { einsteinError <= tolerance && (matrixError ?? 0) <= tolerance }

    /// Differentiates `source` by `wrt` (a gradient for scalar objectives, else a Jacobian; a Hessian
    /// when asked) and compares with finite differences at the point drawn from `settings`.
    public static func run(source: String, wrt: String, kind: DerivativeKind? = nil, layout: Layout = .denominator,
                           settings: EvaluationSettings, tolerance: Double = 1e-6) throws -> DerivativeCheck {
        let typed = try TypeChecker.check(source: source)
        let scalar = typed.result.shape.allSatisfy { typed.dims.isOne($0) }
        let k = kind ?? (scalar ? .gradient : .jacobian)
        let result = try Derivatives.derivative(of: source, wrt: wrt, kind: k, layout: layout)
        let numeric: FiniteDifferences.Result
        var reference: Tensor
        if k == .hessian {
            numeric = try FiniteDifferences.hessian(of: source, wrt: wrt, settings: settings)
            reference = numeric.derivative
        } else {
            numeric = try FiniteDifferences.derivative(of: source, wrt: wrt, settings: settings)
            reference = numeric.derivative
            if k == .gradient && layout == .numerator {
                reference = try FiniteDifferences.numeratorLayout(reference, wrtOrder: result.order)
            }
        }
        let shape = result.shape.map { d -> Int in
            if case .fixed(let n) = d { return n }
            return numeric.base.sizes[d.description] ?? 1
        }
        func error(_ form: ResultForm) throws -> Double? {
            guard let program = result.program(form) else { return nil }
            var value = try FiniteDifferences.evaluate(resultProgram: program, at: numeric.base, settings: settings).value
            if value.count == reference.count, value.shape != reference.shape { value = try value.reshaped(reference.shape) }
            return FiniteDifferences.relativeError(value, reference)
        }
        _ = shape
        return DerivativeCheck(result: result, matrixError: try error(.matrix), einsteinError: try error(.einstein) ?? .infinity,
                               tolerance: tolerance, base: numeric.base)
    }
}
