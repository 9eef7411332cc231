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

    @Option(help: "Run the compiled plan N more times after a warm-up and report the timing.")
    var `repeat`: Int?

    @Option(help: "Write value.npy into this directory.")
    var save: String?

    @Flag(help: "Print the compiled plan (steps, kernels, FLOPs, bytes, peak memory).")
    var plan = false

    func run() throws {
        guard format == .text || format == .json else {
            throw ValidationError("eval prints text or json")
        }
        try runCommand(json: format == .json, input: input) { src in
            var settings = try EvalSettingsParser.settings(dims: dims, sets: sets)
            settings.seed = random
            if self.repeat != nil || save != nil || plan {
                try PlanEvalOutput(repeats: self.repeat, save: save, showPlan: plan, json: format == .json)
                    .run(source: src, requests: [.value], results: [], settings: settings)
                return
            }
            let result = try Evaluator.evaluate(source: src, settings: settings)
            print(format == .json ? EvalReport.json(result).serialized() : EvalReport.text(result))
        }
    }
}
