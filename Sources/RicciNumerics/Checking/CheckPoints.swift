import Foundation
import Ricci

/// Random points for a check by value, each re-drawn (with the next seed, up to a budget) when
/// finite differences cannot be trusted there, and the reason recorded:
///
/// - the program is not defined there: a singular matrix, a negative determinant under `logdet`,
///   an entry ≤ 0 under `log` or `sqrt`, a value that is not a number;
/// - a matrix under `inv`, `det`, `logdet` or a negative power is badly conditioned (its 1-norm
///   condition number κ₁ above ``conditionLimit``; see ``ConditionProbe``);
/// - a finite-difference step leaves the domain, or the finite differences' own error estimate
///   (GSL's, ``FiniteDifferences/Result/estimatedError``) is above ``accuracy``.
///
/// When every input is given (no random draws), nothing can be re-drawn: a point that fails is
/// reported (``draw(_:seed:)`` returns nil) and errors of evaluation are thrown as they are.
public struct CheckPoints {
    /// An accepted point: where it is, and the finite-difference derivative there.
    public struct Point: Sendable {
        /// The settings of the point (its seed and sizes).
        public var settings: EvaluationSettings
        /// The program's evaluation there (inputs, sizes).
        public var base: Evaluation
        /// The finite-difference derivative, in the result's layout.
        public var reference: Tensor
        /// Its estimated relative error (GSL's estimate, for first and second differences alike).
        public var estimatedError: Double
        /// The seed of the point.
        public var seed: UInt64 { settings.seed ?? 0 }
    }

    /// A point that was drawn and not used, and why.
    public struct Rejection: Sendable {
        /// The seed of the point.
        public var seed: UInt64
        /// Why it was not used.
        public var reason: String
        /// "seed 3: the determinant is negative ..."
        public var text: String { "seed \(seed): \(reason)" }
    }

    let source: String
    let wrt: String
    let kind: DerivativeKind
    let layout: Layout
    let wrtOrder: Int
    let program: TypedProgram
    /// Re-draws allowed, in total over every point of the check.
    public var budget: Int
    /// The largest 1-norm condition number accepted for a matrix under inv/det/logdet.
    public var conditionLimit: Double = 1e5
    /// The largest estimated relative error of finite differences accepted.
    public var accuracy: Double
    /// Every point drawn and not used, in order.
    public private(set) var rejections: [Rejection] = []
    /// Whether some input is drawn at random (else nothing can be re-drawn).
    public let random: Bool
    /// Points already tried by an earlier check of the same program (nil: none shared).
    public var cache: CheckPointCache?
    /// For a derivative by a symmetric matrix: the convention its reference follows (nil: entries independent).
    public var symmetric: SymmetricConvention?

    /// Points for checking the derivative of `source` by `wrt`.
    public init(source: String, wrt: String, kind: DerivativeKind, layout: Layout, wrtOrder: Int,
                settings: EvaluationSettings, budget: Int = 10, accuracy: Double = 1e-7) throws {
        self.source = source
        self.wrt = wrt
        self.kind = kind
        self.layout = layout
        self.wrtOrder = wrtOrder
        self.budget = max(0, budget)
        self.accuracy = accuracy
        program = try TypeChecker.check(source: source)
        let p = program
        random = settings.seed != nil && p.names.contains { n in
            guard let s = p.symbols[n], s.definition == nil, case .tensor = s.kind else { return false }
            return settings.values[n] == nil
        }
    }

    /// Re-draws left.
    public var remaining: Int { budget - rejections.count }

