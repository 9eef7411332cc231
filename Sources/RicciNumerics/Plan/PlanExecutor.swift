import Foundation
import Ricci

extension NumericPlan {
    /// Runs the plan on inputs of the compiled sizes and returns every requested output by name
    /// (`value`, `grad_W`, `hessian_W`).
    /// - Parameters:
    ///   - inputs: a value for every name in ``inputs`` (vectors as `[n]` or `[n, 1]`).
    ///   - functions: a stand-in for every name in ``elementwiseFunctions`` and ``opaqueFunctions``.
    /// - Throws: ``RicciError`` for a missing input, a size other than the compiled one, or a
    ///   numeric failure (a singular matrix).
    public func run(_ inputs: [String: Tensor], functions: [String: PlanFunction] = [:]) throws -> [String: Tensor] {
        throw RicciError(.usage, "plan execution is not implemented yet")
    }
}
