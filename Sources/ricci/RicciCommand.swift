import ArgumentParser

/// The `ricci` command-line tool: each subcommand lives in its own file and only calls the libraries.
@main
struct RicciCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ricci",
        abstract: "Tensor calculus for matrix expressions: derivatives in matrix and index notation, evaluation, contraction.",
        subcommands: [Grad.self, Jacobian.self, Hessian.self, Derive.self, Check.self, Lower.self, Eval.self, Contract.self, Export.self]
    )

    /// Runs through ``CommandLineArguments`` (programs starting with `-`, JSON argument errors).
    static func main() { CommandLineArguments.main() }
}
