import Foundation
import XCTest
import Ricci
import RicciNumerics

/// `ricci check --claim`: a person's answer against the true derivative — shape first, then values
/// at several random points, with a diagnosis of the common mistakes (issue 4, item 3). Through the
/// library (`ClaimCheck`) and through the built executable.
final class ClaimCheckTests: XCTestCase {
    // MARK: - programs

    static let leastSquares = "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2"
    static let quadratic = "x: vector(n); A: matrix(n, n)\nx'*A*x"
    static let bilinearSquare = "W: matrix(n, n); x: vector(n); y: vector(n)\nx'*W*y"
    static let p1 = ProblemsTests.p1
    static let p2 = ProblemsTests.p2
    /// P3 as written: B'XC must be positive for the log, so B, X and C are declared positive.
    static let p3 = "A: matrix(p, q), positive; B: matrix(r, p), positive; X: matrix(r, s), positive; "
        + "C: matrix(s, q), positive\nsum(A .* log(A ./ (B'*X*C)))"
    static let p3AsWritten = ProblemsTests.p3
    static let p4 = ProblemsTests.p4
    static let p4WithE = ProblemsTests.p4WithE
    static let p5 = ProblemsTests.p5

    func claim(_ source: String, _ wrt: String, _ claim: String, kind: DerivativeKind? = nil,
               layout: Layout = .denominator, seed: UInt64 = 1) throws -> ClaimCheck {
        var s = EvaluationSettings()
        s.seed = seed
        return try ClaimCheck.run(source: source, wrt: wrt, claim: claim, kind: kind, layout: layout, settings: s)
    }

    func assertCorrect(_ source: String, _ wrt: String, _ claims: [String], kind: DerivativeKind? = nil,
                       layout: Layout = .denominator, file: StaticString = #filePath, line: UInt = #line) throws {
        for c in claims {
            let r = try claim(source, wrt, c, kind: kind, layout: layout)
            XCTAssertEqual(r.verdict, .correct, "\(c): \(r.message) \(r.renderedError ?? "")", file: file, line: line)
            XCTAssertTrue(r.passed, file: file, line: line)
            XCTAssertNil(r.diagnosis, file: file, line: line)
            XCTAssertEqual(r.seeds.count, 3, "several random points", file: file, line: line)
            XCTAssertLessThanOrEqual(r.relativeError ?? 1, 1e-6, file: file, line: line)
            XCTAssertTrue(r.message.hasPrefix("Correct"), r.message, file: file, line: line)
        }
    }

    func assertWrong(_ source: String, _ wrt: String, _ c: String, _ verdict: ClaimCheck.Verdict,
                     _ diagnosis: ClaimCheck.Diagnosis?, mentions: [String] = [], kind: DerivativeKind? = nil,
                     layout: Layout = .denominator, file: StaticString = #filePath, line: UInt = #line) throws -> ClaimCheck {
        let r = try claim(source, wrt, c, kind: kind, layout: layout)
        XCTAssertEqual(r.verdict, verdict, "\(c): \(r.message)", file: file, line: line)
        XCTAssertFalse(r.passed, file: file, line: line)
        XCTAssertEqual(r.diagnosis, diagnosis, "\(c): \(r.message)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.message.contains(m), "'\(m)' not in the message of \(c):\n\(r.message)", file: file, line: line)
        }
        return r
    }

    // MARK: - right answers written differently

    func testRightAnswersWrittenDifferently() throws {
        try assertCorrect(Self.quadratic, "x", ["A*x + A'*x", "(A + A')*x", "A'*x + A*x", "g[k] = A[k, i]*x[i] + x[i]*A[i, k]"])
        try assertCorrect(Self.leastSquares, "W", [
            "2*X'*(X*W - Y)", "X'*(2*(X*W - Y))", "2*X'*X*W - 2*X'*Y", "(2*(X*W - Y)'*X)'",
            "E = X*W - Y; 2*X'*E", "R = X*W - Y\nS = 2*R\nX'*S",
            "C[k, l] = 2*X[i, k]*(X[i, a]*W[a, l] - Y[i, l])",
        ])
    }

    func testP1RightAnswers() throws {
        try assertCorrect(Self.p1, "W", [
            "2*(F(W) - beta*D'*Z) : F'(W)",
            "A = F(W) - beta*D'*Z; 2*A : F'(W)",
            "(2*F(W) - 2*beta*D'*Z) : F'(W)",
            "G[k, l] = 2*(F(W)[i, j] - (beta*D'*Z)[i, j])*F'(W)[i, j, k, l]",
        ])
    }

