import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Built-in functions of SYNTAX.md section 2, evaluated and compared with plain loops.
final class NumericFunctionTests: XCTestCase {
    var rng = TestRandom(7)
    /// Entries in (-0.9, 0.9), away from 0 (so relu, step, sign, abs are smooth there).
    lazy var U: Matrix = rng.matrix(3, 4).map { $0.map { v in (v >= 0 ? 1 : -1) * (0.1 + 0.8 * abs(v)) } }
    lazy var P: Matrix = rng.matrix(3, 4, 0.2, 3)   // positive

    func one(_ src: String, _ m: Matrix, name: String = "U", functions: [String: EntrywiseFunction] = [:],
             file: StaticString = #filePath, line: UInt = #line) -> Tensor? {
        evaluate("\(name): matrix(3, 4)\n" + src, [name: tensor(m)], functions: functions, file: file, line: line)
    }

    // MARK: - entrywise

    static let reference: [(String, (Double) -> Double)] = [
        ("exp", { exp($0) }), ("sin", { sin($0) }), ("cos", { cos($0) }), ("tan", { tan($0) }), ("tanh", { tanh($0) }),
        ("sigmoid", { 1 / (1 + exp(-$0)) }), ("relu", { max(0, $0) }), ("step", { $0 > 0 ? 1 : 0 }),
        ("abs", { abs($0) }), ("sign", { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }), ("softplus", { log(1 + exp($0)) }),
        ("asin", { asin($0) }), ("acos", { acos($0) }), ("atan", { atan($0) }), ("sinh", { sinh($0) }),
        ("cosh", { cosh($0) }), ("atanh", { atanh($0) }),
        ("arcsin", { asin($0) }), ("arccos", { acos($0) }), ("arctan", { atan($0) }),
    ]

    func testEveryEntrywiseFunction() {
        for (f, g) in Self.reference {
            assertClose(one("\(f)(U)", U), entrywise(U, g), f)
        }
        // log and sqrt on positive entries
        assertClose(one("log(P)", P, name: "P"), entrywise(P) { log($0) })
        assertClose(one("sqrt(P)", P, name: "P"), entrywise(P) { $0.squareRoot() })
        // every built-in is covered
        let covered = Set(Self.reference.map(\.0) + ["log", "sqrt"])
        for f in EntrywiseFunction.allCases { XCTAssertTrue(covered.contains(f.rawValue), f.rawValue) }
    }

    func testEntrywiseOnVectorsAndScalars() {
        let v = rng.vector(5)
        assertClose(evaluate("v: vector(5)\ntanh(v)", ["v": tensor(v)]), vector: v.map { tanh($0) })
        assertClose(evaluate("exp(alpha)", ["alpha": tensor(0.5)]), scalar: exp(0.5))
    }

    func testDerivativesOfBuiltins() {
        assertClose(one("relu'(U)", U), entrywise(U) { $0 > 0 ? 1 : 0 })
        assertClose(one("relu'(U) - step(U)", U), entrywise(U) { _ in 0 })
        assertClose(one("sigmoid'(U)", U), entrywise(U) { sigmoid($0) * (1 - sigmoid($0)) })
        assertClose(one("tanh'(U)", U), entrywise(U) { 1 - tanh($0) * tanh($0) })
        assertClose(one("tanh′(U)", U), entrywise(U) { 1 - tanh($0) * tanh($0) })
        assertClose(one("exp'(U)", U), entrywise(U) { exp($0) })
        assertClose(one("sin'(U)", U), entrywise(U) { cos($0) })
        assertClose(one("cos'(U)", U), entrywise(U) { -sin($0) })
        assertClose(one("atan'(U)", U), entrywise(U) { 1 / (1 + $0 * $0) })
        assertClose(one("softplus'(U)", U), entrywise(U) { sigmoid($0) })
        assertClose(one("abs'(U)", U), entrywise(U) { $0 > 0 ? 1 : -1 })
        assertClose(one("log'(P)", P, name: "P"), entrywise(P) { 1 / $0 })
        assertClose(one("sqrt'(P)", P, name: "P"), entrywise(P) { 0.5 / $0.squareRoot() })
        // second derivatives
        assertClose(one("tanh''(U)", U), entrywise(U) { -2 * tanh($0) * (1 - tanh($0) * tanh($0)) })
        assertClose(one("sigmoid''(U)", U), entrywise(U) { let s = sigmoid($0); return s * (1 - s) * (1 - 2 * s) })
        assertClose(one("sin''(U)", U), entrywise(U) { -sin($0) })
    }

