import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci export --to numpy|jax`: every case of the derivative table and the five problems,
/// exported, run in one Python process (Tests/ExportHarness/check_python_exports.py) at Ricci's own
/// random inputs (distinct sizes), and compared with Ricci's evaluation; each module's
/// check_gradient (central finite differences) and its errors for bad inputs are checked there too.
final class ExportPythonTests: XCTestCase {
    func testNumPyAndJAXExportsMatchRicci() throws {
        guard let python = ExportHarness.python() else {
            if ExportHarness.required { XCTFail("no Python with NumPy and JAX (set RICCI_EXPORT_PYTHON)"); return }
            throw XCTSkip("no Python with NumPy and JAX: set RICCI_EXPORT_PYTHON or run make notebooks once")
        }
        let dir = try ExportHarness.scratch("python")
        defer { if ProcessInfo.processInfo.environment["RICCI_EXPORT_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        var manifest: [[String: Any]] = []
        var labels: [String: String] = [:]
        for (k, c) in ExportHarness.cases.enumerated() {
            let id = "case\(k)"
            labels[id] = c.label
            do {
                var modules: [String: String] = [:]
                for target in [ExportTarget.numpy, .jax] {
                    let text = try Exporter.export(ExportRequest(source: c.program, wrt: c.wrt, hessian: c.hessian, target: target))
                    let path = dir.appendingPathComponent("\(id)_\(target.rawValue).py").path
                    try text.write(toFile: path, atomically: true, encoding: .utf8)
                    modules[target.rawValue] = path
                    // every case walks Ricci's compiled plan (not the printed forms)
                    XCTAssert(text.contains("evaluate's steps are those of Ricci's compiled plan"),
                              "\(c.label) [\(target.rawValue)]: not exported from the compiled plan")
                }
                let ref = try ExportHarness.reference(c)
                var inputs: [String: String] = [:]
                for (name, t) in ref.inputs {
                    let path = dir.appendingPathComponent("\(id)_in_\(inputs.count).npy").path
                    try NPY.write(t, to: path)
                    inputs[name] = path
                }
                var outputs: [String: String] = [:]
                for (key, t) in ref.outputs {
                    let path = dir.appendingPathComponent("\(id)_out_\(key).npy").path
                    try NPY.write(t, to: path)
                    outputs[key] = path
                }
                var opaque: [String: Any] = [:]
                for (name, (cm, b, result, argument)) in ref.opaque {
                    let pc = dir.appendingPathComponent("\(id)_\(opaque.count)_C.npy").path
                    let pb = dir.appendingPathComponent("\(id)_\(opaque.count)_b.npy").path
                    try NPY.write(cm, to: pc)
                    try NPY.write(b, to: pb)
                    opaque[name] = ["C": pc, "b": pb, "result": result, "argument": argument]
                }
                manifest.append(["id": id, "label": c.label, "modules": modules, "inputs": inputs, "outputs": outputs,
                                 "elementwise": ref.elementwise, "opaque": opaque, "sizes": ref.sizes])
            } catch {
                XCTFail("\(c.label): \(error)")
            }
        }
        let manifestPath = dir.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: manifestPath)
        let script = ExportHarness.root.appendingPathComponent("Tests/ExportHarness/check_python_exports.py").path
        let started = Date()
        let (status, out, err) = try ExportHarness.run(python, [script, manifestPath.path])
        var seen = 0
        for line in out.split(separator: "\n") {
            guard let data = line.data(using: .utf8),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let id = obj["case"] as? String, let target = obj["target"] as? String else { continue }
            seen += 1
            for p in (obj["problems"] as? [String]) ?? [] {
                XCTFail("\(labels[id] ?? id) [\(target)]: \(p)")
            }
        }
        XCTAssertEqual(status, 0, "the Python checker failed: \(err.suffix(3000))")
        XCTAssertEqual(seen, 2 * manifest.count, "results for \(seen) of \(2 * manifest.count) module runs; stderr: \(err.suffix(3000))")
        print("[export python] \(manifest.count) programs checked in NumPy and JAX (Python \(Int(Date().timeIntervalSince(started))) s)")
    }
}
