import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

/// Where a program comes from: a string argument, `-f FILE`, or `-` for standard input.
struct ProgramInput: ParsableArguments {
    @Argument(help: "The program text, or '-' to read standard input.")
    var program: String?

    @Option(name: .shortAndLong, help: "Read the program from a file.")
    var file: String?

    func source() throws -> String {
        if let f = file {
            guard program == nil else { throw RicciError(.usage, "give the program either as an argument or with -f, not both") }
            guard let data = FileManager.default.contents(atPath: f), let s = String(data: data, encoding: .utf8) else {
                throw RicciError(.io, "cannot read the program file '\(f)'")
            }
            return s
        }
        guard let p = program else { throw RicciError(.usage, "no program: give it as an argument, with -f FILE, or '-' for standard input") }
        if p == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let s = String(data: data, encoding: .utf8) else { throw RicciError(.io, "standard input is not UTF-8 text") }
            return s
        }
        return p
    }
}

/// `--format` values shared by the commands.
enum FormatOption: String, ExpressibleByArgument, CaseIterable {
    case text, unicode, latex, json
}

/// Reads the program and runs a command body on it, turning every error into a clear message and
/// exit status 1 (never a trap): JSON on standard output with `--format json`, else text with a caret
/// on standard error.
func runCommand(json: Bool, input: ProgramInput, _ body: (String) throws -> Void) throws {
    var source: String?
    do {
        let s = try input.source()
        source = s
        try body(s)
    } catch let e as RicciError {
        report(e, json: json, source: source)
        throw ExitCode(1)
    } catch let e as NumericError {
        report(RicciError(.numeric, e.description), json: json, source: source)
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch {
        report(RicciError(.numeric, "\(error)"), json: json, source: source)
        throw ExitCode(1)
    }
}

func report(_ e: RicciError, json: Bool, source: String?) {
    if json {
        print(JSON.error(e).serialized())
    } else {
        let text = source.map { e.rendered(source: $0) } ?? "error: \(e.message)"
        FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data())
    }
}
