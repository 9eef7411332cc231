import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Gradients, Jacobians and Hessians by a matrix declared `symmetric`/`spd` under the three
/// conventions (issue 9, item 2), each checked by value along its own perturbations at random points
/// with distinct sizes; and the expert's forms that declared symmetry gives (item 1).
final class SymmetricConventionTests: XCTestCase {
    static let programs = [
        "S: matrix(n, n), spd\nlogdet(S)",
        "S: matrix(n, n), symmetric; a: vector(n); b: vector(n)\na'*S*b",
        "S: matrix(n, n), spd; A: matrix(n, n)\ntr(A*inv(S))",
        "S: matrix(n, n), spd; x: vector(n)\nx'*inv(S)*x + logdet(S)",
        "S: matrix(n, n), spd; mu: vector(n); x: vector(n)\n0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)",
        "S: matrix(n, n), spd; B: matrix(n, d)\ndet(S)*sum(B'*S*B)",
        "S: matrix(n, n), symmetric; A: matrix(n, n)\nnormF(A*S - eye(n))^2",
    ]

    /// Distinct sizes for the dimensions the program uses.
    static func settings(_ program: String, seed: UInt64, sizes: [String: Int]) -> EvaluationSettings {
        var s = EvaluationSettings()
        s.seed = seed
        let used = Set((try? TypeChecker.check(source: program).dims.symbolicNames) ?? [])
        s.dims = sizes.filter { used.contains($0.key) }
        return s
    }

    func testEachConventionIsCheckedByValue() throws {
        for p in Self.programs {
            var forms: [SymmetricConvention: String] = [:]
            for c in SymmetricConvention.allCases {
                for (seed, n) in [(UInt64(3), 4), (UInt64(11), 5)] {
                    let check = try DerivativeCheck.run(source: p, wrt: "S", settings: Self.settings(p, seed: seed, sizes: ["n": n, "d": 3]), symmetric: c)
                    XCTAssertEqual(check.result.symmetric, c, p)
                    XCTAssertNotNil(check.result.matrix, "\(p) [\(c.rawValue)]: no matrix form")
                    XCTAssertTrue(check.passed, "\(p) [\(c.rawValue)] n=\(n): matrix \(check.matrixError ?? -1), "
                        + "einstein \(check.einsteinError): \(check.result.matrix ?? check.result.einstein)")
                    forms[c] = check.result.matrix
                }
            }
            XCTAssertNotEqual(forms[.sym], forms[.cookbook], p)
        }
    }

    /// A convention's result does not pass the other conventions' checks (the checks discriminate).
    func testConventionsDiffer() throws {
        let p = Self.programs[2]
        let s = Self.settings(p, seed: 5, sizes: ["n": 4])
        var results: [SymmetricConvention: Tensor] = [:]
        var base: Evaluation?
        for c in SymmetricConvention.allCases {
            let (reference, b) = try SymmetricReference.reference(source: p, wrt: "S", kind: .gradient, layout: .denominator,
                                                                   convention: c, settings: s)
            results[c] = reference
            base = b
        }
        let sym = try XCTUnwrap(results[.sym]), cook = try XCTUnwrap(results[.cookbook]), none = try XCTUnwrap(results[.independent])
        XCTAssertGreaterThan(FiniteDifferences.relativeError(sym, cook), 1e-3)
        XCTAssertGreaterThan(FiniteDifferences.relativeError(sym, none), 1e-3)
        // sym = (G + G')/2 and cookbook = G + G' - Diag(diag(G)) of G = none, entry by entry
        let n = sym.shape[0]
        for i in 0..<n {
            for j in 0..<n {
                let g = none.data[i * n + j], gt = none.data[j * n + i]
                XCTAssertEqual(sym.data[i * n + j], (g + gt) / 2, accuracy: 1e-7)
                XCTAssertEqual(cook.data[i * n + j], i == j ? g : g + gt, accuracy: 1e-7)
            }
        }
        XCTAssertNotNil(base)
    }

    func testLogdetWorkedExample() throws {
        let p = "S: matrix(n, n), spd\nlogdet(S)"
        let forms = try SymmetricConvention.allCases.map { try Derivatives.derivative(of: p, wrt: "S", kind: .gradient, symmetric: $0).matrix }
        XCTAssertEqual(forms, ["inv(S)", "2*inv(S) - Diag(diag(inv(S)))", "inv(S)"])
        // T(k, l)·δ[k, l] = T(k, k)·δ[k, l]: G + G' of a symmetric G merged into one term, the diagonal in the other
        let cook = try Derivatives.derivative(of: p, wrt: "S", kind: .gradient, symmetric: .cookbook)
        XCTAssertEqual(cook.index.terms.count, 2, cook.einstein)
        let dflt = try Derivatives.derivative(of: p, wrt: "S", kind: .gradient)
        XCTAssertEqual(dflt.symmetric, .sym, "sym is the default")
        let plain = try Derivatives.derivative(of: "A: matrix(n, n); logdet(A)", wrt: "A", kind: .gradient)
        XCTAssertNil(plain.symmetric, "no convention for a matrix not declared symmetric")
    }

