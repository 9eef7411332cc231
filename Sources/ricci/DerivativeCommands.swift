import ArgumentParser
import Foundation
import Ricci

/// Options shared by `grad`, `jacobian` and `hessian`.
struct DerivativeOptions: ParsableArguments {
    @OptionGroup var input: ProgramInput

    @Option(help: "The variable to differentiate by (repeat for several).")
    var wrt: [String] = []

    @Option(help: "Output form: text, unicode, latex or json.")
    var format: FormatOption = .text

    @Option(help: "Layout of gradients: denominator (the variable's shape) or numerator (transposed).")
    var layout: LayoutOption = .denominator

    @OptionGroup var evaluation: PlanEvalOptions

    func run(_ kind: DerivativeKind) throws {
        try runCommand(json: format == .json, input: input) { src in
            guard !wrt.isEmpty else { throw RicciError(.usage, "name the variable to differentiate by with --wrt NAME") }
            if evaluation.eval {
                try evaluation.run(source: src, wrt: wrt, kind: kind, layout: layout.value, json: format == .json)
                return
            }
            try evaluation.refuseWithoutEval()
            var results: [DerivativeResult] = []
            let start = Date()
            let repeats = evaluation.repeat ?? 1
            for _ in 0..<max(1, repeats) {
                results = try Derivatives.derivatives(of: src, wrt: wrt, kind: kind, layout: layout.value)
            }
            if repeats > 1 {
                let each = Date().timeIntervalSince(start) / Double(repeats)
                FileHandle.standardError.write("time per derivation: \(each * 1e3) ms\n".data(using: .utf8) ?? Data())
            }
            let report = DerivativeReport(source: src, results: results)
            switch format {
            case .json: print(report.json().serialized())
            case .text: print(report.text(.text))
            case .unicode: print(report.text(.unicode))
            case .latex: print(report.text(.latex))
            }
        }
    }
}

enum LayoutOption: String, ExpressibleByArgument, CaseIterable {
    case denominator, numerator
    var value: Layout { self == .numerator ? .numerator : .denominator }
}

/// `ricci grad PROGRAM --wrt W`: the gradient of a scalar objective.
struct Grad: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The gradient of a scalar objective, simplified, in matrix and Einstein notation.")
    @OptionGroup var options: DerivativeOptions
    func run() throws { try options.run(.gradient) }
}

/// `ricci jacobian PROGRAM --wrt W`: the derivative of any objective, of order p + q.
struct Jacobian: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The derivative of any objective (order p + q): the explicit tensor Γ[i, j, k, l] = ∂F[i, j]/∂W[k, l].")
    @OptionGroup var options: DerivativeOptions
    func run() throws { try options.run(.jacobian) }
}

/// `ricci hessian PROGRAM --wrt W`: second derivatives of a scalar objective.
struct Hessian: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The Hessian of a scalar objective: n×n by a vector, order 4 by a matrix.")
    @OptionGroup var options: DerivativeOptions
    func run() throws { try options.run(.hessian) }
}
