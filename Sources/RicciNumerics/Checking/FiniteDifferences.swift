import Foundation
import Ricci

/// Numeric derivatives of a program's objective by central finite differences: the oracle that
/// symbolic derivatives are checked against.
///
/// ## Layout
///
/// Results are laid out as SYNTAX.md section 4 lays out symbolic results: the derivative of an
/// objective of shape `p` by an input of shape `q` has shape `p + q`, with
/// `D[i..., k...] = ∂f[i...]/∂W[k...]`. A gradient of a scalar therefore has the input's shape, a
/// Jacobian of a vector by a vector is m×n, and a Hessian of a scalar by `W` has shape `q + q` with
/// `H[i..., k...] = ∂²f/∂W[i...]∂W[k...]`. ``numeratorLayout(_:wrtOrder:)`` turns a gradient into
/// the numerator layout.
///
/// ## The point of evaluation
///
/// The program is first evaluated once with the given settings: inputs that are not given are
/// drawn from the seed (respecting `symmetric`, `spd`, `positive`). Every perturbed evaluation then
/// gets *all* inputs of that first evaluation as values, with the same seed and dimension sizes, so
/// everything but the one entry being perturbed — the other inputs, and the random stand-ins of
/// user `elementwise` and opaque `function` names — is held fixed. ``evaluate(resultProgram:at:settings:)``
/// evaluates another program (for example a printed derivative) at that same point.
///
/// ## Steps
///
/// The step for entry `x` is `relativeStep · max(|x|, rms)`, scaled to the entry and to the input's
/// typical entry (its root mean square), capped at a fifth of `x` for inputs declared `positive`,
/// so they stay positive. The default method, ``Method/adaptive(relativeStep:)``, is GSL's
/// `gsl_deriv_central` (FiniteDifferencesAdaptive.swift): the 5-point rule (Richardson
/// extrapolation of the central differences with steps h and h/2, error O(h⁴)), an estimate of its
/// rounding and truncation errors, and a second try at the step that balances them; the estimate
/// is ``Result/estimatedError``, which checks use to refuse points where finite differences
/// cannot be trusted (``CheckPoints``). ``Method/central(relativeStep:)`` is the plain central
/// difference (error O(h²)); ``Method/richardson(relativeStep:)`` combines the central differences
/// with steps h and h/2 as (4·D(h/2) − D(h))/3 without an estimate. Near a kink (`relu`, `abs`,
/// `step`, `sign`, `norm1`) a finite difference is meaningless whatever the method (the estimate
/// is then large).
///
/// ## Symmetric and positive definite inputs
///
/// Perturbing one entry of a `symmetric` or `spd` matrix breaks its symmetry, and the evaluator
/// refuses a value that breaks its declaration. Two conventions are offered
/// (``SymmetricConvention``):
/// - ``SymmetricConvention/unconstrained`` (the default): every entry is an independent variable,
///   the matrix is evaluated off the symmetric set, and `D[..., k, l] = ∂f/∂W[k, l]`. This is what
///   the symbolic engine computes (it differentiates by each entry independently; e.g. ∂ logdet(S)/∂S
///   = inv(S)ᵀ). The `symmetric`/`spd` check is switched off for the perturbed input only; its other
///   properties are still checked. Steps are small next to the smallest eigenvalue of the drawn spd
///   matrices (at least 1), so positive definiteness is kept.
/// - ``SymmetricConvention/symmetricPairs``: the perturbation stays symmetric (entries (k, l) and
///   (l, k) move together), giving `∂f/∂W[k, l] + ∂f/∂W[l, k]` off the diagonal and `∂f/∂W[k, k]`
///   on it: the derivative by the independent entries of a symmetric matrix.
public enum FiniteDifferences {
    /// The difference formula.
    public enum Method: Sendable, Hashable {
        /// GSL's `gsl_deriv_central` method, for every output entry at once: the 5-point rule on
        /// x ± h, x ± h/2 (Richardson extrapolation of two central differences), an error estimate
        /// (rounding plus truncation, the latter from the 3-point rule), and a second try at the
        /// step that balances the two when truncation dominates. The default; its estimate is
        /// ``Result/estimatedError``. See FiniteDifferencesAdaptive.swift.
        case adaptive(relativeStep: Double)
        /// (f(x + h) − f(x − h)) / 2h, with h = relativeStep · max(1, |x|).
        case central(relativeStep: Double)
        /// Richardson extrapolation of two central differences, with steps h and h/2.
        case richardson(relativeStep: Double)
    }

