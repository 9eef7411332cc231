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
            let value = try FiniteDifferences.evaluate(resultProgram: program, at: base, settings: settings).value
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
        case correct
        case wrongShape = "wrong shape"
        case wrongValues = "wrong values"
        case doesNotParse = "does not parse"
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

    /// The engine's (correct) result.
    public var result: DerivativeResult { engine.result }
    /// True for a right claim.
    public var passed: Bool { verdict == .correct }

    /// The claim's error with the claim's line and a caret under the column (nil when there is none).
    public var renderedError: String? { error.map { $0.rendered(source: claim) } }

    /// Checks `claim` as the derivative of `source` by `wrt`.
    ///
    /// - Parameters:
    ///   - kind: gradient (default for a scalar objective), Jacobian (default otherwise) or Hessian.
    ///   - settings: sizes, given values, stand-ins and the seed of the first point; the other
    ///     points use the next seeds and (when neither sizes nor values are given) other distinct sizes.
    ///   - points: how many random points the values are compared at.
    /// - Throws: ``RicciError`` when the *program* does not check or cannot be differentiated; every
    ///   problem of the claim is a verdict, not an error.
    public static func run(source: String, wrt: String, claim: String, kind: DerivativeKind? = nil,
                           layout: Layout = .denominator, settings: EvaluationSettings, points: Int = 3,
                           tolerance: Double = 1e-6) throws -> ClaimCheck {
        let k = try DerivativeCheck.defaultKind(source: source, kind)
        let original = try TypeChecker.check(source: source)
        var first = settings
        if first.seed == nil { first.seed = 1 }
        let engine = try DerivativeCheck.run(source: source, wrt: wrt, kind: k, layout: layout, settings: first,
                                             tolerance: tolerance)
        var check = ClaimCheck(claim: claim, verdict: .doesNotParse, expectedShape: engine.result.shape, claimShape: nil,
                               relativeError: nil, errors: [], seeds: [], diagnosis: nil, message: "", error: nil,
                               engine: engine, derivation: derivationText(source: source, wrt: wrt, kind: k, layout: layout),
                               tolerance: tolerance)
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
            typed = try TypeChecker.check(source: spliced.text)
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
                                                settings: first, points: points, transform: Shapes.unvec)
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
                                                settings: first, points: points, transform: { v, _ in try Shapes.transposedValue(v) })
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
                                  settings: first, points: points, transform: nil)
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
        check.relativeError = v.max
        let what = context.what
        let n = v.seeds.count
        let pointsText = n == 1 ? "a random point" : "\(n) random points"
        if v.max <= tolerance {
            check.verdict = .correct
            check.message = "Correct: your answer has the expected shape (\(Shapes.short(context.expected))) and the "
                + "values of the \(what) at \(pointsText) (largest relative error \(Shapes.short(v.max)))."
        } else {
            check.verdict = .wrongValues
            check.diagnosis = v.diagnosis
            var text = "Your answer has the expected shape (\(Shapes.short(context.expected))) but not the values of the "
                + "\(what): relative error \(Shapes.short(v.max)) (the largest over \(pointsText))."
            if !v.max.isFinite {
                text += "\nYour answer is not a finite number at a random point (a log or a square root of a negative "
                    + "entry, a division by zero?)."
            } else if let d = v.diagnosis {
                text += "\n" + context.explanation(of: d)
            } else {
                text += "\nIt is not simply the transpose, the negative, twice or half of the correct result."
            }
            check.message = text
        }
        if !engine.passed {
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

    /// Errors of the claim's values against finite differences at each point, and the mistake the
    /// values match at every point, if any.
    struct Comparison {
        var errors: [Double]
        var seeds: [UInt64]
        var diagnosis: Diagnosis?
        var max: Double { errors.max() ?? .infinity }
    }

    func compare(program: TypedProgram, text: String, source: String, wrt: String, kind: DerivativeKind, layout: Layout,
                 settings: EvaluationSettings, points: Int,
                 transform: ((Tensor, Tensor) throws -> Tensor)?) throws -> Comparison {
        var errors: [Double] = []
        var seeds: [UInt64] = []
        var variants: [Diagnosis: Double] = [:]
        let original = try TypeChecker.check(source: source)
        let free = original.dims.symbolicNames.filter { !$0.contains("*") }
        let vary = settings.dims.isEmpty && settings.values.isEmpty
        for j in 0..<max(1, points) {
            var s = settings
            s.seed = (settings.seed ?? 1) &+ UInt64(j)
            if vary && j > 0 {
                for (k, name) in free.enumerated() { s.dims[name] = j == 1 ? 4 + k : 5 + (free.count - 1 - k) }
            }
            let (reference, base): (Tensor, Evaluation)
            if j == 0 {
                (reference, base) = (engine.reference, engine.base)
            } else {
                (reference, base) = try DerivativeCheck.numericReference(source: source, wrt: wrt, kind: kind, layout: layout,
                                                                         wrtOrder: result.order, settings: s)
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
            errors.append(FiniteDifferences.relativeError(value, reference))
            seeds.append(s.seed ?? 1)
            for d in Diagnosis.allCases {
                guard let variant = try? Shapes.variant(d, of: reference) else { continue }
                variants[d] = Swift.max(variants[d] ?? 0, FiniteDifferences.relativeError(value, variant))
            }
        }
        let diagnosis = Diagnosis.allCases.first { d in (variants[d] ?? .infinity) <= tolerance }
        return Comparison(errors: errors, seeds: seeds, diagnosis: diagnosis)
    }
}

// MARK: - the claim spliced into the program

/// The program followed by the claim, its last statement named: `C = <claim>`. Locations in the
/// spliced text map back into the claim's text.
struct ClaimProgram {
    /// The spliced program.
    let text: String
    /// The claim parsed alone (locations in the claim's text).
    let parsed: Program
    /// The name the claim's value gets.
    let name: String
    /// Lines of the program before the claim.
    let programLines: Int
    /// Where `name = ` was inserted into the claim (nil when the claim names its result itself).
    let insertion: SourceLocation?
    let prefixLength: Int
    /// The names the claim defines.
    let defined: Set<String>

    init(source: String, claim: String, original: TypedProgram) throws {
        if claim.allSatisfy(\.isWhitespace) {
            throw RicciError(.syntax, "the claim is empty: write the derivative as an expression", at: SourceLocation(line: 1, column: 1))
        }
        parsed = try Parser.parse(claim)
        for s in parsed.statements {
            if case .declaration(let n, _, _, let loc) = s {
                throw RicciError(.syntax, "the claim declares \(n): declare names in the program; a claim is an expression "
                    + "(or definitions ending with one)", at: loc)
            }
        }
        var defined = Set<String>()
        for s in parsed.statements {
            guard case .definition(let n, _, _, let loc) = s else { continue }
            if original.symbols[n] != nil {
                throw RicciError(.name, "the claim defines \(n), which is already a name of the program; "
                    + "give the claim's intermediates new names", at: loc)
            }
            defined.insert(n)
        }
        self.defined = defined
        let tokens = try Lexer.tokenize(claim)
        var words = Set(original.names)
        var start = SourceLocation(line: 1, column: 1)
        var afterSeparator = true
        for t in tokens {
            switch t.kind {
            case .separator: afterSeparator = true
            case .end: break
            default:
                if afterSeparator { start = t.location }
                afterSeparator = false
                if case .identifier(let w) = t.kind { words.insert(w) }
            }
        }
        programLines = 1 + source.filter { $0 == "\n" || $0 == "\r\n" }.count
        var text = claim
        if case .expression = parsed.statements.last {
            let candidates = ["C", "Claim"] + (1...99).map { "Claim\($0)" }
            let n = candidates.first { !words.contains($0) } ?? "ClaimValue"
            name = n
            let prefix = "\(n) = "
            prefixLength = prefix.count
            insertion = start
            text = ClaimProgram.insert(prefix, into: claim, at: start)
        } else if case .definition(let n, _, _, _) = parsed.statements.last {
            name = n
            prefixLength = 0
            insertion = nil
        } else {
            throw RicciError(.syntax, "the claim is empty", at: SourceLocation(line: 1, column: 1))
        }
        self.text = source + "\n" + text
    }

    /// `text` with `prefix` inserted before the character at `location`.
    static func insert(_ prefix: String, into text: String, at location: SourceLocation) -> String {
        var line = 1, column = 1
        var out = ""
        var done = false
        for c in text {
            if !done && line == location.line && column == location.column {
                out += prefix
                done = true
            }
            out.append(c)
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }
        if !done { out += prefix }
        return out
    }

    /// A location of the spliced text in the claim's text (`unknown` for one inside the program).
    func map(_ loc: SourceLocation) -> SourceLocation {
        guard loc.line > programLines else { return .unknown }
        var l = SourceLocation(line: loc.line - programLines, column: loc.column)
        if let ins = insertion, l.line == ins.line, l.column >= ins.column {
            l.column = max(ins.column, l.column - prefixLength)
        }
        return l
    }

    func map(_ e: RicciError) -> RicciError {
        RicciError(e.kind, e.message, at: map(e.location))
    }

    /// The claim's shape, after the dimensions only the claim has (the range of an index that only a
    /// `delta` or `ones` fixes, as in `C[i, j, k, l] = 2*(X'*X)[i, k]*delta[j, l]`) are read as the
    /// expected dimensions at the same positions.
    func settle(_ typed: TypedProgram, original: TypedProgram, expected: [Dim]) -> [Dim] {
        let shape = typed.result.shape
        let known = Set(original.dims.symbolicNames)
        guard Shapes.normalized(typed.resolve(shape)).count == Shapes.normalized(expected).count else {
            return typed.resolve(shape)
        }
        for (v, e) in zip(shape, expected) {
            guard case .named(let n) = typed.dims.resolve(v), !known.contains(n) else { continue }
            let target: DimVar
            switch e {
            case .fixed(let k): target = typed.dims.fixed(k)
            case .named(let m): target = typed.dims.named(m)
            }
            typed.dims.unify(v, target)
        }
        return typed.resolve(shape)
    }

    /// Names the claim reads must be the program's, or the claim's own definitions.
    func checkNames(_ typed: TypedProgram, original: TypedProgram) throws {
        let known = Set(original.names)
        for n in typed.names where !known.contains(n) && !defined.contains(n) && n != name {
            let inputs = original.names.filter { original.symbols[$0]?.definition == nil }
            let near = n.count > 2 ? nearestName(to: n, in: original.names) : nil
            let hint = near.map { " (did you mean '\($0)'?)" } ?? ""
            throw RicciError(.name, "'\(n)' is not a name of the program\(hint); a claim may use the program's names "
                + "(\(inputs.joined(separator: ", "))) and its definitions, and define its own",
                at: typed.symbols[n]?.location ?? .unknown)
        }
    }

    /// The claim may not tie the program's free dimensions together or to a number.
    func checkDims(_ typed: TypedProgram, original: TypedProgram) throws {
        let free = original.dims.symbolicNames.filter { !$0.contains("*") }
        let at = typed.result.location
        for (i, a) in free.enumerated() {
            let va = typed.dims.named(a)
            if case .fixed(let n) = typed.dims.resolve(va) {
                throw RicciError(.shape, "your answer only type-checks if the dimension \(a) is \(n), "
                    + "but \(a) is free in the program", at: at)
            }
            for b in free[(i + 1)...] where typed.dims.same(va, typed.dims.named(b)) {
                throw RicciError(.shape, "your answer only type-checks if the dimensions \(a) and \(b) are equal, "
                    + "but they are independent in the program", at: at)
            }
        }
    }
}

// MARK: - shapes in words

/// What the expected shape is and why, for messages.
struct ShapeContext {
    let original: TypedProgram
    let wrt: String
    let kind: DerivativeKind
    let layout: Layout
    let expected: [Dim]

    var wrtShape: [Dim] {
        guard case .tensor(let s)? = original.symbols[wrt]?.kind else { return [] }
        return original.resolve(s)
    }

    /// "gradient", "Jacobian", "Hessian".
    var what: String { kind == .gradient ? "gradient" : kind == .jacobian ? "Jacobian" : "Hessian" }

    /// Why the result has its shape.
    var expectedSentence: String {
        let w = wrtShape
        let ws = Shapes.short(w)
        switch kind {
        case .gradient:
            if layout == .numerator {
                let t = w.count == 1 ? "a row, 1×\(ws)" : "\(wrt)ᵀ's shape (\(Shapes.short(expected)))"
                return "In the numerator layout the gradient of a scalar by \(wrt) (\(ws)) has \(t)."
            }
            return "The gradient of a scalar by \(wrt) has \(wrt)'s shape (\(ws))."
        case .hessian:
            return "The Hessian of a scalar by \(wrt) (\(ws)) has order \(w.count) + \(w.count) = \(expected.count): "
                + "\(Shapes.short(expected)), the second derivatives by every pair of entries of \(wrt)."
        case .jacobian:
            let p = expected.count - w.count
            return "The derivative of an objective of order \(p) by \(wrt) (\(ws), order \(w.count)) has order "
                + "p + q = \(expected.count): \(Shapes.describe(expected)), the derivative of each entry of the "
                + "objective by each entry of \(wrt) (objective indices first)."
        }
    }

    /// The shape stage's explanation for a claim of the wrong shape.
    func shapeExplanation(claim: [Dim]) -> String {
        var text = ["Your answer is \(Shapes.describe(claim)), but the \(what) is \(Shapes.describe(expected)).",
                    expectedSentence]
        let c = Shapes.normalized(claim), e = Shapes.normalized(expected)
        if c == Shapes.normalized(Shapes.transposed(expected)) {
            if kind == .gradient {
                text.append("Your answer is the transpose of the expected shape; check your layout (denominator layout "
                    + "gives \(wrt)'s shape; numerator layout gives \(wrt)ᵀ)"
                    + (layout == .numerator ? ": this check asks for the numerator layout." : "."))
            } else {
                text.append("Your answer is the transpose of the expected shape; check the order of the indices "
                    + "(the objective's indices come first, then \(wrt)'s).")
            }
        } else if c.count > e.count {
            text.append("It has order \(c.count), more than \(e.count): a derivative tensor, or its product with a "
                + "matrix, is not yet the \(what); contract it with ':' to get back to the \(what)'s shape.")
        } else if c.count < e.count {
            text.append("It has order \(c.count), less than \(e.count).")
        }
        return text.joined(separator: "\n")
    }

    /// Notes on the opaque Jacobians `F'(U)` a claim uses: their order and how to contract them.
    func jacobianNotes(_ claim: Program) -> [String] {
        var notes: [String] = []
        var seen = Set<String>()
        func visit(_ e: Expr) {
            switch e.kind {
            case .call(let f, let args, let d):
                if d >= 1, case .function(let r, let a)? = original.symbols[f]?.kind, args.count == 1 {
                    let argShape: [Dim]
                    var argText = args[0].text
                    if case .name(let u) = args[0].kind, case .tensor(let s)? = original.symbols[u]?.kind {
                        argShape = original.resolve(s)
                        argText = u
                    } else {
                        argShape = a.map(original.resolve) ?? []
                    }
                    let resultShape = original.resolve(r)
                    let key = "\(f)'(\(argText))"
                    if seen.insert(key).inserted {
                        notes.append(jacobianNote(f, argText, resultShape, argShape))
                    }
                }
                args.forEach(visit)
            case .negate(let x), .transpose(let x), .index(let x, _): visit(x)
            case .binary(_, let x, let y): visit(x); visit(y)
            case .sum(let ts): ts.forEach { visit($0.expr) }
            default: break
            }
        }
        for s in claim.statements {
            switch s {
            case .definition(_, _, let v, _): visit(v)
            case .expression(let e): visit(e)
            case .declaration: break
            }
        }
        return notes
    }

    func jacobianNote(_ f: String, _ u: String, _ r: [Dim], _ a: [Dim]) -> String {
        let letters = ["i", "j", "k", "l", "m", "p", "q", "r", "s", "t"]
        let order = r.count + a.count
        let ri = letters.prefix(r.count).joined(), ai = letters.dropFirst(r.count).prefix(a.count).joined()
        let shape = Shapes.short(r + a)
        var text = "\(f)'(\(u)) = ∂\(f)/∂\(u) is an order-\(order) tensor Γ (\(shape)), Γ_\(ri)\(ai) = ∂\(f)_\(ri)/∂\(u)_\(ai)"
        if order > 2 {
            text += ", not a matrix: a product of it with a matrix is not a matrix. Contract it with the outer "
                + "gradient by ':' — A : \(f)'(\(u)) = Σ_\(ri) A_\(ri) Γ_\(ri)\(ai) has \(u)'s shape (\(Shapes.short(a)))"
        }
        return text + "."
    }

    /// The explanation of a diagnosed mistake.
    func explanation(of d: ClaimCheck.Diagnosis) -> String {
        switch d {
        case .transpose:
            let why = expected.count == 2 && expected[0] == expected[1]
                ? " (\(Shapes.short(expected)) is square, so the shapes agree)" : ""
            return "Your answer is the transpose of the correct result\(why); check your layout (denominator layout "
                + "gives \(wrt)'s shape with ∂f/∂\(wrt)_kl at (k, l); numerator layout gives its transpose)."
        case .negative:
            return "Your answer is the negative of the correct result: a sign is wrong (check the sign of each "
                + "difference and of the derivatives of its terms)."
        case .negativeTranspose:
            return "Your answer is minus the transpose of the correct result: a sign is wrong and the layout is transposed."
        case .missingFactor2:
            return "Your answer is half the correct result: a factor 2 is missing (d(A:A) = 2 A:dA, d‖x‖² = 2xᵀdx, "
                + "d(xᵀAx) = xᵀ(A + Aᵀ)dx)."
        case .vec:
            return "Your answer is vec of the correct result (its columns stacked), not the result itself."
        case .extraFactor2:
            return "Your answer is twice the correct result: a factor 2 is too many (only a square or a quadratic form "
                + "brings a factor 2)."
        }
    }
}

/// Shape helpers for the claim check.
enum Shapes {
    /// Trailing 1s dropped: a column n×1 is a vector n, a 1×1 is a scalar.
    static func normalized(_ s: [Dim]) -> [Dim] {
        var r = s
        while let last = r.last, last.isOne { r.removeLast() }
        return r
    }

    /// The transposed shape: a vector n becomes a 1×n row, a row 1×n a vector, a matrix r×c c×r.
    static func transposed(_ s: [Dim]) -> [Dim] {
        let n = normalized(s)
        switch n.count {
        case 1: return [.fixed(1), n[0]]
        case 2: return n[0].isOne ? [n[1]] : [n[1], n[0]]
        default: return n
        }
    }

    /// True when `claim` is one dimension with as many entries as `expected` (order 2 or more): a vec.
    static func isVec(_ claim: [Dim], of expected: [Dim]) -> Bool {
        let c = normalized(claim), e = normalized(expected)
        guard c.count == 1, e.count >= 2 else { return false }
        let sizes = e.compactMap { d -> Int? in if case .fixed(let n) = d { return n } else { return nil } }
        if case .fixed(let n) = c[0], sizes.count == e.count { return sizes.reduce(1, *) == n }
        let factors = c[0].description.split(separator: "*").map(String.init).sorted()
        return factors == e.map(\.description).sorted()
    }

    /// A vector read as vec of a matrix of the reference's shape (column-major).
    static func unvec(_ v: Tensor, _ reference: Tensor) throws -> Tensor {
        guard reference.order == 2, v.count == reference.count else { return v }
        return try v.reshaped([reference.shape[1], reference.shape[0]]).transposed()
    }

    /// A value transposed (order 2; others unchanged — a row becomes a column by reshaping).
    static func transposedValue(_ t: Tensor) throws -> Tensor {
        t.order == 2 ? try t.transposed() : t
    }

    /// The reference as the mistake would make it.
    static func variant(_ d: ClaimCheck.Diagnosis, of r: Tensor) throws -> Tensor {
        func scaled(_ t: Tensor, _ k: Double) -> Tensor {
            var out = t
            for i in out.data.indices { out.data[i] *= k }
            return out
        }
        switch d {
        case .transpose:
            guard r.order == 2, r.shape[0] == r.shape[1] else { throw RicciError(.shape, "not square") }
            return try r.transposed()
        case .negativeTranspose:
            guard r.order == 2, r.shape[0] == r.shape[1] else { throw RicciError(.shape, "not square") }
            return scaled(try r.transposed(), -1)
        case .vec: throw RicciError(.shape, "not a variant of the same shape")
        case .negative: return scaled(r, -1)
        case .missingFactor2: return scaled(r, 0.5)
        case .extraFactor2: return scaled(r, 2)
        }
    }

    /// "d×n" ("1" for a scalar).
    static func short(_ s: [Dim]) -> String {
        s.isEmpty ? "1" : s.map(\.description).joined(separator: "×")
    }

    /// "a d×n matrix", "a vector of length n", "an order-4 tensor n×l×d×n".
    static func describe(_ s: [Dim]) -> String {
        let n = normalized(s)
        switch n.count {
        case 0: return "a scalar"
        case 1: return "a vector of length \(n[0])"
        case 2: return n[0].isOne ? "a 1×\(n[1]) row" : "\(article(n[0])) \(short(n)) matrix"
        default: return "an order-\(n.count) tensor \(short(n))"
        }
    }

    /// "a" or "an" before a dimension read aloud (an n×d matrix, a d×n matrix, an 8×3 matrix).
    static func article(_ d: Dim) -> String {
        guard let c = d.description.lowercased().first else { return "a" }
        if c == "1" { return d.description.hasPrefix("11") || d.description.hasPrefix("18") ? "an" : "a" }
        return "aefhilmnorsx8".contains(c) ? "an" : "a"
    }

    /// A relative error for messages: 3 significant digits.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : "∞" }
        return String(format: "%.3g", x)
    }
}
