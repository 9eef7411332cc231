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
    /// The settings of the point (its seed: the first acceptable one from the seed asked for).
    public var settings: EvaluationSettings
    /// The estimated relative error of `reference` (GSL's estimate; for Hessians, its second-difference form).
    public var estimatedError: Double = 0
    /// Points drawn and not used, and why (badly conditioned, outside the domain...).
    public var rejections: [CheckPoints.Rejection] = []
    /// Why no verdict can be given (no point where finite differences can be trusted was found
    /// within the budget); nil when there is a verdict.
    public var inconclusive: String?

    /// True when every printed form agrees with finite differences within the tolerance.
    public var passed: Bool { inconclusive == nil && einsteinError <= tolerance && (matrixError ?? 0) <= tolerance }

    /// Differentiates `source` by `wrt` (a gradient for scalar objectives, else a Jacobian; a Hessian
    /// when asked) and compares with finite differences at the point drawn from `settings`.
    ///
    /// The point is the first of the seeds from `settings.seed` where finite differences can be
    /// trusted (``CheckPoints``): up to `redraws` points are re-drawn, and the reasons recorded in
    /// ``rejections``. When none is found, the check is made at the last point that evaluates and
    /// ``inconclusive`` says why. By a matrix declared `symmetric`/`spd`, the result and its
    /// reference follow `symmetric` (nil: the default, `sym`; see ``SymmetricReference``).
    public static func run(source: String, wrt: String, kind: DerivativeKind? = nil, layout: Layout = .denominator,
                           settings: EvaluationSettings, tolerance: Double = 1e-6, redraws: Int = 10,
                           cache: CheckPointCache? = nil, symmetric: SymmetricConvention? = nil) throws -> DerivativeCheck {
        let k = try defaultKind(source: source, kind)
        let result = try Derivatives.derivative(of: source, wrt: wrt, kind: k, layout: layout, symmetric: symmetric)
        var points = try CheckPoints(source: source, wrt: wrt, kind: k, layout: layout, wrtOrder: result.order,
                                     settings: settings, budget: redraws, accuracy: tolerance / 10)
        points.cache = cache
        points.symmetric = result.symmetric
        var seed = settings.seed ?? 1
        let point = try points.draw(settings, seed: &seed)
        var used = settings
        var inconclusive: String?
        let reference: Tensor, base: Evaluation, estimate: Double
        if let p = point {
            (reference, base, estimate, used) = (p.reference, p.base, p.estimatedError, p.settings)
        } else {
            inconclusive = "no random point where finite differences can be trusted: " + (points.summary ?? "")
            used.seed = points.rejections.last?.seed ?? settings.seed
            (reference, base, estimate) = try numericReferenceWithError(source: source, wrt: wrt, kind: k, layout: layout,
                                                                        wrtOrder: result.order, settings: used,
                                                                        symmetric: result.symmetric)
        }
        func error(_ form: ResultForm) throws -> Double? {
            guard let program = result.program(form) else { return nil }
            let value: Tensor
            do {
                value = try FiniteDifferences.evaluate(resultProgram: program, at: base, settings: used).value
            } catch let e as RicciError {
                // A location in the generated program would point at a line the user never wrote.
                throw RicciError(e.kind, "the \(form == .matrix ? "matrix" : "Einstein") form of the derivative could not be "
                    + "evaluated: \(e.message)")
            }
            return FiniteDifferences.relativeError(conformed(value, to: reference), reference)
        }
        return DerivativeCheck(result: result, matrixError: try error(.matrix), einsteinError: try error(.einstein) ?? .infinity,
                               tolerance: tolerance, base: base, reference: reference, settings: used,
                               estimatedError: estimate, rejections: points.rejections, inconclusive: inconclusive)
    }

    /// The kind asked for, else a gradient for a scalar objective and a Jacobian otherwise.
    static func defaultKind(source: String, _ kind: DerivativeKind?) throws -> DerivativeKind {
        if let k = kind { return k }
        let typed = try TypeChecker.check(source: source)
        return typed.result.shape.allSatisfy { typed.dims.isOne($0) } ? .gradient : .jacobian
    }

    /// The finite-difference derivative (in the result's layout) and the point it was taken at.
    static func numericReference(source: String, wrt: String, kind: DerivativeKind, layout: Layout, wrtOrder: Int,
                                 settings: EvaluationSettings, symmetric: SymmetricConvention? = nil) throws -> (Tensor, Evaluation) {
        let (d, base, _) = try numericReferenceWithError(source: source, wrt: wrt, kind: kind, layout: layout, wrtOrder: wrtOrder,
                                                         settings: settings, symmetric: symmetric)
        return (d, base)
    }

    /// The finite-difference derivative (in the result's layout), the point it was taken at, and
    /// its estimated relative error; along symmetric perturbations for a `symmetric` convention.
    static func numericReferenceWithError(source: String, wrt: String, kind: DerivativeKind, layout: Layout, wrtOrder: Int,
                                          settings: EvaluationSettings,
                                          symmetric: SymmetricConvention? = nil) throws -> (Tensor, Evaluation, Double) {
        if let c = symmetric {
            let r = try SymmetricReference.result(source: source, wrt: wrt, kind: kind, layout: layout, convention: c, settings: settings)
            return (r.derivative, r.base, r.estimatedError)
        }
        if kind == .hessian {
            let numeric = try FiniteDifferences.hessian(of: source, wrt: wrt, settings: settings)
            return (numeric.derivative, numeric.base, numeric.estimatedError)
        }
        let numeric = try FiniteDifferences.derivative(of: source, wrt: wrt, settings: settings)
        var reference = numeric.derivative
        if kind == .gradient && layout == .numerator {
            reference = try FiniteDifferences.numeratorLayout(reference, wrtOrder: wrtOrder)
        }
        return (reference, numeric.base, numeric.estimatedError)
    }

    /// `value` laid out as `reference` when they have the same number of entries (a column vector
    /// n×1 against a vector of length n, a 1×1 scalar against a scalar).
    static func conformed(_ value: Tensor, to reference: Tensor) -> Tensor {
        guard value.count == reference.count, value.shape != reference.shape,
              let v = try? value.reshaped(reference.shape) else { return value }
        return v
    }
}
