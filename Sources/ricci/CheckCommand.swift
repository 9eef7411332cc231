import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

/// `ricci check PROGRAM --wrt W`: the engine's derivative against central finite differences.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the derivative by value: its matrix and Einstein forms against central finite differences.")

    @OptionGroup var input: ProgramInput

    @Option(help: "The variable to differentiate by.")
    var wrt: String

    @Option(help: "Check the Hessian instead of the gradient (or Jacobian).")
    var kind: String?

    @Option(help: "Sizes of symbolic dimensions, e.g. n=3,d=4 (default: distinct sizes 3, 4, 5, ...).")
    var dims: String?

    @Option(name: .customLong("set"), help: "A value: NAME=FILE.npy, NAME=FILE.csv, NAME=NUMBER, or h=tanh.")
    var sets: [String] = []

    @Option(help: "Seed for the random point.")
    var random: UInt64 = 1

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
            let c = try DerivativeCheck.run(source: src, wrt: wrt, kind: k, settings: settings)
            let verdict = c.passed ? "pass" : "FAIL"
            if format == .json {
                print(JSON.object([
                    ("wrt", .array([.string(wrt)])), ("kind", .string(c.result.kind.rawValue)),
                    ("matrix", c.result.matrix.map(JSON.string) ?? .null), ("einstein", .string(c.result.einstein)),
                    ("matrix_error", c.matrixError.map(JSON.number) ?? .null), ("einstein_error", .number(c.einsteinError)),
                    ("tolerance", .number(c.tolerance)), ("verdict", .string(verdict)),
                ]).serialized())
            } else {
                print(DerivativeReport(source: src, results: [c.result]).text(.text))
                if let m = c.matrixError { print("matrix form:   relative error \(m)") }
                print("einstein form: relative error \(c.einsteinError)")
                print("\(verdict) (central finite differences, tolerance \(c.tolerance))")
            }
            if !c.passed { throw ExitCode(1) }
        }
    }
}
