import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Every row of SYNTAX.md sections 1 and 2, evaluated and compared with plain loops.
final class NumericOperatorTests: XCTestCase {
    var rng = TestRandom(42)
    // distinct sizes: A, B are 3×4; C is 4×5; S, Q square 3×3; x, y length 3; u length 4
    lazy var A = rng.matrix(3, 4)
    lazy var B = rng.matrix(3, 4)
    lazy var C = rng.matrix(4, 5)
    lazy var S = rng.wellConditioned(3)
    lazy var Q = rng.wellConditioned(3)
    lazy var x = rng.vector(3)
    lazy var y = rng.vector(3)
    lazy var u = rng.vector(4)
    lazy var P = rng.matrix(3, 4, 0.5, 2)   // positive entries

    var values: [String: Tensor] {
        ["A": tensor(A), "B": tensor(B), "C": tensor(C), "S": tensor(S), "Q": tensor(Q), "x": tensor(x), "y": tensor(y),
         "u": tensor(u), "P": tensor(P)]
    }

    /// Evaluates with the fixture values of the names the program uses.
    func ev(_ src: String, extra: [String: Tensor] = [:], functions: [String: EntrywiseFunction] = [:],
            file: StaticString = #filePath, line: UInt = #line) -> Tensor? {
        let decl = "A: matrix(3, 4); B: matrix(3, 4); C: matrix(4, 5); S: matrix(3, 3); Q: matrix(3, 3)\n"
            + "x: vector(3); y: vector(3); u: vector(4); P: matrix(3, 4), positive\n"
        let used = (try? TypeChecker.check(source: decl + src).names) ?? []
        var vs = values.filter { used.contains($0.key) }
        for (k, v) in extra { vs[k] = v }
        return evaluate(decl + src, vs, functions: functions, file: file, line: line)
    }

    // MARK: - level 1

    func testSumAndDifference() {
        assertClose(ev("A + B"), entrywise(A, B, +))
        assertClose(ev("A - B"), entrywise(A, B, -))
        assertClose(ev("A - B + A - A"), entrywise(A, B, -))
        assertClose(ev("x − y"), vector: zip(x, y).map { $0 - $1 })
    }

    func testScalarBroadcast() {
        assertClose(ev("1 - tanh(A).^2"), entrywise(A) { 1 - tanh($0) * tanh($0) })
        assertClose(ev("A + 2"), entrywise(A) { $0 + 2 })
        assertClose(ev("2 - A"), entrywise(A) { 2 - $0 })
        var xx = 0.0
        for v in x { xx += v * v }
        assertClose(ev("x + x'*x"), vector: x.map { $0 + xx })
        assertClose(ev("x'*x - A"), entrywise(A) { xx - $0 })
    }

    // MARK: - level 2

    func testMatrixProduct() {
        assertClose(ev("A*C"), matmul(A, C))
        assertClose(ev("A · C"), matmul(A, C))
        assertClose(ev("A*u"), vector: matvec(A, u))
        assertClose(ev("A'*B"), matmul(transpose(A), B))
        assertClose(ev("S*Q*A"), matmul(matmul(S, Q), A))
    }

