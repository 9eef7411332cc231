import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci export` on the command line: every target writes its file, the function name follows
/// `--name` or the output file, and bad requests are clear errors with exit status 1.
final class ExportCommandTests: XCTestCase {
    static let p4 = "X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise; normF(h(X*W)*alpha - y)^2"

    func ricci(_ args: [String]) throws -> (Int32, String, String) {
        try ExportHarness.run(CommandLineTests.binary.path, args)
    }

    func testEveryTargetWritesItsFile() throws {
        let dir = try ExportHarness.scratch("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (target, file, marker) in [("numpy", "p4.py", "def evaluate(*args, **inputs):"), ("jax", "p4j.py", "import jax.numpy as jnp"),
                                        ("swift", "p4.swift", "func p4("), ("c", "p4.c", "int p4(")] {
            let path = dir.appendingPathComponent(file).path
            let (status, out, err) = try ricci(["export", Self.p4, "--wrt", "W", "--to", target, "-o", path])
            XCTAssertEqual(status, 0, err)
            XCTAssertEqual(out, "", "with -o nothing goes to standard output")
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            XCTAssertTrue(text.contains(marker), "\(target): no `\(marker)` in\n\(text.prefix(600))")
            XCTAssertTrue(text.contains("2*X'*((E*alpha') .* h'(X*W))") || text.contains("h'(X*W)"),
                          "\(target): the derivation's result is not in the file")
        }
    }

    func testHessianAndSeveralVariables() throws {
        let (status, out, err) = try ricci(["export", "A: matrix(n, n); x: vector(n); y: vector(n); x'*A*y", "--wrt", "x", "--wrt", "A",
                                            "--hessian", "--to", "numpy"])
        XCTAssertEqual(status, 0, err)
        for key in ["\"grad_x\"", "\"grad_A\"", "\"hessian_x\"", "\"hessian_A\""] { XCTAssertTrue(out.contains(key), "no \(key)") }
    }

    func testFunctionNameFromNameOption() throws {
        let (status, out, err) = try ricci(["export", Self.p4, "--wrt", "W", "--to", "c", "--name", "p4_loss"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("int p4_loss("))
    }

    func testBadRequestsAreErrors() throws {
        let cases: [([String], String)] = [
            (["export", Self.p4, "--to", "numpy"], "--wrt"),
            (["export", Self.p4, "--wrt", "Z", "--to", "numpy"], "Z"),
            (["export", Self.p4, "--wrt", "W", "--to", "fortran"], "fortran"),
            (["export", Self.p4, "--wrt", "W", "--to", "c", "--name", "9bad name"], "9bad name"),
            (["export", "X: matrix(n, d); X*", "--wrt", "X", "--to", "jax"], "error"),
        ]
        for (args, mention) in cases {
            let (status, _, err) = try ricci(args)
            XCTAssertNotEqual(status, 0, "\(args) should fail")
            XCTAssertTrue(err.contains(mention), "\(args): the message does not mention \(mention): \(err)")
            XCTAssertFalse(err.contains("Fatal error"), "a crash: \(err)")
        }
    }
}