    func testDerivativesMatchFiniteDifferences() {
        // every f' against a central difference of f (computed by the engine at shifted points)
        let h = 1e-6
        for (f, _) in Self.reference where !["relu", "step", "abs", "sign"].contains(f) {
            guard let d = one("\(f)'(U)", U), let up = one("\(f)(U)", entrywise(U) { $0 + h }),
                  let down = one("\(f)(U)", entrywise(U) { $0 - h }) else { continue }
            let fd = zip(up.data, down.data).map { ($0 - $1) / (2 * h) }
            assertClose(d, [3, 4], fd, tolerance: 1e-6, f)
        }
    }

    func testElementwiseUserFunction() {
        // h stands for tanh
        assertClose(one("h: elementwise\nh(U)", U, functions: ["h": .tanh]), entrywise(U) { tanh($0) })
        assertClose(one("h: elementwise\nh'(U)", U, functions: ["h": .tanh]), entrywise(U) { 1 - tanh($0) * tanh($0) })
        assertClose(one("g: elementwise\ng'(U) .* g(U)", U, functions: ["g": .sigmoid]),
                    entrywise(U) { sigmoid($0) * sigmoid($0) * (1 - sigmoid($0)) })
    }

    func testElementwiseInstanceDerivativeMatchesFiniteDifferences() {
        // without a stand-in, h is a random smooth function: h' must be its derivative
        let h = 1e-6
        guard let d = one("h: elementwise\nh'(U)", U),
              let up = one("h: elementwise\nh(U)", entrywise(U) { $0 + h }),
              let down = one("h: elementwise\nh(U)", entrywise(U) { $0 - h }) else { return }
        assertClose(d, [3, 4], zip(up.data, down.data).map { ($0 - $1) / (2 * h) }, tolerance: 1e-6)
    }

    // MARK: - reductions

    func testReductions() {
        let m = rng.matrix(3, 4), v = rng.vector(5), s = rng.wellConditioned(4)
        var sum = 0.0, sq = 0.0, ab = 0.0
        for r in m { for e in r { sum += e; sq += e * e; ab += abs(e) } }
        let vals = ["M": tensor(m), "v": tensor(v), "S": tensor(s)]
        let decl = "M: matrix(3, 4); v: vector(5); S: matrix(4, 4)\n"
        assertClose(evaluate(decl + "sum(M)", vals), scalar: sum)
        assertClose(evaluate(decl + "normF(M)", vals), scalar: sq.squareRoot())
        assertClose(evaluate(decl + "norm2(M)", vals), scalar: sq.squareRoot())
        assertClose(evaluate(decl + "norm1(M)", vals), scalar: ab)
        var tr = 0.0
        for i in 0..<4 { tr += s[i][i] }
        assertClose(evaluate(decl + "tr(S)", vals), scalar: tr)
        var vs = 0.0, vsq = 0.0, va = 0.0, ve = 0.0
        for e in v { vs += e; vsq += e * e; va += abs(e); ve += exp(e) }
        assertClose(evaluate(decl + "sum(v)", vals), scalar: vs)
        assertClose(evaluate(decl + "norm2(v)", vals), scalar: vsq.squareRoot())
        assertClose(evaluate(decl + "normF(v)", vals), scalar: vsq.squareRoot())
        assertClose(evaluate(decl + "norm1(v)", vals), scalar: va)
        assertClose(evaluate(decl + "logsumexp(v)", vals), scalar: log(ve))
        var me = 0.0
        for r in m { for e in r { me += exp(e) } }
        assertClose(evaluate(decl + "logsumexp(M)", vals), scalar: log(me))
        // logsumexp is stable for large entries
        assertClose(evaluate("v: vector(3)\nlogsumexp(v)", ["v": tensor([1000, 1000, 1000])]), scalar: 1000 + log(3))
    }

    // MARK: - matrix functions

    func testInverseDeterminantLogdet() {
        let a = rng.wellConditioned(4)
        let spd = rng.spd(3)
        let vals = ["A": tensor(a), "K": tensor(spd)]
        let decl = "A: matrix(4, 4); K: matrix(3, 3), spd\n"
        assertClose(evaluate(decl + "inv(A)", vals), inverse(a))
        assertClose(evaluate(decl + "det(A)", vals), scalar: determinant(a))
        assertClose(evaluate(decl + "logdet(K)", vals), scalar: log(determinant(spd)))
        assertClose(evaluate(decl + "inv(K)*K", vals), identity(3))
        // of a scalar
        assertClose(evaluate("inv(alpha)", ["alpha": tensor(4)]), scalar: 0.25)
        assertClose(evaluate("det(alpha)", ["alpha": tensor(-3)]), scalar: -3)
        assertClose(evaluate("logdet(alpha)", ["alpha": tensor(3)]), scalar: log(3))
    }