    /// How entries of an input declared `symmetric` or `spd` are perturbed (see the type's overview).
    public enum SymmetricConvention: Sendable, Hashable {
        /// Each entry independently; the value is evaluated off the symmetric set.
        case unconstrained
        /// Entries (k, l) and (l, k) together.
        case symmetricPairs
    }

    /// Options of a finite-difference derivative.
    public struct Options: Sendable {
        /// The difference formula and its relative step.
        public var method: Method
        /// How an input declared `symmetric` or `spd` is perturbed.
        public var symmetric: SymmetricConvention
        /// First derivatives: GSL's adaptive central method with relative step 1e-3, unconstrained symmetric inputs.
        public init(method: Method = .adaptive(relativeStep: 1e-3), symmetric: SymmetricConvention = .unconstrained) {
            self.method = method
            self.symmetric = symmetric
        }
        /// The default for second differences (``hessian(of:wrt:settings:options:)``): GSL's adaptive
        /// method carried over to second differences, from a larger step (FiniteDifferencesAdaptiveHessian.swift).
        public static var secondOrder: Options { Options(method: .adaptive(relativeStep: 4e-3)) }
    }

    /// A numeric derivative and the point where it was taken.
    public struct Result: Sendable {
        /// The derivative, of shape objective.shape + wrt.shape (q + q for a Hessian).
        public var derivative: Tensor
        /// The program's evaluation at the point: its value, every input, the dimension sizes.
        public var base: Evaluation
        /// The estimated error of `derivative`, relative as in ``relativeError(_:_:)``
        /// (max |error| / max(1, max |derivative|)); 0 when the method gives no estimate.
        public var estimatedError: Double = 0
    }

    // MARK: - first derivatives

    /// The derivative of `source`'s objective by the input `wrt`, by central differences.
    ///
    /// - Parameters:
    ///   - source: a program (SYNTAX.md); its last statement is the objective.
    ///   - wrt: the name of an input (declared or undeclared, not defined by the program).
    ///   - settings: dimension sizes, given values, built-in stand-ins and the seed for the rest.
    ///   - options: the difference formula and how `symmetric`/`spd` inputs are perturbed.
    /// - Returns: the derivative, shape objective.shape + wrt.shape, and the point it was taken at.
    /// - Throws: ``/Ricci/RicciError`` when the program does not check or evaluate, or `wrt` is not an input.
    public static func derivative(of source: String, wrt: String, settings: EvaluationSettings,
                                  options: Options = Options()) throws -> Result {
        let point = try Point(source: source, wrt: wrt, settings: settings, convention: options.symmetric)
        let (d, e) = try point.firstDerivativeWithError(options)
        return Result(derivative: d, base: point.base, estimatedError: e)
    }

    /// The Hessian of a scalar objective by `wrt`, by second differences of the objective
    /// (`[f(+k +l) − f(+k −l) − f(−k +l) + f(−k −l)] / 4 h_k h_l`, with Richardson extrapolation
    /// when the method asks for it). Shape `q + q`; symmetric by construction. With the default,
    /// adaptive method, ``Result/estimatedError`` estimates its error as for first derivatives.
    ///
    /// Second differences lose more digits to cancellation than first differences of a gradient;
    /// when a gradient program is at hand, ``hessian(ofGradientProgram:wrt:at:settings:options:)``
    /// is better conditioned.
    /// - Parameters:
    ///   - source: a program whose objective is a scalar.
    ///   - wrt: the name of an input.
    ///   - settings: dimension sizes, given values, built-in stand-ins and the seed for the rest.
    ///   - options: the difference formula (by default ``Options/secondOrder``).
    /// - Throws: ``/Ricci/RicciError`` (kind `.usage`) when the objective is not a scalar.
    public static func hessian(of source: String, wrt: String, settings: EvaluationSettings,
                               options: Options = .secondOrder) throws -> Result {
        let point = try Point(source: source, wrt: wrt, settings: settings, convention: options.symmetric)
        let (d, e) = try point.secondDerivative(options)
        return Result(derivative: d, base: point.base, estimatedError: e)
    }

    /// The Hessian as first differences of a gradient program (for example the `.program(...)` text
    /// of a symbolic gradient), taken at the point of an earlier evaluation `base` of the original
    /// program: `H[i..., k...] = ∂G[i...]/∂W[k...]`. Pass the same `settings` (seed, stand-ins) as
    /// for `base`.
    public static func hessian(ofGradientProgram gradient: String, wrt: String, at base: Evaluation,
                               settings: EvaluationSettings, options: Options = Options()) throws -> Tensor {
        let point = try Point(source: gradient, wrt: wrt, settings: pointSettings(for: gradient, at: base, settings),
                              convention: options.symmetric)
        return try point.firstDerivativeWithError(options).0
    }

