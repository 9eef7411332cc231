import Foundation
import XCTest
import Ricci
import RicciNumerics

/// End-to-end tests of the built `ricci` executable (`.build/debug/ricci`, built by `swift test`).
final class CommandLineTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        // `.build/debug/ricci` in the package; else the one next to the test runner (another build path)
        let standard = packageRoot.appendingPathComponent(".build/debug/ricci")
        if FileManager.default.isExecutableFile(atPath: standard.path) { return standard }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ricci")
        return FileManager.default.isExecutableFile(atPath: runner.path) ? runner : standard
    }

    var temp: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            XCTFail("the ricci executable is not built at \(Self.binary.path); run `swift build` first")
            throw XCTSkip("no executable")
        }
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let t = temp { try? FileManager.default.removeItem(at: t) }
    }

    func ricci(_ args: [String], stdin: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        // output goes to files, so that no pipe can fill up and block the child
        let outURL = temp.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = temp.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
        try? inp.fileHandleForWriting.close()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            XCTFail("not a JSON object:\n\(text)", file: file, line: line)
            return [:]
        }
        return obj
    }

    // MARK: - lower

    func testLowerGoldenText() throws {
        let goldens: [(String, String)] = [
            ("X: matrix(n, d); W: matrix(d, k); X*W",
             "X: matrix(n, d)\nW: matrix(d, k)\nresult[i, j] = X[i, l]*W[l, j]\n"),
            ("x: vector(n); A: matrix(n, n)\nx'*A*x",
             "x: vector(n)\nA: matrix(n, n)\nresult = x[k]*A[k, i]*x[i]\n"),
            ("A: matrix(3, 4); B: matrix(4, 5)\nY[i, k] = A[i, j]*B[j, k]",
             "A: matrix(3, 4)\nB: matrix(4, 5)\nY[i, k] = A[i, j]*B[j, k]\n"),
        ]
        for (src, expected) in goldens {
            let r = try ricci(["lower", src])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, expected)
            XCTAssertEqual(r.stderr, "")
        }
    }

    func testProgramFromFileAndStandardInput() throws {
        let src = "X: matrix(n, d); W: matrix(d, k)\nX*W"
        let path = temp.appendingPathComponent("p.ricci").path
        try src.write(toFile: path, atomically: true, encoding: .utf8)
        let a = try ricci(["lower", src]), b = try ricci(["lower", "-f", path]), c = try ricci(["lower", "-"], stdin: src)
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertEqual(a.stdout, c.stdout)
        // a program starting with '-' after '--'
        let d = try ricci(["lower", "--", "-x"])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stdout.contains("result[i] = -x[i]"), d.stdout)
    }

    func testLowerUnicodeParsesBack() throws {
        let src = "X: matrix(n, d); W: matrix(d, k); h: elementwise\nnormF(h(X*W))^2"
        let r = try ricci(["lower", src, "--format", "unicode"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("·"), r.stdout)
        let back = try ricci(["lower", r.stdout])
        XCTAssertEqual(back.status, 0, back.stderr)
    }

    func testLowerJSONFields() throws {
        let src = "X: matrix(n, d); W: matrix(d, k); h: elementwise\nE = h(X*W)\nE'*E"
        let r = try ricci(["lower", src, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        for key in ["input", "kind", "order", "shape", "einstein", "where", "latex", "unicode", "types"] {
            XCTAssertNotNil(j[key], "missing \(key)")
        }
        XCTAssertEqual(j["input"] as? String, src)
        XCTAssertEqual(j["kind"] as? String, "value")
        XCTAssertEqual(j["order"] as? Int, 2)
        XCTAssertEqual(j["shape"] as? [String], ["k", "k"])
        XCTAssertTrue((j["einstein"] as? String)?.contains("E[") ?? false, "\(j["einstein"] ?? "nil")")
        let wh = j["where"] as? [[String]]
        XCTAssertEqual(wh?.first?.first, "E[i, j]")
        XCTAssertEqual(wh?.first?.last, "h(X[i, l]*W[l, j])")
        XCTAssertTrue((j["latex"] as? String)?.contains("\\sum") ?? false)
        XCTAssertTrue((j["unicode"] as? String)?.contains("·") ?? false)
        let types = j["types"] as? [String: String]
        XCTAssertEqual(types?["X"], "matrix(n, d)")
        XCTAssertEqual(types?["h"], "elementwise")
        XCTAssertEqual(types?["E"], "matrix(n, k)")
        // a shape with integers has numbers
        let s = json(try ricci(["lower", "X: matrix(3, d); X", "--format", "json"]).stdout)
        XCTAssertEqual((s["shape"] as? [Any])?.first as? Int, 3)
        XCTAssertEqual((s["shape"] as? [Any])?.last as? String, "d")
    }

    // MARK: - eval

    func testEvalRandomJSON() throws {
        let r = try ricci(["eval", "normF(X*W)^2", "--random", "1", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        XCTAssertEqual(j["shape"] as? [Int], [])
        let value = try XCTUnwrap(j["value"] as? Double)
        let inputs = try XCTUnwrap(j["inputs"] as? [String: Any])
        let x = try XCTUnwrap(inputs["X"] as? [[Double]]), w = try XCTUnwrap(inputs["W"] as? [[Double]])
        XCTAssertEqual(x.first?.count, w.count)
        // the value recomputed from the printed inputs with plain loops
        var expected = 0.0
        for row in matmul(x, w) { for v in row { expected += v * v } }
        XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)))
        // the same seed gives the same inputs
        XCTAssertEqual(try ricci(["eval", "normF(X*W)^2", "--random", "1", "--format", "json"]).stdout, r.stdout)
    }

    func testEvalDimsAndShape() throws {
        let r = try ricci(["eval", "X: matrix(n, d); W: matrix(d, k)\nX*W", "--dims", "n=2,d=3,k=4", "--random", "5",
                           "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        XCTAssertEqual(j["shape"] as? [Int], [2, 4])
        let v = try XCTUnwrap(j["value"] as? [[Double]])
        let inputs = try XCTUnwrap(j["inputs"] as? [String: Any])
        let x = try XCTUnwrap(inputs["X"] as? [[Double]]), w = try XCTUnwrap(inputs["W"] as? [[Double]])
        XCTAssertEqual(x.count, 2)
        XCTAssertEqual(w.count, 3)
        let ref = matmul(x, w)
        for i in 0..<2 { for k in 0..<4 { XCTAssertEqual(v[i][k], ref[i][k], accuracy: 1e-12) } }
        // text output
        let t = try ricci(["eval", "X: matrix(n, d); W: matrix(d, k)\nX*W", "--dims", "n=2,d=3,k=4", "--random", "5"])
        XCTAssertEqual(t.status, 0)
        XCTAssertTrue(t.stdout.contains("shape: 2×4"), t.stdout)
    }

    func testEvalWithNPYValues() throws {
        var rng = TestRandom(3)
        let a = rng.matrix(3, 4), b = rng.matrix(4, 2)
        let pa = temp.appendingPathComponent("a.npy").path, pb = temp.appendingPathComponent("b.npy").path
        try NPY.write(tensor(a), to: pa)
        try NPY.write(tensor(b), to: pb)
        let r = try ricci(["eval", "A*B", "--set", "A=\(pa)", "--set", "B=\(pb)", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let v = try XCTUnwrap(json(r.stdout)["value"] as? [[Double]])
        let ref = matmul(a, b)
        for i in 0..<3 { for k in 0..<2 { XCTAssertEqual(v[i][k], ref[i][k], accuracy: 1e-12) } }
        // h=tanh and a number
        let s = try ricci(["eval", "h: elementwise\nh(alpha)", "--set", "h=tanh", "--set", "alpha=0.5", "--format", "json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(try XCTUnwrap(json(s.stdout)["value"] as? Double), tanh(0.5), accuracy: 1e-15)
    }

    // MARK: - errors

    let mismatch = "X: matrix(1, m)\nW: matrix(10, m)\nX*W"

    func testErrorAsJSON() throws {
        for command in ["lower", "eval"] {
            let r = try ricci([command, mismatch, "--format", "json"] + (command == "eval" ? ["--random", "1"] : []))
            XCTAssertNotEqual(r.status, 0)
            let e = try XCTUnwrap(json(r.stdout)["error"] as? [String: Any], r.stdout)
            XCTAssertEqual(e["kind"] as? String, "shape")
            XCTAssertTrue((e["message"] as? String)?.contains("1×m") ?? false)
            XCTAssertEqual(e["line"] as? Int, 3)
            XCTAssertEqual(e["column"] as? Int, 2)
        }
    }

    func testErrorAsTextWithCaret() throws {
        let r = try ricci(["lower", mismatch])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertGreaterThanOrEqual(lines.count, 3, r.stderr)
        XCTAssertTrue(lines[0].contains("line 3, column 2"), lines[0])
        XCTAssertTrue(lines[0].contains("10×m"), lines[0])
        XCTAssertEqual(lines[1], "  X*W")
        XCTAssertEqual(lines[2], "   ^")
        // a syntax error
        let s = try ricci(["eval", "(x + (y * z)", "--random", "1"])
        XCTAssertNotEqual(s.status, 0)
        XCTAssertTrue(s.stderr.contains("column 13"), s.stderr)
        XCTAssertTrue(s.stderr.contains("  (x + (y * z)\n" + String(repeating: " ", count: 14) + "^"), s.stderr)
    }

    func testHugeShapeRefusedBeforeAllocating() throws {
        let start = Date()
        let r = try ricci(["eval", "X: matrix(10^9, 10^9)\nsum(X)", "--random", "1"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("refus"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1000000000"), r.stderr)
        let j = try ricci(["eval", "X: matrix(10^9, 10^9)\nsum(X)", "--format", "json"])
        XCTAssertNotEqual(j.status, 0)
        XCTAssertNotNil(json(j.stdout)["error"])
        // also through --dims
        let d = try ricci(["eval", "X: matrix(n, n)\nsum(X)", "--dims", "n=10^9", "--random", "1"])
        XCTAssertNotEqual(d.status, 0)
        XCTAssertTrue(d.stderr.contains("refus"), d.stderr)
    }

    func testBadNPYFile() throws {
        let path = temp.appendingPathComponent("bad.npy").path
        try Data("this is not a numpy file".utf8).write(to: URL(fileURLWithPath: path))
        let r = try ricci(["eval", "X: matrix(3, 3)\nsum(X)", "--set", "X=\(path)"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains(path), r.stderr)
        XCTAssertTrue(r.stderr.lowercased().contains("npy"), r.stderr)
        // a missing file
        let m = try ricci(["eval", "X: matrix(3, 3)\nsum(X)", "--set", "X=\(temp.appendingPathComponent("missing.npy").path)"])
        XCTAssertNotEqual(m.status, 0)
        XCTAssertTrue(m.stderr.contains("missing.npy"), m.stderr)
        // the wrong shape
        let w = temp.appendingPathComponent("w.npy").path
        var rng = TestRandom(1)
        try NPY.write(tensor(rng.matrix(2, 2)), to: w)
        let s = try ricci(["eval", "X: matrix(3, 3)\nsum(X)", "--set", "X=\(w)"])
        XCTAssertNotEqual(s.status, 0)
        XCTAssertTrue(s.stderr.contains("3×3") || s.stderr.contains("(2, 2)"), s.stderr)
    }

    func testUnknownSetNameSuggests() throws {
        let r = try ricci(["eval", "weights: vector(3)\nsum(weights)", "--set", "weigths=1", "--random", "1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("weigths"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean 'weights'"), r.stderr)
        let d = try ricci(["eval", "X: matrix(n, d)\nsum(X)", "--dims", "m=3", "--random", "1"])
        XCTAssertNotEqual(d.status, 0)
        XCTAssertTrue(d.stderr.contains("'m'"), d.stderr)
    }

    func testSingularInverse() throws {
        let path = temp.appendingPathComponent("singular.npy").path
        try NPY.write(tensor([[1, 2, 3], [2, 4, 6], [1, 1, 1]]), to: path)
        for program in ["A: matrix(3, 3)\ninv(A)", "A: matrix(3, 3)\nA^(-1)", "A: matrix(3, 3)\ninv(A)[i, j]"] {
            let r = try ricci(["eval", program, "--set", "A=\(path)"])
            XCTAssertNotEqual(r.status, 0, program)
            XCTAssertTrue(r.stderr.contains("inv"), r.stderr)
            XCTAssertTrue(r.stderr.contains("singular"), r.stderr)
            XCTAssertTrue(r.stderr.contains("line 2"), r.stderr)
        }
        let j = try ricci(["eval", "A: matrix(3, 3)\ninv(A)", "--set", "A=\(path)", "--format", "json"])
        let e = try XCTUnwrap(json(j.stdout)["error"] as? [String: Any])
        XCTAssertTrue((e["message"] as? String)?.contains("inv") ?? false)
        XCTAssertEqual(e["line"] as? Int, 2)
        XCTAssertEqual(e["column"] as? Int, 1)
    }

    func testMissingValueWithoutRandom() throws {
        let r = try ricci(["eval", "X: matrix(3, 3)\nsum(X)"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--set X=") || r.stderr.contains("--random"), r.stderr)
    }

    // MARK: - contract

    func testContract() throws {
        var rng = TestRandom(8)
        let a = rng.matrix(3, 4), b = rng.matrix(4, 5)
        let pa = temp.appendingPathComponent("a.npy").path, pb = temp.appendingPathComponent("b.npy").path
        let po = temp.appendingPathComponent("out.npy").path
        try NPY.write(tensor(a), to: pa)
        try NPY.write(tensor(b), to: pb)
        let r = try ricci(["contract", "ij,jk->ik", pa, pb, "-o", po])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertClose(try NPY.read(contentsOf: po), matmul(a, b))
        let bad = try ricci(["contract", "ij,jk->ik", pa, pa])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertFalse(bad.stderr.isEmpty)
    }
}
