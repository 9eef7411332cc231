import Foundation
import XCTest
import RicciNumerics

/// `ricci contract --path --plan-only`, `--strategy`, `--max-intermediate`, `--plan-seconds` end to end.
final class ContractPlanCommandTests: XCTestCase {
    var temp: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary.path) else {
            throw XCTSkip("the ricci executable is not built")
        }
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-contract-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let t = temp { try? FileManager.default.removeItem(at: t) }
    }

    private func ricci(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = CommandLineTests.binary
        p.arguments = args
        let outURL = temp.appendingPathComponent("out-\(UUID().uuidString)"), errURL = temp.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A `.npy` file with only its header (the data is missing): readable only by a header-only reader.
    private func headerOnly(_ name: String, shape: [Int]) throws -> String {
        var text = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        bytes.append(Data(text.utf8))
        let path = temp.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    func testPlanOnlyReadsHeadersOnlyAndPrintsJSON() throws {
        // 20000×20000 operands (3.2 GB each if read): only the headers exist.
        let a = try headerOnly("a.npy", shape: [20000, 20000]), b = try headerOnly("b.npy", shape: [20000, 10]),
            c = try headerOnly("c.npy", shape: [10, 20000])
        let r = try ricci(["contract", "ij,jk,kl->il", a, b, c, "--path", "--plan-only", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let plan = object?["plan"] as? [String: Any] ?? [:]
        // ((A·B)·C): 2·20000²·10 + 2·20000·10·20000 FLOPs, never a 20000×20000×… product first.
        XCTAssertEqual(plan["flops"] as? Double, 1.6e10)
        XCTAssertEqual(plan["largest_intermediate"] as? Double, 4e8)
        XCTAssertEqual((plan["steps"] as? [Any])?.count, 2)
        XCTAssertEqual(plan["planner"] as? String, "optimal")
        XCTAssertNotNil((plan["peak_memory"] as? [String: Any])?["bytes"])
        let text = try ricci(["contract", "ij,jk,kl->il", a, b, c, "--path", "--plan-only"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Planner:") && text.stdout.contains("Peak memory:"), text.stdout)
        // Without --plan-only the data is needed: a clear file error.
        let run = try ricci(["contract", "ij,jk,kl->il", a, b, c])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("truncated"), run.stderr)
    }

    func testUnicodeLabelsStrategiesAndMemoryLimit() throws {
        // A chain of 60 matrices needs 61 labels: ASCII letters, then 'À'… as opt_einsum's get_symbol.
        let symbols = (0..<61).map { $0 < 26 ? 97 + $0 : ($0 < 52 ? 65 + $0 - 26 : 140 + $0) }
        let name = { (k: Int) in String(Character(Unicode.Scalar(UInt32(symbols[k])) ?? "?")) }
        let text = (0..<60).map { name($0) + name($0 + 1) }.joined(separator: ",") + "->" + name(0) + name(60)
        var files: [String] = []
        for k in 0..<60 { files.append(try headerOnly("m\(k).npy", shape: [2 + k % 3, 2 + (k + 1) % 3])) }
        for strategy in ["auto", "dp", "greedy", "random-greedy", "naive"] {
            let r = try ricci(["contract", text] + files + ["--path", "--plan-only", "--format", "json", "--strategy", strategy, "--plan-seconds", "60", "--trials", "8"])
            XCTAssertEqual(r.status, 0, strategy + r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("\"planner\": \"\(strategy == "auto" ? "dp" : strategy)"), strategy + r.stdout.prefix(400))
        }
        // random-greedy is reproducible from its seed, across processes (no hash-order dependence).
        let runs = try (0..<2).map { _ in
            try ricci(["contract", text] + files + ["--path", "--plan-only", "--format", "json", "--strategy", "random-greedy",
                                                   "--trials", "12", "--plan-seconds", "60"])
        }
        let steps = runs.map { run -> String in
            let plan = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["plan"] as? [String: Any]
            let steps = (plan?["steps"]).flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) } ?? Data()
            return "\(plan?["flops"] ?? "-") " + String(decoding: steps, as: UTF8.self)
        }
        XCTAssertEqual(steps[0], steps[1])
        let optimal = try ricci(["contract", text] + files + ["--path", "--plan-only", "--strategy", "optimal"])
        XCTAssertNotEqual(optimal.status, 0)
        XCTAssertTrue(optimal.stderr.contains("at most"), optimal.stderr)
        let capped = try ricci(["contract", text] + files + ["--path", "--plan-only", "--format", "json", "--max-intermediate", "64B"])
        XCTAssertEqual(capped.status, 0, capped.stdout)
        XCTAssertTrue(capped.stdout.contains("\"max_intermediate\": 8"), capped.stdout.prefix(600).description)
        for bad in [["--max-intermediate", "lots"], ["--strategy", "fastest"], ["--plan-seconds=-1"], ["--max-intermediate", "4B"]] {
            let r = try ricci(["contract", text] + files + ["--path", "--plan-only"] + bad)
            XCTAssertNotEqual(r.status, 0, bad.joined(separator: " "))
            XCTAssertTrue(r.stderr.hasPrefix("error:"), r.stderr)
        }
    }
}
