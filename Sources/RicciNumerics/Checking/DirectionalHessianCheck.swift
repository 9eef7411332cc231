import Foundation
import Ricci

/// The second directional derivative d²f[V] (``/Ricci/Derivatives/hessian(of:wrt:direction:symmetric:)``)
/// checked by value: its matrix and Einstein forms against the finite-difference Hessian applied to
/// a random V, at a random point.
///
/// The point is drawn as for ``DerivativeCheck`` (``CheckPoints``): where the finite-difference
/// Hessian's own error estimate is above a tenth of the tolerance (or a matrix is badly
/// conditioned, or a step leaves the domain), the point is re-drawn, and when no point can be
/// trusted the check is ``inconclusive`` rather than failed.
public struct DirectionalHessianCheck: Sendable {
    /// The symbolic result.
    public var result: DerivativeResult
    /// Relative error of the matrix form (nil when there is none).
    public var matrixError: Double?
    /// Relative error of the Einstein form.
    public var einsteinError: Double
    /// The tolerance of the verdict.
    public var tolerance: Double
    /// The estimated relative error of the finite-difference Hessian at the point.
    public var estimatedError: Double = 0
    /// Points drawn and not used, and why.
    public var rejections: [CheckPoints.Rejection] = []
    /// Why no verdict can be given (nil when there is one).
    public var inconclusive: String?

    /// True when every printed form agrees with finite differences.
    public var passed: Bool { inconclusive == nil && einsteinError <= tolerance && (matrixError ?? 0) <= tolerance }

    /// Differentiates twice and compares at the point drawn from `settings` (V drawn from the seed
    /// too, unless `settings` gives it); up to `redraws` points are re-drawn where finite
    /// differences cannot be trusted.
    public static func run(source: String, wrt: String, direction: String, settings: EvaluationSettings,
                           symmetric: SymmetricConvention? = nil, tolerance: Double = 1e-6,
                           redraws: Int = 10) throws -> DirectionalHessianCheck {
        let result = try Derivatives.hessian(of: source, wrt: wrt, direction: direction, symmetric: symmetric)
        var points = try CheckPoints(source: source, wrt: wrt, kind: .hessian, layout: .denominator, wrtOrder: 0,
                                     settings: settings, budget: redraws, accuracy: tolerance / 10)
        points.symmetric = result.symmetric
        var seed = settings.seed ?? 1
        let hessian: Tensor, base: Evaluation, estimate: Double
        var inconclusive: String?
        var used = settings
        if let p = try points.draw(settings, seed: &seed) {
            (hessian, base, estimate, used) = (p.reference, p.base, p.estimatedError, p.settings)
        } else {
            inconclusive = "no random point where finite differences can be trusted: " + (points.summary ?? "")
            used.seed = points.rejections.last?.seed ?? settings.seed
            (hessian, base, estimate) = try DerivativeCheck.numericReferenceWithError(
                source: source, wrt: wrt, kind: .hessian, layout: .denominator, wrtOrder: 0, settings: used, symmetric: result.symmetric)
        }
        guard let w = base.inputs.first(where: { $0.0 == wrt })?.1 else {
            throw RicciError(.usage, "'\(wrt)' is not an input of the program")
        }
        var v: Tensor
        if let given = settings.values[direction] ?? base.inputs.first(where: { $0.0 == direction })?.1 {
            v = given
        } else {
            var random = try RandomSource(seed: (used.seed ?? 1) &+ 0x5eed)
            v = try random.tensor(shape: w.shape)
        }
        guard v.count == w.count else { throw RicciError(.shape, "the direction \(direction) does not have the shape of \(wrt)") }
        var reference = try Tensor(zeros: w.shape)
        for i in 0..<w.count {
            var sum = 0.0
            for j in 0..<w.count { sum += hessian.data[i * w.count + j] * v.data[j] }
            reference.data[i] = sum
        }
        var at = base
        if !at.inputs.contains(where: { $0.0 == direction }) { at.inputs.append((direction, v)) }
        func error(_ form: ResultForm) throws -> Double? {
            guard let program = result.program(form) else { return nil }
            let value = try FiniteDifferences.evaluate(resultProgram: program, at: at, settings: used).value
            return FiniteDifferences.relativeError(DerivativeCheck.conformed(value, to: reference), reference)
        }
        return DirectionalHessianCheck(result: result, matrixError: try error(.matrix), einsteinError: try error(.einstein) ?? .infinity,
                                       tolerance: tolerance, estimatedError: estimate, rejections: points.rejections,
                                       inconclusive: inconclusive)
    }
}