    func testHessiansAndJacobiansFollowTheConvention() throws {
        let cases: [(String, DerivativeKind)] = [
            ("S: matrix(n, n), spd; x: vector(n)\nlogdet(S) + x'*S*S*x", .hessian),
            ("S: matrix(n, n), symmetric; a: vector(n)\nsum(exp(S*a))", .hessian),
            ("S: matrix(n, n), symmetric; A: matrix(d, n); B: matrix(n, d)\nA*S*B", .jacobian),
            ("S: matrix(n, n), spd; x: vector(n)\ninv(S)*x", .jacobian),
        ]
        for (p, kind) in cases {
            for c in SymmetricConvention.allCases {
                let check = try DerivativeCheck.run(source: p, wrt: "S", kind: kind, settings: Self.settings(p, seed: 7, sizes: ["n": 3, "d": 3]),
                                                    tolerance: 1e-5, symmetric: c)
                XCTAssertTrue(check.passed, "\(kind.rawValue) of \(p) [\(c.rawValue)]: \(check.einsteinError) \(check.result.einstein)")
            }
        }
    }

    func testClaimUnderAnotherConventionIsRecognized() throws {
        var s = EvaluationSettings()
        s.seed = 2
        let p = "S: matrix(n, n), spd\nlogdet(S)"
        let cook = try ClaimCheck.run(source: p, wrt: "S", claim: "2*inv(S) - Diag(diag(inv(S)))", settings: s)
        XCTAssertEqual(cook.verdict, .wrongValues)
        XCTAssertEqual(cook.rightUnder, .cookbook, cook.message)
        XCTAssertTrue(cook.message.contains("--symmetric cookbook"), cook.message)
        let right = try ClaimCheck.run(source: p, wrt: "S", claim: "2*inv(S) - Diag(diag(inv(S)))", settings: s, symmetric: .cookbook)
        XCTAssertEqual(right.verdict, .correct, right.message)
        let q = "S: matrix(n, n), spd; A: matrix(n, n)\ntr(A*inv(S))"
        let none = try ClaimCheck.run(source: q, wrt: "S", claim: "-inv(S)*A'*inv(S)", settings: s)
        XCTAssertEqual(none.rightUnder, .independent, none.message)
        let wrong = try ClaimCheck.run(source: q, wrt: "S", claim: "inv(S)*A*inv(S)", settings: s)
        XCTAssertNil(wrong.rightUnder, wrong.message)
    }

    // MARK: - declared structure used (item 1)

    func testExpertForms() throws {
        let cases: [(String, String, DerivativeKind, [String])] = [
            ("S: matrix(n, n), symmetric; x: vector(n)\nx'*S*x", "x", .gradient, ["2*S*x"]),
            ("S: matrix(n, n), spd; mu: vector(n); x: vector(n)\n0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)", "mu",
             .gradient, ["inv(S)*(mu - x)", "-inv(S)*(x - mu)"]),
            ("S: matrix(n, n), spd; x: vector(n)\n0.5*x'*inv(S)*x", "x", .hessian, ["inv(S)"]),
            ("S: matrix(n, n), symmetric; x: vector(n)\nx'*S*x", "x", .hessian, ["2*S"]),
            ("S: matrix(n, n), symmetric; x: vector(n)\nS*x + S'*x", "x", .jacobian, ["2*S"]),
            ("D: matrix(n, n), diagonal; x: vector(n); y: vector(n)\nx'*D'*y", "x", .gradient, ["D*y"]),
            ("S: matrix(n, n), spd; X: matrix(n, d); C = X'*inv(S)*X; x: vector(d)\nx'*C*x", "x", .gradient, ["2*C*x"]),
            ("x: vector(n), positive\nsum(abs(x))", "x", .gradient, ["ones(n)"]),
            ("P: matrix(n, d), positive\nnorm1(P) + sum(relu(P))", "P", .gradient, ["2*ones(n, d)"]),
            ("P: matrix(n, d), positive; x: vector(d), positive\nsum(relu(P*x))", "P", .gradient, ["ones(n)*x'"]),
            ("S: matrix(n, n), spd; X: matrix(d, n); y: vector(d)\nC = X*inv(S)*X'\nsum(tanh(C)*y)", "y", .gradient,
             ["tanh(C)*ones(d)"]),
        ]
        for (p, w, kind, expected) in cases {
            let check = try DerivativeCheck.run(source: p, wrt: w, kind: kind, settings: Self.settings(p, seed: 9, sizes: ["n": 4, "d": 3]),
                                                tolerance: 1e-5)
            XCTAssertTrue(expected.contains(check.result.matrix ?? "nil"), "\(p) by \(w): \(check.result.matrix ?? "nil")")
            XCTAssertTrue(check.passed, "\(p) by \(w): \(check.matrixError ?? -1)")
        }
    }

    // MARK: - structure facts, checked by value

