import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci export --to c|swift`: every case of the derivative table and the five problems, exported,
/// compiled together with a generated driver (C: `cc -O2 -std=c99 … -lopenblas -lm`; Swift: swiftc), each
/// walking Ricci's compiled plan (Hessians included),
/// run once at Ricci's own random inputs (distinct sizes) and compared with Ricci's evaluation; a
/// bad size (C) or a wrong array length (Swift) must be refused, naming the argument.
final class ExportCompiledTests: XCTestCase {
    func testCExportsMatchRicci() throws { try check(.c) }
    func testSwiftExportsMatchRicci() throws { try check(.swift) }

    func tool(_ target: ExportTarget) -> String? {
        let names = target == .c ? ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"] : []
        if target == .swift {
            let env = ProcessInfo.processInfo.environment["SWIFTC"].map { [$0] } ?? []
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/swiftc" }
            return (env + path).first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        return names.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// C: `cc -O2 -std=c99 -c` on two halves of the files at once (two cores), then a link with
    /// OpenBLAS; Swift: one swiftc invocation with two jobs.
    func compile(_ target: ExportTarget, _ compiler: String, _ files: [String], _ exe: String, _ dir: URL) throws -> (Int32, String) {
        if target == .swift {
            let (s, _, e) = try ExportHarness.run(compiler, ["-j2", "-module-name", "ExportCheck", "-o", exe] + files, cwd: dir)
            return (s, e)
        }
        let halves = [Array(files.prefix(files.count / 2)), Array(files.dropFirst(files.count / 2))]
        final class Box: @unchecked Sendable { var result: (Int32, String) = (0, "") }
        let boxes = [Box(), Box()]
        let group = DispatchGroup()
        for (half, box) in zip(halves, boxes) {
            group.enter()
            DispatchQueue.global().async {
                let r = try? ExportHarness.run(compiler, ["-O2", "-std=c99", "-c"] + half, cwd: dir)
                box.result = r.map { ($0.0, $0.2) } ?? (1, "could not run \(compiler)")
                group.leave()
            }
        }
        group.wait()
        for b in boxes where b.result.0 != 0 { return b.result }
        let objects = files.map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".c", with: ".o") }
        let (s, _, e) = try ExportHarness.run(compiler, ["-o", exe] + objects + ["-lopenblas", "-lm"], cwd: dir)
        return (s, e)
    }

    func check(_ target: ExportTarget) throws {
        guard let compiler = tool(target) else {
            if ExportHarness.required { XCTFail("no compiler for \(target.rawValue)"); return }
            throw XCTSkip("no compiler for \(target.rawValue)")
        }
        let dir = try ExportHarness.scratch(target.rawValue)
        defer { if ProcessInfo.processInfo.environment["RICCI_EXPORT_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        var sources: [String] = []
        var driver = ExportDriver(target: target, dir: dir)
        var labels: [String: String] = [:]
        for (k, c) in ExportHarness.cases.enumerated() {
            let id = "case\(k)"
            labels[id] = c.label
            do {
                let text = try Exporter.export(ExportRequest(source: c.program, wrt: c.wrt, hessian: c.hessian, target: target,
                                                             functionName: id))
                let path = dir.appendingPathComponent("\(id).\(target == .c ? "c" : "swift")").path
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                // every case walks Ricci's compiled plan (not the printed forms)
                XCTAssert(text.contains("Steps: Ricci's compiled plan"), "\(c.label) [\(target.rawValue)]: not exported from the compiled plan")
                let signature = try ExportSignature(source: c.program, wrt: c.wrt, hessian: c.hessian)
                try driver.add(id: id, signature: signature, reference: try ExportHarness.reference(c))
                sources.append(path)
            } catch {
                XCTFail("\(c.label) [\(target.rawValue)]: \(error)")
            }
        }
        let prepared = Date()
        let main = dir.appendingPathComponent(target == .c ? "driver.c" : "main.swift").path
        try driver.source().write(toFile: main, atomically: true, encoding: .utf8)
        let exe = dir.appendingPathComponent("driver").path
        let (cs, cerr) = try compile(target, compiler, sources + [main], exe, dir)
        XCTAssertEqual(cs, 0, "compiling the \(target.rawValue) exports failed:\n\(cerr.prefix(4000))")
        guard cs == 0 else { return }
        let compiled = Date()
        let (status, out, err) = try ExportHarness.run(exe, [], cwd: dir)
        var seen = 0
        for line in out.split(separator: "\n") {
            guard let data = line.data(using: .utf8),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let id = obj["case"] as? String else { continue }
            seen += 1
            for p in (obj["problems"] as? [String]) ?? [] { XCTFail("\(labels[id] ?? id) [\(target.rawValue)]: \(p)") }
        }
        XCTAssertEqual(status, 0, "the \(target.rawValue) driver failed: \(err.suffix(2000))")
        XCTAssertEqual(seen, sources.count, "results for \(seen) of \(sources.count) cases")
        print("[export \(target.rawValue)] \(sources.count) programs compiled and checked (compile \(Int(compiled.timeIntervalSince(prepared))) s, "
              + "run \(Int(Date().timeIntervalSince(compiled))) s)")
    }
}
