import Foundation
import Ricci

extension ClaimCheck {
    /// For a wrong claim of a derivative by a symmetric matrix: tries the other conventions
    /// (``SymmetricConvention``) at the first point and, when the claim's values are right under
    /// one, records it in ``rightUnder`` and says so in the message.
    mutating func recognizeConvention(program: TypedProgram, text: String, source: String, wrt: String, kind: DerivativeKind,
                                      layout: Layout, settings: EvaluationSettings) {
        guard let used = result.symmetric else { return }
        for c in SymmetricConvention.allCases where c != used {
            guard let (reference, base) = try? SymmetricReference.reference(source: source, wrt: wrt, kind: kind, layout: layout,
                                                                             convention: c, settings: settings),
                  let point = try? FiniteDifferences.pointSettings(for: text, at: base, settings),
                  let value = try? Evaluator(program, settings: point).run().value else { continue }
            let error = FiniteDifferences.relativeError(DerivativeCheck.conformed(value, to: reference), reference)
            if error <= tolerance {
                rightUnder = c
                message += "\nIt is right under another convention for the symmetric \(wrt): --symmetric \(c.rawValue), "
                    + "\(c.formula) (relative error \(Shapes.short(error))); this check used --symmetric \(used.rawValue), "
                    + "\(used.formula)."
                return
            }
        }
    }
}
