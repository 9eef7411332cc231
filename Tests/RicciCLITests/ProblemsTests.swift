import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The five problems of PROBLEMS.md, as written there: each derivative checked by value against
/// finite differences, in the variable's shape, with a matrix form. Then golden strings for
/// textbook forms (the spec of the raiser: they fail until the printed matrix form is right).
final class ProblemsTests: XCTestCase {
    static let p1 = "D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
        + "normF(F(W) - beta*D'*Z)^2"
    static let p2 = "X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nf = X*W + b\nf*y"
    static let p3 = "A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\n"
        + "sum(A .* log(A ./ (B'*X*C)))"
    static let p4 = "X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\n"
        + "normF(h(X*W)*alpha - y)^2"
    static let p4WithE = "X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\n"
        + "E = h(X*W)*alpha - y\nnormF(E)^2"
    static let p5 = "A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
        + "A*(B*V*relu(W*z)).^2"

    /// Checks a case by value and shape; returns the matrix form (nil when missing, after failing).
    @discardableResult
    func check(_ c: DerivativeCase) -> String? {
        let o = DerivativeChecker.check(c)
        if let why = o.inconclusive { XCTFail("\(c.label): \(why)", file: c.file, line: c.line) }
        for p in o.problems { XCTFail("\(c.label): \(p)", file: c.file, line: c.line) }
        if let r = o.result {
            print("[problems] \(c.label)\n  matrix: \(r.matrix ?? "nil")\n  einstein: \(r.einstein)"
                  + (r.definitions.isEmpty ? "" : "\n  where: " + r.definitions.map { "\($0.name) = \($0.value)" }.joined(separator: "; ")))
        }
        return o.result?.matrix
    }

    /// Entries uniform in [0.5, 2) for the given shape.
    static func positive(_ shape: [Int], seed: UInt64) -> Tensor {
        var r = TestRandom(seed)
        return tensor(shape, r.flat(shape, 0.5, 2))
    }

    // MARK: - P1

    func testP1FrobeniusNormOfAnOpaqueFunction() {
        let m = check(grad(Self.p1, "W", ["d", "n"], matrix: true))
        guard let matrix = m else { return }
        XCTAssertTrue(matrix.contains("F'(W)"), "P1 matrix form should contract with F'(W): \(matrix)")
        XCTAssertTrue(matrix.contains(" : "), "P1 matrix form should use the double-dot product: \(matrix)")
    }

    // MARK: - P2

    func testP2LinearLayerBothLayouts() {
        check(grad(Self.p2, "W", ["m", "10"], matrix: true))
        check(grad(Self.p2, "W", ["10", "m"], matrix: true, layout: .numerator))
    }

    func testP2IntermediateJacobianIsOfOrderThree() {
        // ∂f_j/∂W_kl = x_k δ_jl: order 3, the 1×10 f read as a row (PROBLEMS.md)
        let jacobianOfF = "X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10)\nf = X*W + b\nf"
        check(jac(jacobianOfF, "W", ["10", "m", "10"]))
    }

    func testP2GoldenForm() {
        golden(grad(Self.p2, "W", ["m", "10"], matrix: true), ["X'*y'"])
    }

    // MARK: - P3

    func testP3KLObjective() {
        // B'*X*C must be positive for the log: positive values for B, X, C (the program is as written)
        let d = DerivativeChecker.dims
        var c = grad(Self.p3, "X", ["r", "s"], matrix: true)
        c.values = ["B": Self.positive([d["r"] ?? 9, d["p"] ?? 7], seed: 1), "X": Self.positive([d["r"] ?? 9, d["s"] ?? 10], seed: 2),
                    "C": Self.positive([d["s"] ?? 10, d["q"] ?? 8], seed: 3)]
        check(c)
    }

    // MARK: - P4

    func testP4NetworkWithAnElementwiseActivation() {
        for src in [Self.p4, Self.p4WithE] {
            guard let matrix = check(grad(src, "W", ["d", "k"], matrix: true)) else { continue }
            XCTAssertTrue(matrix.contains("h'"), "P4 matrix form should use h': \(matrix)")
        }
    }

    func testP4GoldenForm() {
        let accepted = [
            "2*X'*((E*alpha') .* h'(X*W))", "2*X'*(h'(X*W) .* (E*alpha'))",
            "2*X'*(((h(X*W)*alpha - y)*alpha') .* h'(X*W))", "2*X'*(h'(X*W) .* ((h(X*W)*alpha - y)*alpha'))",
        ]
        golden(grad(Self.p4WithE, "W", ["d", "k"], matrix: true), accepted)
        golden(grad(Self.p4, "W", ["d", "k"], matrix: true), accepted)
    }

    // MARK: - P5

    func testP5TwoLayersBothWeights() {
        check(grad(Self.p5, "V", ["m", "k"], matrix: true))
        check(grad(Self.p5, "W", ["k", "d"], matrix: true))
    }

    // MARK: - textbook golden forms

    /// The matrix form must be one of `accepted` (a definition it refers to is allowed), and right by value.
    func golden(_ c: DerivativeCase, _ accepted: [String], file: StaticString = #filePath, line: UInt = #line) {
        guard let m = check(c) else { return }
        XCTAssertTrue(accepted.contains(m), "\(c.label): matrix form \(m), expected one of \(accepted)", file: file, line: line)
    }

    func testGoldenQuadraticForm() {
        golden(grad("A: matrix(n, n); x: vector(n); x'*A*x", "x", ["n"], matrix: true),
               ["(A + A')*x", "A*x + A'*x", "(A' + A)*x", "A'*x + A*x"])
    }

    func testGoldenTraceOfProduct() {
        golden(grad("A: matrix(d, n); X: matrix(n, k); B: matrix(k, d); tr(A*X*B)", "X", ["n", "k"], matrix: true), ["A'*B'"])
    }

    func testGoldenLogdet() {
        // a value with a positive determinant (the golden form is for a general X)
        var c = grad("X: matrix(n, n); logdet(X)", "X", ["n", "n"], matrix: true)
        var r = TestRandom(4)
        var x = r.matrix(3, 3, -0.3, 0.3)
        for i in 0..<3 { x[i][i] += 2 }
        c.values = ["X": tensor(x)]
        golden(c, ["inv(X)'", "inv(X')"])
    }

    func testGoldenLeastSquares() {
        golden(grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", ["d", "k"], matrix: true),
               ["2*X'*(X*W - Y)"])
    }
}