    func testDiagBothMeanings() {
        let a = rng.matrix(4, 4), v = rng.vector(4)
        let vals = ["A": tensor(a), "v": tensor(v)]
        let decl = "A: matrix(4, 4); v: vector(4)\n"
        assertClose(evaluate(decl + "diag(A)", vals), vector: (0..<4).map { a[$0][$0] })
        var d = identity(4)
        for i in 0..<4 { d[i][i] = v[i] }
        assertClose(evaluate(decl + "diag(v)", vals), d)
        assertClose(evaluate(decl + "Diag(v)", vals), d)
        assertClose(evaluate(decl + "Diag(v)*A", vals), matmul(d, a))
        assertClose(evaluate(decl + "diag(diag(A))", vals), (0..<4).map { i in (0..<4).map { j in i == j ? a[i][i] : 0 } })
    }

    func testKron() {
        let a = rng.matrix(2, 3), b = rng.matrix(4, 5)
        var k = Matrix(repeating: [Double](repeating: 0, count: 15), count: 8)
        for i in 0..<2 { for j in 0..<3 { for p in 0..<4 { for q in 0..<5 {
            k[i * 4 + p][j * 5 + q] = a[i][j] * b[p][q]
        } } } }
        assertClose(evaluate("A: matrix(2, 3); B: matrix(4, 5)\nkron(A, B)", ["A": tensor(a), "B": tensor(b)]), k)
        // vectors
        let x = rng.vector(3), y = rng.vector(2)
        var kv = [Double]()
        for i in 0..<3 { for j in 0..<2 { kv.append(x[i] * y[j]) } }
        assertClose(evaluate("x: vector(3); y: vector(2)\nkron(x, y)", ["x": tensor(x), "y": tensor(y)]), vector: kv)
    }

    func testVecIsColumnMajor() {
        let a = rng.matrix(3, 4)
        var v = [Double]()
        for j in 0..<4 { for i in 0..<3 { v.append(a[i][j]) } }
        assertClose(evaluate("A: matrix(3, 4)\nvec(A)", ["A": tensor(a)]), vector: v)
        // vec(AXB) = kron(B', A) vec(X)
        let x = rng.matrix(4, 2), b = rng.matrix(2, 5)
        let axb = matmul(matmul(a, x), b)
        var w = [Double]()
        for j in 0..<5 { for i in 0..<3 { w.append(axb[i][j]) } }
        assertClose(evaluate("A: matrix(3, 4); X: matrix(4, 2); B: matrix(2, 5)\nkron(B', A)*vec(X)",
                             ["A": tensor(a), "X": tensor(x), "B": tensor(b)]), vector: w)
    }

    func testSoftmax() {
        let v = rng.vector(5)
        let e = v.map { exp($0) }
        let s = e.reduce(0, +)
        assertClose(evaluate("v: vector(5)\nsoftmax(v)", ["v": tensor(v)]), vector: e.map { $0 / s })
        // column by column
        let m = rng.matrix(3, 4)
        var out = m
        for j in 0..<4 {
            var t = 0.0
            for i in 0..<3 { t += exp(m[i][j]) }
            for i in 0..<3 { out[i][j] = exp(m[i][j]) / t }
        }
        assertClose(evaluate("M: matrix(3, 4)\nsoftmax(M)", ["M": tensor(m)]), out)
        // stable for large entries
        assertClose(evaluate("v: vector(2)\nsoftmax(v)", ["v": tensor([1000, 1000])]), vector: [0.5, 0.5])
    }

    // MARK: - constructors

    func testEyeOnesZeros() {
        assertClose(evaluate("eye(3)"), identity(3))
        assertClose(evaluate("ones(4)"), vector: [1, 1, 1, 1])
        assertClose(evaluate("ones(2, 3)"), [[1, 1, 1], [1, 1, 1]])
        assertClose(evaluate("zeros(2, 3)"), [[0, 0, 0], [0, 0, 0]])
        assertClose(evaluate("zeros(3)"), vector: [0, 0, 0])
        let a = rng.matrix(4, 4)
        // eye alone takes its size from its use
        assertClose(evaluate("A: matrix(4, 4)\nA + eye", ["A": tensor(a)]), entrywise(a, identity(4), +))
        assertClose(evaluate("A: matrix(4, 4)\nA*eye - 2*eye", ["A": tensor(a)]), entrywise(a, identity(4)) { $0 - 2 * $1 })
        // dimension names as numbers
        let x = rng.matrix(3, 5)
        var colsum = [Double](repeating: 0, count: 5)
        for i in 0..<3 { for j in 0..<5 { colsum[j] += x[i][j] } }
        assertClose(evaluate("X: matrix(n, d)\nones(n)'*X", ["X": tensor(x)]), [1, 5], colsum)
        assertClose(evaluate("X: matrix(n, d)\neye(n)*X + zeros(n, d)", ["X": tensor(x)]), x)
        assertClose(evaluate("ones(n)'*ones(n)", dims: ["n": 7]), scalar: 7)
    }
}
