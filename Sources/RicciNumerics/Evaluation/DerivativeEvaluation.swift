import Ricci

/// Values of symbolic results.
extension DerivativeResult {
    /// The derivative's value through GSL: its printed program (the matrix form when there is one,
    /// else the Einstein form) evaluated with `settings` — given values, sizes, or random inputs from
    /// `settings.seed`. Evaluating the source program with the same settings gives the point.
    public func evaluate(settings: EvaluationSettings, form: ResultForm = .matrix) throws -> Evaluation {
        guard let program = program(form) ?? program(.einstein) else {
            throw RicciError(.usage, "the result has no printed program")
        }
        return try Evaluator.evaluate(source: program, settings: settings)
    }
}