    func testQuadraticFormAndOuterProduct() {
        let sx = matvec(S, x)
        var q = 0.0
        for i in 0..<3 { q += x[i] * sx[i] }
        assertClose(ev("x'*S*x"), scalar: q)
        var outer = Matrix(repeating: [0, 0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<4 { outer[i][j] = x[i] * u[j] } }
        assertClose(ev("x*u'"), outer)
    }

    func testScaling() {
        assertClose(ev("2*A"), entrywise(A) { 2 * $0 })
        assertClose(ev("A*2.5"), entrywise(A) { 2.5 * $0 })
        assertClose(ev("alpha*A", extra: ["alpha": tensor(-1.5)]), entrywise(A) { -1.5 * $0 })
        var xy = 0.0
        for i in 0..<3 { xy += x[i] * y[i] }
        assertClose(ev("(x'*y)*A"), entrywise(A) { xy * $0 })
        assertClose(ev("A*(x'*y)"), entrywise(A) { xy * $0 })
    }

    func testDivisionByScalar() {
        assertClose(ev("A/4"), entrywise(A) { $0 / 4 })
        var xx = 0.0
        for v in x { xx += v * v }
        assertClose(ev("A/(x'*x)"), entrywise(A) { $0 / xx })
        assertClose(ev("1/alpha", extra: ["alpha": tensor(8)]), scalar: 0.125)
    }

    func testHadamard() {
        assertClose(ev("A .* B"), entrywise(A, B, *))
        assertClose(ev("A ⊙ B"), entrywise(A, B, *))
        assertClose(ev("3 .* A"), entrywise(A) { 3 * $0 })
    }

    func testEntrywiseDivision() {
        assertClose(ev("A ./ P"), entrywise(A, P, /))
        assertClose(ev("A ⊘ P"), entrywise(A, P, /))
        assertClose(ev("1 ./ P"), entrywise(P) { 1 / $0 })
        assertClose(ev("A ./ 2"), entrywise(A) { $0 / 2 })
    }

    func testDoubleDotMatrixMatrix() {
        var s = 0.0
        for i in 0..<3 { for j in 0..<4 { s += A[i][j] * B[i][j] } }
        assertClose(ev("A : B"), scalar: s)
        // = tr(AᵀB)
        assertClose(ev("tr(A'*B)"), scalar: s)
    }

    func testDoubleDotWithOrderFour() {
        let tshape = [3, 4, 2, 5]
        let t = rng.flat(tshape)
        // A : T = Y_kl = Σ_ij A_ij T_ijkl
        var y = [Double](repeating: 0, count: 10)
        for k in 0..<2 { for l in 0..<5 { for i in 0..<3 { for j in 0..<4 {
            y[k * 5 + l] += A[i][j] * t[offset([i, j, k, l], tshape)]
        } } } }
        assertClose(ev("T: tensor(3, 4, 2, 5)\nA : T", extra: ["T": tensor(tshape, t)]), [2, 5], y)
        // T : M = Z_ij = Σ_kl T_ijkl M_kl
        let m = rng.matrix(2, 5)
        var z = [Double](repeating: 0, count: 12)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<2 { for l in 0..<5 {
            z[i * 4 + j] += t[offset([i, j, k, l], tshape)] * m[k][l]
        } } } }
        assertClose(ev("T: tensor(3, 4, 2, 5); M: matrix(2, 5)\nT : M", extra: ["T": tensor(tshape, t), "M": tensor(m)]), [3, 4], z)
    }

    func testDoubleDotWithVectors() {
        let tshape = [3, 4, 5]
        let t = rng.flat(tshape)
        // x : T contracts x's only axis with T's first
        var r = [Double](repeating: 0, count: 20)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { r[j * 5 + k] += x[i] * t[offset([i, j, k], tshape)] } } }
        assertClose(ev("T: tensor(3, 4, 5)\nx : T", extra: ["T": tensor(tshape, t)]), [4, 5], r)
        var xy = 0.0
        for i in 0..<3 { xy += x[i] * y[i] }
        assertClose(ev("x : y"), scalar: xy)
    }

    func testLevelTwoLeftAssociativity() {
        // a/b*c is (a/b)*c, not a/(b*c)
        assertClose(ev("alpha/beta*gamma", extra: ["alpha": tensor(6), "beta": tensor(3), "gamma": tensor(4)]), scalar: 8)
        // A .* B * C is (A .* B)*C
        assertClose(ev("A .* B * C"), matmul(entrywise(A, B, *), C))
    }

    // MARK: - levels 3–5

    func testNegationAndPowerPrecedence() {
        // -a^2 is -(a^2)
        assertClose(ev("-alpha^2", extra: ["alpha": tensor(3)]), scalar: -9)
        assertClose(ev("(-alpha)^2", extra: ["alpha": tensor(3)]), scalar: 9)
        // right associative: 2^3^2 = 2^9
        assertClose(ev("2^3^2 + 0*alpha", extra: ["alpha": tensor(1)]), scalar: 512)
        assertClose(ev("-A"), entrywise(A) { -$0 })
        assertClose(ev("- -A"), A)
    }

    func testScalarPower() {
        assertClose(ev("alpha^3", extra: ["alpha": tensor(1.5)]), scalar: 3.375)
        var xx = 0.0
        for v in x { xx += v * v }
        assertClose(ev("(x'*x)^0.5"), scalar: xx.squareRoot())
        assertClose(ev("alpha^(-2)", extra: ["alpha": tensor(4)]), scalar: 1.0 / 16)
    }

    func testMatrixPower() {
        assertClose(ev("S^2"), matmul(S, S))
        assertClose(ev("S^3"), matmul(matmul(S, S), S))
        assertClose(ev("S^1"), S)
        assertClose(ev("S^0"), identity(3))
        assertClose(ev("S^(-1)"), inverse(S))
        assertClose(ev("S^-2"), matmul(inverse(S), inverse(S)))
        assertClose(ev("S^(-1)*S"), identity(3))
    }

    func testEntrywisePower() {
        assertClose(ev("A.^2"), entrywise(A) { $0 * $0 })
        assertClose(ev("A.^3"), entrywise(A) { $0 * $0 * $0 })
        assertClose(ev("P.^0.5"), entrywise(P) { $0.squareRoot() })
        assertClose(ev("P.^(-1)"), entrywise(P) { 1 / $0 })
        assertClose(ev("-A.^2"), entrywise(A) { -$0 * $0 })
    }

    func testTransposes() {
        for src in ["A'", "A^T", "Aᵀ", "A ᵀ", "A′"] { assertClose(ev(src), transpose(A), src) }
        assertClose(ev("x'"), [1, 3], x)
        assertClose(ev("x''"), vector: x)
        assertClose(ev("(A*C)'"), transpose(matmul(A, C)))
    }

    // MARK: - section 1: declarations, definitions, defaults

    func testDeclaredTypesEvaluate() {
        assertClose(ev("s: scalar\ns", extra: ["s": tensor(2.5)]), scalar: 2.5)
        assertClose(ev("x"), vector: x)
        assertClose(ev("A"), A)
        let t3 = rng.flat([2, 3, 4])
        assertClose(ev("T: tensor(2, 3, 4)\nT", extra: ["T": tensor([2, 3, 4], t3)]), [2, 3, 4], t3)
        let t4 = rng.flat([2, 3, 4, 5])
        assertClose(ev("T: tensor(2, 3, 4, 5)\nT", extra: ["T": tensor([2, 3, 4, 5], t4)]), [2, 3, 4, 5], t4)
        var s = 0.0
        for v in t4 { s += v }
        assertClose(ev("T: tensor(2, 3, 4, 5)\nsum(T)", extra: ["T": tensor([2, 3, 4, 5], t4)]), scalar: s)
    }

    func testDefinitions() {
        let e = matmul(A, C)
        assertClose(ev("E = A*C\nE'"), transpose(e))
        var f = 0.0
        for r in e { for v in r { f += v * v } }
        assertClose(ev("E = A*C\nG = E'*E\ntr(G)"), scalar: f)
        // the last statement may itself be a definition
        assertClose(ev("E = A*C"), e)
    }

    func testDefaultKindsEvaluate() {
        // undeclared: Greek is a scalar, upper case a matrix, else a vector
        let m = rng.matrix(4, 5), v = rng.vector(5)
        assertClose(evaluate("alpha*M*v", ["alpha": tensor(2), "M": tensor(m), "v": tensor(v)]), vector: matvec(m, v).map { 2 * $0 })
        assertClose(evaluate("α*v", ["α": tensor(-1), "v": tensor(v)]), vector: v.map { -$0 })
    }

    func testDimensionsFromSettings() throws {
        // --dims sets symbolic sizes; random inputs then have those sizes
        let r = try Evaluator.evaluate(source: "X: matrix(n, d); W: matrix(d, k); X*W",
                                       settings: settings(dims: ["n": 3, "d": 4, "k": 5], seed: 7))
        XCTAssertEqual(r.value.shape, [3, 5])
        XCTAssertEqual(r.sizes["n"], 3)
        XCTAssertEqual(r.sizes["d"], 4)
        XCTAssertEqual(r.sizes["k"], 5)
        let inputs = Dictionary(uniqueKeysWithValues: r.inputs)
        let X = try XCTUnwrap(inputs["X"]), W = try XCTUnwrap(inputs["W"])
        XCTAssertEqual(X.shape, [3, 4])
        var expected = [Double](repeating: 0, count: 15)
        for i in 0..<3 { for j in 0..<5 { for k in 0..<4 { expected[i * 5 + j] += X.data[i * 4 + k] * W.data[k * 5 + j] } } }
        assertClose(r.value, [3, 5], expected)
    }

    func testRandomInputsRespectProperties() throws {
        let r = try Evaluator.evaluate(source: "A: matrix(n, n), spd; B: matrix(n, n), symmetric; P: matrix(n, m), positive\n"
                                           + "tr(A) + tr(B) + sum(P)",
                                       settings: settings(dims: ["n": 4, "m": 3], seed: 3))
        let inputs = Dictionary(uniqueKeysWithValues: r.inputs)
        let a = try XCTUnwrap(inputs["A"]), b = try XCTUnwrap(inputs["B"]), p = try XCTUnwrap(inputs["P"])
        for i in 0..<4 { for j in 0..<4 {
            XCTAssertEqual(a.data[i * 4 + j], a.data[j * 4 + i], accuracy: 1e-12)
            XCTAssertEqual(b.data[i * 4 + j], b.data[j * 4 + i], accuracy: 1e-12)
        } }
        XCTAssertTrue(p.data.allSatisfy { $0 > 0 })
        XCTAssertEqual(p.shape, [4, 3])
        // A is positive definite: Cholesky by hand succeeds
        var l = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        for i in 0..<4 {
            for j in 0...i {
                var s = a.data[i * 4 + j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j { XCTAssertGreaterThan(s, 0); l[i][i] = s.squareRoot() } else { l[i][j] = s / l[j][j] }
            }
        }
        // given values are checked against the properties
        XCTAssertThrowsError(try Evaluator.evaluate(source: "A: matrix(3, 3), spd\ntr(A)",
                                                    settings: settings(values: ["A": tensor(rng.matrix(3, 3))])))
        XCTAssertThrowsError(try Evaluator.evaluate(source: "P: matrix(3, 4), positive\nsum(P)",
                                                    settings: settings(values: ["P": tensor(A)])))
    }

    func testTwentyThousandTermSum() throws {
        let n = 20_000
        let src = "x: vector(3)\n" + Array(repeating: "x", count: n).joined(separator: " + ")
        assertClose(evaluate(src, ["x": tensor(x)]), vector: x.map { Double(n) * $0 }, tolerance: 1e-12)
    }
}
