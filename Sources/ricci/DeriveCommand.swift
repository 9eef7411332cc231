import ArgumentParser
import Foundation
import Ricci

/// `ricci derive PROGRAM --wrt W`: the derivation a person would write, step by step.
struct Derive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The derivation of the gradient, step by step, each step with the identity it uses.")

    @OptionGroup var input: ProgramInput

    @Option(help: "The variable to differentiate by.")
    var wrt: String

    @Option(help: "Output form: text, latex or json.")
    var format: FormatOption = .text

    @Flag(help: "With --format latex: a complete document that compiles with pdflatex.")
    var standalone = false

    func run() throws {
        try runCommand(json: format == .json, input: input) { src in
            let report = DerivationReport(try Derivations.derive(source: src, wrt: wrt))
            switch format {
            case .json: print(report.json().serialized())
            case .latex: print(standalone ? report.standalone() : report.latex())
            case .text, .unicode: print(report.text())
            }
        }
    }
}