    func testStructureRulesHoldByValue() throws {
        let decl = "S: matrix(n, n), spd; T: matrix(n, n), symmetric; D: matrix(n, n), diagonal; P: matrix(n, n), positive; "
            + "X: matrix(n, d); v: vector(n), positive; alpha: scalar\n"
        let claims: [(String, Structure)] = [
            ("inv(S)", .spd), ("inv(S)", .symmetric), ("X'*S*X", .symmetric), ("X'*inv(S)*X", .symmetric), ("S + 2*S", .spd),
            ("S/3", .spd), ("T'", .symmetric), ("T - 2*S", .symmetric), ("-T", .symmetric), ("X*X'", .symmetric),
            ("D*D", .diagonal), ("inv(D)", .diagonal), ("D + Diag(v)", .diagonal), ("D .* P", .diagonal), ("Diag(v)", .spd),
            ("exp(T)", .symmetric), ("exp(T)", .positive), ("P*P", .positive), ("P .* P + 1", .positive), ("S*S", .symmetric),
            ("inv(S)*inv(S)", .symmetric), ("kron(S, T)", .symmetric), ("tanh(P)", .positive), ("T .* S", .symmetric),
            ("alpha*T", .symmetric), ("D'", .diagonal), ("eye(n) + S", .spd),
        ]
        var settings = EvaluationSettings()
        settings.seed = 4
        settings.dims = ["n": 4, "d": 3]
        for (e, s) in claims {
            let typed = try TypeChecker.check(source: decl + "R = \(e)\nsum(R)")
            let facts = StructureFacts(program: typed)
            XCTAssertTrue(facts.has(s, name: "R"), "\(e) should be known \(s.rawValue)")
            let value = try Evaluator.evaluate(source: decl + e, settings: settings).value
            XCTAssertTrue(Self.holds(s, value), "\(e) is not \(s.rawValue) by value")
        }
        // what the rules must not claim
        let notClaims: [(String, Structure)] = [("S*T", .symmetric), ("X'*X", .spd), ("S - T", .spd), ("T*D", .symmetric),
                                               ("exp(D)", .diagonal), ("-S", .spd), ("P - 1", .positive)]
        for (e, s) in notClaims {
            let facts = StructureFacts(program: try TypeChecker.check(source: decl + "R = \(e)\nsum(R)"))
            XCTAssertFalse(facts.has(s, name: "R"), "\(e) must not be known \(s.rawValue)")
        }
    }

    static func holds(_ s: Structure, _ t: Tensor) -> Bool {
        guard t.order == 2 || s == .positive else { return false }
        let n = t.order == 2 ? t.shape[0] : 0
        switch s {
        case .positive: return t.data.allSatisfy { $0 > 0 }
        case .symmetric: return Linalg.isSymmetric(t, tolerance: 1e-10)
        case .spd: return Linalg.isSymmetric(t, tolerance: 1e-10) && Linalg.isPositiveDefinite(t)
        case .diagonal:
            for i in 0..<n { for j in 0..<n where i != j && t.data[i * n + j] != 0 { return false } }
            return true
        }
    }

    // MARK: - the diagonal property

    func testDiagonalDeclarations() throws {
        var s = EvaluationSettings()
        s.seed = 8
        s.dims = ["n": 5]
        let e = try Evaluator.evaluate(source: "D: matrix(n, n), diagonal\nD", settings: s)
        XCTAssertTrue(Self.holds(.diagonal, e.value))
        XCTAssertTrue(e.value.data.contains { $0 != 0 })
        let spd = try Evaluator.evaluate(source: "D: matrix(n, n), diagonal, spd\nD", settings: s)
        XCTAssertTrue(Self.holds(.diagonal, spd.value) && Self.holds(.spd, spd.value))
        s.values["D"] = try Tensor(shape: [2, 2], data: [1, 2, 0, 1])
        s.dims = [:]
        XCTAssertThrowsError(try Evaluator.evaluate(source: "D: matrix(n, n), diagonal\nD", settings: s)) { error in
            XCTAssertTrue("\(error)".contains("diagonal"), "\(error)")
        }
        XCTAssertThrowsError(try TypeChecker.check(source: "D: matrix(n, n), diagonal, positive\nsum(D)"))
        XCTAssertThrowsError(try TypeChecker.check(source: "D: matrix(n, d), diagonal\nsum(D)"))
        XCTAssertThrowsError(try TypeChecker.check(source: "D: matrix(n, n), diagnal\nsum(D)")) { error in
            XCTAssertTrue("\(error)".contains("diagonal"), "the message lists the properties: \(error)")
        }
        // a gradient by a diagonal matrix (entries independent) checks by value
        let d = "D: matrix(n, n), diagonal; A: matrix(n, n)\ntr(A*D*A')"
        let check = try DerivativeCheck.run(source: d, wrt: "D", settings: Self.settings(d, seed: 3, sizes: ["n": 4]))
        XCTAssertTrue(check.passed, "\(check.einsteinError)")
    }
}
