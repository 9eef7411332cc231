import ArgumentParser
import Foundation
import Ricci

/// `ricci lower PROGRAM`: the program in Einstein notation, every product an explicit contraction.
struct Lower: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the program in Einstein notation, every product as an explicit contraction.")

    @OptionGroup var input: ProgramInput

    @Option(help: "Output form: text, unicode, latex or json.")
    var format: FormatOption = .text

    func run() throws {
        try runCommand(json: format == .json, input: input) { src in
            let report = LoweredReport(try Lowerer.lower(source: src))
            switch format {
            case .json: print(report.json().serialized())
            case .text: print(report.einstein(.text))
            case .unicode: print(report.einstein(.unicode))
            case .latex: print(report.einstein(.latex))
            }
        }
    }
}
