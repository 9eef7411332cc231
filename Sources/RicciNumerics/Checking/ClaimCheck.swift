import Foundation
import Ricci

// MARK: - claims

/// A person's claimed derivative checked against the true one (`ricci check --claim`): first its
/// shape against the expected shape, then its values at several random points against central
/// finite differences, with a diagnosis of the common mistakes.
///
/// The claim is written in the language (matrix or Einstein notation). It may use the program's
/// names and definitions and define its own intermediates (`E = X*W - Y; 2*X'*E`); its last
/// statement is the claimed derivative, an expression or a definition (`C[k, l] = ...`). It is
/// checked as the program's continuation, so every name means what it means in the program; its
/// errors point into the claim's own text.
public struct ClaimCheck: Sendable {
    /// The verdict.
    public enum Verdict: String, Sendable, CaseIterable {
        /// The claim equals the true derivative at every point compared.
        case correct
        /// The claim's shape differs from the true derivative's.
        case wrongShape = "wrong shape"
        /// The shapes agree, the values do not.
        case wrongValues = "wrong values"
        /// The claim does not parse or type-check.
        case doesNotParse = "does not parse"
        /// Finite differences cannot decide: they disagree with both the claim and the engine's own
        /// result, or no point where they can be trusted was found (``ClaimCheck/message`` says why).
        case inconclusive
    }

    /// A common mistake the claim's values were found to match.
    public enum Diagnosis: String, Sendable, CaseIterable {
        /// The claim is the transpose of the true derivative (layout).
        case transpose
        /// The claim is the negative of the true derivative.
        case negative = "wrong sign"
        /// The claim is minus the transpose.
        case negativeTranspose = "wrong sign and transposed"
        /// The claim is half the true derivative.
        case missingFactor2 = "missing factor 2"
        /// The claim is twice the true derivative.
        case extraFactor2 = "extra factor 2"
        /// The claim is the vectorized true derivative (columns stacked), not the derivative itself.
        case vec = "vec of the result"
    }

    /// The claim as given.
    public var claim: String
    /// Correct, wrong shape, wrong values, or does not parse.
    public var verdict: Verdict
    /// The shape of the true derivative (SYNTAX.md section 4).
    public var expectedShape: [Dim]
    /// The claim's shape, when it type-checks.
    public var claimShape: [Dim]?
    /// The largest relative error over the points compared (nil when values were not compared).
    public var relativeError: Double?
    /// The relative error at each point, in the order of `seeds`.
    public var errors: [Double]
    /// The seeds of the points compared.
    public var seeds: [UInt64]
    /// The common mistake the claim's values match, when one does.
    public var diagnosis: Diagnosis?
    /// The explanation in plain words.
    public var message: String
    /// The parse or type error of the claim, located in the claim's own text.
    public var error: RicciError?
    /// The engine's own derivative and its check against finite differences at the first point.
    public var engine: DerivativeCheck
    /// The step-by-step derivation of the correct result, when the library can give one.
    public var derivation: String?
    /// The tolerance on the relative error.
    public var tolerance: Double
    /// For a derivative by a symmetric matrix: another convention under which the claim's values are right.
    public var rightUnder: SymmetricConvention? = nil
    /// Random points drawn and not used, and why (badly conditioned, outside the domain...).
    public var rejections: [CheckPoints.Rejection] = []

    /// The engine's (correct) result.
    public var result: DerivativeResult { engine.result }
    /// True for a right claim.
    public var passed: Bool { verdict == .correct }

    /// The claim's error with the claim's line and a caret under the column (nil when there is none).
    public var renderedError: String? { error.map { $0.rendered(source: claim) } }

