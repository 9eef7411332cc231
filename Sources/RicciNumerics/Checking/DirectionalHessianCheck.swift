import Foundation
import Ricci

/// The second directional derivative d²f[V] (``/Ricci/Derivatives/hessian(of:wrt:direction:symmetric:)``)
/// checked by value: its matrix and Einstein forms against the finite-difference Hessian applied to
/// a random V, at a random point.
public struct DirectionalHessianCheck: Sendable {
    /// The symbolic result.
    public var result: DerivativeResult
    /// Relative error of the matrix form (nil when there is none).
    public var matrixError: Double?
    /// Relative error of the Einstein form.
    public var einsteinError: Double
    /// The tolerance of the verdict.
    public var tolerance: Double

    /// True when every printed form agrees with finite differences.
    public var passed: Bool { einsteinError <= tolerance && (matrixError ?? 0) <= tolerance }

    /// Differentiates twice and compares at the point drawn from `settings` (V drawn from the seed
    /// too, unless `settings` gives it).
    public static func run(source: String, wrt: String, direction: String, settings: EvaluationSettings,
                           symmetric: SymmetricConvention? = nil, tolerance: Double = 1e-6) throws -> DirectionalHessianCheck {
        let result = try Derivatives.hessian(of: source, wrt: wrt, direction: direction, symmetric: symmetric)
        let (hessian, base) = try DerivativeCheck.numericReference(source: source, wrt: wrt, kind: .hessian, layout: .denominator,
                                                                  wrtOrder: 0, settings: settings, symmetric: result.symmetric)
        guard let w = base.inputs.first(where: { $0.0 == wrt })?.1 else {
            throw RicciError(.usage, "'\(wrt)' is not an input of the program")
        }
        var v: Tensor
        if let given = settings.values[direction] ?? base.inputs.first(where: { $0.0 == direction })?.1 {
            v = given
        } else {
            var random = try RandomSource(seed: (settings.seed ?? 1) &+ 0x5eed)
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
            let value = try FiniteDifferences.evaluate(resultProgram: program, at: at, settings: settings).value
            return FiniteDifferences.relativeError(DerivativeCheck.conformed(value, to: reference), reference)
        }
        return DirectionalHessianCheck(result: result, matrixError: try error(.matrix), einsteinError: try error(.einstein) ?? .infinity,
                                       tolerance: tolerance)
    }
}
