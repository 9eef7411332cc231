import XCTest
@testable import Ricci

/// SYNTAX.md section 3: Einstein (index) notation.
final class EinsteinSyntaxTests: XCTestCase {
    /// The objective's statement after checking.
    func result(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> TypedProgram.Statement? {
        do { return try TypeChecker.check(source: src).result } catch {
            XCTFail("'\(src)' does not check: \(error)", file: file, line: line)
            return nil
        }
    }

    func testExplicitLeftSide() {
        let src = "A: matrix(3, 4); B: matrix(4, 5); Y[i, k] = A[i, j]*B[j, k]"
        XCTAssertEqual(result(src)?.name, "Y")
        XCTAssertEqual(result(src)?.indices, ["i", "k"])
        XCTAssertEqual(shape(src), ["3", "5"])
        // the left side fixes the order: Y[k, i] is the transpose
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); Y[k, i] = A[i, j]*B[j, k]"), ["5", "3"])
        // an index not on the left side is summed even when it appears once
        XCTAssertEqual(shape("A: matrix(3, 4); s[i] = A[i, j]"), ["3"])
        XCTAssertEqual(shape("A: matrix(3, 4); t[] = A[i, j]"), [])
        // on the left side, an index may appear three times on the right
        XCTAssertEqual(shape("A: matrix(3, 3); x: vector(3); y[i] = A[i, i]*x[i]"), ["3"])
    }

    func testImplicitRule() {
        // once: free; twice: summed
        let s = result("A: matrix(3, 4); B: matrix(4, 5); A[i, j]*B[j, k]")
        XCTAssertNil(s?.name)
        XCTAssertEqual(s?.indices, ["i", "k"])
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); A[i, j]*B[j, k]"), ["3", "5"])
        // free indices are ordered alphabetically: A[j, i] is the transpose
        XCTAssertEqual(result("A: matrix(3, 4); A[j, i]")?.indices, ["i", "j"])
        XCTAssertEqual(shape("A: matrix(3, 4); A[j, i]"), ["4", "3"])
        XCTAssertEqual(shape("x: vector(3); y: vector(4); y[b]*x[a]"), ["3", "4"])
        // all summed: a scalar
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4); A[i, j]*B[i, j]"), [])
        // a repeated index in one access is a trace
        XCTAssertEqual(shape("A: matrix(3, 3); A[i, i]"), [])
    }

    func testSumsOfIndexedTerms() {
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4); A[i, j] + B[i, j]"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 3); A[i, j] - B[j, i]"), ["3", "4"])
        // a scalar term broadcasts
        XCTAssertEqual(shape("A: matrix(3, 4); A[i, j] + 1"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); C: matrix(3, 5); Y[i, k] = A[i, j]*B[j, k] + C[i, k]"), ["3", "5"])
    }

    func testDelta() {
        XCTAssertEqual(tree("delta[i, j]"), "(delta i j)")
        XCTAssertEqual(tree("δ[i, j]"), "(delta i j)")
        XCTAssertEqual(tree("δ[i,j]*A[j,k]"), "(* (delta i j) (idx A j k))")
        XCTAssertEqual(shape("A: matrix(3, 3); delta[i, j]*A[i, j]"), [])
        XCTAssertEqual(shape("A: matrix(3, 4); δ[i, j]*A[j, k]"), ["3", "4"])
        XCTAssertEqual(shape("x: vector(3); Y[i, j] = x[i]*delta[i, j]"), ["3", "3"])
        // delta alone takes its range from the other factors' indices
        XCTAssertEqual(shape("x: vector(4); y: vector(4); x[i]*δ[i, j]*y[j]"), [])
        assertError("δ[i, j, k, l]", .arity, at: 1, 1, contains: ["delta", "two indices"])   // three: the reshaping delta
    }

    func testMixedNotation() {
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); (X*W)[i, j]"), ["3", "5"])
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); (X*W)[j, i]"), ["5", "3"])
        XCTAssertEqual(shape("A: matrix(3, 3); inv(A)[i, j]"), ["3", "3"])
        XCTAssertEqual(shape("A: matrix(3, 3); x: vector(3); inv(A)[i, j]*x[j]"), ["3"])
        XCTAssertEqual(shape("F: function -> matrix(n, l); W: matrix(d, m); F'(W)[i, j, k, l]"), ["n", "l", "d", "m"])
        XCTAssertEqual(shape("F: function -> matrix(n, l); W: matrix(d, m); A: matrix(n, l); A[i, j]*F'(W)[i, j, k, l]"), ["d", "m"])
        XCTAssertEqual(shape("A: matrix(3, 4); A'[i, j]"), ["4", "3"])
        XCTAssertEqual(shape("x: vector(3); y: vector(3); (x*y')[i, i]"), [])
        XCTAssertEqual(shape("X: matrix(3, 4); Y: matrix(3, 4); sum(X .* Y) * X[i, j]"), ["3", "4"])
    }

    func testEntrywiseFunctionsSumInsideTheirArgument() {
        // tanh(X[i, a]*W[a, j]) is tanh((XW)_ij)
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); tanh(X[i, a]*W[a, j])"), ["3", "5"])
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); Y[i, j] = tanh(X[i, a]*W[a, j])"), ["3", "5"])
        // a is summed inside exp(...); outside it appears once more, so it is free there (a, i alphabetical)
        XCTAssertEqual(shape("x: vector(4); X: matrix(3, 4); exp(x[a]*x[a])*X[i, a]"), ["4", "3"])
        XCTAssertEqual(shape("x: vector(4); X: matrix(3, 4); exp(x[a]*x[a])*X[i, b]*x[b]"), ["3"])
    }

    func testIndexNamesAreAnyIdentifier() {
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); Y[row, col] = A[row, mid]*B[mid, col]"), ["3", "5"])
        XCTAssertEqual(shape("A: matrix(3, 4); A[i1, i2]"), ["3", "4"])
    }

    func testIndexedDefinitionsAreUsableInMatrixNotation() {
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); Y[i, k] = A[i, j]*B[j, k]\nY'*Y"), ["5", "5"])
        XCTAssertEqual(shape("x: vector(3); s[] = x[i]*x[i]\ns*x"), ["3"])
    }

    func testLoweringMakesEveryProductAContraction() throws {
        let low = try XCTUnwrap(assertLowers("X: matrix(3, 4); W: matrix(4, 5); X*W"))
        XCTAssertEqual(EinsteinPrinter.print(low, format: .text), "X: matrix(3, 4)\nW: matrix(4, 5)\nresult[i, j] = X[i, k]*W[k, j]")
        let p4 = try XCTUnwrap(assertLowers("x: vector(n); x'*A*x"))
        XCTAssertEqual(EinsteinPrinter.print(p4, format: .text), "x: vector(n)\nA: matrix(n, n)\nresult = x[k]*A[k, i]*x[i]")
        let t = try XCTUnwrap(assertLowers("A: matrix(3, 4); B: matrix(4, 5); Y[i, k] = A[i, j]*B[j, k]"))
        XCTAssertEqual(EinsteinPrinter.print(t, format: .text), "A: matrix(3, 4)\nB: matrix(4, 5)\nY[i, k] = A[i, j]*B[j, k]")
        XCTAssertEqual(EinsteinPrinter.print(t, format: .unicode), "A: matrix(3, 4)\nB: matrix(4, 5)\nY[i,k] = A[i,j]·B[j,k]")
    }
}