    // MARK: - evaluating results at the same point

    /// Evaluates `program` (for example the text of `DerivativeResult.program(.matrix)`) at the
    /// inputs of `base`: every input of `base` that `program` reads is passed as a value, the
    /// dimension sizes it shares are passed as dims, and `settings`' seed and built-in stand-ins
    /// are kept, so user functions have the same random stand-ins as in `base`.
    public static func evaluate(resultProgram program: String, at base: Evaluation,
                                settings: EvaluationSettings) throws -> Evaluation {
        try Evaluator.evaluate(source: program, settings: pointSettings(for: program, at: base, settings))
    }

    /// Settings that pin `program`'s inputs and sizes to those of `base`.
    static func pointSettings(for program: String, at base: Evaluation, _ settings: EvaluationSettings) throws -> EvaluationSettings {
        let checked = try TypeChecker.check(source: program)
        var s = settings
        s.values = [:]
        for (name, t) in base.inputs {
            guard let sym = checked.symbols[name], sym.definition == nil, case .tensor = sym.kind else { continue }
            s.values[name] = t
        }
        let dims = Set(checked.dims.symbolicNames)
        s.dims = base.sizes.filter { dims.contains($0.key) }
        return s
    }

    // MARK: - comparison and layout

    /// max |a − b| / max(1, max |b|): `b` is the reference. Infinity when the shapes differ (as
    /// tensors: same order and sizes) or an entry is not a number.
    public static func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
        guard a.shape == b.shape else { return .infinity }
        var diff = 0.0, scale = 1.0
        for (x, y) in zip(a.data, b.data) {
            let d = abs(x - y)
            if d.isNaN { return .infinity }
            diff = max(diff, d)
            scale = max(scale, abs(y))
        }
        return diff / scale
    }

    /// A gradient (of a scalar) in the numerator layout: a vector's gradient as a 1×n row, a
    /// matrix's transposed; scalars and higher orders unchanged.
    public static func numeratorLayout(_ gradient: Tensor, wrtOrder: Int) throws -> Tensor {
        switch (wrtOrder, gradient.order) {
        case (1, 1): return try gradient.reshaped([1, gradient.count])
        case (2, 2): return try gradient.transposed()
        default: return gradient
        }
    }
}

// MARK: - the point and its perturbations

extension FiniteDifferences {
    /// A program checked once, evaluated at a base point, with one input to perturb.
    struct Point {
        let program: TypedProgram
        /// The program with the `symmetric`/`spd` declaration of `wrt` dropped (unconstrained convention).
        let relaxed: TypedProgram
        let settings: EvaluationSettings
        let base: Evaluation
        let wrt: String
        let x0: Tensor
        let positive: Bool
        let symmetricPairs: Bool

        init(source: String, wrt: String, settings: EvaluationSettings, convention: SymmetricConvention) throws {
            program = try TypeChecker.check(source: source)
            guard let sym = program.symbols[wrt] else {
                throw RicciError(.name, "'\(wrt)' is not a name of the program")
            }
            guard case .tensor = sym.kind, sym.definition == nil else {
                throw RicciError(.usage, "'\(wrt)' is not an input of the program (it is a function or a definition)")
            }
            base = try Evaluator(program, settings: settings).run()
            guard let x = base.inputs.first(where: { $0.0 == wrt })?.1 else {
                throw RicciError(.usage, "'\(wrt)' is not an input of the program")
            }
            x0 = x
            self.wrt = wrt
            positive = sym.properties.contains(.positive)
            let constrained = sym.properties.contains(.symmetric) || sym.properties.contains(.spd)
            symmetricPairs = constrained && convention == .symmetricPairs && x.order == 2 && x.shape[0] == x.shape[1]
            var r = program
            if constrained && !symmetricPairs {
                r.symbols[wrt]?.properties.removeAll { $0 == .symmetric || $0 == .spd }
            }
            r.symbols[wrt]?.properties.removeAll { $0 == .diagonal }   // entries off the diagonal move too
            relaxed = r
            var s = settings
            s.values = Dictionary(base.inputs, uniquingKeysWith: { a, _ in a })
            s.dims = base.sizes
            self.settings = s
        }

