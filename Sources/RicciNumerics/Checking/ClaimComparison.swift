import Foundation
import Ricci

extension ClaimCheck {
    /// The claim's values against finite differences at each point, the engine's own result
    /// against the same finite differences (so that a point where they cannot be trusted does not
    /// convict), and the mistake the claim's values match at every point, if any.
    struct Comparison {
        /// The claim against finite differences, per point.
        var errors: [Double]
        /// The engine's result against finite differences, per point.
        var engineErrors: [Double]
        /// The claim against the engine's result, per point.
        var claimVsEngine: [Double]
        var seeds: [UInt64]
        var diagnosis: Diagnosis?
        /// Points drawn and not used.
        var rejections: [CheckPoints.Rejection]
        var max: Double { errors.max() ?? .infinity }
    }

    /// Compares the claim (`program`, the spliced `text`) at `points` random points: the first is
    /// the engine check's own point; the others are drawn from the following seeds (with other
    /// distinct sizes when none are given), each re-drawn where finite differences cannot be trusted.
    func compare(program: TypedProgram, text: String, source: String, wrt: String, kind: DerivativeKind, layout: Layout,
                 settings: EvaluationSettings, points: Int, redraws: Int = 10, cache: CheckPointCache? = nil,
                 transform: ((Tensor, Tensor) throws -> Tensor)?) throws -> Comparison {
        var out = Comparison(errors: [], engineErrors: [], claimVsEngine: [], seeds: [], diagnosis: nil, rejections: [])
        var variants: [Diagnosis: Double] = [:]
        let original = try TypeChecker.check(source: source)
        let free = original.dims.symbolicNames.filter { !$0.contains("*") }
        let vary = settings.dims.isEmpty && settings.values.isEmpty
        var sampler = try CheckPoints(source: source, wrt: wrt, kind: kind, layout: layout, wrtOrder: result.order,
                                      settings: settings, budget: redraws, accuracy: tolerance / 10)
        sampler.cache = cache
        sampler.symmetric = result.symmetric
        var seed = (engine.settings.seed ?? settings.seed ?? 1) &+ 1
        let enginePrograms = result.program(.einstein)
        // when the engine's check found no point, neither will this one: no verdict by value
        for j in 0..<(engine.inconclusive == nil ? Swift.max(1, points) : 0) {
            var s = settings
            if vary && j > 0 {
                for (k, name) in free.enumerated() { s.dims[name] = j == 1 ? 4 + k : 5 + (free.count - 1 - k) }
            }
            let reference: Tensor, base: Evaluation, engineError: Double?
            if j == 0 {
                guard engine.inconclusive == nil else { continue }
                (reference, base, s) = (engine.reference, engine.base, engine.settings)
                engineError = engine.einsteinError
            } else {
                guard let p = try sampler.draw(s, seed: &seed) else { break }
                (reference, base, s) = (p.reference, p.base, p.settings)
                engineError = nil
            }
            if base.value.data.contains(where: { !$0.isFinite }) || reference.data.contains(where: { !$0.isFinite }) {
                throw NotANumber(seed: s.seed ?? 1)
            }
            var value: Tensor
            do {
                value = try Evaluator(program, settings: FiniteDifferences.pointSettings(for: text, at: base, s)).run().value
            } catch let e as RicciError {
                throw ClaimEvaluationError(error: e)
            } catch let e as NumericError {
                throw ClaimEvaluationError(error: RicciError(.numeric, e.description))
            }
            if let t = transform { value = try t(value, reference) }
            value = DerivativeCheck.conformed(value, to: reference)
            var engineValue: Tensor?
            if let p = enginePrograms {
                engineValue = (try? FiniteDifferences.evaluate(resultProgram: p, at: base, settings: s).value)
                    .map { DerivativeCheck.conformed($0, to: reference) }
            }
            out.errors.append(FiniteDifferences.relativeError(value, reference))
            out.engineErrors.append(engineError ?? engineValue.map { FiniteDifferences.relativeError($0, reference) } ?? .infinity)
            out.claimVsEngine.append(engineValue.map { FiniteDifferences.relativeError(value, $0) } ?? .infinity)
            out.seeds.append(s.seed ?? 1)
            for d in Diagnosis.allCases {
                guard let variant = try? Shapes.variant(d, of: reference) else { continue }
                variants[d] = Swift.max(variants[d] ?? 0, FiniteDifferences.relativeError(value, variant))
            }
            // a wrong answer, convicted at 3 points where the engine agrees with finite differences, needs no more
            let convicting = out.errors.indices.filter { out.errors[$0] > tolerance && out.engineErrors[$0] <= tolerance }
            if convicting.count >= 3 { break }
        }
        out.rejections = sampler.rejections
        out.diagnosis = out.seeds.isEmpty ? nil : Diagnosis.allCases.first { d in (variants[d] ?? .infinity) <= tolerance }
        return out
    }
}