    /// A point at `template`'s seed, or at the next seeds when it is rejected (the seed is advanced
    /// past the point returned); nil when the budget is spent.
    public mutating func draw(_ template: EvaluationSettings, seed: inout UInt64) throws -> Point? {
        while true {
            var s = template
            s.seed = seed
            seed &+= 1
            let key = "\(source)|\(wrt)|\(kind)|\(layout)|\(s.seed ?? 0)|\(s.dims.sorted { $0.key < $1.key })"
            let outcome: Outcome
            if let known = cache?.outcomes[key] {
                outcome = known
            } else {
                outcome = try attempt(s)
                cache?.outcomes[key] = outcome
            }
            switch outcome {
            case .accepted(let p): return p
            case .rejected(let reason):
                rejections.append(Rejection(seed: s.seed ?? 0, reason: reason))
                if !random || rejections.count > budget { return nil }
            }
        }
    }

    enum Outcome: Sendable {
        case accepted(Point)
        case rejected(String)
    }

    func attempt(_ s: EvaluationSettings) throws -> Outcome {
        let probe = ConditionProbe()
        let value: Tensor
        do {
            let evaluator = Evaluator(program, settings: s)
            evaluator.probe = probe
            value = try evaluator.run().value
        } catch let e as RicciError where e.kind == .numeric && random {
            return .rejected("the program is not defined there: \(e.message)")
        }
        if let bad = probe.domain.first {
            return .rejected("\(bad.operation) of an entry ≤ 0 (\(Shapes.short(bad.value))) in "
                + ConditionProbe.snippet(source, at: bad.location))
        }
        if value.data.contains(where: { !$0.isFinite }) {
            return .rejected("the program's value is not a finite number there")
        }
        if let worst = probe.worstCondition, worst.value > conditionLimit {
            return .rejected("the matrix under \(ConditionProbe.snippet(source, at: worst.location)) is badly conditioned "
                + "(condition number \(Shapes.short(worst.value)) > \(Shapes.short(conditionLimit)))")
        }
        let reference: Tensor, base: Evaluation, estimate: Double
        do {
            (reference, base, estimate) = try DerivativeCheck.numericReferenceWithError(
                source: source, wrt: wrt, kind: kind, layout: layout, wrtOrder: wrtOrder, settings: s, symmetric: symmetric)
        } catch let e as RicciError where e.kind == .numeric {
            return .rejected("a finite-difference step leaves the program's domain: \(e.message)")
        }
        if reference.data.contains(where: { !$0.isFinite }) {
            return .rejected("finite differences are not finite numbers there (a step crosses the edge of a domain)")
        }
        if estimate > accuracy {
            return .rejected("finite differences are not accurate enough there (estimated relative error "
                + "\(Shapes.short(estimate)) > \(Shapes.short(accuracy)))")
        }
        return .accepted(Point(settings: s, base: base, reference: reference, estimatedError: estimate))
    }

    /// "re-drew 2 random points: seed 3: ...; seed 4: ..." (nil when none was re-drawn).
    public var summary: String? { CheckPoints.summary(rejections, random: random, budget: budget) }

    /// The sentence of ``summary`` for any list of rejections.
    public static func summary(_ rejections: [Rejection], random: Bool, budget: Int? = nil) -> String? {
        guard !rejections.isEmpty else { return nil }
        let n = rejections.count
        var text = "\(random ? "re-drew" : "could not use") \(n == 1 ? "a random point" : "\(n) random points")"
            + (budget.map { " (budget \($0))" } ?? "") + ": " + rejections.prefix(3).map(\.text).joined(separator: "; ")
        if n > 3 { text += "; and \(n - 3) more (seeds \(rejections[3...].map { String($0.seed) }.joined(separator: ", ")))" }
        if rejections.contains(where: { $0.reason.contains("≤ 0") || $0.reason.contains("not defined") }) {
            text += ". Where the random inputs leave the program's domain, declare them 'positive' (or 'spd'), or give values with --set"
        }
        return text
    }
}

/// Points shared by several checks of one program (for example several claims about it): each
/// point's evaluation and finite differences are computed once. Not thread-safe.
public final class CheckPointCache: @unchecked Sendable {
    var outcomes: [String: CheckPoints.Outcome] = [:]
    /// An empty cache.
    public init() {}
}
