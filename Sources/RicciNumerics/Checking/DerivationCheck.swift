import Ricci

/// Checks a derivation step by step: both sides of every step evaluated at one random point (the
/// direction `dW` drawn with the other inputs), differentials and derivatives by central differences.
public enum DerivationCheck {
    /// The relative error of each step (|lhs − rhs| / max(1, |rhs|)), in order.
    public static func errors(_ d: Derivation, settings: EvaluationSettings) throws -> [Double] {
        let context = d.context.joined(separator: "\n")
        let base = try Evaluator.evaluate(source: context + "\n__point = 0", settings: settings)
        var pinned = settings
        pinned.values = Dictionary(base.inputs, uniquingKeysWith: { a, _ in a })
        pinned.dims = base.sizes
        let w = try input(d.wrt, base), dw = try input(d.direction, base)

        func program(_ text: String) -> String { context + "\n__side = " + text }
        func evaluate(_ text: String, w moved: Tensor? = nil) throws -> Tensor {
            var s = pinned
            if let m = moved { s.values[d.wrt] = m }
            return try Evaluator.evaluate(source: program(text), settings: s).value
        }
        func value(_ side: StepSide) throws -> Tensor {
            switch side.kind {
            case .expression:
                return try evaluate(side.text)
            case .differential:
                // Richardson extrapolation of central differences along dW
                func central(_ h: Double) throws -> Tensor {
                    let plus = try evaluate(side.text, w: w.adding(dw, scale: h))
                    let minus = try evaluate(side.text, w: w.adding(dw, scale: -h))
                    return try plus.adding(minus, scale: -1).scaled(1 / (2 * h))
                }
                let h = 1e-3
                let d1 = try central(h), d2 = try central(h / 2)
                return try d2.scaled(4).adding(d1, scale: -1).scaled(1.0 / 3)
            case .gradient:
                var s = pinned
                let typed = try TypeChecker.check(source: d.source)
                s.values = s.values.filter { typed.symbols[$0.key]?.definition == nil && typed.symbols[$0.key] != nil }
                s.dims = s.dims.filter { typed.dims.symbolicNames.contains($0.key) }
                return try FiniteDifferences.derivative(of: d.source, wrt: d.wrt, settings: s).derivative
            case .jacobian:
                return try FiniteDifferences.derivative(of: program(side.text), wrt: d.wrt, settings: pinned).derivative
            }
        }
        return try d.steps.map { step in
            var a = try value(step.lhs), b = try value(step.rhs)
            if a.count == b.count && a.shape != b.shape { a = try a.reshaped(b.shape) }
            if a.count == 1 && b.count == 1 { a = Tensor(scalar: a.data[0]); b = Tensor(scalar: b.data[0]) }
            return FiniteDifferences.relativeError(a, b)
        }
    }

    static func input(_ name: String, _ e: Evaluation) throws -> Tensor {
        guard let t = e.inputs.first(where: { $0.0 == name })?.1 else {
            throw RicciError(.usage, "the derivation's context has no input '\(name)'")
        }
        return t
    }
}

extension Tensor {
    /// self + scale·other (same shape).
    func adding(_ other: Tensor, scale: Double) throws -> Tensor {
        guard other.shape == shape else { throw RicciError(.shape, "cannot add \(Tensor.describe(other.shape)) to \(Tensor.describe(shape))") }
        return try Tensor(shape: shape, data: zip(data, other.data).map { $0 + scale * $1 })
    }

    /// scale·self.
    func scaled(_ scale: Double) throws -> Tensor { try Tensor(shape: shape, data: data.map { $0 * scale }) }
}
