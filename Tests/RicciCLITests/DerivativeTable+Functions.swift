import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Every built-in entrywise function (arguments kept in the domain), user `elementwise` functions
/// with their derivatives, and opaque `function`s.
extension DerivativeTableTests {
    func testEntrywiseFunctions() { run(Self.entrywiseCases, "entrywise functions") }
    func testUserFunctions() { run(Self.userFunctionCases, "user and opaque functions") }

    static let entrywiseCases: [DerivativeCase] = [
        grad("a: vector(n); x: vector(n); a'*exp(x)", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); sum(exp(X*W))", "W", ["d", "k"], matrix: true),
        grad("x: vector(n), positive; a: vector(n); a'*log(x)", "x", ["n"], matrix: true),
        grad("A: matrix(n, d), positive; X: matrix(d, k), positive; sum(log(A*X))", "X", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); sum(sin(X*W))", "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); B: matrix(n, d); B : cos(X)", "X", ["n", "d"], matrix: true),
        grad("x: vector(n); a: vector(n); a'*tan(0.3*x)", "x", ["n"]),
        grad("X: matrix(n, d); W: matrix(d, k); sum(tanh(X*W))", "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(tanh(X*W) - Y)^2", "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); w: vector(d); y: vector(n); sum(y .* log(sigmoid(X*w)) + (1 - y) .* log(1 - sigmoid(X*w)))",
             "w", ["d"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); b: vector(n); b'*relu(A*x)", "x", ["d"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); b: vector(n); b'*(step(A*x) .* (A*x))", "x", ["d"]),
        grad("x: vector(n), positive; sum(sqrt(x))", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); sum(sqrt(1 + X .^ 2))", "X", ["n", "d"]),
        grad("x: vector(n); a: vector(n); a'*abs(x)", "x", ["n"], matrix: true),
        grad("x: vector(n); a: vector(n); a'*(sign(x) .* x)", "x", ["n"]),
        grad("X: matrix(n, d); W: matrix(d, k); sum(softplus(X*W))", "W", ["d", "k"], matrix: true),
        grad("x: vector(n); a: vector(n); a'*asin(0.1*x)", "x", ["n"]),
        grad("x: vector(n); a: vector(n); a'*acos(0.1*x)", "x", ["n"]),
        grad("x: vector(n); a: vector(n); a'*atan(x)", "x", ["n"]),
        grad("x: vector(n); a: vector(n); a'*sinh(x)", "x", ["n"]),
        grad("x: vector(n); a: vector(n); a'*cosh(x)", "x", ["n"]),
        grad("x: vector(n); a: vector(n); a'*atanh(0.1*x)", "x", ["n"]),
        grad("x: vector(n); sum(arcsin(0.2*x) + arccos(0.2*x) + arctan(x))", "x", ["n"]),
        grad("X: matrix(n, d); sum(tanh'(X))", "X", ["n", "d"]),
        grad("x: vector(n); sum(sigmoid'(x)) + sum(exp'(x))", "x", ["n"]),
        jac("A: matrix(n, d); x: vector(d); tanh(A*x)", "x", ["n", "d"], matrix: true),
        jac("x: vector(n); exp(x)", "x", ["n", "n"], matrix: true),
        jac("X: matrix(n, d); W: matrix(d, k); sigmoid(X*W)", "W", ["n", "k", "d", "k"]),
        jac("x: vector(n), positive; log(x) + sqrt(x)", "x", ["n", "n"]),
    ]

    static let userFunctionCases: [DerivativeCase] = [
        grad("x: vector(n); h: elementwise; sum(h(x))", "x", ["n"], matrix: true),
        grad("A: matrix(n, d); x: vector(d); a: vector(n); h: elementwise; a'*h'(A*x)", "x", ["d"]),
        grad("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise; normF(h(X*W)*alpha - y)^2",
             "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); h: elementwise; g: elementwise; sum(g(h(X*W)))", "W", ["d", "k"]),
        grad("x: vector(n); h: elementwise; h(alpha)*sum(h(x))", "alpha", []),
        jac("X: matrix(n, d); W: matrix(d, k); h: elementwise; h(X*W)", "W", ["n", "k", "d", "k"]),
        jac("x: vector(n); h: elementwise; h(x)", "x", ["n", "n"], matrix: true),
        grad("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m); F: function -> matrix(n, l); normF(F(W) - beta*D'*Z)^2",
             "W", ["d", "n"], matrix: true),
        grad("F: function -> vector(n); x: vector(d); a: vector(n); a'*F(x)", "x", ["d"], matrix: true),
        grad("F: function -> scalar; x: vector(n); F(x)", "x", ["n"]),
        grad("F: function -> vector(n); A: matrix(d, k); x: vector(k); a: vector(n); a'*F(A*x)", "A", ["d", "k"]),
        jac("F: function -> matrix(n, k); W: matrix(d, k); F(W)", "W", ["n", "k", "d", "k"], matrix: true),
        jac("F: function -> vector(n); A: matrix(d, k); x: vector(k); F(A*x)", "x", ["n", "k"]),
        jac("F: function -> vector(n); x: vector(d); F(x)", "x", ["n", "d"], matrix: true),
    ]
}
