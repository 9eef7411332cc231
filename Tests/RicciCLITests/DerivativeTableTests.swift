import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The derivative table: programs across every operator and built-in of SYNTAX.md section 2 and
/// every kind of result, each checked by shape and by value against central finite differences at
/// random inputs with distinct dimension sizes (n=3, d=4, k=5, m=2, l=6). The printed Einstein and
/// matrix forms are evaluated as programs, so each check is also a parse-back round trip.
/// `matrix: true` marks the cases whose matrix form must exist (textbook forms and PROBLEMS.md).
///
/// The groups live in DerivativeTable+*.swift; each group is one test method, and the class prints
/// a summary of all groups (how many had a matrix form) when it finishes.
final class DerivativeTableTests: XCTestCase {
    nonisolated(unsafe) static var total = DerivativeTally()

    func run(_ cases: [DerivativeCase], _ title: String) {
        let t = assertCases(cases, title)
        Self.total.cases += t.cases
        Self.total.failed += t.failed
        Self.total.inconclusive += t.inconclusive
        Self.total.withMatrix += t.withMatrix
        Self.total.matrixExpected += t.matrixExpected
        Self.total.matrixMissing += t.matrixMissing
        for (k, v) in t.byKind {
            Self.total.byKind[k, default: (0, 0)].cases += v.cases
            Self.total.byKind[k, default: (0, 0)].matrix += v.matrix
        }
    }

    override class func tearDown() {
        if total.cases > 0 { print("[derivative table, all groups] \(total.summary)") }
        super.tearDown()
    }

    /// Every group but the regressions (other suites raise these; the regressions include a known
    /// overflow that they would trip on), so that the count can be checked.
    static var allCases: [DerivativeCase] {
        productCases + hadamardCases + powerCases + doubleDotCases + reductionCases + matrixFunctionCases
            + structureCases + entrywiseCases + userFunctionCases + einsteinCases + definitionCases
            + jacobianCases + hessianCases + layoutCases
    }

    func testTableHasEnoughCases() {
        XCTAssertGreaterThanOrEqual(Self.allCases.count, 100)
        let kinds = Set(Self.allCases.map { "\($0.kind.rawValue)\($0.shape.count)" })
        for k in ["gradient0", "gradient1", "gradient2", "gradient4", "jacobian2", "jacobian3", "jacobian4",
                  "hessian2", "hessian4"] {
            XCTAssertTrue(kinds.contains(k), "no \(k) case")
        }
    }

    func testProducts() { run(Self.productCases, "products") }
    func testHadamardAndDivision() { run(Self.hadamardCases, "hadamard") }
    func testPowers() { run(Self.powerCases, "powers") }
    func testDoubleDot() { run(Self.doubleDotCases, "double dot") }

    // MARK: - products, transposes, sums

