import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Reductions, matrix functions (inv, det, logdet), and structure (diag, Diag, kron, vec, softmax).
extension DerivativeTableTests {
    func testReductions() { run(Self.reductionCases, "reductions") }
    func testMatrixFunctions() { run(Self.matrixFunctionCases, "inv det logdet") }
    func testStructure() { run(Self.structureCases, "diag kron vec softmax") }

    static let reductionCases: [DerivativeCase] = [
        grad("X: matrix(n, n); tr(X)", "X", ["n", "n"], matrix: true),
        grad("X: matrix(n, d); tr(X'*X)", "X", ["n", "d"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); B: matrix(n, k); sum(B .* (X*W))", "W", ["d", "k"], matrix: true),
        grad("x: vector(n); norm1(x)", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); norm1(X)", "X", ["n", "d"]),
        grad("x: vector(n); norm2(x)", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); norm2(A*x)", "x", ["d"]),
        grad("X: matrix(n, d); norm2(X)", "X", ["n", "d"]),
        grad("X: matrix(n, d); normF(X)", "X", ["n", "d"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); normF(X*W)", "W", ["d", "k"]),
        grad("x: vector(n); logsumexp(x)", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); logsumexp(A*x)", "x", ["d"], matrix: true),
        grad("X: matrix(n, d); logsumexp(X)", "X", ["n", "d"]),
        grad("x: vector(n); y: vector(n); sum(x)*sum(y .* x)", "x", ["n"]),
    ]

    static let matrixFunctionCases: [DerivativeCase] = [
        grad("S: matrix(n, n), spd; a: vector(n); b: vector(n); a'*inv(S)*b", "S", ["n", "n"], matrix: true),
        grad("S: matrix(n, n), spd; tr(inv(S))", "S", ["n", "n"], matrix: true),
        grad("S: matrix(n, n), spd; A: matrix(n, n); tr(A*inv(S))", "S", ["n", "n"], matrix: true),
        grad("X: matrix(n, n); det(X)", "X", ["n", "n"], matrix: true),
        grad("S: matrix(n, n), spd; det(S)", "S", ["n", "n"], matrix: true),
        grad("S: matrix(n, n), spd; logdet(S)", "S", ["n", "n"], matrix: true),
        grad("X: matrix(d, n); logdet(X'*X)", "X", ["d", "n"], matrix: true),
        grad("S: matrix(n, n), spd; log(det(S))", "S", ["n", "n"]),
        grad("S: matrix(n, n), spd; det(alpha*S)", "alpha", []),
        grad("S: matrix(n, n), spd; x: vector(n); logdet(S + x*x')", "x", ["n"]),
        grad("S: matrix(n, n), spd; x: vector(n); x'*inv(S)*x + logdet(S)", "S", ["n", "n"], matrix: true),
        grad("S: matrix(n, n), spd; A: matrix(n, d); tr(A'*inv(S)*A)", "A", ["n", "d"], matrix: true),
        jac("S: matrix(n, n), spd; x: vector(n); inv(S)*x", "x", ["n", "n"], matrix: true),
        jac("S: matrix(n, n), spd; inv(S)", "S", ["n", "n", "n", "n"]),
        jac("X: matrix(n, n); x: vector(n); det(X)*x", "X", ["n", "n", "n"]),
    ]

    static let structureCases: [DerivativeCase] = [
        grad("X: matrix(n, n); a: vector(n); a'*diag(X)", "X", ["n", "n"], matrix: true),
        grad("x: vector(n); A: matrix(n, n); tr(diag(x)*A)", "x", ["n"], matrix: true),
        grad("x: vector(n); y: vector(n); y'*Diag(x)*y", "x", ["n"], matrix: true),
        grad("x: vector(n); A: matrix(n, d); normF(Diag(x)*A)^2", "x", ["n"]),
        grad("X: matrix(n, n); sum(diag(X) .^ 2)", "X", ["n", "n"]),
        grad("A: matrix(m, n); B: matrix(k, d); sum(kron(A, B))", "A", ["m", "n"]),
        grad("A: matrix(m, n); B: matrix(k, d); u'*kron(A, B)*v", "B", ["k", "d"]),
        grad("A: matrix(m, n); x: vector(d); sum(kron(A, x))", "A", ["m", "n"]),
        grad("X: matrix(n, d); a'*vec(X)", "X", ["n", "d"]),
        grad("X: matrix(n, d); W: matrix(d, k); vec(X*W)'*vec(X*W)", "W", ["d", "k"]),
        grad("x: vector(n); y: vector(n); y'*softmax(x)", "x", ["n"], matrix: true),
        grad("x: vector(n); y: vector(n); -y'*log(softmax(x))", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); A: matrix(n, d); sum(A .* softmax(X))", "X", ["n", "d"]),
        grad("W: matrix(n, d); x: vector(d); y: vector(n); -y'*log(softmax(W*x))", "W", ["n", "d"], matrix: true),
        jac("X: matrix(n, n); diag(X)", "X", ["n", "n", "n"]),
        jac("x: vector(n); Diag(x)", "x", ["n", "n", "n"]),
        jac("x: vector(n); diag(x)", "x", ["n", "n", "n"]),
        jac("X: matrix(n, d); vec(X)", "X", ["n*d", "n", "d"]),
        jac("A: matrix(m, n); B: matrix(k, d); kron(A, B)", "A", ["m*k", "n*d", "m", "n"]),
        jac("x: vector(n); softmax(x)", "x", ["n", "n"], matrix: true),
        jac("X: matrix(n, d); softmax(X)", "X", ["n", "d", "n", "d"]),
    ]
}
