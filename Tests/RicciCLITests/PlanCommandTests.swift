import Foundation
import XCTest

/// `ricci grad|hessian --eval` and `ricci eval --repeat/--save/--plan` (SYNTAX.md section 6).
extension CommandLineTests {
    func testGradEvalSavesValueAndEveryGradient() throws {
        let dir = temp.appendingPathComponent("out").path
        let r = try ricci(["grad", "X: matrix(n, d); W: matrix(d, k); V: matrix(k, m)\nnormF(X*W*V)^2", "--wrt", "W", "--wrt", "V",
                           "--eval", "--random", "3", "--dims", "n=5,d=4,k=3,m=2", "--repeat", "3", "--save", dir, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = json(r.stdout)
        let timing = j["timing"] as? [String: Any]
        XCTAssertEqual(timing?["runs"] as? Double, 3)
        for key in ["median_ms", "min_ms", "compile_ms"] { XCTAssertNotNil(timing?[key] as? Double, key) }
        for f in ["value.npy", "grad_W.npy", "grad_V.npy"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + f), f)
        }
        XCTAssertEqual((j["results"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["grad_W", "grad_V"])
    }

    func testHessianEvalAndPlanListing() throws {
        let r = try ricci(["hessian", "A: matrix(n, n); x: vector(n)\nx'*A*x", "--wrt", "x", "--eval", "--random", "1", "--plan"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("peak memory"), r.stdout)
        XCTAssertTrue(r.stdout.contains("hessian_x"), r.stdout)
        let e = try ricci(["eval", "x: vector(n)\nsum(x)", "--random", "1", "--plan", "--save", temp.appendingPathComponent("e").path])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: temp.appendingPathComponent("e/value.npy").path))
    }

    func testEvalOptionsNeedEval() throws {
        let r = try ricci(["grad", "x: vector(n)\nsum(x)", "--wrt", "x", "--save", temp.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--eval"), r.stderr)
    }
}