    static let productCases: [DerivativeCase] = [
        grad("A: matrix(n, n); x: vector(n); x'*A*x", "x", ["n"], matrix: true),
        grad("A: matrix(n, n); x: vector(n); x'*A*x", "A", ["n", "n"], matrix: true),
        grad("A: matrix(n, n); x: vector(n); x^T*A*xᵀ'", "x", ["n"], matrix: true),
        grad("a: vector(n); x: vector(n); a'*x", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); y: vector(n); y'*A*x", "A", ["n", "d"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); y: vector(n); y'*A*x", "x", ["d"], matrix: true),
        grad("A: matrix(d, n); X: matrix(n, k); B: matrix(k, d); tr(A*X*B)", "X", ["n", "k"], matrix: true),
        grad("A: matrix(d, n); X: matrix(k, n); B: matrix(k, d); tr(A*X'*B)", "X", ["k", "n"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "X", ["n", "d"], matrix: true),
        grad("a: vector(n); b: vector(n); X: matrix(n, n); a'*X'*X*b", "X", ["n", "n"], matrix: true),
        grad("B: matrix(n, d); X: matrix(d, k); tr(B*X*X'*B')", "X", ["d", "k"], matrix: true),
        grad("x: vector(n); y: vector(d); A: matrix(n, d); -x'*A*y + 3*x'*x", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); b: vector(n); (A*x - b)'*(A*x - b)", "x", ["d"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); sum(X*W)", "W", ["d", "k"]),
        grad("X: matrix(n, d); ones(n)'*X*ones(d) + tr(eye(n)*X*X') + sum(X + zeros(n, d))", "X", ["n", "d"]),
        grad("x: vector(n); y: vector(n); x'*(y*y')*x", "y", ["n"], matrix: true),
        grad("U: matrix(n, d); V: matrix(d, n); tr(U*V*U*V)", "V", ["d", "n"]),
        // zero results: a derivative that vanishes must still print a program of the right shape
        grad("X: matrix(n, d); Y: matrix(n, d); sum(X - X) + sum(Y)", "X", ["n", "d"]),
        grad("x: vector(n); y: vector(n); sum(sign(x) .* y)", "x", ["n"]),
    ]

    // MARK: - Hadamard, entrywise division, division by a scalar

    static let hadamardCases: [DerivativeCase] = [
        grad("A: matrix(n, d); X: matrix(n, d); sum(A .* X .* X)", "X", ["n", "d"], matrix: true),
        grad("A: matrix(n, d), positive; X: matrix(n, d), positive; sum(A ./ X)", "X", ["n", "d"], matrix: true),
        grad("X: matrix(n, d); Y: matrix(n, d), positive; sum(X ./ Y)", "Y", ["n", "d"]),
        grad("X: matrix(n, d); A: matrix(n, d); (X ⊙ A) : X", "X", ["n", "d"], matrix: true),
        grad("X: matrix(n, d); Y: matrix(n, d), positive; B: matrix(n, d); sum(B .* (X ⊘ Y))", "Y", ["n", "d"]),
        grad("x: vector(n); y: vector(n); w: vector(n); w'*(x .* y)", "x", ["n"], matrix: true),
        grad("x: vector(n); sum(x)/(1 + x'*x)", "x", ["n"]),
        grad("X: matrix(n, d); normF(X/alpha)^2", "alpha", []),
        grad("X: matrix(n, d); a: vector(n); b: vector(d); a'*(X/(2 + normF(X)^2))*b", "X", ["n", "d"]),
        jac("x: vector(n); y: vector(n); x .* y", "x", ["n", "n"], matrix: true),
        jac("x: vector(n); y: vector(n), positive; x ./ y", "y", ["n", "n"]),
        jac("X: matrix(n, d); X/alpha", "X", ["n", "d", "n", "d"]),
        jac("X: matrix(n, d); X/alpha", "alpha", ["n", "d"]),
        jac("X: matrix(n, d); Y: matrix(n, d); X .* Y", "Y", ["n", "d", "n", "d"]),
    ]

    // MARK: - scalar, entrywise and matrix powers

    static let powerCases: [DerivativeCase] = [
        grad("x: vector(n); (x'*x)^2", "x", ["n"], matrix: true),
        grad("x: vector(n); sum(x .^ 3)", "x", ["n"], matrix: true),
        grad("X: matrix(n, n); tr(X^2)", "X", ["n", "n"], matrix: true),
        grad("X: matrix(n, n); A: matrix(n, n); tr(A*X^3)", "X", ["n", "n"]),
        grad("S: matrix(n, n), spd; a: vector(n); b: vector(n); a'*S^(-1)*b", "S", ["n", "n"], matrix: true),
        grad("X: matrix(n, n); A: matrix(n, n); tr(A*X^0) + tr(X^1)", "X", ["n", "n"]),
        grad("x: vector(n), positive; sum(x .^ 0.5) + sum(x .^ (-1))", "x", ["n"]),
        grad("x: vector(n); alpha^3*sum(x)", "alpha", []),
        grad("x: vector(n); (1 + x'*x)^(-1)", "x", ["n"]),
        grad("x: vector(n); (x'*x)^0.5", "x", ["n"]),
        grad("S: matrix(n, n), spd; y: vector(n); y'*S^(-2)*y", "S", ["n", "n"]),
        jac("x: vector(n); x .^ 2", "x", ["n", "n"], matrix: true),
        jac("X: matrix(n, n); X^2", "X", ["n", "n", "n", "n"]),
    ]

    // MARK: - the double-dot product in all its forms

    static let doubleDotCases: [DerivativeCase] = [
        grad("A: matrix(n, d); X: matrix(n, d); A : X", "X", ["n", "d"], matrix: true),
        grad("X: matrix(n, d); X : X", "X", ["n", "d"], matrix: true),
        grad("A: matrix(n, d); F: function -> matrix(n, d); W: matrix(d, k); A : F(W)", "W", ["d", "k"], matrix: true),
        grad("T: tensor(n, d, k, m); A: matrix(k, m); B: matrix(n, d); B : (T : A)", "A", ["k", "m"]),
        grad("A: matrix(n, d); T: tensor(n, d, k, m); B: matrix(k, m); (A : T) : B", "A", ["n", "d"]),
        grad("A: matrix(n, d); T: tensor(n, d, k, m); B: matrix(k, m); (A : T) : B", "T", ["n", "d", "k", "m"]),
        grad("x: vector(n); y: vector(n); x : y", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); T: tensor(n, d, k); z: vector(k); (A : T)'*z", "A", ["n", "d"]),
        grad("T: tensor(n, d, k); x: vector(k); B: matrix(n, d); B : (T : x)", "x", ["k"]),
        jac("T: tensor(n, d, k, m); A: matrix(k, m); T : A", "A", ["n", "d", "k", "m"]),
        jac("A: matrix(n, d); T: tensor(n, d, k, m); A : T", "A", ["k", "m", "n", "d"]),
        jac("A: matrix(n, d); T: tensor(n, d, k); A : T", "T", ["k", "n", "d", "k"]),
    ]
}
