import ArgumentParser

/// The `ricci` command-line tool: each subcommand lives in its own file and only calls the libraries.
@main
struct RicciCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ricci",
        abstract: "Tensor calculus for matrix expressions: parse, lower to index form, evaluate, contract.",
        subcommands: [Lower.self, Eval.self, Contract.self]
    )
}