    func testP2DenominatorAndNumeratorLayouts() throws {
        try assertCorrect(Self.p2, "W", ["X'*y'", "(y*X)'", "G[k, l] = X[i, k]*y[l]"])
        try assertCorrect(Self.p2, "W", ["y*X"], layout: .numerator)
    }

    func testP3RightAnswer() throws {
        try assertCorrect(Self.p3, "X", ["-B*(A ./ (B'*X*C))*C'", "-(B*(A ./ (B'*X*C)))*C'", "M = B'*X*C; -B*(A ./ M)*C'"])
    }

    func testP4WithEAndWrittenOut() throws {
        try assertCorrect(Self.p4WithE, "W", ["2*X'*((E*alpha') .* h'(X*W))", "2*X'*(E*alpha' .* h'(X*W))"])
        try assertCorrect(Self.p4, "W", [
            "2*X'*(((h(X*W)*alpha - y)*alpha') .* h'(X*W))",
            "E = h(X*W)*alpha - y; 2*X'*((E*alpha') .* h'(X*W))",
        ])
    }

    func testP5BothGradients() throws {
        try assertCorrect(Self.p5, "V", [
            "2*B'*(A' .* (B*V*relu(W*z)))*relu(W*z)'",
            "x = W*z; r = relu(x); y = B*V*r; a = A'; 2*B'*(a .* y)*r'",
        ])
        try assertCorrect(Self.p5, "W", [
            "2*(step(W*z) .* (V'*B'*(A' .* (B*V*relu(W*z)))))*z'",
            "H = Diag(step(W*z)); 2*H*V'*B'*(A' .* (B*V*relu(W*z)))*z'",
        ])
    }

    func testHessianAndJacobianClaims() throws {
        try assertCorrect(Self.quadratic, "x", ["A + A'"], kind: .hessian)
        // the range of j and l is fixed only by the delta: read as W's column dimension
        try assertCorrect("X: matrix(n, d); W: matrix(d, k); normF(X*W)^2", "W",
                          ["H[i, j, k, l] = 2*(X'*X)[i, k]*delta[j, l]"], kind: .hessian)
        try assertCorrect("A: matrix(m, n); x: vector(n); A*x", "x", ["A"])
        _ = try assertWrong(Self.quadratic, "x", "A", .wrongValues, nil, kind: .hessian)
        let h = try assertWrong("X: matrix(n, d); W: matrix(d, k); normF(X*W)^2", "W",
                                "H[i, j, k, l] = (X'*X)[i, k]*delta[j, l]", .wrongValues, .missingFactor2, kind: .hessian)
        XCTAssertTrue(h.message.contains("Hessian"), h.message)
        _ = try assertWrong("A: matrix(m, n); x: vector(n); A*x", "x", "A'", .wrongShape, .transpose,
                            mentions: ["transpose", "objective's indices come first"])
        _ = try assertWrong("A: matrix(n, n); x: vector(n); A*x", "x", "A'", .wrongValues, .transpose)
    }

    // MARK: - wrong answers and their diagnosis

    func testTransposedAnswerNonSquare() throws {
        let r = try assertWrong(Self.leastSquares, "W", "2*(X*W - Y)'*X", .wrongShape, .transpose, mentions: [
            "Your answer is the transpose of the expected shape; check your layout (denominator layout gives W's shape; "
                + "numerator layout gives Wᵀ)",
            "a k×d matrix", "a d×k matrix", "Its values are those of the correct result, transposed",
        ])
        XCTAssertEqual(r.expectedShape, [.named("d"), .named("k")])
        XCTAssertEqual(r.claimShape, [.named("k"), .named("d")])
        XCTAssertNil(r.error)
    }

    func testTransposedAnswerSquare() throws {
        try assertCorrect(Self.bilinearSquare, "W", ["x*y'"])
        let r = try assertWrong(Self.bilinearSquare, "W", "y*x'", .wrongValues, .transpose,
                                mentions: ["transpose of the correct result", "square", "layout"])
        XCTAssertEqual(r.claimShape, r.expectedShape, "a square transposed answer passes the shape stage")
        XCTAssertGreaterThan(r.relativeError ?? 0, 1e-3)
        _ = try assertWrong(Self.bilinearSquare, "W", "-y*x'", .wrongValues, .negativeTranspose)
    }

