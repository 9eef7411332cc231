import XCTest
@testable import Ricci

/// SYNTAX.md section 2, built-in functions and derivatives.
final class FunctionSyntaxTests: XCTestCase {
    static let entrywise = ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "step", "sqrt", "abs", "sign",
                            "softplus", "asin", "acos", "atan", "sinh", "cosh", "atanh"]

    func testEveryEntrywiseFunction() throws {
        XCTAssertEqual(Set(Self.entrywise), Set(EntrywiseFunction.allCases.map(\.rawValue)))
        for f in Self.entrywise {
            XCTAssertEqual(tree("\(f)(X)"), "(\(f) X)", f)
            XCTAssertEqual(shape("X: matrix(3, 4); \(f)(X)"), ["3", "4"], f)
            XCTAssertEqual(shape("x: vector(5); \(f)(x)"), ["5"], f)
            XCTAssertEqual(shape("\(f)(alpha)"), [], f)
            let low = try XCTUnwrap(assertLowers("X: matrix(3, 4); \(f)(X)"))
            guard case .function(.builtin(let g, 0), _) = low.statements[0].expr.terms[0].factors[0] else {
                XCTFail("\(f) does not lower to an entrywise function"); continue
            }
            XCTAssertEqual(g.rawValue, f)
        }
    }

    func testArcAliases() throws {
        for (alias, name) in [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan")] {
            XCTAssertEqual(EntrywiseFunction.named(alias)?.rawValue, name)
            XCTAssertEqual(shape("x: vector(5); \(alias)(x)"), ["5"])
            let low = try XCTUnwrap(assertLowers("x: vector(5); \(alias)(x)"))
            guard case .function(.builtin(let g, 0), _) = low.statements[0].expr.terms[0].factors[0] else {
                XCTFail("\(alias) does not lower to an entrywise function"); continue
            }
            XCTAssertEqual(g.rawValue, name)
            XCTAssertTrue(EinsteinPrinter.print(low, format: .text).contains("\(name)(x["))
        }
    }

    func testReductions() {
        for r in ["sum", "norm2", "normF", "norm1", "logsumexp"] {
            XCTAssertEqual(shape("X: matrix(3, 4); \(r)(X)"), [], r)
            XCTAssertEqual(shape("x: vector(3); \(r)(x)"), [], r)
        }
        XCTAssertEqual(shape("X: matrix(3, 3); tr(X)"), [])
        XCTAssertTrue(["matrix(X_r, X_r)", "matrix(X_c, X_c)"].contains(types("tr(X)")["X"] ?? ""))
        XCTAssertEqual(shape("T: tensor(2, 3, 4); sum(T)"), [])
        XCTAssertEqual(shape("T: tensor(2, 3, 4); norm1(T)"), [])
    }

    func testMatrixFunctions() {
        XCTAssertEqual(shape("A: matrix(3, 3); inv(A)"), ["3", "3"])
        XCTAssertEqual(shape("A: matrix(3, 3); det(A)"), [])
        XCTAssertEqual(shape("A: matrix(3, 3); logdet(A)"), [])
        XCTAssertTrue(["matrix(A_r, A_r)", "matrix(A_c, A_c)"].contains(types("inv(A)")["A"] ?? ""))
        // diag: both meanings
        XCTAssertEqual(shape("A: matrix(3, 3); diag(A)"), ["3"])
        XCTAssertEqual(shape("x: vector(4); diag(x)"), ["4", "4"])
        XCTAssertEqual(shape("x: vector(4); Diag(x)"), ["4", "4"])
        XCTAssertEqual(shape("A: matrix(2, 3); B: matrix(4, 5); kron(A, B)"), ["8", "15"])
        XCTAssertEqual(shape("A: matrix(3, 4); vec(A)"), ["12"])
        XCTAssertEqual(shape("x: vector(4); softmax(x)"), ["4"])
        XCTAssertEqual(shape("A: matrix(3, 4); softmax(A)"), ["3", "4"])
        // symbolic sizes of kron and vec
        XCTAssertEqual(shape("A: matrix(n, m); vec(A)"), ["n*m"])
        XCTAssertEqual(shape("A: matrix(n, m); B: matrix(p, q); kron(A, B)"), ["n*p", "m*q"])
        // inverse, det, logdet of a scalar
        XCTAssertEqual(shape("inv(alpha)"), [])
        XCTAssertEqual(shape("det(alpha)"), [])
    }

    func testConstructors() {
        XCTAssertEqual(shape("eye(3)"), ["3", "3"])
        XCTAssertEqual(shape("X: matrix(n, d); eye(n)"), ["n", "n"])
        XCTAssertEqual(shape("ones(4)"), ["4"])
        XCTAssertEqual(shape("ones(2, 3)"), ["2", "3"])
        XCTAssertEqual(shape("zeros(2, 3)"), ["2", "3"])
        XCTAssertEqual(shape("zeros(5)"), ["5"])
        XCTAssertEqual(shape("X: matrix(n, d); ones(n)'*X"), ["1", "d"])
        XCTAssertEqual(shape("X: matrix(n, d); zeros(n, d) + X"), ["n", "d"])
        // a dimension name used as a number
        XCTAssertEqual(shape("X: matrix(n, d); X*ones(d)"), ["n"])
        // eye with an integer expression
        XCTAssertEqual(shape("eye(2+1)"), ["3", "3"])
    }

    func testEyeAlone() {
        // `eye` alone infers its size from its use
        XCTAssertEqual(shape("A: matrix(4, 4); A + eye"), ["4", "4"])
        XCTAssertEqual(shape("x: vector(5); eye*x"), ["5"])
        XCTAssertEqual(shape("A: matrix(3, 3); A - 2*eye"), ["3", "3"])
        XCTAssertEqual(shape("X: matrix(3, 4); X*eye"), ["3", "4"])
        XCTAssertEqual(shape("eye()").map { $0.count }, 2)
        XCTAssertEqual(tree("eye"), "eye")
    }

    func testDerivativeOfBuiltin() {
        XCTAssertEqual(tree("tanh'(x)"), "(tanh' x)")
        XCTAssertEqual(tree("relu'(x)"), "(relu' x)")
        XCTAssertEqual(tree("sigmoid''(x)"), "(sigmoid'' x)")
        XCTAssertEqual(tree("tanh′(x)"), "(tanh' x)")
        XCTAssertEqual(shape("X: matrix(3, 4); tanh'(X)"), ["3", "4"])
        XCTAssertEqual(shape("X: matrix(3, 4); sigmoid''(X)"), ["3", "4"])
    }

    func testDerivativeOfElementwise() {
        XCTAssertEqual(tree("h'(u)"), "(h' u)")
        XCTAssertEqual(shape("h: elementwise; X: matrix(3, 4); h'(X)"), ["3", "4"])
        XCTAssertEqual(shape("h: elementwise; X: matrix(3, 4); h''(X)"), ["3", "4"])
        XCTAssertEqual(shape("h: elementwise; X: matrix(3, 4); W: matrix(4, 2); h(X*W) .* h'(X*W)"), ["3", "2"])
    }

    func testJacobianOfOpaqueFunction() {
        // Γ_ijkl = ∂F_ij/∂W_kl: result indices then argument indices
        let src = "F: function -> matrix(n, l); W: matrix(d, m); F'(W)"
        XCTAssertEqual(tree("F'(W)"), "(F' W)")
        XCTAssertEqual(shape(src), ["n", "l", "d", "m"])
        XCTAssertEqual(shape("F: function -> matrix(n, l); W: matrix(d, m); F(W)"), ["n", "l"])
        XCTAssertEqual(shape("g: function -> vector(5); x: vector(3); g'(x)"), ["5", "3"])
        XCTAssertEqual(shape("G: function -> scalar; W: matrix(3, 4); G'(W)"), ["3", "4"])
        XCTAssertEqual(shape("g: function -> vector(5); W: matrix(3, 4); g'(W)"), ["5", "3", "4"])
        // P1: 2 A : F'(W) is the shape of W
        XCTAssertEqual(shape("""
            D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)
            F: function -> matrix(n, l)
            2*(F(W) - beta*D'*Z) : F'(W)
            """), ["d", "n"])
    }

    func testOpaqueFunctionArgumentShapeIsFixedByFirstUse() {
        XCTAssertEqual(shape("F: function -> matrix(3, 3); W: matrix(3, 4); F(W) + F(W)"), ["3", "3"])
        assertError("F: function -> matrix(3, 3); W: matrix(3, 4); V: matrix(4, 4); F(W) + F(V)", .shape, at: 1, 73,
                    contains: ["F", "different shapes"])
    }

    func testCallsWithExpressionsAsArguments() {
        XCTAssertEqual(tree("tanh(X*W + b)"), "(tanh (sum +(* X W) +b))")
        XCTAssertEqual(tree("kron(A, B')"), "(kron A (T B))")
        XCTAssertEqual(tree("exp(log(x))"), "(exp (log x))")
        XCTAssertEqual(tree("normF(F(W) - beta*D'*Z)^2"), "(^ (normF (sum +(F W) -(* (* beta (T D)) Z))) 2)")
    }
}
