import XCTest
@testable import Ricci

/// Issue 10: inputs that crashed, hung or misled — each now an answer or a located error.
final class RobustnessTests: XCTestCase {
    /// The located error `source` gives (``ricciError(_:file:line:)`` of the shared support).
    func error(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> RicciError? {
        ricciError(source, file: file, line: line)
    }

    func testShapeThatBecomesOneAfterUnificationLowers() throws {
        // trapped with an index out of range: x'*x' makes x of length 1 after the first factor
        let p = try Lowerer.lower(source: "x'*x'*x'*x")
        XCTAssertEqual(p.typed.dims.describe(p.typed.symbols["x"].flatMap { if case .tensor(let s) = $0.kind { s } else { nil } } ?? []),
                       "a vector of length 1")
        XCTAssertNoThrow(try Lowerer.lower(source: "ww'*w'*ww'*ww"))
    }

    func testHugeExponentDoesNotTrap() throws {
        let g = try Derivatives.derivative(of: "alpha^1e19", wrt: "alpha", kind: .gradient)
        XCTAssertTrue(g.einstein.contains("alpha"), g.einstein)
    }

    func testDeepPostfixAndFunctionTypesAreLimits() throws {
        for s in ["X" + String(repeating: "'", count: 10_000), "X" + String(repeating: "^T", count: 10_000),
                  "A" + String(repeating: "[i, j]", count: 10_000)] {
            XCTAssertEqual(error(s)?.kind, .limit)
        }
        let f = "F: " + String(repeating: "function -> ", count: 60_000) + "scalar\nF(x)"
        XCTAssertEqual(error(f)?.message, "a function cannot return a function")
    }

    func testSelfReferenceIsAnError() throws {
        let e = error("W = 2*X'*(X*W - Y)")
        XCTAssertEqual(e?.kind, .name)
        XCTAssertEqual(e?.location.column, 13)
        XCTAssertNotNil(error("W: matrix(n, n); W[i, j] = W[j, i]"))
    }

    func testLongNamesGetNoQuadraticSuggestion() {
        let long = String(repeating: "a", count: 30_000)
        XCTAssertNil(nearestName(to: long, in: [String(long.dropLast())]))
        XCTAssertEqual(nearestName(to: "alpah", in: ["alpha"]), "alpha")
    }

    func testFamiliarFunctionNamesGetTheirSpelling() {
        XCTAssertTrue(error("trace(A)")?.message.contains("tr(A)") ?? false)
        XCTAssertTrue(error("transpose(A)")?.message.contains("A'") ?? false)
        let norm = error("norm(x)")?.message ?? ""
        XCTAssertTrue(norm.contains("norm2") && norm.contains("normF"), norm)
        XCTAssertTrue(error("dot(x, y)")?.message.contains("x'*y") ?? false)
        XCTAssertTrue(error("mean(x)")?.message.contains("sum(x)/n") ?? false)
    }

    func testSuperscriptPowersAndIdentity() throws {
        let p = try Lowerer.lower(source: "alpha² + tr(A⁻¹)")
        XCTAssertEqual(p.typed.names.sorted(), ["A", "alpha"])
        let i = try Lowerer.lower(source: "x: vector(3); I*x")
        XCTAssertEqual(i.typed.names, ["x"], "I is the identity, not a new matrix")
    }

    func testUnusedStatementAndMisspelledType() {
        let e = error("X: frobnicate\nX*y")
        XCTAssertTrue(e?.message.contains("unknown type 'frobnicate'") ?? false, e?.message ?? "")
        XCTAssertEqual(e?.location.line, 1)
        XCTAssertTrue(error("x*2\nx'*x")?.message.contains("never used") ?? false)
    }

    func testDimensionNameIsItsSize() throws {
        let p = try Lowerer.lower(source: "x: vector(n); sum(x.^2)/n")
        XCTAssertEqual(p.typed.names, ["x"], "n is the size, not a new vector")
    }

    func testShapeErrorNamesTheUndeclaredVariable() {
        let e = error("x: vector(n); lam*x + x'*x")
        XCTAssertTrue(e?.message.contains("lam was not declared") ?? false, e?.message ?? "")
    }

    func testSecondDerivativeThroughOpaqueFunctionIsRefused() {
        XCTAssertThrowsError(try Derivatives.derivative(of: "F: function -> matrix(n, n); F'(Q)[i, j, i, a]*Q[j, a]",
                                                        wrt: "Q", kind: .hessian)) { e in
            XCTAssertTrue("\(e)".contains("only its Jacobian"), "\(e)")
        }
    }

    func testFuzzFindingMatrixPowerAndOrderLimits() {
        // found by the symbolic fuzzer: X⁹.^3 is X^729, whose Jacobian has 729 terms of 729 factors
        let e = error("X: matrix(n, n); X⁹.^3")
        XCTAssertEqual(e?.kind, .limit)
        XCTAssertTrue(e?.message.contains("64") ?? false, e?.message ?? "")
        XCTAssertNoThrow(try Lowerer.lower(source: "X: matrix(n, n); X^64"))
        let big = "T: tensor(" + Array(repeating: "2", count: 40).joined(separator: ", ") + ")\nsum(T)"
        XCTAssertEqual(error(big)?.kind, .limit)
        let idx = "A[" + (0..<40).map { "i\($0)" }.joined(separator: ", ") + "]"
        XCTAssertEqual(error(idx)?.kind, .limit)
    }

    func testUnusedDefinitionsAreDropped() throws {
        let body = (1...3_000).map { "u\($0) = x*\($0)" }.joined(separator: "\n") + "\nx'*x"
        let g = try Derivatives.derivative(of: body, wrt: "x", kind: .gradient)
        XCTAssertEqual(g.matrix, "2*x")
    }

    func testNestedSoftmaxIsNamedNotCopied() throws {
        let src = "sum(" + String(repeating: "softmax(", count: 32) + "x" + String(repeating: ")", count: 33)
        let g = try Derivatives.derivative(of: src, wrt: "x", kind: .gradient)
        XCTAssertLessThan(g.einstein.count + (g.matrix?.count ?? 0), 20_000, "linear in the depth, not exponential")
    }

    func testFuzzFindingDiagOfAScalar() throws {
        // found by the CLI fuzzer: diag of a scalar (a 1×1 matrix) indexed axes it does not have
        XCTAssertNoThrow(try Lowerer.lower(source: "beta: scalar; diag(beta)"))
        let g = try Derivatives.derivative(of: "beta: scalar; sum(diag(beta))^2", wrt: "beta", kind: .gradient)
        XCTAssertEqual(g.matrix, "2*beta")
    }

    func testPowersOfEqualFactorsStayPowers() throws {
        // hung in the library (the CLI stopped them only by its watchdog): the power search tried
        // every assignment of equal factors, about 8× per factor
        for n in [3, 9, 20] {
            let g = try Derivatives.derivative(of: "(x'^\(n):x)^5", wrt: "x", kind: .gradient)
            XCTAssertTrue(g.einstein.contains("^\(n + 1)") || g.einstein.contains("^\(n)"), g.einstein)
        }
        for m in [5, 30, 55] {
            let h = try Derivatives.derivative(of: "((x'*X)^\(m))^3", wrt: "x", kind: .hessian)
            XCTAssertTrue(h.einstein.contains("^\(m - 1)"), h.einstein)
        }
    }

    func testARunOutBudgetIsANamedError() {
        for kind in WorkBudget.Kind.allCases {
            XCTAssertThrowsError(try WorkBudget.run(limits: [kind: 3]) {
                try Derivatives.derivative(of: "x: vector(n); A: matrix(n, n)\n(x'*A*x)^2*(x'*A*x) + sum(tanh(A*tanh(A*x)))",
                                           wrt: "A", kind: .hessian)
            }) { e in
                let r = e as? RicciError
                XCTAssertEqual(r?.kind, .limit)
                XCTAssertTrue(r?.message.contains("the \(kind.rawValue) budget ran out") ?? false, "\(e)")
            }
        }
        XCTAssertNoThrow(try WorkBudget.run { try Derivatives.derivative(of: "x'*x", wrt: "x", kind: .hessian) })
    }

    func testDerivationOfADefinitionChainGrowsLinearly() throws {
        // the derivation swelled about 4× per level (size exponent ~4); adjoints and tangents are now named once
        func size(_ depth: Int) throws -> Int {
            let lines = ["x: vector(n)", "a1 = tanh(x) .* x"] + (2...depth).map { "a\($0) = tanh(a\($0 - 1)) .* a\($0 - 1)" }
            let d = try Derivations.derive(source: (lines + ["sum(a\(depth))"]).joined(separator: "\n"), wrt: "x")
            return d.steps.map { $0.text.count + $0.latex.count }.reduce(0, +) + d.context.map(\.count).reduce(0, +)
        }
        let (a, b) = (try size(8), try size(16))
        XCTAssertLessThan(Double(b) / Double(a), 2.5, "sizes \(a) and \(b)")
    }

    /// A power of a parenthesized sum (fuzz finding: `((xt:r - v''*X)^38)^6`, derive by X): each
    /// factor is a sum, so the simplifier's cost counts the factors inside the top-level ones; a
    /// call whose budget ran out stops before printing its half-simplified result.
    func testPowersOfSumsChargeTheirInnerFactors() throws {
        let source = "((xt:r - v''*X)^8)^3"
        func cost(_ text: String) throws -> Int {
            let lowered = try Lowerer.lower(try TypeChecker.check(source: text))
            return lowered.statements.map { Simplifier.cost(of: $0.expr) }.reduce(0, +)
        }
        XCTAssertGreaterThan(try cost(source), 3 * (try cost("((X)^8)^3")), "a factor that is a sum costs more than a plain one")
        XCTAssertThrowsError(try WorkBudget.run(limits: [.simplifier: 200_000]) {
            try Derivations.derive(source: source, wrt: "X")
        }) { e in
            XCTAssertTrue((e as? RicciError)?.message.contains("the simplifier budget ran out") ?? false, "\(e)")
        }
    }

    /// A tower of powers with symbolic exponents (fuzz finding: `2.^x2.^2.^2.^i2.^x2…`, 24 levels):
    /// each level checked its operands twice, once as written and once inside exp(b .* log(a)), so
    /// the type checker took 2^24 steps; now each operand is checked once.
    func testTowerOfSymbolicPowersChecksEachLevelOnce() throws {
        let tower = Array(repeating: "x", count: 40).joined(separator: ".^y.^")
        let lowered = try Lowerer.lower(try TypeChecker.check(source: "x: vector(n); y: vector(n)\nsum(\(tower))"))
        XCTAssertFalse(lowered.statements.isEmpty)
        let g = try Derivatives.derivative(of: "x: vector(n); y: vector(n)\nsum(x.^y.^x.^y)", wrt: "y", kind: .gradient)
        XCTAssertFalse(g.einstein.isEmpty)
    }

    /// Printing is budgeted work (fuzz finding: derive of `((EEEE…90 letters…)^64)^5`): the Γ of 320
    /// terms of 320 factors printed in three formats cost time in proportion to the name's length,
    /// past every structural budget; the output budget now counts the bytes printed.
    func testPrintedFormulasSpendTheOutputBudget() throws {
        let name = String(repeating: "E", count: 90) + "X"
        let source = "((\(name))^8)^3"
        let full = try Derivations.derive(source: source, wrt: name)
        XCTAssertTrue(full.context.contains { $0.contains(name) })
        XCTAssertThrowsError(try WorkBudget.run(limits: [.output: 20_000]) {
            try Derivations.derive(source: source, wrt: name)
        }) { e in
            XCTAssertTrue((e as? RicciError)?.message.contains("the output budget ran out") ?? false, "\(e)")
        }
        XCTAssertEqual(LaTeX.escapeText(name), name)
        XCTAssertEqual(LaTeX.escapeText("a_b{c}^~"), "a\\_b\\{c\\}\\^{}\\~{}")
    }

    /// A call is bounded in time as well as in work (fuzz finding: derive of
    /// `((Fsymmetric-transpose''*⏎F''*X)^21)^7` took 6 s in the release CLI, 11 s in the fuzz
    /// harness, within every structural budget): the time budget ends it with its named error.
    func testTheTimeBudgetEndsALongCall() throws {
        let source = "((Fsymmetric-transpose''*\nF''*X)^21)^7"
        XCTAssertThrowsError(try WorkBudget.run(limits: [.time: 50]) { try Derivations.derive(source: source, wrt: "X") }) { e in
            XCTAssertTrue((e as? RicciError)?.message.contains("the time budget ran out (50 ms") ?? false, "\(e)")
        }
        XCTAssertNoThrow(try WorkBudget.run(limits: [.time: 0]) { try Derivatives.derivative(of: "x'*x", wrt: "x", kind: .gradient) })
    }
}