    /// Checks `claim` as the derivative of `source` by `wrt`.
    ///
    /// - Parameters:
    ///   - source: the program (SYNTAX.md); its last statement is the objective.
    ///   - wrt: the variable.
    ///   - claim: the claimed derivative, an expression of the language over the program's names.
    ///   - kind: gradient (default for a scalar objective), Jacobian (default otherwise) or Hessian.
    ///   - layout: the layout of a gradient.
    ///   - settings: sizes, given values, stand-ins and the seed of the first point; the other
    ///     points use the next seeds and (when neither sizes nor values are given) other distinct sizes.
    ///   - points: how many random points the values are compared at.
    ///   - tolerance: the largest relative error that still counts as equal.
    ///   - redraws: how many points may be re-drawn where finite differences cannot be trusted.
    ///   - cache: points shared with other checks of the same program (several claims).
    ///   - symmetric: the convention for a variable declared `symmetric`/`spd` (nil: `sym`).
    /// - Throws: ``/Ricci/RicciError`` when the *program* does not check or cannot be differentiated; every
    ///   problem of the claim is a verdict, not an error.
    public static func run(source: String, wrt: String, claim: String, kind: DerivativeKind? = nil,
                           layout: Layout = .denominator, settings: EvaluationSettings, points: Int = 3,
                           tolerance: Double = 1e-6, redraws: Int = 10, cache: CheckPointCache? = nil,
                           symmetric: SymmetricConvention? = nil) throws -> ClaimCheck {
        let k = try DerivativeCheck.defaultKind(source: source, kind)
        let original = try TypeChecker.check(source: source)
        var first = settings
        if first.seed == nil { first.seed = 1 }
        let engine = try DerivativeCheck.run(source: source, wrt: wrt, kind: k, layout: layout, settings: first,
                                             tolerance: tolerance, redraws: redraws, cache: cache, symmetric: symmetric)
        var check = ClaimCheck(claim: claim, verdict: .doesNotParse, expectedShape: engine.result.shape, claimShape: nil,
                               relativeError: nil, errors: [], seeds: [], diagnosis: nil, message: "", error: nil,
                               engine: engine, derivation: derivationText(source: source, wrt: wrt, kind: k, layout: layout),
                               tolerance: tolerance, rejections: engine.rejections)
        let context = ShapeContext(original: original, wrt: wrt, kind: k, layout: layout, expected: engine.result.shape)

        // 1. the claim as the program's continuation
        let spliced: ClaimProgram
        do {
            spliced = try ClaimProgram(source: source, claim: claim, original: original)
        } catch let e as RicciError {
            check.fail(e, context: context, claimAST: nil)
            return check
        }
        let typed: TypedProgram
        do {
            typed = try TypeChecker.check(source: spliced.text, allowUnusedValues: true)
            try spliced.checkNames(typed, original: original)
            try spliced.checkDims(typed, original: original)
        } catch let e as RicciError {
            check.fail(spliced.map(e), context: context, claimAST: spliced.parsed)
            return check
        }
        let shape = spliced.settle(typed, original: original, expected: context.expected)
        check.claimShape = shape

        // 2. shape
        let transposed = Shapes.normalized(shape) == Shapes.normalized(Shapes.transposed(context.expected))
            && Shapes.normalized(shape) != Shapes.normalized(context.expected)
        if Shapes.normalized(shape) != Shapes.normalized(context.expected) {
            check.verdict = .wrongShape
            var text = [context.shapeExplanation(claim: shape)]
            text += context.jacobianNotes(spliced.parsed)
            if Shapes.isVec(shape, of: context.expected) {
                check.diagnosis = .vec
                let values = try? check.compare(program: typed, text: spliced.text, source: source, wrt: wrt, kind: k, layout: layout,
                                                settings: first, points: points, redraws: redraws, cache: cache, transform: Shapes.unvec)
                if let v = values, v.max <= tolerance {
                    text.append("Its values are vec of the correct result (the columns stacked; relative error "
                        + "\(Shapes.short(v.max))): it is ∂f/∂vec(\(wrt)), right in value, but the \(context.what) itself is "
                        + "the \(Shapes.short(context.expected)) matrix. Un-vec it: vec(B M Cᵀ) = kron(C, B) vec(M) turns "
                        + "a Kronecker product back into a product of matrices.")
                } else if values != nil {
                    text.append("It has as many entries as the \(context.what), but even as vec of the \(context.what) "
                        + "its values are not right.")
                }
            } else if transposed {
                // is it the transpose in value too?
                let values = try? check.compare(program: typed, text: spliced.text, source: source, wrt: wrt, kind: k, layout: layout,
                                                settings: first, points: points, redraws: redraws, cache: cache, transform: { v, _ in try Shapes.transposedValue(v) })
                if let v = values, v.max <= tolerance {
                    check.diagnosis = .transpose
                    text.append("Its values are those of the correct result, transposed (relative error "
                        + "\(Shapes.short(v.max)) after transposing): only the layout is wrong.")
                } else if let v = values, let d = v.diagnosis, d == .negative {
                    check.diagnosis = .negativeTranspose
                    text.append("Transposed, its values are the negative of the correct result: the layout and a sign are wrong.")
                } else {
                    check.diagnosis = .transpose
                    if values != nil { text.append("Even transposed, its values are not those of the correct result.") }
                }
            }
            check.message = text.joined(separator: "\n")
            return check
        }

        // 3. values
        let v: Comparison
        do {
            v = try check.compare(program: typed, text: spliced.text, source: source, wrt: wrt, kind: k, layout: layout,
                                  settings: first, points: points, redraws: redraws, cache: cache, transform: nil)
        } catch let e as NotANumber {
            throw e.error
        } catch let e as ClaimEvaluationError {
            check.verdict = .wrongValues
            check.error = spliced.map(e.error)
            check.message = "Your answer could not be evaluated at a random point: \(e.error.message).\n"
                + "It has the expected shape (\(Shapes.short(context.expected))), but not a value there."
            return check
        }
        check.errors = v.errors
        check.seeds = v.seeds
        check.rejections += v.rejections
        check.relativeError = v.seeds.isEmpty ? nil : v.max
        let what = context.what
        let n = v.seeds.count
        let pointsText = n == 1 ? "a random point" : "\(n) random points"
        let convicting = v.errors.indices.filter { v.errors[$0] > tolerance && v.engineErrors[$0] <= tolerance }
        if v.seeds.isEmpty {
            check.verdict = .inconclusive
            check.message = "Inconclusive: no random point where finite differences can be trusted was found, so your "
                + "answer could not be compared by value (it has the expected shape, \(Shapes.short(context.expected)))."
        } else if v.max <= tolerance {
            check.verdict = .correct
            check.message = "Correct: your answer has the expected shape (\(Shapes.short(context.expected))) and the "
                + "values of the \(what) at \(pointsText) (largest relative error \(Shapes.short(v.max)))."
        } else if convicting.isEmpty, let j = v.errors.indices.first(where: { v.errors[$0] > tolerance }) {
            check.verdict = .inconclusive
            check.message = "Inconclusive: at the random point of seed \(v.seeds[j]), finite differences differ both from "
                + "your answer (relative error \(Shapes.short(v.errors[j]))) and from the engine's own result (relative "
                + "error \(Shapes.short(v.engineErrors[j]))), so they cannot be trusted there; your answer and the engine's "
                + "result differ by \(Shapes.short(v.claimVsEngine[j])) (relative)."
        } else {
            check.verdict = .wrongValues
            check.diagnosis = v.diagnosis
            check.relativeError = convicting.map { v.errors[$0] }.max() ?? v.max
            let worst = check.relativeError ?? v.max
            var text = "Your answer has the expected shape (\(Shapes.short(context.expected))) but not the values of the "
                + "\(what): relative error \(Shapes.short(worst)) (the largest over \(pointsText), where the engine's own "
                + "result agrees with finite differences)."
            if !worst.isFinite {
                text += "\nYour answer is not a finite number at a random point (a log or a square root of a negative "
                    + "entry, a division by zero?)."
            } else if let d = v.diagnosis {
                text += "\n" + context.explanation(of: d)
            } else {
                text += "\nIt is not simply the transpose, the negative, twice or half of the correct result."
            }
            check.message = text
            check.recognizeConvention(program: typed, text: spliced.text, source: source, wrt: wrt, kind: k, layout: layout, settings: first)
        }
        if let note = CheckPoints.summary(check.rejections, random: true) {
            check.message += "\nNote: \(note)."
        }
        if !engine.passed && engine.inconclusive == nil {
            check.message += "\nNote: the engine's own result differs from finite differences here (relative error "
                + "\(Shapes.short(engine.einsteinError))); the verdict compares with finite differences."
        }
        return check
    }

