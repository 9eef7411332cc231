import Foundation
import XCTest
import Ricci
import RicciNumerics

/// SYNTAX.md section 3 (Einstein notation), order-3 and order-4 tensors, and opaque functions.
final class NumericEinsteinTests: XCTestCase {
    var rng = TestRandom(11)
    lazy var A = rng.matrix(3, 4)
    lazy var B = rng.matrix(4, 5)
    lazy var C = rng.matrix(3, 5)
    lazy var S = rng.matrix(3, 3)
    lazy var x = rng.vector(3)
    lazy var w = rng.vector(4)

    func ev(_ src: String, extra: [String: Tensor] = [:], file: StaticString = #filePath, line: UInt = #line) -> Tensor? {
        let decl = "A: matrix(3, 4); B: matrix(4, 5); C: matrix(3, 5); S: matrix(3, 3); x: vector(3); w: vector(4)\n"
        var vs = ["A": tensor(A), "B": tensor(B), "C": tensor(C), "S": tensor(S), "x": tensor(x), "w": tensor(w)]
        for (k, v) in extra { vs[k] = v }
        return evaluate(decl + src, vs, file: file, line: line)
    }

    func testExplicitLeftSide() {
        assertClose(ev("Y[i, k] = A[i, j]*B[j, k]"), matmul(A, B))
        // the left side fixes the order
        assertClose(ev("Y[k, i] = A[i, j]*B[j, k]"), transpose(matmul(A, B)))
        // an index missing from the left side is summed even if it appears once
        assertClose(ev("r[i] = A[i, j]"), vector: A.map { $0.reduce(0, +) })
        assertClose(ev("t[] = A[i, j]"), scalar: A.flatMap { $0 }.reduce(0, +))
        // on the left side an index may appear three times on the right: y_i = S_ii x_i
        assertClose(ev("y[i] = S[i, i]*x[i]"), vector: (0..<3).map { S[$0][$0] * x[$0] })
        // a sum with a term
        assertClose(ev("Y[i, k] = A[i, j]*B[j, k] + C[i, k]"), entrywise(matmul(A, B), C, +))
        assertClose(ev("Y[i, k] = A[i, j]*B[j, k] - 2*C[i, k]"), entrywise(matmul(A, B), C) { $0 - 2 * $1 })
    }

