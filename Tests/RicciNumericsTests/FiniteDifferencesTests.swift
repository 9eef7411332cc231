import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The finite-difference oracle against closed forms derived by hand, each evaluated as a program
/// at the same inputs (distinct dimension sizes, so a transposed answer cannot pass).
final class FiniteDifferencesTests: XCTestCase {
    /// Settings with the seed and those of `dims` that `source` uses (n=3, d=4, k=5 by default).
    func settings(_ source: String, seed: UInt64 = 11, dims: [String: Int] = ["n": 3, "d": 4, "k": 5]) -> EvaluationSettings {
        var s = EvaluationSettings()
        s.seed = seed
        let used = Set((try? TypeChecker.check(source: source).dims.symbolicNames) ?? [])
        s.dims = dims.filter { used.contains($0.key) }
        return s
    }

    /// FD of `source` by `wrt` against the closed form `expected` (a program) at the same point.
    func check(_ source: String, _ wrt: String, _ expected: String, tolerance: Double = 1e-8,
               method: FiniteDifferences.Method = .richardson(relativeStep: 1e-3),
               dims: [String: Int] = ["n": 3, "d": 4, "k": 5], file: StaticString = #filePath, line: UInt = #line) {
        do {
            let s = settings(source, dims: dims)
            let fd = try FiniteDifferences.derivative(of: source, wrt: wrt, settings: s,
                                                      options: .init(method: method))
            let closed = try FiniteDifferences.evaluate(resultProgram: expected, at: fd.base, settings: s).value
            let err = FiniteDifferences.relativeError(fd.derivative, closed)
            XCTAssertEqual(fd.derivative.shape, closed.shape, "\(source) by \(wrt)", file: file, line: line)
            XCTAssertLessThan(err, tolerance, "\(source) by \(wrt) vs \(expected)", file: file, line: line)
        } catch {
            XCTFail("\(source) by \(wrt): \(error)", file: file, line: line)
        }
    }

    func testQuadraticFormByVector() {
        check("A: matrix(n, n); x: vector(n); x'*A*x", "x", "A: matrix(n, n); x: vector(n); G = (A + A')*x")
        check("A: matrix(n, n); x: vector(n); x'*A*x", "x", "A: matrix(n, n); x: vector(n); G = (A + A')*x",
              method: .central(relativeStep: 1e-6))
    }

    func testTraceOfProductByMatrix() {
        let decl = "A: matrix(d, n); X: matrix(n, k); B: matrix(k, d); "
        check(decl + "tr(A*X*B)", "X", decl + "G = A'*B'")
        check(decl + "tr(A*X*B)", "A", decl + "G = (X*B)'")
    }

    func testJacobianOfProductIsOrderFour() {
        let decl = "X: matrix(n, d); W: matrix(d, k); "
        check(decl + "X*W", "W", decl + "G: tensor(n, k, d, k); G[i, j, a, b] = X[i, a]*delta[j, b]")
        check(decl + "X*W", "X", decl + "G: tensor(n, k, n, d); G[i, j, a, b] = delta[i, a]*W[b, j]")
    }

    func testJacobianOfVectorByVectorIsMByN() {
        let decl = "A: matrix(n, d); x: vector(d); "
        check(decl + "tanh(A*x)", "x", decl + "G = Diag(tanh'(A*x))*A")
    }

    func testScalarVariableAndPositiveInputs() {
        check("x: vector(d); alpha*sum(exp(x))", "alpha", "x: vector(d); G = sum(exp(x))")
        check("x: vector(d), positive; sum(log(x)) + sum(sqrt(x))", "x",
              "x: vector(d), positive; G = 1 ./ x + 0.5 ./ sqrt(x)")
    }

    func testUserFunctionsKeepTheirStandIns() throws {
        let src = "x: vector(n); h: elementwise; F: function -> vector(d); sum(h(x)) + sum(F(x))"
        let s = settings(src)
        let first = try Evaluator.evaluate(source: src, settings: s)
        // the same seed with the inputs given must give the same stand-ins, so the same value
        var given = s
        given.values = Dictionary(uniqueKeysWithValues: first.inputs)
        let again = try Evaluator.evaluate(source: src, settings: given)
        XCTAssertEqual(first.value.data, again.value.data)
        // and a program that declares the names in another order, and reads only h', too
        let other = try FiniteDifferences.evaluate(
            resultProgram: "F: function -> vector(d); h: elementwise; x: vector(n); sum(h(x)) + sum(F(x))", at: first, settings: s)
        XCTAssertEqual(first.value.data, other.value.data)
        check(src, "x", "x: vector(n); h: elementwise; F: function -> vector(d); G[k] = h'(x[k]) + F'(x)[i, k]")
    }

