import Foundation
import XCTest
import Ricci
import RicciNumerics

/// One export to check: a program, its variables, with or without Hessians.
struct ExportCase {
    var program: String
    var wrt: [String]
    var hessian: Bool
    var seed: UInt64
    var values: [String: Tensor] = [:]
    var label: String { "export of `\(program)` by \(wrt.joined(separator: ", "))" + (hessian ? " with Hessians" : "") }
}

/// Ricci's own evaluation of a case: the inputs (random, distinct sizes), stand-ins for functions
/// (tanh for every `elementwise` h; Ricci's random instance for every opaque F), and every output.
struct ExportReference {
    var inputs: [(String, Tensor)]
    var outputs: [(String, Tensor)]
    /// Opaque function name → (C, b, result shape, argument shape) of F(U) = tanh(C vec(U) + b).
    var opaque: [String: (Tensor, Tensor, [Int], [Int])] = [:]
    var elementwise: [String] = []
    var sizes: [String: Int]
}

enum ExportHarness {
    /// Every gradient, Jacobian and Hessian case of the derivative table (denominator layout) and the
    /// five problems, grouped by program: one export per program and kind, with all its variables.
    static var cases: [ExportCase] {
        var out: [ExportCase] = []
        var index: [String: Int] = [:]
        let table = DerivativeTableTests.allCases.filter { $0.layout == .denominator }
        for c in table {
            let key = c.program + (c.kind == .hessian ? "#H" : "")
            if let k = index[key] {
                if !out[k].wrt.contains(c.wrt) { out[k].wrt.append(c.wrt) }
                continue
            }
            index[key] = out.count
            out.append(ExportCase(program: c.program, wrt: [c.wrt], hessian: c.kind == .hessian, seed: c.seed, values: c.values))
        }
        out.append(ExportCase(program: ProblemsTests.p1, wrt: ["W"], hessian: false, seed: 5))
        out.append(ExportCase(program: ProblemsTests.p2, wrt: ["W", "b"], hessian: false, seed: 5))
        // P3 needs B'*X*C > 0 (a log of a ratio): positive B, X, C and A, at sizes p=7, q=8, r=9, s=10
        let dims = DerivativeChecker.dims
        let p3Shapes: [(String, [String])] = [("A", ["p", "q"]), ("B", ["r", "p"]), ("X", ["r", "s"]), ("C", ["s", "q"])]
        var p3Values: [String: Tensor] = [:]
        for (k, (name, shape)) in p3Shapes.enumerated() {
            p3Values[name] = ProblemsTests.positive(shape.compactMap { dims[$0] }, seed: UInt64(11 + k))
        }
        out.append(ExportCase(program: ProblemsTests.p3, wrt: ["X"], hessian: false, seed: 5, values: p3Values))
        out.append(ExportCase(program: ProblemsTests.p4, wrt: ["W", "alpha"], hessian: false, seed: 5))
        out.append(ExportCase(program: ProblemsTests.p4WithE, wrt: ["W"], hessian: true, seed: 5))
        out.append(ExportCase(program: ProblemsTests.p5, wrt: ["V", "W"], hessian: false, seed: 5))
        return out
    }

    /// The same seed-and-name mixing as the evaluator's stand-ins for user functions.
    static func functionSource(_ name: String, seed: UInt64) throws -> RandomSource {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return try RandomSource(seed: (seed &* 0x9e37_79b9_7f4a_7c15) ^ hash)
    }

    nonisolated(unsafe) static var references: [String: ExportReference] = [:]

    /// Ricci's evaluation (computed once per test run and case, shared by the targets' tests).
    static func reference(_ c: ExportCase) throws -> ExportReference {
        let key = c.label
        if let r = references[key] { return r }
        let r = try computeReference(c)
        references[key] = r
        return r
    }

    /// Ricci's evaluation of the value and every derivative the export returns.
    static func computeReference(_ c: ExportCase) throws -> ExportReference {
        var s = DerivativeChecker.settings(for: c.program, seed: c.seed)
        s.values = c.values
        let typed = try TypeChecker.check(source: c.program)
        var elementwise: [String] = []
        for n in typed.names {
            if case .elementwise = typed.symbols[n]?.kind { s.functions[n] = .tanh; elementwise.append(n) }
        }
        let base = try Evaluator.evaluate(source: c.program, settings: s)
        var outputs: [(String, Tensor)] = [("value", base.value)]
        let scalar = typed.result.shape.allSatisfy { typed.dims.isOne($0) }
        var kinds: [DerivativeKind] = [scalar ? .gradient : .jacobian]
        if c.hessian { kinds.append(.hessian) }
        for kind in kinds {
            for w in c.wrt {
                let r = try Derivatives.derivative(of: c.program, wrt: w, kind: kind)
                guard let text = r.program(.matrix) ?? r.program(.einstein) else { continue }
                let v = try FiniteDifferences.evaluate(resultProgram: text, at: base, settings: s).value
                outputs.append(((kind == .hessian ? "hessian_" : "grad_") + w, v))
            }
        }
        var opaque: [String: (Tensor, Tensor, [Int], [Int])] = [:]
        for n in typed.names {
            guard case .function(let result, let argument)? = typed.symbols[n]?.kind, let arg = argument else { continue }
            let size = try typed.dims.sizes(given: base.sizes) { base.sizes[$0] ?? 3 }
            var r = try functionSource(n, seed: c.seed)
            let inst = try OpaqueInstance(result: result.map(size), argument: arg.map(size), random: &r)
            opaque[n] = (inst.c, inst.b, inst.resultShape, inst.argumentShape)
        }
        return ExportReference(inputs: base.inputs, outputs: outputs, opaque: opaque, elementwise: elementwise, sizes: base.sizes)
    }

    /// The package's root directory (two levels above this file's folder).
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A Python with NumPy and JAX: `RICCI_EXPORT_PYTHON`, else the notebooks' venv, else nil.
    static func python() -> String? {
        if let p = ProcessInfo.processInfo.environment["RICCI_EXPORT_PYTHON"], !p.isEmpty { return p }
        let venv = root.appendingPathComponent("Notebooks/.venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Whether a missing tool fails the test instead of skipping it (`make test` sets it).
    static var required: Bool { ProcessInfo.processInfo.environment["RICCI_REQUIRE_EXPORT_TOOLS"] == "1" }

    /// Runs a process; returns (status, standard output, standard error).
    static func run(_ tool: String, _ args: [String], cwd: URL? = nil) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        if let d = cwd { p.currentDirectoryURL = d }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // read both pipes while the process runs, so a full pipe cannot block it
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func scratch(_ name: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-export-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}
