import ArgumentParser
import Foundation
import Ricci
import RicciNumerics

/// `--eval` and its options on `grad`/`hessian`: the objective and every derivative through one
/// compiled plan (SYNTAX.md section 6).
struct PlanEvalOptions: ParsableArguments {
    @Flag(help: "Evaluate the objective and every requested derivative through one compiled plan.")
    var eval = false

    @Option(help: "With --eval: sizes of symbolic dimensions, e.g. n=3,d=4.")
    var dims: String?

    @Option(name: .customLong("set"), help: "With --eval: a value NAME=FILE.npy|FILE.csv|NUMBER, or h=tanh for an elementwise function.")
    var sets: [String] = []

    @Option(help: "With --eval: draw inputs that are not given at random with this seed.")
    var random: UInt64?

    @Option(help: "With --eval: run the compiled plan N more times after a warm-up and report the timing.")
    var `repeat`: Int?

    @Option(help: "With --eval: write value.npy and grad_W.npy / hessian_W.npy into this directory.")
    var save: String?

    @Flag(help: "With --eval: print the plan (steps, kernels, FLOPs, bytes, peak memory).")
    var plan = false

    /// Without --eval, the evaluation options are mistakes (--repeat alone times derivations).
    func refuseWithoutEval() throws {
        if dims != nil || !sets.isEmpty || random != nil || save != nil || plan {
            throw RicciError(.usage, "--dims, --set, --random, --save and --plan need --eval")
        }
    }

    func run(source: String, wrt: [String], kind: DerivativeKind, layout: Layout, json: Bool) throws {
        guard kind != .jacobian else { throw RicciError(.usage, "--eval evaluates gradients and Hessians (ricci grad|hessian)") }
        var settings = try EvalSettingsParser.settings(dims: dims, sets: sets)
        settings.seed = random
        var requests: [PlanRequest] = [.value]
        for w in wrt { requests.append(kind == .hessian ? .hessian(w) : .gradient(w)) }
        let results = try Derivatives.derivatives(of: source, wrt: wrt, kind: kind, layout: layout)
        try PlanEvalOutput(repeats: self.repeat, save: save, showPlan: plan, json: json)
            .run(source: source, requests: requests, results: results, settings: settings)
    }
}

/// Runs a plan and prints (text or JSON), saves and times it: shared by `grad|hessian --eval` and `eval`.
struct PlanEvalOutput {
    var repeats: Int?
    var save: String?
    var showPlan: Bool
    var json: Bool

    func run(source: String, requests: [PlanRequest], results: [DerivativeResult], settings: EvaluationSettings) throws {
        if let n = repeats, n < 1 || n > 1_000_000 { throw RicciError(.usage, "--repeat takes a count from 1 to 1000000") }
        let r = try PlanEvaluation.evaluate(source: source, requests: requests, results: results, settings: settings,
                                            repeats: repeats ?? 0)
        if let dir = save {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, _) in r.plan.outputs {
                guard let t = r.outputs[name] else { continue }
                try NPY.write(t, to: (dir as NSString).appendingPathComponent(name + ".npy"))
            }
        }
        var timing: [(String, JSON)] = []
        if let n = repeats {
            let sorted = r.runMilliseconds.sorted()
            let median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            timing = [("runs", .number(Double(n))), ("median_ms", .number(median)), ("min_ms", .number(sorted.first ?? 0)),
                      ("compile_ms", .number(r.plan.compileMilliseconds))]
        }
        if json {
            var fields: [(String, JSON)] = []
            if let v = r.outputs["value"] {
                fields.append(("shape", .array(v.shape.map { .number(Double($0)) })))
                fields.append(("value", EvalReport.nested(v)))
            }
            let others = r.plan.outputs.filter { $0.name != "value" }
            if !others.isEmpty {
                fields.append(("results", .array(others.compactMap { o in
                    r.outputs[o.name].map { t in
                        .object([("name", .string(o.name)), ("shape", .array(t.shape.map { .number(Double($0)) })),
                                 ("value", EvalReport.nested(t))])
                    }
                })))
            }
            fields.append(("dims", .object(r.inputs.sizes.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })))
            if showPlan { fields.append(("plan", r.plan.json)) }
            if !timing.isEmpty { fields.append(("timing", .object(timing))) }
            print(JSON.object(fields).serialized())
            return
        }
        if showPlan { print(r.plan.text) }
        if !r.inputs.sizes.isEmpty {
            print("dims: " + r.inputs.sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        for (name, _) in r.plan.outputs {
            guard let t = r.outputs[name] else { continue }
            print("\(name): " + (t.shape.isEmpty ? "scalar" : t.shape.map(String.init).joined(separator: "×")))
            print(EvalReport.format(t))
        }
        if let n = repeats {
            let sorted = r.runMilliseconds.sorted()
            print(String(format: "timing: %d runs, median %.3f ms, min %.3f ms, compile %.3f ms", n,
                         sorted.isEmpty ? 0 : sorted[sorted.count / 2], sorted.first ?? 0, r.plan.compileMilliseconds))
        }
    }
}