    func testWrongSign() throws {
        _ = try assertWrong(Self.leastSquares, "W", "-2*X'*(X*W - Y)", .wrongValues, .negative, mentions: ["negative"])
        _ = try assertWrong(Self.leastSquares, "W", "2*X'*(Y - X*W)", .wrongValues, .negative)
        _ = try assertWrong(Self.p1, "W", "2*(beta*D'*Z - F(W)) : F'(W)", .wrongValues, .negative)
        _ = try assertWrong(Self.p3, "X", "B*(A ./ (B'*X*C))*C'", .wrongValues, .negative)
    }

    func testMissingFactor2() throws {
        let r = try assertWrong(Self.leastSquares, "W", "X'*(X*W - Y)", .wrongValues, .missingFactor2,
                                mentions: ["factor 2 is missing"])
        XCTAssertEqual(r.relativeError ?? 0, 0.5, accuracy: 1e-6)
        _ = try assertWrong(Self.p4, "W", "X'*(((h(X*W)*alpha - y)*alpha') .* h'(X*W))", .wrongValues, .missingFactor2)
        _ = try assertWrong(Self.leastSquares, "W", "4*X'*(X*W - Y)", .wrongValues, .extraFactor2)
        // x'*A*x: 2*A*x is right only for a symmetric A — no simple relation
        let q = try assertWrong(Self.quadratic, "x", "2*A*x", .wrongValues, nil)
        XCTAssertTrue(q.message.contains("not simply"), q.message)
    }

    func testP1ShapeError() throws {
        // the person's attempt: ∂F/∂W multiplied by Fᵀ as if both were matrices
        let r = try assertWrong(Self.p1, "W", "2*F'(W)*F(W)'", .wrongShape, nil, mentions: [
            "F'(W) = ∂F/∂W is an order-4 tensor Γ (n×l×d×n)", "a product of it with a matrix is not a matrix",
            "The gradient of a scalar by W has W's shape (d×n)",
        ])
        let e = try XCTUnwrap(r.error)
        XCTAssertEqual(e.location, SourceLocation(line: 1, column: 8), "the caret is under the claim's own '*'")
        let rendered = try XCTUnwrap(r.renderedError)
        XCTAssertTrue(rendered.contains("\n  2*F'(W)*F(W)'\n         ^"), rendered)
        XCTAssertNil(r.claimShape)
        // a product that type-checks but is not the gradient's shape
        let s = try assertWrong(Self.p1, "W", "2*(F(W) - beta*D'*Z)*F(W)'", .wrongShape, nil,
                                mentions: ["an n×n matrix", "a d×n matrix", "W's shape (d×n)"])
        XCTAssertEqual(s.claimShape, [.named("n"), .named("n")])
        // the Jacobian alone has order 4
        _ = try assertWrong(Self.p1, "W", "F'(W)", .wrongShape, nil, mentions: ["order-4 tensor n×l×d×n", "contract it with ':'"])
    }

    func testP2NumeratorLayoutAnswerIsWrongShape() throws {
        let r = try assertWrong(Self.p2, "W", "y*X", .wrongShape, .transpose, mentions: [
            "Your answer is the transpose of the expected shape; check your layout (denominator layout gives W's shape; "
                + "numerator layout gives Wᵀ)", "only the layout is wrong",
        ])
        XCTAssertEqual(r.expectedShape, [.named("m"), .fixed(10)])
        XCTAssertEqual(r.claimShape, [.fixed(10), .named("m")])
        // in the numerator layout it is the denominator answer that is transposed
        _ = try assertWrong(Self.p2, "W", "X'*y'", .wrongShape, .transpose, mentions: ["numerator layout"], layout: .numerator)
    }

    func testP3KroneckerAnswerIsWrongShape() throws {
        // the person's formula with a Kronecker factor: vec of the gradient, not the gradient
        _ = try assertWrong(Self.p3, "X", "-kron(C, B)*vec(A ./ (B'*X*C))", .wrongShape, .vec,
                            mentions: ["a vector of length", "an r×s matrix", "vec of the correct result"])
        // without positive inputs, log gets entries ≤ 0 at every random point: no verdict, and why
        let r = try claim(Self.p3AsWritten, "X", "-B*(A ./ (B'*X*C))*C'")
        XCTAssertEqual(r.verdict, .inconclusive, r.message)
        XCTAssertTrue(r.message.contains("positive") && r.message.contains("log of an entry ≤ 0"), r.message)
    }

