import XCTest
import Ricci
import RicciNumerics

/// The `vec` form of order-3 and order-4 results (∂vec(F)/∂vec(W)ᵀ, column-major vec) evaluated and
/// compared with finite differences rearranged the same way, at distinct dimension sizes.
final class VecFormTests: XCTestCase {
    struct Case {
        var program: String
        var wrt: String
        var kind: DerivativeKind
        var expected: String?
    }

    let cases: [Case] = [
        Case(program: "X: matrix(n, d); W: matrix(d, k)\nX*W", wrt: "W", kind: .jacobian, expected: "kron(eye(k), X)"),
        Case(program: "A: matrix(n, d); X: matrix(d, k); B: matrix(k, m)\nA*X*B", wrt: "X", kind: .jacobian, expected: "kron(B', A)"),
        Case(program: "X: matrix(n, d); w: vector(d)\nX*w", wrt: "X", kind: .jacobian, expected: nil),
        Case(program: "x: vector(n); y: vector(d)\nx*y'", wrt: "x", kind: .jacobian, expected: nil),
        Case(program: "x: vector(n); W: matrix(n, k); b: vector(k)\nW'*x + b", wrt: "W", kind: .jacobian, expected: "kron(eye(k), x')"),
        Case(program: "a: vector(n); x: vector(m)\na*x'", wrt: "a", kind: .jacobian, expected: "kron(x, eye(n))"),
        Case(program: "A: matrix(n, d); X: matrix(d, k); B: matrix(k, m)\nA*X*B - 2*tanh(A)*X*B", wrt: "X", kind: .jacobian, expected: nil),
        Case(program: "X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2", wrt: "W", kind: .hessian,
             expected: "2*kron(eye(k), X'*X)"),
        Case(program: "A: matrix(n, n); X: matrix(n, k)\ntr(X'*A*X)", wrt: "X", kind: .hessian, expected: nil),
    ]

    func testVecFormsByValue() throws {
        for c in cases {
            let typed = try TypeChecker.check(source: c.program)
            var settings = EvaluationSettings()
            settings.seed = 11
            settings.dims = ["n": 3, "d": 4, "k": 5, "m": 2].filter { typed.dims.symbolicNames.contains($0.key) }
            guard case .tensor(let variableShape)? = typed.symbols[c.wrt]?.kind else { XCTFail("no variable \(c.wrt)"); continue }
            let r = try Derivatives.derivative(of: c.program, wrt: c.wrt, kind: c.kind)
            guard let vec = r.vec else { XCTFail("no vec form for \(c.program) by \(c.wrt)"); continue }
            if let e = c.expected { XCTAssertEqual(vec, e, c.program) }
            let numeric = c.kind == .hessian
                ? try FiniteDifferences.hessian(of: c.program, wrt: c.wrt, settings: settings)
                : try FiniteDifferences.derivative(of: c.program, wrt: c.wrt, settings: settings)
            let g = numeric.derivative
            // F's axes are the leading ones; a vector F (or W) has one axis of its own
            let wOrder = variableShape.count
            let fShape = Array(g.shape.prefix(g.order - wOrder)), wShape = Array(g.shape.suffix(wOrder))
            let rows = fShape.reduce(1, *), cols = wShape.reduce(1, *)
            var expected = try Tensor(zeros: [rows, cols])
            func columnMajor(_ ix: [Int], _ shape: [Int]) -> Int {
                var p = 0, s = 1
                for (i, n) in zip(ix, shape) { p += i * s; s *= n }
                return p
            }
            for flat in 0..<g.count {
                var ix: [Int] = [], rest = flat
                for s in g.strides { ix.append(rest / s); rest %= s }
                let row = columnMajor(Array(ix.prefix(fShape.count)), fShape)
                let col = columnMajor(Array(ix.suffix(wShape.count)), wShape)
                expected.data[row * cols + col] = g.data[flat]
            }
            let lines = r.declarations + r.intermediates.compactMap { i in i.matrix.map { "\(i.name) = \($0)" } } + ["V = \(vec)"]
            let got = try FiniteDifferences.evaluate(resultProgram: lines.joined(separator: "\n"), at: numeric.base, settings: settings).value
            XCTAssertLessThan(FiniteDifferences.relativeError(got, expected), 1e-6, "\(c.program) by \(c.wrt): vec = \(vec)")
        }
    }

    func testNoVecFormWhereNoKroneckerFactorization() throws {
        // Γ of X' by X is the commutation matrix: no kron form, so vec is null rather than wrong
        let r = try Derivatives.derivative(of: "X: matrix(n, d)\nX'", wrt: "X", kind: .jacobian)
        XCTAssertNil(r.vec)
        XCTAssertNil(r.matrix)
    }
}
