import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Lower a program to the index form (unsimplified: deltas with summed indices, `ones` broadcasts,
/// nested sums), raise it back to matrix notation, and check the raised form has the same value.
/// Where a case names the text a person would write, the raised text must be exactly that.
final class RaisingRoundTripTests: XCTestCase {
    struct Case {
        var source: String
        var expected: String?
        var functions: [String: EntrywiseFunction] = [:]
        var positive = false
        init(_ source: String, _ expected: String? = nil, functions: [String: EntrywiseFunction] = [:], positive: Bool = false) {
            self.source = source
            self.expected = expected
            self.functions = functions
            self.positive = positive
        }
    }

    static let products: [Case] = [
        Case("X: matrix(n, d); W: matrix(d, k); X*W", "X*W"),
        Case("A: matrix(n, d); B: matrix(d, k); C: matrix(k, m); A*B*C", "A*B*C"),
        Case("A: matrix(d, n); B: matrix(d, k); A'*B", "A'*B"),
        Case("A: matrix(n, d); B: matrix(k, d); A*B'", "A*B'"),
        Case("A: matrix(d, n); B: matrix(k, d); A'*B'", "A'*B'"),
        Case("A: matrix(n, d); B: matrix(d, k); (A*B)'", "B'*A'"),
        Case("A: matrix(n, d); A'", "A'"),
        Case("x: vector(n); A: matrix(n, n); x'*A*x", "x'*A*x"),
        Case("x: vector(n); y: vector(d); A: matrix(n, d); x'*A*y", "x'*A*y"),
        Case("x: vector(n); y: vector(d); A: matrix(n, d); y'*A'*x", "x'*A*y"),
        Case("x: vector(n); y: vector(d); x*y'", "x*y'"),
        Case("x: vector(n); x'", "x'"),
        Case("x: vector(n); A: matrix(n, d); x'*A", "x'*A"),
        Case("x: vector(n); A: matrix(n, d); A'*x", "A'*x"),
        Case("x: vector(d); A: matrix(n, d); A*x", "A*x"),
        Case("x: vector(n); y: vector(n); x'*y", "x'*y"),
        Case("x: vector(n); A: matrix(n, d); B: matrix(d, k); x'*A*B", "x'*A*B"),
        Case("x: vector(n); A: matrix(n, n); A*x*x'*A", "A*x*x'*A"),
        Case("A: matrix(n, d); x: vector(n); y: vector(d); (x'*A*y)*A", "(x'*A*y)*A"),
        Case("X: matrix(n, n); X^3", "X*X*X"),
        Case("X: matrix(n, n); y: vector(n); X^(-1)*y", "inv(X)*y"),
        Case("X: matrix(n, d); eye(n)*X", "X"),
        Case("X: matrix(n, d); ones(n, n)*X", "ones(n, n)*X"),
        Case("X: matrix(n, d); ones(n)'*X*ones(d)", "sum(X)"),
        Case("A: matrix(n, n); A + eye", "A + eye(n)"),
        Case("eye(5)", "eye(5)"),
        Case("X: matrix(n, d); 2*X - X/3", "2*X - X/3"),
        Case("x: vector(n); y: vector(n); alpha*x + beta*y - x/gamma", "alpha*x + beta*y - x/gamma"),
        Case("s: scalar; x: vector(n); s*x - x/s + s", "s*x - x/s + s"),
        Case("alpha + beta*gamma - 2", "alpha + beta*gamma - 2"),
        // terms that cancel keep the shape (regressions found by the random property test)
        Case("B: matrix(d, n); B + (1 - B)", "ones(d, n)"),
        Case("x: vector(d); x + (x - 2*x)", "0*ones(d)"),
        Case("C: matrix(n, n); C - C", "zeros(n, n)"),
        Case("C: matrix(n, n); A: matrix(n, d); ((C .* C) - C)'*(-A - (1 - A))", "-((C.^2)' - C')*ones(n, d)"),
        Case("y: vector(n); softmax(y)'*sigmoid(y + (1 - y)) .* alpha"),
        Case("D: matrix(d, d); B: matrix(d, n); (D*((1 - B) - (B - 2*B))).^2", "(D*ones(d, n)).^2"),
    ]

    static let reductions: [Case] = [
        Case("A: matrix(n, n); tr(A)", "tr(A)"),
        Case("A: matrix(n, d); B: matrix(d, n); tr(A*B)", "tr(A*B)"),
        Case("A: matrix(n, d); B: matrix(d, k); C: matrix(k, n); tr(A*B*C)", "tr(A*B*C)"),
        Case("A: matrix(n, d); X: matrix(d, k); B: matrix(k, n); tr(A*X*B)", "tr(A*X*B)"),
        Case("A: matrix(n, d); sum(A)", "sum(A)"),
        Case("A: matrix(n, d); B: matrix(d, k); sum(A*B)", "sum(A*B)"),
        Case("A: matrix(n, d); B: matrix(n, d); A : B", "A : B"),
        Case("A: matrix(n, d); normF(A)", "normF(A)"),
        Case("x: vector(n); norm2(x)", "norm2(x)"),
        Case("x: vector(n); norm1(x)", "norm1(x)"),
        Case("x: vector(n); logsumexp(x)", "logsumexp(x)"),
        Case("A: matrix(n, d); normF(A)^2", "normF(A)^2"),
        Case("A: matrix(n, n); B: matrix(k, k); x: vector(m); sum(A) + tr(B) + norm2(x) + normF(A) + norm1(A) + logsumexp(x)",
             "sum(A) + tr(B) + norm2(x) + normF(A) + norm1(A) + logsumexp(x)"),
        Case("A: matrix(n, n); tr(eye(n))"),
        Case("x: vector(n); y: vector(n); sum(x .* y)"),
        Case("X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))", "sum(log(1 + exp(-y .* (X*w))))"),
        Case("X: matrix(n, d); w: vector(d); normF(X*w - ones(n))^2/3 + lambda*w'*w", "norm2(X*w - 1)^2/3 + lambda*w'*w"),
        Case("x: vector(n); ((x'*x)^2)^3", "((x'*x)^2)^3"),
    ]

    static let entrywise: [Case] = [
        Case("A: matrix(n, d); B: matrix(n, d); A .* B", "A .* B"),
        Case("A: matrix(n, d); B: matrix(d, n); A .* B'", "A .* B'"),
        Case("A: matrix(n, d); B: matrix(n, d); A ./ B", "A ./ B"),
        Case("A: matrix(n, d); B: matrix(n, d); A .* B - A ./ (B .* B + 1)", "A .* B - A ./ (B.^2 + 1)"),
        Case("U: matrix(n, d); 1 - tanh(U).^2", "1 - tanh(U).^2"),
        Case("X: matrix(n, d); W: matrix(d, k); tanh(X*W)", "tanh(X*W)"),
        Case("h: elementwise; X: matrix(n, d); W: matrix(d, k); h'(X*W) .* h(X*W)", "h'(X*W) .* h(X*W)", functions: ["h": .sin]),
        Case("X: matrix(n, d); tanh'(X) + sigmoid'(X) .* relu'(X) + exp''(X)", "tanh'(X) + sigmoid'(X) .* step(X) + exp(X)"),
        Case("A: matrix(n, d); A.^3 + abs(A).^0.5 - A.^(-2)", "A.^3 + abs(A).^0.5 - 1 ./ A.^2"),
        Case("x: vector(n); exp(x) + sin(x) .* cos(x) - tan(x/4) + sigmoid(x) + relu(x) + step(x) + sign(x) + softplus(x)"),
        Case("x: vector(n); sqrt(abs(x)) + atan(x) + sinh(x) - cosh(x) + log(1 + x.^2)"),
        Case("A: matrix(n, d); x: vector(n); y: vector(d); (x*y') .* A", "(x*y') .* A"),
        Case("x: vector(n); y: vector(n); x .* y + x ./ y", "x .* y + x ./ y", positive: true),
        Case("x: vector(n); softmax(x)"),
        Case("X: matrix(n, d); softmax(X)"),
        Case("A: matrix(n, d); x: vector(n); A + x*ones(d)'", "A + x*ones(d)'"),
    ]

    static let matrixFunctions: [Case] = [
        Case("A: matrix(n, n), spd; logdet(A) + det(A)*tr(inv(A))", "logdet(A) + det(A)*tr(inv(A))"),
        Case("A: matrix(n, n), spd; x: vector(n); inv(A)*x", "inv(A)*x"),
        Case("A: matrix(n, n), spd; B: matrix(n, n); inv(A)'*B", "inv(A)'*B"),
        Case("A: matrix(n, n); x: vector(d); y: vector(d); diag(A)'*diag(A) + diag(x)*y", "diag(A)'*diag(A) + x .* y"),
        Case("x: vector(n); A: matrix(n, d); Diag(x)*A", "Diag(x)*A"),
        Case("x: vector(n); A: matrix(n, d); y: vector(d); Diag(x)*A*Diag(y)", "(x*y') .* A"),
        Case("x: vector(n); Diag(x)", "Diag(x)"),
        Case("A: matrix(n, n); diag(A)", "diag(A)"),
        Case("A: matrix(a, b); B: matrix(c, e); kron(A, B)", "kron(A, B)"),
        Case("A: matrix(a, b); B: matrix(c, e); X: matrix(b, c); kron(B', A)*vec(X)", "kron(B', A)*vec(X)"),
        Case("A: matrix(n, d); B: matrix(n, d); vec(A)'*vec(B)", "vec(A)'*vec(B)"),
        Case("F: function -> matrix(n, l); W: matrix(d, m); A: matrix(n, l); A : F'(W) + W", "A : F'(W) + W"),
        Case("F: function -> vector(n); W: matrix(d, m); sum(F(W)) + F(W)'*F(W)", "sum(F(W)) + F(W)'*F(W)"),
        Case("F: function -> matrix(n, l); W: matrix(d, m); F'(W)", "F'(W)"),
        Case("A: matrix(a, b); T: tensor(a, b, c, e); A : T", "A : T"),
        Case("A: matrix(c, e); T: tensor(a, b, c, e); T : A", "T : A"),
        Case("x: vector(a); T: tensor(a, b, c); x : T", "x : T"),
        Case("H: tensor(a, b, a, b); A: matrix(a, b); A : H : A", "A : H : A"),
    ]

    static let einstein: [Case] = [
        Case("A: matrix(n, d); B: matrix(d, k); Y[i, k] = A[i, j]*B[j, k]", "A*B"),
        Case("A: matrix(n, d); B: matrix(d, k); Y[k, i] = A[i, j]*B[j, k]", "B'*A'"),
        Case("A: matrix(n, d); A[j, i]", "A'"),
        Case("A: matrix(n, n); delta[i, j]*A[i, j] + δ[i, j]*A[j, i]", "2*tr(A)"),
        Case("A: matrix(n, d); δ[i, j]*A[j, k]", "A"),
        Case("A: matrix(n, n); x: vector(n); y[i] = A[i, i]*x[i]", "x .* diag(A)"),
        Case("A: matrix(n, d); t[] = A[i, j]*A[i, j]\nt*A", "t*A"),
        Case("X: matrix(n, d); W: matrix(d, k); tanh(X[i, a]*W[a, j])", "tanh(X*W)"),
        Case("A: matrix(n, d); x: vector(n); y: vector(d); A[i, j] + x[i]*A[i, j]*y[j]", "A + x'*A*y"),
        Case("A: matrix(n, n); B: matrix(n, n); C[i, j] = A[i, k]*B[k, j]*A[i, j]", "A .* (A*B)"),
        Case("A: matrix(n, d); B: matrix(d, n); x: vector(n); z[i] = A[i, j]*B[j, i]*x[i]"),
    ]

    static let problems: [Case] = [
        Case("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
             + "normF(F(W) - beta*D'*Z)^2", "normF(F(W) - beta*D'*Z)^2"),
        Case("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
             + "2*(F(W) - beta*D'*Z) : F'(W)", "2*(F(W) - beta*D'*Z) : F'(W)"),
        Case("X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nf = X*W + b\nf*y", "f*y"),
        Case("X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nX'*y'", "X'*y'"),
        Case("A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\nsum(A .* log(A ./ (B'*X*C)))",
             "A : log(A ./ (B'*X*C))", positive: true),
        Case("A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\n-B*(A ./ (B'*X*C))*C'",
             "-B*(A ./ (B'*X*C))*C'", positive: true),
        Case("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\nnormF(h(X*W)*alpha - y)^2",
             "norm2(h(X*W)*alpha - y)^2", functions: ["h": .tanh]),
        Case("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\n"
             + "E = h(X*W)*alpha - y\n2*X'*((E*alpha') .* h'(X*W))", "2*X'*((E*alpha') .* h'(X*W))", functions: ["h": .sigmoid]),
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\nA*(B*V*relu(W*z)).^2",
             "A*(B*V*relu(W*z)).^2"),
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
             + "2*B'*(A' .* (B*V*relu(W*z)))*relu(W*z)'", "2*B'*(A' .* (B*V*relu(W*z)))*relu(W*z)'"),
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
             + "2*(step(W*z) .* (V'*B'*(A' .* (B*V*relu(W*z)))))*z'", "2*(step(W*z) .* (V'*B'*(A' .* (B*V*relu(W*z)))))*z'"),
        Case("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nE = X*W - Y\nG = E'*E\ntr(G) + normF(E)^2", "tr(G) + normF(E)^2"),
    ]

    func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
        for c in cases {
            let text = RaisingOracle.roundTrip(c.source, functions: c.functions, positive: c.positive, file: file, line: line)
            if let want = c.expected, let got = text {
                XCTAssertEqual(got, want, "raised form of\n\(c.source)", file: file, line: line)
            }
        }
    }

    func testProducts() { run(Self.products) }
    func testReductions() { run(Self.reductions) }
    func testEntrywise() { run(Self.entrywise) }
    func testMatrixFunctions() { run(Self.matrixFunctions) }
    func testEinstein() { run(Self.einstein) }
    func testProblems() { run(Self.problems) }
}

extension RaisingRoundTripTests {
    /// An entrywise function read on its argument's diagonal (a delta renamed one axis into the other).
    static let diagonals: [Case] = [
        Case("x: vector(d); D: matrix(d, d); x .* diag(exp(tanh(D)).^0.5)", "x .* exp(tanh(diag(D))).^0.5"),
        Case("D: matrix(d, d); y[i] = sigmoid(D[i, j])*delta[i, j]", "sigmoid(diag(D))"),
        Case("A: matrix(n, d); P: matrix(n, d), positive; D: matrix(d, d); x: vector(d); ((A ./ P)*(1 - D))*(sign(D .* D) .* Diag(x))"),
    ]

    func testDiagonals() { run(Self.diagonals) }
}