    func testRowVectorGradient() throws {
        _ = try assertWrong(Self.quadratic, "x", "x'*(A + A')", .wrongShape, .transpose, mentions: ["a 1×n row", "layout"])
        try assertCorrect(Self.quadratic, "x", ["x'*(A + A')"], layout: .numerator)
    }

    func testClaimThatDoesNotParse() throws {
        let r = try assertWrong(Self.leastSquares, "W", "2*X'*(X*W - Y", .doesNotParse, nil)
        XCTAssertEqual(r.error?.kind, .syntax)
        XCTAssertEqual(r.error?.location.line, 1)
        let rendered = try XCTUnwrap(r.renderedError)
        XCTAssertTrue(rendered.contains("\n  2*X'*(X*W - Y\n               ^"), rendered)
        // an error on the claim's second line, after an inserted name: locations are the claim's own
        let m = try assertWrong(Self.leastSquares, "W", "E = X*W - Y\n2*X'*E +", .doesNotParse, nil)
        XCTAssertEqual(m.error?.location.line, 2)
        XCTAssertEqual(m.error?.location.column, 9)
        let t = try assertWrong(Self.leastSquares, "W", "E = X*W - Y\n2*X*E", .wrongShape, nil)
        XCTAssertEqual(t.error?.location, SourceLocation(line: 2, column: 4))
        _ = try assertWrong(Self.leastSquares, "W", "   ", .doesNotParse, nil, mentions: ["empty"])
    }

    func testClaimNamesAndDimensions() throws {
        let unknown = try assertWrong(Self.leastSquares, "W", "2*X'*(X*W - Q)", .doesNotParse, nil,
                                      mentions: ["'Q' is not a name of the program"])
        XCTAssertEqual(unknown.error?.location, SourceLocation(line: 1, column: 13))
        _ = try assertWrong(Self.leastSquares, "W", "W = 2*X'*(X*W - Y)", .doesNotParse, nil, mentions: ["already a name"])
        _ = try assertWrong(Self.leastSquares, "W", "X: matrix(n, d); X", .doesNotParse, nil, mentions: ["declares"])
        // undeclared names: a claim may not tie the program's free dimensions together
        _ = try assertWrong("normF(X*W - Y)^2", "W", "W + W'", .wrongShape, nil, mentions: ["only type-checks if"])
        _ = try assertWrong("normF(X*W - Y)^2", "W", "2*X'*(X*W - Y)*ones(3, 3)", .wrongShape, nil, mentions: ["is 3"])
        try assertCorrect("normF(X*W - Y)^2", "W", ["2*X'*(X*W - Y)"])
        // a claim named C in a program that has a C
        try assertCorrect(Self.p3, "X", ["-B*(A ./ (B'*X*C))*C'"])
    }

    func testSeveralPointsWithDistinctSizes() throws {
        let r = try claim(Self.leastSquares, "W", "2*X'*(X*W - Y)", seed: 5)
        XCTAssertEqual(r.seeds, [5, 6, 7])
        XCTAssertEqual(r.errors.count, 3)
        XCTAssertEqual(r.engine.base.sizes, ["n": 3, "d": 4, "k": 5])
        XCTAssertTrue(r.engine.passed)
        // the derivation stands beside the verdict, ending with the gradient read off
        XCTAssertTrue(r.derivation?.contains("∂φ/∂W = 2·Xᵀ·(X·W - Y)") == true, r.derivation ?? "no derivation")
    }

    // MARK: - the command line

    static var binary: URL {
        // the executable built next to this test runner (any scratch path), else `.build/debug/ricci`
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ricci")
        if FileManager.default.isExecutableFile(atPath: runner.path) { return runner }
        return CommandLineTests.packageRoot.appendingPathComponent(".build/debug/ricci")
    }

