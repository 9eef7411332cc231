import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Einstein-notation programs, programs with definitions, Jacobians of order 2 to 4, Hessians by
/// vectors and matrices, the numerator layout.
extension DerivativeTableTests {
    func testEinsteinPrograms() { run(Self.einsteinCases, "einstein programs") }
    func testDefinitions() { run(Self.definitionCases, "definitions") }
    func testJacobians() { run(Self.jacobianCases, "jacobians") }
    func testHessians() { run(Self.hessianCases, "hessians") }
    func testLayouts() { run(Self.layoutCases, "layouts") }
    func testRegressions() { run(Self.regressionCases, "regressions") }

    static let einsteinCases: [DerivativeCase] = [
        grad("A: matrix(n, d); x: vector(d); y: vector(n); y[i]*A[i, j]*x[j]", "A", ["n", "d"]),
        grad("A: matrix(n, d); x: vector(d); Y[i] = A[i, j]*x[j]; Y[i]*Y[i]", "x", ["d"]),
        grad("T: tensor(n, d, k); x: vector(n); y: vector(d); z: vector(k); T[a, b, c]*x[a]*y[b]*z[c]", "T", ["n", "d", "k"]),
        grad("T: tensor(n, d, k); x: vector(n); y: vector(d); z: vector(k); T[a, b, c]*x[a]*y[b]*z[c]", "y", ["d"]),
        grad("X: matrix(n, d); W: matrix(d, k); B: matrix(n, k); tanh(X[i, a]*W[a, j])*B[i, j]", "W", ["d", "k"]),
        grad("X: matrix(n, d); W: matrix(d, k); G[i, j] = X[i, a]*W[a, j]; normF(G)^2", "W", ["d", "k"]),
        grad("S: matrix(n, n); x: vector(n); S[i, j]*x[i]*x[j] + delta[i, j]*S[i, j]", "S", ["n", "n"]),
        grad("x: vector(n); A: matrix(n, n); exp(A[i, j]*x[j])*x[i]", "x", ["n"]),
        grad("X: matrix(n, d); a: vector(n); (X*X')[i, j]*a[i]*a[j]", "X", ["n", "d"]),
        jac("A: matrix(n, d); x: vector(d); exp(A[i, j]*x[j])", "x", ["n", "d"]),
        jac("X: matrix(n, d); W: matrix(d, k); Y[i, j] = X[i, a]*W[a, j]", "W", ["n", "k", "d", "k"]),
        jac("x: vector(n); y: vector(d); Y[i, j] = x[i]*y[j]", "x", ["n", "d", "n"]),
    ]