        /// The step for entry k at relative step `rel`: scaled to the entry and to the input's
        /// typical entry (its root mean square), so an input of small entries gets small steps.
        func step(_ k: Int, _ rel: Double, reach: Double) -> Double {
            let v = x0.data[k]
            var h = rel * max(abs(v), typicalSize)
            if positive { h = min(h, abs(v) / (5 * reach)) }
            return h
        }

        /// Entries moved together with entry k (its mirror under the symmetric-pairs convention).
        func partners(_ k: Int) -> [Int] {
            guard symmetricPairs else { return [k] }
            let n = x0.shape[0], (i, j) = (k / n, k % n)
            return i == j ? [k] : [k, j * n + i]
        }

        /// The objective with entries moved: `moves` are (entry, amount) pairs.
        func value(_ moves: [(Int, Double)]) throws -> Tensor {
            var x = x0
            for (k, d) in moves { for p in partners(k) { x.data[p] += d } }
            var s = settings
            s.values[wrt] = x
            return try Evaluator(relaxed, settings: s).run().value
        }

        /// The root mean square of the input's entries (1 when they are all 0).
        var typicalSize: Double {
            let s = x0.data.reduce(0) { $0 + $1 * $1 }
            let rms = x0.count > 0 ? (s / Double(x0.count)).squareRoot() : 0
            return rms > 0 && rms.isFinite ? rms : 1
        }

        func firstDerivativeWithError(_ options: Options) throws -> (Tensor, Double) {
            let n = x0.count, m = base.value.count
            var out = try Tensor(zeros: base.value.shape + x0.shape)
            var err = [Double](repeating: 0, count: m * n)
            for k in 0..<n {
                let column: [Double]
                switch options.method {
                case .adaptive(let rel):
                    let r = try adaptive(k, step(k, rel, reach: 1))
                    column = r.value
                    for i in 0..<m { err[i * n + k] = r.error[i] }
                case .central(let rel):
                    column = try central(k, step(k, rel, reach: 1))
                case .richardson(let rel):
                    let h = step(k, rel, reach: 1)
                    let d1 = try central(k, h), d2 = try central(k, h / 2)
                    column = zip(d1, d2).map { (4 * $1 - $0) / 3 }
                }
                for i in 0..<m { out.data[i * n + k] = column[i] }
            }
            let scale = out.data.reduce(1.0) { max($0, abs($1)) }
            return (out, (err.max() ?? 0) / scale)
        }

        func central(_ k: Int, _ h: Double) throws -> [Double] {
            let plus = try value([(k, h)]), minus = try value([(k, -h)])
            guard plus.count == base.value.count, minus.count == base.value.count else {
                throw RicciError(.shape, "internal: the objective changed size under a perturbation")
            }
            return zip(plus.data, minus.data).map { ($0 - $1) / (2 * h) }
        }

        /// The Hessian and its estimated relative error (0 unless the method is adaptive).
        func secondDerivative(_ options: Options) throws -> (Tensor, Double) {
            guard base.value.count == 1 else {
                throw RicciError(.usage, "a Hessian needs a scalar objective; this one has shape \(Tensor.describe(base.value.shape))")
            }
            let n = x0.count
            var out = try Tensor(zeros: x0.shape + x0.shape)
            var worst = 0.0
            for k in 0..<n {
                for l in k..<n {
                    let v: Double
                    switch options.method {
                    case .adaptive(let rel):
                        let r = try adaptiveSecond(k, l, step(k, rel, reach: 2), step(l, rel, reach: 2))
                        v = r.value
                        worst = max(worst, r.error)
                    case .central(let rel):
                        v = try second(k, l, step(k, rel, reach: 2), step(l, rel, reach: 2))
                    case .richardson(let rel):
                        let hk = step(k, rel, reach: 2), hl = step(l, rel, reach: 2)
                        let d1 = try second(k, l, hk, hl), d2 = try second(k, l, hk / 2, hl / 2)
                        v = (4 * d2 - d1) / 3
                    }
                    out.data[k * n + l] = v
                    out.data[l * n + k] = v
                }
            }
            let scale = out.data.reduce(1.0) { max($0, abs($1)) }
            return (out, worst / scale)
        }

        func second(_ k: Int, _ l: Int, _ hk: Double, _ hl: Double) throws -> Double {
            func f(_ a: Double, _ b: Double) throws -> Double { try value([(k, a), (l, b)]).data[0] }
            let pp = try f(hk, hl), pm = try f(hk, -hl), mp = try f(-hk, hl), mm = try f(-hk, -hl)
            return (pp - pm - mp + mm) / (4 * hk * hl)
        }
    }
}
