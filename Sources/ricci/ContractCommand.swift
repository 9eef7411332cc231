import ArgumentParser
import Ricci
import Foundation
import RicciNumerics

/// `ricci contract SUBSCRIPTS A.npy B.npy ... [-o OUT.npy] [--path [--plan-only]] [--format text|json]
/// [--strategy auto|optimal|dp|greedy|random-greedy|naive] [--plan-seconds S] [--max-intermediate N|64MB] [--trials N]`
struct Contract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Numeric tensor contraction with einsum subscripts on .npy (or .csv) files.",
        discussion: """
            SUBSCRIPTS follow numpy.einsum: 'ij,jk->ik', implicit output ('ij,jk'), repeated \
            indices for diagonals and traces ('ii->i', 'ii'), and '...' for broadcast axes. \
            The contraction order is planned first (--path prints the plan against the naive \
            left-to-right order) and each pairwise step runs as BLAS GEMMs. Labels may be any \
            character except ',', '-', '>' and '.', as in opt_einsum, so large networks can use \
            more than 52 indices. --path --plan-only prints the plan from the .npy headers alone.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Einsum subscripts, e.g. 'ij,jk->ik'.")
    var subscripts: String

    @Argument(help: "The operands: .npy files (or .csv files, read as matrices).")
    var files: [String] = []

    @Option(name: .shortAndLong, help: "Write the result to this .npy file instead of printing it.")
    var output: String?

    @Flag(help: "Print the contraction plan, its FLOPs and largest intermediate against the naive order.")
    var path = false

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "Planning strategy: auto, optimal, dp, greedy, random-greedy or naive.")
    var strategy: String = "auto"

    @Option(name: .customLong("plan-seconds"), help: "Planning time budget in seconds (auto, dp, random-greedy).")
    var planSeconds: Double = 1

    @Option(name: .customLong("max-intermediate"), help: "Largest intermediate allowed: ELEMENTS, or bytes with a unit (64MB, 1GiB).")
    var maxIntermediate: String?

    @Option(help: "Most trials of random-greedy.")
    var trials: Int = 256

    @Flag(name: .customLong("plan-only"), help: "Only plan (with --path): read the .npy headers, compute nothing.")
    var planOnly = false

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Benchmark: contract N times in-process and print the median time as JSON.", visibility: .hidden))
    var repetitions: Int?

    mutating func run() throws {
        do {
            try execute()
        } catch let error as NumericError {
            report(kind: kind(of: error), message: error.description)
            throw ExitCode(1)
        }
    }

    /// The most entries of a result printed (a larger one is written with -o).
    static let maxPrintedEntries = 1_000_000

    private func execute() throws {
        guard let strategy = PathStrategy(rawValue: strategy) else {
            throw NumericError.einsum("unknown strategy '\(strategy)' (use \(PathStrategy.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let n = repetitions, n < 1 { throw NumericError.einsum("--repeat needs a positive count") }
        guard planSeconds.isFinite, planSeconds >= 0 else { throw NumericError.einsum("--plan-seconds needs a non-negative number") }
        guard trials >= 1 else { throw NumericError.einsum("--trials needs a positive count") }
        if planOnly, !path { throw NumericError.einsum("--plan-only prints the plan: use it with --path") }
        if planOnly, output != nil { throw NumericError.einsum("--plan-only computes nothing: -o cannot be used with it") }
        let options = ContractionOptions(strategy: strategy, planSeconds: planSeconds,
                                         maxIntermediate: try maxIntermediate.map(ContractionOptions.parseMemory), trials: trials)
        if planOnly {
            let shapes = try files.map(ContractionOperandShapes.shape(ofFile:))
            let plan = try Einsum.plan(subscripts, shapes: shapes, options: options)
            switch format {
            case .text: print(plan.description)
            case .json: print("{\"shapes\": \(shapes), \"plan\": \(planJSON(plan))}")
            }
            return
        }
        let operands = try files.map { file in
            file.lowercased().hasSuffix(".csv") ? try CSV.read(contentsOf: file) : try NPY.read(contentsOf: file)
        }
        if let n = repetitions {
            try benchmark(operands, times: n, options: options)
            return
        }
        if path && output == nil {
            // --path asks for the plan: the contraction is not run, so no dense value is printed
            let plan = try Einsum.plan(subscripts, shapes: operands.map(\.shape), options: options)
            switch format {
            case .text: print(plan.description)
            case .json: print("{\"plan\": \(planJSON(plan))}")
            }
            return
        }
        let (result, plan) = try Einsum.einsumWithPlan(subscripts, operands, options: options)
        if output == nil && result.count > Self.maxPrintedEntries {
            throw NumericError.einsum("the result has \(result.count) entries, more than the \(Self.maxPrintedEntries) printed; "
                + "write it to a file with -o FILE.npy")
        }
        if let output { try NPY.write(result, to: output) }
        switch format {
        case .text:
            if path { print(plan.description + "\n") }
            if output == nil {
                print("shape: \(Tensor.describe(result.shape))")
                print(result.formatted())
            }
        case .json:
            var fields = ["\"shape\": [\(result.shape.map(String.init).joined(separator: ", "))]"]
            if let output { fields.append("\"output\": \(jsonString(output))") } else { fields.append("\"value\": \(result.json)") }
            if path { fields.append("\"plan\": \(planJSON(plan))") }
            print("{" + fields.joined(separator: ", ") + "}")
        }
    }

    /// Times the whole in-process contraction (planning included, file reading excluded) after one
    /// untimed warm-up: wall time, and the process's processor time (all threads), which other load
    /// on the machine disturbs less.
    private func benchmark(_ operands: [Tensor], times: Int, options: ContractionOptions) throws {
        var seconds: [Double] = []
        var processor: [Double] = []
        // one untimed warm-up, as `--repeat` of a plan: the thread pools start and the first
        // allocations fault their pages in, as they have in a long-running process
        var shape = try Einsum.einsum(subscripts, operands, options: options).shape
        for _ in 0..<times {
            let cpu = Self.processorSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try Einsum.einsum(subscripts, operands, options: options)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            processor.append(Self.processorSeconds() - cpu)
            shape = result.shape
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        print("{\"repeat\": \(times), \"median_seconds\": \(median(seconds)), \"min_seconds\": \(seconds.min() ?? 0), "
            + "\"median_cpu_seconds\": \(median(processor)), \"shape\": \(shape)}")
    }

    /// The processor time of the whole process so far (every thread), in seconds.
    private static func processorSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func planJSON(_ plan: ContractionPlan) -> String {
        let steps = plan.steps.map { step in
            let operands = [step.lhs] + (step.rhs.map { [$0] } ?? [])
            return "{\"operands\": \(operands), \"result\": \(step.result), \"labels\": \(jsonString(plan.names(step.labels))), "
                + "\"summed\": \(jsonString(plan.names(step.summed))), \"flops\": \(Tensor.jsonNumber(step.flops)), \"size\": \(Tensor.jsonNumber(step.size))}"
        }
        return "{\"equation\": \(jsonString(plan.equation)), \"strategy\": \"\(plan.strategy.rawValue)\", "
            + "\"planner\": \(jsonString(plan.planner)), \"note\": \(plan.note.map(jsonString) ?? "null"), "
            + "\"planning_seconds\": \(Tensor.jsonNumber(plan.planningSeconds)), "
            + "\"peak_memory\": {\"elements\": \(Tensor.jsonNumber(plan.peakElements)), \"bytes\": \(Tensor.jsonNumber(plan.peakElements * 8))}, "
            + "\"max_intermediate\": \(plan.memoryLimit.map(Tensor.jsonNumber) ?? "null"), "
            + "\"flops\": \(Tensor.jsonNumber(plan.flops)), \"largest_intermediate\": \(Tensor.jsonNumber(plan.largestIntermediate)), "
            + "\"naive_flops\": \(Tensor.jsonNumber(plan.naiveFlops)), \"naive_largest_intermediate\": \(Tensor.jsonNumber(plan.naiveLargestIntermediate)), "
            + "\"steps\": [\(steps.joined(separator: ", "))]}"
    }

    private func kind(of error: NumericError) -> String {
        switch error {
        case .singular, .notPositiveDefinite, .domain: return "math"
        case .gsl: return "gsl"
        case .tooLarge: return "too_large"
        case .shapeMismatch: return "shape"
        case .file: return "file"
        case .einsum: return "einsum"
        }
    }

    private func report(kind: String, message: String) {
        if format == .json {
            print("{\"error\": {\"kind\": \"\(kind)\", \"message\": \(jsonString(message))}}")
        } else {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        }
    }

    private func jsonString(_ text: String) -> String { JSON.string(text).serialized(pretty: false) }
}