    func testHessianBySecondDifferencesAndByGradientProgram() throws {
        let src = "A: matrix(n, n); x: vector(n); x'*A*x"
        let s = settings(src)
        let h = try FiniteDifferences.hessian(of: src, wrt: "x", settings: s)
        let closed = try FiniteDifferences.evaluate(resultProgram: "A: matrix(n, n); G = A + A'", at: h.base, settings: s).value
        XCTAssertEqual(h.derivative.shape, [3, 3])
        XCTAssertLessThan(FiniteDifferences.relativeError(h.derivative, closed), 1e-7)
        let viaGradient = try FiniteDifferences.hessian(ofGradientProgram: "A: matrix(n, n); x: vector(n); G = (A + A')*x",
                                                        wrt: "x", at: h.base, settings: s)
        XCTAssertLessThan(FiniteDifferences.relativeError(viaGradient, closed), 1e-9)
    }

    func testHessianByMatrixIsOrderFour() throws {
        // f = normF(X*W)^2: H[a, b, c, e] = 2 (X'X)[a, c] δ[b, e]
        let src = "X: matrix(n, d); W: matrix(d, k); normF(X*W)^2"
        let s = settings(src, dims: ["n": 3, "d": 2, "k": 4])
        let h = try FiniteDifferences.hessian(of: src, wrt: "W", settings: s)
        let closed = try FiniteDifferences.evaluate(resultProgram: "X: matrix(n, d); G[a, b, c, e] = 2*X[i, a]*X[i, c]*delta[b, e]",
                                                    at: h.base, settings: s).value
        XCTAssertEqual(h.derivative.shape, [2, 4, 2, 4])
        XCTAssertLessThan(FiniteDifferences.relativeError(h.derivative, closed), 1e-7)
    }

    func testSymmetricInputsBothConventions() throws {
        let src = "S: matrix(n, n), spd; A: matrix(n, n); logdet(S) + tr(A*S)"
        let s = settings(src)
        // unconstrained: inv(S)' + A'
        check(src, "S", "S: matrix(n, n), spd; A: matrix(n, n); G = inv(S)' + A'", tolerance: 1e-8)
        // symmetric pairs: G + G' - Diag(diag(G))
        let pairs = try FiniteDifferences.derivative(of: src, wrt: "S", settings: s,
                                                     options: .init(symmetric: .symmetricPairs))
        let closed = try FiniteDifferences.evaluate(
            resultProgram: "S: matrix(n, n), spd; A: matrix(n, n); G0 = inv(S)' + A'; G = G0 + G0' - Diag(diag(G0))",
            at: pairs.base, settings: s).value
        XCTAssertLessThan(FiniteDifferences.relativeError(pairs.derivative, closed), 1e-8)
    }

    func testRichardsonIsMoreAccurateThanPlainCentral() throws {
        let src = "x: vector(d); sum(exp(3*x))"
        let s = settings(src)
        let r = try FiniteDifferences.derivative(of: src, wrt: "x", settings: s)
        let c = try FiniteDifferences.derivative(of: src, wrt: "x", settings: s, options: .init(method: .central(relativeStep: 1e-6)))
        let closed = try FiniteDifferences.evaluate(resultProgram: "x: vector(d); G = 3*exp(3*x)", at: r.base, settings: s).value
        let er = FiniteDifferences.relativeError(r.derivative, closed), ec = FiniteDifferences.relativeError(c.derivative, closed)
        XCTAssertLessThan(er, 1e-10)
        XCTAssertLessThan(ec, 1e-7)
    }

    func testGivenValuesAreTheEvaluationPoint() throws {
        var s = settings("x: vector(n)")
        s.values["x"] = Tensor(vector: [1, 2, 3])
        let fd = try FiniteDifferences.derivative(of: "x: vector(n); sum(x .^ 3)", wrt: "x", settings: s)
        XCTAssertEqual(fd.derivative.shape, [3])
        for (a, e) in zip(fd.derivative.data, [3.0, 12, 27]) { XCTAssertEqual(a, e, accuracy: 1e-9) }
    }

    func testErrorsAndHelpers() throws {
        let s = settings("x: vector(n)")
        XCTAssertThrowsError(try FiniteDifferences.derivative(of: "x: vector(n); sum(x)", wrt: "y", settings: s))
        XCTAssertThrowsError(try FiniteDifferences.derivative(of: "x: vector(n); E = 2*x; sum(E)", wrt: "E", settings: s))
        XCTAssertThrowsError(try FiniteDifferences.hessian(of: "x: vector(n); 2*x", wrt: "x", settings: s))
        XCTAssertEqual(FiniteDifferences.relativeError(Tensor(vector: [1, 2]), Tensor(vector: [1, 2, 3])), .infinity)
        XCTAssertEqual(FiniteDifferences.relativeError(Tensor(vector: [1, 2.5]), Tensor(vector: [1, 2])), 0.25)
        XCTAssertEqual(FiniteDifferences.relativeError(Tensor(vector: [0.5]), Tensor(vector: [0.25])), 0.25)
        let m = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try FiniteDifferences.numeratorLayout(m, wrtOrder: 2).shape, [3, 2])
        XCTAssertEqual(try FiniteDifferences.numeratorLayout(Tensor(vector: [1, 2]), wrtOrder: 1).shape, [1, 2])
    }
}
