import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

/// `ricci check PROGRAM --wrt W [--claim EXPR]`: the engine's derivative against central finite
/// differences, or a claimed derivative (a person's answer) against the true one: shape, values,
/// and the correct result beside the verdict.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a derivative by value: the engine's own (matrix and Einstein forms), or with --claim a person's answer, against central finite differences.")

    @OptionGroup var input: ProgramInput

    @Option(help: "The variable to differentiate by.")
    var wrt: String

    @Option(help: "Check the Hessian instead of the gradient (or Jacobian).")
    var kind: String?

    @Option(parsing: .unconditional, help: "A claimed derivative to check, in matrix or Einstein notation (it may use the program's names and definitions), e.g. \"2*X'*(X*W - Y)\".")
    var claim: String?

    @Option(help: "Layout of a gradient: denominator (the variable's shape) or numerator (transposed).")
    var layout: String = "denominator"

    @Option(help: "Convention for a matrix declared symmetric or spd: sym ((G + G')/2, the default), cookbook (G + G' - Diag(diag(G))) or none.")
    var symmetric: SymmetricConvention?

    @Option(help: "Check the Hessian applied to a direction V (d²f[V] = H : V) instead.")
    var direction: String?

    @Option(help: "Sizes of symbolic dimensions, e.g. n=3,d=4 (default: distinct sizes 3, 4, 5, ...).")
    var dims: String?

    @Option(name: .customLong("set"), help: "A value: NAME=FILE.npy, NAME=FILE.csv, NAME=NUMBER, or h=tanh.")
    var sets: [String] = []

    @Option(help: "Seed for the random point.")
    var random: UInt64 = 1

    @Option(help: "How many random points may be re-drawn where finite differences cannot be trusted (a badly conditioned matrix, a point outside the program's domain).")
    var redraws: Int = 10

    @Option(help: "Output form: text or json.")
    var format: FormatOption = .text

    func run() throws {
        try runCommand(json: format == .json, input: input) { src in
            var settings = try EvalSettingsParser.settings(dims: dims, sets: sets)
            settings.seed = random
            let k = try kind.map { name -> DerivativeKind in
                guard let k = DerivativeKind(rawValue: name) else { throw RicciError(.usage, "--kind is gradient, jacobian or hessian") }
                return k
            }
            guard let layout = Layout(rawValue: layout) else { throw RicciError(.usage, "--layout is denominator or numerator") }
            if let claim = claim {
                let c = try ClaimCheck.run(source: src, wrt: wrt, claim: claim, kind: k, layout: layout, settings: settings,
                                           redraws: redraws, symmetric: symmetric)
                if format == .json { print(claimJSON(c).serialized()) } else { print(claimText(c, source: src)) }
                if c.verdict == .inconclusive { throw ExitCode(3) }
                if !c.passed { throw ExitCode(1) }
                return
            }
            if let v = direction {
                try checkDirection(src, v, settings)
                return
            }
            let c = try DerivativeCheck.run(source: src, wrt: wrt, kind: k, layout: layout, settings: settings, redraws: redraws,
                                            symmetric: symmetric)
            let verdict = c.inconclusive != nil ? "inconclusive" : c.passed ? "pass" : "FAIL"
            if format == .json {
                print(JSON.object([
                    ("wrt", .array([.string(wrt)])), ("kind", .string(c.result.kind.rawValue)),
                    ("symmetric", c.result.symmetric.map { .string($0.rawValue) } ?? .null),
                    ("matrix", c.result.matrix.map(JSON.string) ?? .null), ("einstein", .string(c.result.einstein)),
                    ("matrix_error", c.matrixError.map(JSON.number) ?? .null), ("einstein_error", .number(c.einsteinError)),
                    ("tolerance", .number(c.tolerance)), ("verdict", .string(verdict)),
                    ("seed", .number(Double(c.settings.seed ?? 0))), ("estimated_fd_error", .number(c.estimatedError)),
                    ("redrawn", .array(c.rejections.map { .object([("seed", .number(Double($0.seed))), ("reason", .string($0.reason))]) })),
                    ("reason", c.inconclusive.map(JSON.string) ?? .null),
                ]).serialized())
            } else {
                print(DerivativeReport(source: src, results: [c.result]).text(.text))
                if let m = c.matrixError { print("matrix form:   relative error \(m)") }
                print("einstein form: relative error \(c.einsteinError)")
                print("\(verdict) (central finite differences\(along(c.result.symmetric)) at seed \(c.settings.seed ?? 0), "
                    + "estimated error \(c.estimatedError), tolerance \(c.tolerance))")
                if let why = c.inconclusive { print("reason: \(why)") } else if let note = CheckPoints.summary(c.rejections, random: true) {
                    print("note: \(note)")
                }
                if (c.base.value.data + c.reference.data).contains(where: { !$0.isFinite }) {
                    print("note: the program is not a number at the random point (a log or a square root of a negative entry?): "
                        + "declare the inputs 'positive' (or 'spd'), or give values with --set")
                }
            }
            if c.inconclusive != nil { throw ExitCode(3) }
            if !c.passed { throw ExitCode(1) }
        }
    }

    /// The perturbations a convention's entries are derivatives along, for the verdict line.
    func along(_ c: SymmetricConvention?) -> String {
        switch c {
        case .sym?: return " along symmetric perturbations (E_ij + E_ji)/2 and E_ii (--symmetric sym)"
        case .cookbook?: return " along symmetric perturbations E_ij + E_ji and E_ii (--symmetric cookbook)"
        case .independent?: return " along each entry alone, E_ij (--symmetric none)"
        case nil: return ""
        }
    }

    /// `--direction V`: d²f[V] against the finite-difference Hessian applied to V.
    func checkDirection(_ src: String, _ v: String, _ settings: EvaluationSettings) throws {
        let c = try DirectionalHessianCheck.run(source: src, wrt: wrt, direction: v, settings: settings, symmetric: symmetric,
                                                redraws: redraws)
        let verdict = c.inconclusive != nil ? "inconclusive" : c.passed ? "pass" : "FAIL"
        if format == .json {
            print(JSON.object([
                ("wrt", .array([.string(wrt)])), ("kind", .string("hessian")), ("direction", .string(v)),
                ("symmetric", c.result.symmetric.map { .string($0.rawValue) } ?? .null),
                ("matrix", c.result.matrix.map(JSON.string) ?? .null), ("einstein", .string(c.result.einstein)),
                ("matrix_error", c.matrixError.map(JSON.number) ?? .null), ("einstein_error", .number(c.einsteinError)),
                ("tolerance", .number(c.tolerance)), ("verdict", .string(verdict)), ("estimated_fd_error", .number(c.estimatedError)),
                ("redrawn", .array(c.rejections.map { .object([("seed", .number(Double($0.seed))), ("reason", .string($0.reason))]) })),
                ("reason", c.inconclusive.map(JSON.string) ?? .null),
            ]).serialized())
        } else {
            print(DerivativeReport(source: src, results: [c.result]).text(.text))
            if let m = c.matrixError { print("matrix form:   relative error \(m)") }
            print("einstein form: relative error \(c.einsteinError)")
            print("\(verdict) (the finite-difference Hessian applied to a random \(v), estimated error \(c.estimatedError), "
                + "tolerance \(c.tolerance))")
            if let why = c.inconclusive { print("reason: \(why)") } else if let note = CheckPoints.summary(c.rejections, random: true) {
                print("note: \(note)")
            }
        }
        if c.inconclusive != nil { throw ExitCode(3) }
        if !c.passed { throw ExitCode(1) }
    }

    /// The verdict on a claim, then the correct result (and its derivation, when there is one).
    func claimText(_ c: ClaimCheck, source: String) -> String {
        var lines = ["claim: \(c.claim)", "verdict: \(c.verdict.rawValue)"]
        lines.append("expected shape: \(shapeText(c.expectedShape))"
            + (c.claimShape.map { "; your answer: \(shapeText($0))" } ?? ""))
        if let e = c.relativeError {
            let seeds = c.seeds.map(String.init).joined(separator: ", ")
            lines.append("relative error: \(e) (largest over the random points, seeds \(seeds))")
        }
        if let d = c.diagnosis { lines.append("diagnosis: \(d.rawValue)") }
        if let e = c.renderedError {
            // the message's first line repeats the error; the rendered form shows it with a caret
            lines.append(e)
            lines += c.message.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map(String.init)
        } else {
            lines.append(c.message)
        }
        lines.append("")
        lines.append("the correct result:")
        lines.append(DerivativeReport(source: source, results: [c.result]).text(.text))
        if let d = c.derivation {
            lines.append("")
            lines.append("derivation:")
            lines.append(d)
        }
        return lines.joined(separator: "\n")
    }

    func shapeText(_ s: [Dim]) -> String { s.isEmpty ? "scalar" : s.map(\.description).joined(separator: "×") }

    func claimJSON(_ c: ClaimCheck) -> JSON {
        func shape(_ s: [Dim]) -> JSON {
            .array(s.map { d in if case .fixed(let n) = d { return .number(Double(n)) } else { return .string(d.description) } })
        }
        var error: JSON = .null
        if let e = c.error {
            error = .object([("kind", .string(e.kind.rawValue)), ("message", .string(e.message)),
                             ("line", .number(Double(e.location.line))), ("column", .number(Double(e.location.column)))])
        }
        let r = c.result
        return JSON.object([
            ("claim", .string(c.claim)), ("wrt", .array([.string(wrt)])), ("kind", .string(r.kind.rawValue)),
            ("verdict", .string(c.verdict.rawValue)),
            ("symmetric", r.symmetric.map { .string($0.rawValue) } ?? .null),
            ("right_under", c.rightUnder.map { .string($0.rawValue) } ?? .null),
            ("expected_shape", shape(c.expectedShape)), ("claim_shape", c.claimShape.map(shape) ?? .null),
            ("relative_error", c.relativeError.map(JSON.number) ?? .null),
            ("errors", .array(c.errors.map(JSON.number))), ("seeds", .array(c.seeds.map { .number(Double($0)) })),
            ("tolerance", .number(c.tolerance)),
            ("diagnosis", c.diagnosis.map { .string($0.rawValue) } ?? .null),
            ("matrix", r.matrix.map(JSON.string) ?? .null), ("einstein", .string(r.einstein)),
            ("where", .array(r.definitions.map { .array([.string($0.name), .string($0.value)]) })),
            ("derivation", c.derivation.map(JSON.string) ?? .null),
            ("message", .string(c.message)), ("error", error),
            ("redrawn", .array(c.rejections.map { .object([("seed", .number(Double($0.seed))), ("reason", .string($0.reason))]) })),
        ])
    }
}