    func testImplicitRule() {
        assertClose(ev("A[i, j]*B[j, k]"), matmul(A, B))
        // free indices are alphabetical: A[j, i] is Aᵀ
        assertClose(ev("A[j, i]"), transpose(A))
        // Σ_k B_kj A_ik with free (i, j) in alphabetical order is (AB)_ij, whatever the factor order
        assertClose(ev("B[k, j]*A[i, k]"), matmul(A, B))
        assertClose(ev("S[i, i]"), scalar: S[0][0] + S[1][1] + S[2][2])
        var ab = 0.0
        for i in 0..<3 { for j in 0..<4 { ab += A[i][j] * A[i][j] } }
        assertClose(ev("A[i, j]*A[i, j]"), scalar: ab)
        var outer = Matrix(repeating: [0, 0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<4 { outer[i][j] = x[i] * w[j] } }
        assertClose(ev("x[i]*w[j]"), outer)
        assertClose(ev("w[b]*x[a]"), outer)
        assertClose(ev("A[i, j] + A[i, j]"), entrywise(A) { 2 * $0 })
        assertClose(ev("A[i, j] + 1"), entrywise(A) { $0 + 1 })
        assertClose(ev("-A[i, j]*w[j]"), vector: matvec(A, w).map { -$0 })
    }

    func testFullyContractedTermsInsideExpressions() {
        // a term whose indices are all summed is a scalar, also inside a sum or a function
        assertClose(ev("delta[i, j]*S[i, j] + δ[i, j]*S[j, i]"), scalar: 2 * (S[0][0] + S[1][1] + S[2][2]))
        var xx = 0.0
        for v in x { xx += v * v }
        assertClose(ev("sqrt(x[i]*x[i])"), scalar: xx.squareRoot())
        assertClose(ev("exp(x[i]*x[i]) - 1"), scalar: exp(xx) - 1)
        var ac = 0.0
        for i in 0..<3 { for j in 0..<4 { ac += A[i][j] * A[i][j] } }
        assertClose(ev("log(A[i, j]*A[i, j])*w[k]"), vector: w.map { log(ac) * $0 })
    }

    func testScalarTermBroadcastsAndKeepsItsOwnSums() {
        // x[i]*A[i, j]*w[j] has every index twice: it is the scalar xᵀAw, added to every entry of A
        var q = 0.0
        for i in 0..<3 { for j in 0..<4 { q += x[i] * A[i][j] * w[j] } }
        assertClose(ev("A[i, j] + x[i]*A[i, j]*w[j]"), entrywise(A) { $0 + q })
        assertClose(ev("Y[i, j] = A[i, j] - x[k]*A[k, l]*w[l]"), entrywise(A) { $0 - q })
    }

    func testDelta() {
        assertClose(ev("delta[i, j]*S[i, j]"), scalar: S[0][0] + S[1][1] + S[2][2])
        assertClose(ev("δ[i, j]*A[j, k]"), A)
        var d = identity(3)
        for i in 0..<3 { d[i][i] = x[i] }
        assertClose(ev("Y[i, j] = x[i]*delta[i, j]"), d)
        assertClose(ev("x[i]*δ[i, j]*x[j]"), scalar: x.map { $0 * $0 }.reduce(0, +))
        assertClose(ev("δ[i, j]*S[j, k]"), S)
        assertClose(ev("Y[i, k] = delta[i, j]*S[j, k]"), S)
    }

    func testMixedNotation() {
        assertClose(ev("(A*B)[i, j]"), matmul(A, B))
        assertClose(ev("(A*B)[j, i]"), transpose(matmul(A, B)))
        let s = rng.wellConditioned(3)
        assertClose(ev("inv(K)[i, j]", extra: ["K": tensor(s)]), inverse(s))
        assertClose(ev("inv(K)[i, j]*x[j]", extra: ["K": tensor(s)]), vector: matvec(inverse(s), x))
        assertClose(ev("A'[i, j]"), transpose(A))
        assertClose(ev("tanh(A[i, a]*B[a, j])"), entrywise(matmul(A, B)) { tanh($0) })
        assertClose(ev("Y[i, j] = exp(A[i, a]*B[a, j]) .* C[i, j]"), entrywise(entrywise(matmul(A, B)) { exp($0) }, C, *))
        var ss = 0.0
        for r in S { for v in r { ss += v } }
        assertClose(ev("sum(S) * A[i, j]"), entrywise(A) { ss * $0 })
    }

    func testOrderThreeTensor() {
        let shape = [3, 4, 5]
        let t = rng.flat(shape)
        let v = rng.vector(5)
        let vals = ["T": tensor(shape, t), "v": tensor(v)]
        var m = Matrix(repeating: [Double](repeating: 0, count: 4), count: 3)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { m[i][j] += t[offset([i, j, k], shape)] * v[k] } } }
        assertClose(ev("T: tensor(3, 4, 5); v: vector(5)\nT[i, j, k]*v[k]", extra: vals), m)
        var r = [Double](repeating: 0, count: 5)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { r[k] += A[i][j] * t[offset([i, j, k], shape)] } } }
        assertClose(ev("T: tensor(3, 4, 5); v: vector(5)\nA[i, j]*T[i, j, k]", extra: vals), vector: r)
        // a permutation of the axes
        var p = [Double](repeating: 0, count: 60)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { p[offset([k, i, j], [5, 3, 4])] = t[offset([i, j, k], shape)] } } }
        assertClose(ev("T: tensor(3, 4, 5); v: vector(5)\nY[k, i, j] = T[i, j, k]", extra: vals), [5, 3, 4], p)
        // through matrix notation: a product with ':'
        assertClose(ev("T: tensor(3, 4, 5); v: vector(5)\nT : v", extra: vals), m)
    }

    func testOrderFourTensor() {
        let shape = [3, 4, 3, 4]
        let h = rng.flat(shape)
        let vals = ["H": tensor(shape, h)]
        var y = Matrix(repeating: [Double](repeating: 0, count: 4), count: 3)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<3 { for l in 0..<4 {
            y[i][j] += h[offset([i, j, k, l], shape)] * A[k][l]
        } } } }
        assertClose(ev("H: tensor(3, 4, 3, 4)\nH[i, j, k, l]*A[k, l]", extra: vals), y)
        assertClose(ev("H: tensor(3, 4, 3, 4)\nH : A", extra: vals), y)
        var tr = 0.0
        for i in 0..<3 { for j in 0..<4 { tr += h[offset([i, j, i, j], shape)] } }
        assertClose(ev("H: tensor(3, 4, 3, 4)\nH[i, j, i, j]", extra: vals), scalar: tr)
        // A : H : A
        var q = 0.0
        for i in 0..<3 { for j in 0..<4 { q += A[i][j] * y[i][j] } }
        assertClose(ev("H: tensor(3, 4, 3, 4)\nA : H : A", extra: vals), scalar: q)
        // swap the pairs
        var sw = [Double](repeating: 0, count: 144)
        for i in 0..<3 { for j in 0..<4 { for k in 0..<3 { for l in 0..<4 {
            sw[offset([k, l, i, j], shape)] = h[offset([i, j, k, l], shape)]
        } } } }
        assertClose(ev("H: tensor(3, 4, 3, 4)\nG[k, l, i, j] = H[i, j, k, l]", extra: vals), shape, sw)
    }

    func testOpaqueJacobianMatchesFiniteDifferences() throws {
        // F'(W) is the Jacobian of F at W: Γ_ijkl = ∂F_ij/∂W_kl, checked by central differences
        // (the same seed gives the same instance of F at every point).
        let w = rng.matrix(3, 4)
        let decl = "F: function -> matrix(2, 5); W: matrix(3, 4)\n"
        func f(_ m: Matrix) -> Tensor? { evaluate(decl + "F(W)", ["W": tensor(m)], seed: 5) }
        let jac = try XCTUnwrap(evaluate(decl + "F'(W)", ["W": tensor(w)], seed: 5))
        XCTAssertEqual(jac.shape, [2, 5, 3, 4])
        let jacIndexed = try XCTUnwrap(evaluate(decl + "F'(W)[i, j, k, l]", ["W": tensor(w)], seed: 5))
        assertClose(jacIndexed, jac.shape, jac.data)
        let h = 1e-6
        var fd = [Double](repeating: 0, count: 120)
        for k in 0..<3 { for l in 0..<4 {
            var up = w, down = w
            up[k][l] += h
            down[k][l] -= h
            guard let fu = f(up), let fdn = f(down) else { return }
            for i in 0..<2 { for j in 0..<5 {
                fd[offset([i, j, k, l], [2, 5, 3, 4])] = (fu.data[i * 5 + j] - fdn.data[i * 5 + j]) / (2 * h)
            } }
        } }
        assertClose(jac, [2, 5, 3, 4], fd, tolerance: 1e-6)
        // A : F'(W) contracts the result axes
        let a = rng.matrix(2, 5)
        var g = [Double](repeating: 0, count: 12)
        for i in 0..<2 { for j in 0..<5 { for k in 0..<3 { for l in 0..<4 {
            g[k * 4 + l] += a[i][j] * jac.data[offset([i, j, k, l], [2, 5, 3, 4])]
        } } } }
        assertClose(evaluate(decl + "M: matrix(2, 5)\nM : F'(W)", ["W": tensor(w), "M": tensor(a)], seed: 5), [3, 4], g)
        assertClose(evaluate(decl + "M: matrix(2, 5)\nM[i, j]*F'(W)[i, j, k, l]", ["W": tensor(w), "M": tensor(a)], seed: 5), [3, 4], g)
    }

    func testP1GradientMatchesFiniteDifferences() throws {
        // ∂/∂W normF(F(W) − βDᵀZ)² = 2 (F(W) − βDᵀZ) : F'(W)
        let decl = "D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
        let dims = ["d": 3, "m": 4, "l": 5, "n": 2]
        let d = rng.matrix(3, 4), z = rng.matrix(3, 5), w = rng.matrix(3, 2), beta = rng.matrix(2, 4)
        let vals = ["D": tensor(d), "Z": tensor(z), "W": tensor(w), "beta": tensor(beta)]
        let grad = try XCTUnwrap(evaluate(decl + "2*(F(W) - beta*D'*Z) : F'(W)", vals, dims: dims, seed: 9))
        XCTAssertEqual(grad.shape, [3, 2])
        let h = 1e-6
        var fd = [Double](repeating: 0, count: 6)
        for k in 0..<3 { for l in 0..<2 {
            var up = vals, down = vals
            var wu = w, wd = w
            wu[k][l] += h
            wd[k][l] -= h
            up["W"] = tensor(wu)
            down["W"] = tensor(wd)
            guard let a = evaluate(decl + "normF(F(W) - beta*D'*Z)^2", up, dims: dims, seed: 9),
                  let b = evaluate(decl + "normF(F(W) - beta*D'*Z)^2", down, dims: dims, seed: 9) else { return }
            fd[k * 2 + l] = (a.data[0] - b.data[0]) / (2 * h)
        } }
        assertClose(grad, [3, 2], fd, tolerance: 1e-6)
    }
}
