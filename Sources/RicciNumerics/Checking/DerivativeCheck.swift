import Foundation
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
    /// The finite-difference derivative at `base`, in the result's layout (the reference).
    public var reference: Tensor

    /// True when every printed form agrees with finite differences within the tolerance.
    public var passed: Bool { einsteinError <= tolerance && (matrixError ?? 0) <= tolerance }

    /// Differentiates `source` by `wrt` (a gradient for scalar objectives, else a Jacobian; a Hessian
    /// when asked) and compares with finite differences at the point drawn from `settings`.
    public static func run(source: String, wrt: String, kind: DerivativeKind? = nil, layout: Layout = .denominator,
                           settings: EvaluationSettings, tolerance: Double = 1e-6) throws -> DerivativeCheck {
        let k = try defaultKind(source: source, kind)
        let result = try Derivatives.derivative(of: source, wrt: wrt, kind: k, layout: layout)
        let (reference, base) = try numericReference(source: source, wrt: wrt, kind: k, layout: layout,
                                                     wrtOrder: result.order, settings: settings)
        func error(_ form: ResultForm) throws -> Double? {
            guard let program = result.program(form) else { return nil }
            let value: Tensor
            do {
                value = try FiniteDifferences.evaluate(resultProgram: program, at: base, settings: settings).value
            } catch let e as RicciError {
                // A location in the generated program would point at a line the user never wrote.
                throw RicciError(e.kind, "the \(form == .matrix ? "matrix" : "Einstein") form of the derivative could not be "
                    + "evaluated: \(e.message)")
            }
            return FiniteDifferences.relativeError(conformed(value, to: reference), reference)
        }
        return DerivativeCheck(result: result, matrixError: try error(.matrix), einsteinError: try error(.einstein) ?? .infinity,
                               tolerance: tolerance, base: base, reference: reference)
    }

    /// The kind asked for, else a gradient for a scalar objective and a Jacobian otherwise.
    static func defaultKind(source: String, _ kind: DerivativeKind?) throws -> DerivativeKind {
        if let k = kind { return k }
        let typed = try TypeChecker.check(source: source)
        return typed.result.shape.allSatisfy { typed.dims.isOne($0) } ? .gradient : .jacobian
    }

    /// The finite-difference derivative (in the result's layout) and the point it was taken at.
    static func numericReference(source: String, wrt: String, kind: DerivativeKind, layout: Layout, wrtOrder: Int,
                                 settings: EvaluationSettings) throws -> (Tensor, Evaluation) {
        if kind == .hessian {
            let numeric = try FiniteDifferences.hessian(of: source, wrt: wrt, settings: settings)
            return (numeric.derivative, numeric.base)
        }
        let numeric = try FiniteDifferences.derivative(of: source, wrt: wrt, settings: settings)
        var reference = numeric.derivative
        if kind == .gradient && layout == .numerator {
            reference = try FiniteDifferences.numeratorLayout(reference, wrtOrder: wrtOrder)
        }
        return (reference, numeric.base)
    }

    /// `value` laid out as `reference` when they have the same number of entries (a column vector
    /// n×1 against a vector of length n, a 1×1 scalar against a scalar).
    static func conformed(_ value: Tensor, to reference: Tensor) -> Tensor {
        guard value.count == reference.count, value.shape != reference.shape,
              let v = try? value.reshaped(reference.shape) else { return value }
        return v
    }
}