    /// The step-by-step derivation of the correct result, printed beside the verdict.
    ///
    /// Hook: the derivation API (`ricci derive`) is not in the library yet; when it is, return its
    /// text steps here and the `check --claim` output and JSON (`derivation`) show them.
    public static func derivationText(source: String, wrt: String, kind: DerivativeKind, layout: Layout) -> String? {
        // the step-by-step derivation of a gradient (denominator layout), as `ricci derive` prints it
        guard kind == .gradient, layout == .denominator, let d = try? Derivations.derive(source: source, wrt: wrt) else { return nil }
        return DerivationReport(d).text()
    }

    // MARK: - verdicts

    /// Records a parse or type error of the claim.
    mutating func fail(_ e: RicciError, context: ShapeContext, claimAST: Program?) {
        error = e
        switch e.kind {
        case .shape, .index:
            verdict = .wrongShape
            var text = ["Your answer does not type-check: \(e.message)."]
            text += claimAST.map { context.jacobianNotes($0) } ?? []
            text.append(context.expectedSentence)
            message = text.joined(separator: "\n")
        default:
            verdict = .doesNotParse
            message = "Your answer could not be read: \(e.message)."
        }
    }

    /// The program's value or derivative is not a number at a random point (a log of a negative entry...).
    struct NotANumber: Error {
        var seed: UInt64
        var error: RicciError {
            RicciError(.value, "the program's value or its derivative is not a number at the random point (seed \(seed)), "
                + "e.g. a log or a square root of a negative entry: declare the inputs 'positive' (or 'spd'), or give "
                + "values with --set, so that the derivative can be compared")
        }
    }

    /// The claim's own evaluation failed (a singular matrix, a value out of a function's domain...).
    struct ClaimEvaluationError: Error {
        var error: RicciError
    }
}
