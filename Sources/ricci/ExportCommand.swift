import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

enum ExportTargetOption: String, ExpressibleByArgument, CaseIterable {
    case numpy, jax, swift, c
    var value: ExportTarget { ExportTarget(rawValue: rawValue) ?? .numpy }
}

/// `ricci export PROGRAM --wrt W [--wrt V]... [--hessian] --to numpy|jax|swift|c [-o FILE]`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Code for the value and derivatives: a NumPy or JAX module, a Swift or C function.")

    @OptionGroup var input: ProgramInput

    @Option(help: "The variable to differentiate by (repeat for several).")
    var wrt: [String] = []

    @Flag(help: "Export the Hessian by each variable too.")
    var hessian = false

    @Option(help: "The target: numpy, jax, swift or c.")
    var to: ExportTargetOption

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "The function's name in Swift and C (default: ricci_evaluate, or the output file's base name).")
    var name: String?

    func run() throws {
        try runCommand(json: false, input: input) { src in
            guard !wrt.isEmpty else { throw RicciError(.usage, "name the variable to differentiate by with --wrt NAME") }
            let fname = try functionName()
            let text = try Exporter.export(ExportRequest(source: src, wrt: wrt, hessian: hessian, target: to.value,
                                                         functionName: fname))
            if let path = output {
                guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                    throw RicciError(.io, "cannot write '\(path)'")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }

    func functionName() throws -> String {
        if let n = name {
            try Exporter.checkFunctionName(n)
            return n
        }
        if let path = output {
            let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            if (try? Exporter.checkFunctionName(base)) != nil { return base }
        }
        return "ricci_evaluate"
    }
}
