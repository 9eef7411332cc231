import ArgumentParser
import Foundation
import Ricci

/// The command line before ArgumentParser sees it: a program that starts with `-` (`-0*alpha`,
/// `-x'*x`) is never read as options, and `--format json` turns argument errors into JSON.
enum CommandLineArguments {
    /// An option of a subcommand, read from its help text: its spelling and whether it takes a value.
    struct OptionSpec {
        var takesValue: Bool
    }

    /// The options of `command`, read from its generated help (hidden ones included), so that options
    /// added later are known without a list kept by hand.
    static func options(of command: ParsableCommand.Type) -> [String: OptionSpec] {
        let help = RicciCommand.helpMessage(for: command, includeHidden: true, columns: 100_000)
        var out: [String: OptionSpec] = ["-h": OptionSpec(takesValue: false), "--help": OptionSpec(takesValue: false)]
        var inOptions = false
        for raw in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if !line.hasPrefix(" ") { inOptions = line.hasSuffix("OPTIONS:"); continue }
            guard inOptions else { continue }
            let trimmed = line.drop(while: { $0 == " " })
            guard trimmed.hasPrefix("-") else { continue }
            let spec = trimmed.components(separatedBy: "  ").first ?? ""
            let takesValue = spec.contains("<")   // "-f, --file <file>": both spellings take the value
            for part in spec.components(separatedBy: ", ") {
                guard let name = part.split(separator: " ").first, name.hasPrefix("-") else { continue }
                out[String(name)] = OptionSpec(takesValue: takesValue)
            }
        }
        return out
    }

    /// The subcommand named `name`, if there is one.
    static func subcommand(_ name: String) -> ParsableCommand.Type? {
        RicciCommand.configuration.subcommands.first { $0._commandName == name }
    }

    /// Rewrites the arguments after the subcommand: known options (and their values, joined with `=`
    /// when a value starts with `-`) first, then `--` and every positional argument in order, so that
    /// a positional argument starting with `-` is read as text. A `--word` that is no option stays an
    /// option (ArgumentParser then reports it as unknown); a `-` followed by anything else is text.
    static func normalized(_ args: [String]) -> [String] {
        guard let first = args.first, let command = subcommand(first) else { return args }
        let known = options(of: command)
        var options: [String] = []
        var positional: [String] = []
        var k = 1
        while k < args.count {
            let t = args[k]
            k += 1
            if t == "--" { positional += args[k...]; break }
            guard t.hasPrefix("-"), t != "-" else { positional.append(t); continue }
            let name = t.split(separator: "=", maxSplits: 1).first.map(String.init) ?? t
            if let spec = known[name] {
                if spec.takesValue, !t.contains("="), k < args.count,
                   known[args[k]] == nil, !looksLikeLongOption(args[k]) {
                    let value = args[k]
                    k += 1
                    if value.hasPrefix("-") && value != "-" && name.hasPrefix("--") {
                        options.append(name + "=" + value)
                    } else {
                        options += [t, value]
                    }
                } else {
                    options.append(t)
                }
            } else if looksLikeLongOption(t) {
                options.append(t)
            } else {
                positional.append(t)
            }
        }
        return [first] + options + (positional.isEmpty ? [] : ["--"] + positional)
    }

    /// `--name` or `--name=value` with a name of letters, digits and dashes.
    static func looksLikeLongOption(_ t: String) -> Bool {
        guard t.hasPrefix("--") else { return false }
        let name = t.dropFirst(2).prefix { $0 != "=" }
        guard let c = name.first, c.isASCII, c.isLetter else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
    }

    /// Whether the arguments ask for JSON output.
    static func wantsJSON(_ args: [String]) -> Bool {
        for (k, t) in args.enumerated() {
            if t == "--" { return false }
            if t == "--format=json" { return true }
            if t == "--format", k + 1 < args.count, args[k + 1] == "json" { return true }
        }
        return false
    }

    /// The stack of the thread that runs a command: the parser bounds nesting (256 levels) and chains
    /// (5,000 factors), and every later stage recurses over the tree at most a few frames per level;
    /// 256 MiB holds the deepest accepted program with room to spare (the main thread's 8 MiB does not,
    /// in a debug build), and leaves most of a 1 GiB address-space limit for the work itself.
    static let stackBytes = 256 << 20

    /// Runs ``run()`` on a thread with a ``stackBytes`` stack and exits with its status.
    static func main() -> Never {
        let thread = Thread { run() }
        thread.stackSize = stackBytes
        thread.start()
        while true { sleep(1_000) }
    }

    /// Parses and runs the command; argument errors (and help) are JSON under `--format json`.
    static func run() -> Never {
        let raw = Array(CommandLine.arguments.dropFirst())
        let args = normalized(raw)
        let json = wantsJSON(args)
        if Watchdog.applies(to: args) { Watchdog.start(json: json) }
        do {
            var command = try RicciCommand.parseAsRoot(args)
            try command.run()
            exit(0)
        } catch {
            let code = RicciCommand.exitCode(for: error)
            guard json else { RicciCommand.exit(withError: error) }
            var message = RicciCommand.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            if code == .success {
                if !message.isEmpty { print(JSON.object([("help", .string(message))]).serialized()) }
            } else if !(error is ExitCode) {
                print(JSON.error(RicciError(.usage, message)).serialized())
            }
            exit(code.rawValue)
        }
    }
}