    static let definitionCases: [DerivativeCase] = [
        grad("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise; E = h(X*W)*alpha - y; normF(E)^2",
             "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); H = tanh(X*W); E = H*alpha - y; E'*E",
             "W", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); H = tanh(X*W); E = H*alpha - y; E'*E",
             "alpha", ["k"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); U = X*W; V = sigmoid(U); sum(V .* V)", "X", ["n", "d"], matrix: true),
        grad("A: matrix(k, n); X: matrix(n, d); M = A*X; N = M'*M; tr(N)", "X", ["n", "d"], matrix: true),
        grad("X: matrix(1, m); W: matrix(m, l); b: matrix(1, l); y: vector(l); f = X*W + b; f*y", "W", ["m", "l"], matrix: true),
        grad("x: vector(n); s = x'*x; t = s*s; t + s", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); W1: matrix(d, k); W2: matrix(k, m); Y: matrix(n, m); H = relu(X*W1); P = H*W2; normF(P - Y)^2",
             "W1", ["d", "k"], matrix: true),
        grad("X: matrix(n, d); W1: matrix(d, k); W2: matrix(k, m); Y: matrix(n, m); H = relu(X*W1); P = H*W2; normF(P - Y)^2",
             "W2", ["k", "m"], matrix: true),
        grad("S: matrix(n, n), spd; x: vector(n); mu: vector(n); r = x - mu; Q = inv(S); r'*Q*r/2 + logdet(S)/2",
             "mu", ["n"], matrix: true),
        grad("S: matrix(n, n), spd; x: vector(n); mu: vector(n); r = x - mu; Q = inv(S); r'*Q*r/2 + logdet(S)/2",
             "S", ["n", "n"], matrix: true),
        grad("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d); x = W*z; r = relu(x); y = B*V*r; A*y.^2",
             "W", ["k", "d"], matrix: true),
    ]

    static let jacobianCases: [DerivativeCase] = [
        jac("A: matrix(n, d); x: vector(d); A*x", "x", ["n", "d"], matrix: true),
        jac("X: matrix(n, d); a: vector(d); X*a", "a", ["n", "d"], matrix: true),
        jac("x: vector(n); alpha*x", "x", ["n", "n"], matrix: true),
        jac("x: vector(n); alpha*x", "alpha", ["n"], matrix: true),
        jac("A: matrix(n, d); x: vector(d); A*x", "A", ["n", "n", "d"]),
        jac("x: vector(n); y: vector(d); x*y'", "x", ["n", "d", "n"]),
        jac("W: matrix(d, k); x: vector(d); W'*x", "W", ["k", "d", "k"]),
        // PROBLEMS.md P2: the 1×l objective is read as a row, so ∂f_j/∂W_kl is of order 3
        jac("X: matrix(1, m); W: matrix(m, l); b: matrix(1, l); X*W + b", "W", ["l", "m", "l"]),
        jac("X: matrix(n, d); W: matrix(d, k); X*W", "W", ["n", "k", "d", "k"]),
        jac("X: matrix(n, d); W: matrix(d, k); X*W", "X", ["n", "k", "n", "d"]),
        jac("X: matrix(n, d); X'", "X", ["d", "n", "n", "d"]),
        jac("A: matrix(k, n); X: matrix(n, d); B: matrix(d, m); A*X*B", "X", ["k", "m", "n", "d"]),
        jac("X: matrix(n, d); X'*X", "X", ["d", "d", "n", "d"]),
    ]

    static let hessianCases: [DerivativeCase] = [
        hess("A: matrix(n, n); x: vector(n); x'*A*x", "x", ["n", "n"], matrix: true),
        hess("A: matrix(n, d); x: vector(d); sum(exp(A*x))", "x", ["d", "d"], matrix: true),
        hess("x: vector(n); logsumexp(x)", "x", ["n", "n"], matrix: true),
        hess("a: vector(n); x: vector(n); a'*tanh(x)", "x", ["n", "n"], matrix: true),
        hess("A: matrix(n, d); x: vector(d); b: vector(n); normF(A*x - b)^2", "x", ["d", "d"], matrix: true),
        hess("x: vector(n); (x'*x)^2", "x", ["n", "n"]),
        hess("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", ["d", "k", "d", "k"]),
        hess("A: matrix(d, d); W: matrix(d, k); tr(W'*A*W)", "W", ["d", "k", "d", "k"]),
        hess("S: matrix(n, n), spd; logdet(S)", "S", ["n", "n", "n", "n"]),
        hess("X: matrix(n, d); W: matrix(d, k); h: elementwise; sum(h(X*W))", "W", ["d", "k", "d", "k"]),
        hess("X: matrix(n, d); sum(X .* X .* X)", "X", ["n", "d", "n", "d"]),
    ]

    static let layoutCases: [DerivativeCase] = [
        grad("A: matrix(n, n); x: vector(n); x'*A*x", "x", ["1", "n"], matrix: true, layout: .numerator),
        grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", ["k", "d"], matrix: true, layout: .numerator),
        grad("X: matrix(1, m); W: matrix(m, l); b: matrix(1, l); y: vector(l); f = X*W + b; f*y", "W", ["l", "m"], matrix: true,
             layout: .numerator),
        grad("S: matrix(n, n), spd; A: matrix(n, n); logdet(S) + tr(A*S)", "S", ["n", "n"], matrix: true, layout: .numerator),
        grad("x: vector(n); alpha*sum(x)", "alpha", [], layout: .numerator),
        grad("x: vector(n); normF(alpha*x - y)^2", "alpha", [], matrix: true),
        grad("A: matrix(n, d); sum(exp(alpha*A))", "alpha", []),
        grad("alpha*beta + alpha^2 + exp(beta*alpha)", "alpha", [], matrix: true),
    ]

    /// Found by the property tests (RICCI_LONG=1): kept here so that they run every time.
    static let regressionCases: [DerivativeCase] = [
        // a zero intermediate derivative, hoisted as a definition, must still parse back
        grad("A: matrix(n, d); normF((A - A)*exp(tanh(A'*A)))^2", "A", ["n", "d"]),
        grad("A: matrix(n, d); normF(((--A - A)*(exp(tanh(((A)'*A)))).^(-1)))^2", "A", ["n", "d"]),
        // large logits: the printed form must not overflow where softmax itself does not
        // (exp(u)/sum(exp(u)) squared overflows for u > ~355)
        grad("x: vector(n); normF(softmax(300*x))^2", "x", ["n"]),
        grad("x: vector(n); y: vector(n); y'*softmax(100*x)", "x", ["n"]),
    ]
}
