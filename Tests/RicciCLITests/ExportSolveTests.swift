import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Solves, inverses and determinants in exported C and Swift go through a factorization (C: LAPACK's
/// dgetrf/dgetrs and dpotrf/dpotrs from OpenBLAS), never an explicit inverse; a singular matrix (or
/// an spd one that is not positive definite) is an error (C: status 3; Swift: a thrown error), not garbage.
final class ExportSolveTests: XCTestCase {
    static let solve = "A: matrix(n, n); b: vector(n); c: vector(n); c'*inv(A)*b"
    static let spd = "S: matrix(n, n), spd; b: vector(n); logdet(S) + b'*inv(S)*b"

    func testCSolvesThroughLAPACK() throws {
        let lu = try Exporter.export(ExportRequest(source: Self.solve, wrt: ["b"], target: .c, functionName: "lu_case"))
        XCTAssertTrue(lu.contains("dgetrf_(") && lu.contains("dgetrs_("), "no LAPACK LU in\n\(lu)")
        XCTAssertFalse(lu.contains("Gauss-Jordan"), "an explicit inverse is still written")
        let ch = try Exporter.export(ExportRequest(source: Self.spd, wrt: ["b"], target: .c, functionName: "spd_case"))
        XCTAssertTrue(ch.contains("dpotrf_(") && ch.contains("dpotrs_("), "no LAPACK Cholesky in\n\(ch)")
        guard let cc = ["/usr/bin/cc", "/usr/bin/gcc"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            if ExportHarness.required { XCTFail("no cc"); return }
            throw XCTSkip("no C compiler")
        }
        let dir = try ExportHarness.scratch("solve-c")
        defer { try? FileManager.default.removeItem(at: dir) }
        try lu.write(to: dir.appendingPathComponent("lu.c"), atomically: true, encoding: .utf8)
        try ch.write(to: dir.appendingPathComponent("spd.c"), atomically: true, encoding: .utf8)
        // value c'*inv(A)*b and gradient inv(A)'*c at A = [[2, 1], [1, 3]], b = (1, 2), c = (3, -1):
        // inv(A) = [[3, -1], [-1, 2]] / 5, inv(A)*b = (1, 3) / 5, value = 0; grad_b = inv(A)'*c = (10, -5) / 5
        let driver = #"""
        #include <math.h>
        #include <stdio.h>
        int lu_case(long n, const double *A, const double *b, const double *c, double *out_value, double *out_grad_b);
        int spd_case(long n, const double *S, const double *b, double *out_value, double *out_grad_b);
        int main(void) {
            double A[4] = {2, 1, 1, 3}, b[2] = {1, 2}, c[2] = {3, -1}, v = -1, g[2] = {0, 0};
            int s = lu_case(2, A, b, c, &v, g);
            printf("ok %d %.15g %.15g %.15g\n", s, v, g[0], g[1]);
            double Z[4] = {1, 2, 2, 4};
            printf("singular %d\n", lu_case(2, Z, b, c, &v, g));
            double N[4] = {1, 1, 1, 1 + 1e-17};
            printf("nearly %d\n", lu_case(2, N, b, c, &v, g));
            double S[4] = {4, 2, 2, 3};
            s = spd_case(2, S, b, &v, g);
            printf("spd %d %.15g %.15g %.15g\n", s, v, g[0], g[1]);
            double I[4] = {1, 2, 2, 1};
            printf("indefinite %d\n", spd_case(2, I, b, &v, g));
            return 0;
        }
        """#
        try driver.write(to: dir.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        let (cs, _, cerr) = try ExportHarness.run(cc, ["-O2", "-std=c99", "-o", "solve", "main.c", "lu.c", "spd.c", "-lopenblas", "-lm"], cwd: dir)
        XCTAssertEqual(cs, 0, cerr)
        guard cs == 0 else { return }
        let (_, out, _) = try ExportHarness.run(dir.appendingPathComponent("solve").path, [], cwd: dir)
        let lines = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func numbers(_ key: String) -> [Double] { (lines.first { $0.first == key } ?? []).dropFirst().compactMap(Double.init) }
        let ok = numbers("ok")
        XCTAssertEqual(ok.count, 4, out)
        if ok.count == 4 {
            XCTAssertEqual(ok[0], 0)
            XCTAssertEqual(ok[1], 0, accuracy: 1e-12)
            XCTAssertEqual(ok[2], 2, accuracy: 1e-12)
            XCTAssertEqual(ok[3], -1, accuracy: 1e-12)
        }
        XCTAssertEqual(numbers("singular"), [3], "a singular A must give status 3: \(out)")
        XCTAssertEqual(numbers("nearly"), [3], "a numerically singular A must give status 3: \(out)")
        // S = [[4, 2], [2, 3]]: det 8, inv(S) = [[3, -2], [-2, 4]] / 8, b'*inv(S)*b = (3 - 8 + 16) / 8; grad_b = 2*inv(S)*b
        let spd = numbers("spd")
        XCTAssertEqual(spd.count, 4, out)
        if spd.count == 4 {
            XCTAssertEqual(spd[0], 0)
            XCTAssertEqual(spd[1], log(8) + 11.0 / 8, accuracy: 1e-12)
            XCTAssertEqual(spd[2], 2 * (3 - 4) / 8.0, accuracy: 1e-12)
            XCTAssertEqual(spd[3], 2 * (-2 + 8) / 8.0, accuracy: 1e-12)
        }
        XCTAssertEqual(numbers("indefinite"), [3], "an spd argument that is not positive definite must give status 3: \(out)")
    }

    func testSwiftSolvesThroughAFactorization() throws {
        let text = try Exporter.export(ExportRequest(source: Self.solve, wrt: ["b"], target: .swift, functionName: "luCase"))
        XCTAssertTrue(text.contains("rc_solve(") && text.contains("func rc_factor("), "no factorization in\n\(text)")
        XCTAssertFalse(text.contains("Gauss-Jordan"), "an explicit inverse is still written")
    }
}