    func ricci(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("the ricci executable is not built at \(Self.binary.path)")
        }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let outURL = temp.appendingPathComponent("out"), errURL = temp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            XCTFail("not a JSON object:\n\(text)", file: file, line: line)
            return [:]
        }
        return obj
    }

    func testCLIRightClaim() throws {
        let r = try ricci(["check", Self.leastSquares, "--wrt", "W", "--claim", "X'*(2*(X*W - Y))"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("verdict: correct"), r.stdout)
        XCTAssertTrue(r.stdout.contains("the correct result:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("G = 2*X'*(X*W - Y)"), "the engine's matrix form beside the verdict:\n\(r.stdout)")
        XCTAssertTrue(r.stdout.contains("# G[i, l] = "), "and its Einstein form:\n\(r.stdout)")
    }

    func testCLIWrongClaimJSON() throws {
        let r = try ricci(["check", Self.leastSquares, "--wrt", "W", "--claim", "X'*(X*W - Y)", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let o = json(r.stdout)
        XCTAssertEqual(o["verdict"] as? String, "wrong values")
        XCTAssertEqual(o["diagnosis"] as? String, "missing factor 2")
        XCTAssertEqual(o["expected_shape"] as? [String], ["d", "k"])
        XCTAssertEqual(o["claim_shape"] as? [String], ["d", "k"])
        XCTAssertEqual(o["relative_error"] as? Double ?? 0, 0.5, accuracy: 1e-6)
        XCTAssertEqual(o["matrix"] as? String, "2*X'*(X*W - Y)")
        XCTAssertTrue((o["einstein"] as? String ?? "").hasPrefix("G[i, l] = "))
        XCTAssertTrue((o["message"] as? String ?? "").contains("factor 2 is missing"))
        for key in ["verdict", "expected_shape", "claim_shape", "relative_error", "diagnosis", "matrix", "einstein", "message"] {
            XCTAssertNotNil(o[key], key)
        }
    }

    func testCLIClaimStartingWithMinus() throws {
        let r = try ricci(["check", Self.leastSquares, "--wrt", "W", "--claim", "-2*X'*(X*W - Y)"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("verdict: wrong values"), r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("diagnosis: wrong sign"), r.stdout)
    }

    func testCLITransposedAndShapeErrors() throws {
        let t = try ricci(["check", Self.p2, "--wrt", "W", "--claim", "y*X"])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.stdout.contains("verdict: wrong shape"), t.stdout)
        XCTAssertTrue(t.stdout.contains("expected shape: m×10; your answer: 10×m"), t.stdout)
        XCTAssertTrue(t.stdout.contains("check your layout"), t.stdout)
        let p = try ricci(["check", Self.p1, "--wrt", "W", "--claim", "2*F'(W)*F(W)'"])
        XCTAssertEqual(p.status, 1)
        XCTAssertTrue(p.stdout.contains("verdict: wrong shape"), p.stdout)
        XCTAssertTrue(p.stdout.contains("\n  2*F'(W)*F(W)'\n         ^\n"), "caret under the claim:\n\(p.stdout)")
        XCTAssertTrue(p.stdout.contains("order-4 tensor Γ (n×l×d×n)"), p.stdout)
        XCTAssertTrue(p.stdout.contains("G = 2*(F(W) - beta*D'*Z) : F'(W)"), p.stdout)
        let j = try ricci(["check", Self.p1, "--wrt", "W", "--claim", "2*F'(W)*F(W)'", "--format", "json"])
        let o = json(j.stdout)
        XCTAssertEqual(o["verdict"] as? String, "wrong shape")
        XCTAssertTrue(o["claim_shape"] is NSNull)
        let e = o["error"] as? [String: Any]
        XCTAssertEqual(e?["line"] as? Int, 1)
        XCTAssertEqual(e?["column"] as? Int, 8)
    }

    func testCLIClaimThatDoesNotParse() throws {
        let r = try ricci(["check", Self.leastSquares, "--wrt", "W", "--claim", "2*X'*(X*W - Y"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("verdict: does not parse"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n  2*X'*(X*W - Y\n               ^\n"), "caret under the claim:\n\(r.stdout)")
        let j = json(try ricci(["check", Self.leastSquares, "--wrt", "W", "--claim", "2*X'*(X*W - Y", "--format", "json"]).stdout)
        XCTAssertEqual(j["verdict"] as? String, "does not parse")
        XCTAssertTrue(j["relative_error"] is NSNull)
        // a program error is still an error of the program
        let bad = try ricci(["check", "normF(X*W - Y", "--wrt", "W", "--claim", "X"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("error"), bad.stderr)
    }
}
