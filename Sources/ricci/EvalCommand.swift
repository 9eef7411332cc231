import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

/// `ricci eval PROGRAM`: the value, computed with GSL.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a program numerically (GSL with OpenBLAS).")

    @OptionGroup var input: ProgramInput

    @Option(help: "Sizes of symbolic dimensions, e.g. n=3,d=4 (integers, 10^9 style allowed).")
    var dims: String?

    @Option(name: .customLong("set"), help: "A value: NAME=FILE.npy, NAME=FILE.csv, NAME=NUMBER, or h=tanh for an elementwise function.")
    var sets: [String] = []

    @Option(help: "Draw inputs that are not given at random with this seed.")
    var random: UInt64?

    @Option(help: "Output form: text or json.")
    var format: FormatOption = .text

    func run() throws {
        guard format == .text || format == .json else {
            throw ValidationError("eval prints text or json")
        }
        try runCommand(json: format == .json, input: input) { src in
            var settings = try EvalSettingsParser.settings(dims: dims, sets: sets)
            settings.seed = random
            let result = try Evaluator.evaluate(source: src, settings: settings)
            print(format == .json ? EvalReport.json(result).serialized() : EvalReport.text(result))
        }
    }
}
