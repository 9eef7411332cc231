import XCTest
@testable import Ricci

/// Every shape, index, name, arity and syntax error: its kind, its message and where it points.
final class ErrorTests: XCTestCase {
    // MARK: - shape errors

    func testMatrixProductMismatch() {
        let src = "X: matrix(1, m)\nW: matrix(10, m)\nX*W"
        assertError(src, .shape, at: 3, 2, contains: ["X*W", "1×m", "10×m", "columns of X (m)", "rows of W (10)"])
        assertError("A: matrix(3, 4)\nx: vector(5)\nA*x", .shape, at: 3, 2, contains: ["3×4", "length 5", "(4)", "(5)"])
        // an order-3 tensor in a matrix product
        assertError("T: tensor(2, 3, 4)\nA: matrix(4, 4)\nT*A", .shape, at: 3, 2, contains: ["T", "order-3", "':'"])
    }

    func testSumMismatch() {
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA + B", .shape, at: 3, 5, contains: ["add", "3×4", "4×5"])
        assertError("x: vector(3)\ny: vector(4)\nx - y", .shape, at: 3, 5, contains: ["length 3", "length 4"])
        assertError("A: matrix(3, 4)\nx: vector(3)\nA + x", .shape, at: 3, 5, contains: ["3×4", "length 3"])
    }

    func testHadamardMismatch() {
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA .* B", .shape, at: 3, 3, contains: ["Hadamard", "3×4", "4×5"])
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA ⊙ B", .shape, at: 3, 3, contains: ["Hadamard", "3×4", "4×5"])
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA ./ B", .shape, at: 3, 3, contains: ["entrywise division", "3×4", "4×5"])
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA ⊘ B", .shape, at: 3, 3, contains: ["entrywise division"])
        // columns count Unicode characters
        assertError("a: vector(3)\nb: vector(4)\nα*a ⊙ b", .shape, at: 3, 5, contains: ["Hadamard", "length 3", "length 4"])
    }

    func testDoubleDotMismatch() {
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nA : B", .shape, at: 3, 3, contains: [":", "3×4", "4×5"])
        assertError("A: matrix(3, 4)\nT: tensor(4, 3, 5, 6)\nA : T", .shape, at: 3, 3, contains: ["3×4", "4×3×5×6"])
        assertError("A: matrix(3, 4)\nT: tensor(2, 2, 5, 6)\nT : A", .shape, at: 3, 3, contains: ["2×2×5×6", "3×4"])
        assertError("A: matrix(3, 4)\nA : alpha", .shape, at: 2, 3, contains: ["scalar"])
    }

    func testNonSquare() {
        for f in ["inv", "det", "logdet", "tr"] {
            assertError("A: matrix(3, 4)\n\(f)(A)", .shape, at: 2, 1, contains: [f, "square", "3×4"])
        }
        assertError("A: matrix(3, 4)\nA^2", .shape, at: 2, 2, contains: ["^", "square", "3×4", ".^"])
        assertError("A: matrix(3, 4)\nA^(-1)", .shape, at: 2, 2, contains: ["square"])
        assertError("x: vector(3)\nx^2", .shape, at: 2, 2, contains: ["square", "length 3"])
        assertError("X: matrix(n, d)\ninv(X)", .shape, at: 2, 1, contains: ["n×d"])
        assertError("x: vector(3)\nDiag(x*x')", .shape, at: 2, 1, contains: ["Diag", "vector"])
        assertError("A: matrix(3, 4)\ndiag(A)", .shape, at: 2, 1, contains: ["diag", "square"])
    }

    func testMatrixPowerNeedsAnIntegerConstant() {
        assertError("A: matrix(3, 3)\nA^0.5", .value, at: 2, 3, contains: ["integer"])
        assertError("A: matrix(3, 3)\nA^p", .value, at: 2, 3, contains: ["exponent", "number"])
    }

    func testDivisionByNonScalar() {
        assertError("A: matrix(3, 4)\nB: matrix(3, 4)\nA / B", .shape, at: 3, 3, contains: ["/", "B", "3×4", "./"])
        assertError("x: vector(3)\n1 / x", .shape, at: 2, 3, contains: ["length 3"])
    }

    func testTransposeOfOrderThree() {
        for t in ["T'", "T^T", "Tᵀ"] {
            assertError("T: tensor(2, 3, 4)\n" + t, .shape, at: 2, 2, contains: ["transpose", "order-3", "2×3×4"])
        }
        assertError("A: matrix(3, 4)\nA[i, j]'", .index, at: 2, 8, contains: ["transpose"])
    }

    // MARK: - index errors

    func testWrongIndexCount() {
        assertError("A: matrix(3, 4)\nA[i]", .index, at: 2, 2, contains: ["A", "3×4", "2 indices", "found 1"])
        assertError("A: matrix(3, 4)\nA[i, j, k]", .index, at: 2, 2, contains: ["2 indices", "found 3"])
        assertError("x: vector(3)\nx[i, j]", .index, at: 2, 2, contains: ["1 index", "found 2"])
        assertError("T: tensor(2, 3, 4)\nT[i, j]", .index, at: 2, 2, contains: ["3 indices", "found 2"])
    }

    func testIndexOverTwoDimensions() {
        assertError("A: matrix(3, 4)\nB: matrix(5, 4)\nA[i, j]*B[i, j]", .index, at: 3, 11,
                    contains: ["index i", "3", "5"])
        assertError("A: matrix(3, 4)\nA[i, i]", .index, at: 2, 6, contains: ["index i", "3", "4"])
        assertError("X: matrix(n, d)\ny: vector(e)\nX[i, j]*y[j]", .index, at: 3, 11, contains: ["index j", "d", "e"])
    }

    func testTermsWithDifferentFreeIndices() {
        // index errors point at the bracket of the offending access
        assertError("x: vector(3)\nA: matrix(3, 4)\nx[i] + A[i, j]", .index, at: 3, 9,
                    contains: ["same free indices", "i, j"])
        assertError("x: vector(3)\ny: vector(3)\nx[i] - y[j]", .index, at: 3, 9, contains: ["same free indices"])
        assertError("A: matrix(3, 4)\nB: matrix(3, 4)\nA[i, j] + B", .index, at: 3, 11, contains: ["index"])
    }

    func testLeftSideIndexMissingOnTheRight() {
        assertError("A: matrix(3, 4)\nB: matrix(4, 5)\nY[i, k] = A[i, j]*B[j, m]", .index, at: 3, 6,
                    contains: ["index k", "left side"])
        assertError("A: matrix(3, 4)\nY[i, i] = A[i, i]", .index, at: 2, 6, contains: ["twice", "left side"])
        assertError("A: matrix(3, 4)\nY[i, j] = A", .index, at: 2, 11, contains: ["indexed"])
    }

    func testIndexThreeTimesWithoutLeftSide() {
        // the error points at the factor that brings the third occurrence (the bracket of C[i, k])
        assertError("A: matrix(3, 4)\nB: matrix(3, 4)\nC: matrix(3, 5)\nA[i, j]*B[i, j]*C[i, k]", .index, at: 4, 18,
                    contains: ["index i", "3 times", "left side"])
    }

    func testDeclaredDimensionForcedEqualToAnotherInteger() {
        assertError("X: matrix(n, 3)\nY: matrix(4, m)\nX*Y", .shape, at: 3, 2, contains: ["n×3", "4×m", "(3)", "(4)"])
    }

    func testDeclaredDimensionNameForcedEqualToAnInteger() {
        assertError("X: matrix(n, d)\nY: matrix(4, m)\nX*Y", .shape, at: 3, 2, contains: ["n×d", "4×m", "(d)", "(4)"])
        assertError("X: matrix(n, d)\nY: matrix(3, 5)\nX + Y", .shape, at: 3, 5, contains: ["n×d", "3×5"])
    }

    func testDeclaredDimensionNamesForcedEqual() {
        assertError("X: matrix(n, d)\nY: matrix(e, m)\nX*Y", .shape, at: 3, 2, contains: ["(d)", "(e)"])
        assertError("x: vector(n)\ny: vector(m)\nx'*y", .shape, at: 3, 3, contains: ["n", "m"])
    }

    func testUnificationIsRememberedAcrossStatements() {
        // X*W ties W's rows to X's columns (4); a later use with 5 is an error
        assertError("X: matrix(3, 4)\nE = X*W\nV: matrix(2, 5)\nV*W", .shape, at: 4, 2, contains: ["(5)", "(4)"])
    }

    // MARK: - name and arity errors

    func testUnknownFunctionWithSuggestion() {
        assertError("tanhh(x)", .name, at: 1, 1, contains: ["unknown function 'tanhh'", "did you mean 'tanh'?"])
        assertError("x: vector(3)\n2*sigmod(x)", .name, at: 2, 3, contains: ["'sigmod'", "'sigmoid'"])
        assertError("softmx(x)", .name, at: 1, 1, contains: ["'softmax'"])
        assertError("h: elementwise\nhh(x) + g(x)", .name, at: 2, 1, contains: ["'hh'", "'h'"])
        assertError("frobnicate(x)", .name, at: 1, 1, contains: ["unknown function 'frobnicate'", "elementwise"])
    }

    func testNearMissName() {
        assertError("weights: vector(3)\nweigths + 1", .name, at: 2, 1, contains: ["'weigths'", "did you mean 'weights'?"])
        assertError("Xtrain: matrix(3, 4)\nXtrian*w", .name, at: 2, 1, contains: ["'Xtrain'"])
    }

    func testWrongArity() {
        assertError("kron(A)", .arity, at: 1, 1, contains: ["kron takes 2 arguments, found 1"])
        assertError("x: vector(3)\ntanh(x, x)", .arity, at: 2, 1, contains: ["tanh takes 1 argument, found 2"])
        assertError("sum()", .arity, at: 1, 1, contains: ["sum takes 1 argument, found 0"])
        assertError("inv(A, B)", .arity, at: 1, 1, contains: ["inv takes 1 argument, found 2"])
        assertError("eye(2, 3)", .arity, at: 1, 1, contains: ["eye", "found 2"])
        assertError("ones(2, 3, 4)", .arity, at: 1, 1, contains: ["ones", "found 3"])
        assertError("h: elementwise\nh(x, x)", .arity, at: 2, 1, contains: ["h takes 1 argument"])
        assertError("F: function -> scalar\nF()", .arity, at: 2, 1, contains: ["F takes 1 argument, found 0"])
    }

    func testCallingAMatrixAsAFunction() {
        assertError("A: matrix(3, 3)\nx: vector(3)\nA(x)", .name, at: 3, 1, contains: ["A", "3×3", "not a function", "A[...]"])
        assertError("x: vector(3)\nE = x*x'\nE(x)", .name, at: 3, 1, contains: ["E", "not a function"])
    }

    func testUsingAFunctionAsAValue() {
        assertError("h: elementwise\nx: vector(3)\nh + x", .name, at: 3, 1, contains: ["h is a function", "h(...)"])
        assertError("x: vector(3)\ntanh*x", .name, at: 2, 1, contains: ["tanh", "built-in"])
    }

    func testPrimeOnSomethingWithoutADerivative() {
        assertError("A: matrix(3, 3)\ninv'(A)", .name, at: 2, 1, contains: ["inv'"])
        assertError("x: vector(3)\nsum'(x)", .name, at: 2, 1, contains: ["sum'"])
        assertError("F: function -> scalar\nW: matrix(3, 3)\nF''(W)", .name, at: 3, 1, contains: ["F''", "Jacobian"])
    }

    func testRedeclaration() {
        assertError("x: vector(3)\nx: vector(4)\nx", .name, at: 2, 1, contains: ["x is declared twice", "1:1"])
        assertError("h: elementwise\nh: elementwise\nh(x)", .name, at: 2, 1, contains: ["declared twice"])
        // a declared name may be defined once (its declared shape is checked)
        XCTAssertEqual(shape("x: vector(3)\nx = 2*y\nx"), ["3"])
    }

    func testBuiltinNamesAreReserved() {
        assertError("eye: matrix(3, 3)\neye", .name, at: 1, 1, contains: ["built-in"])
        assertError("sum = x'*x\nsum", .name, at: 1, 1, contains: ["built-in"])
        assertError("delta: scalar\ndelta", .name, at: 1, 1, contains: ["built-in"])
    }

    // MARK: - syntax errors

    func testUnclosedParenthesis() {
        // the error points at the end of the input, and names where the parenthesis was opened
        assertError("(x + (y * z)", .syntax, at: 1, 13, contains: ["')'", "opened at 1:1"])
        assertError("x: vector(3)\n2*(x + (x - x)", .syntax, at: 2, 15, contains: ["opened at 2:3"])
        assertError("tanh(x", .syntax, at: 1, 7, contains: ["')'", "1:1"])
        assertError("(x + y\n)*z\n(x", .syntax, at: 3, 3, contains: ["opened at 3:1"])
    }

    func testOtherSyntaxErrors() {
        assertError("x +* y", .syntax, at: 1, 4, contains: ["operand", "'*'"])
        assertError("x + ", .syntax, at: 1, 5, contains: ["incomplete"])
        assertError("x $ y", .syntax, at: 1, 3, contains: ["'$'"])
        assertError("x)", .syntax, at: 1, 2, contains: ["')'"])
        assertError("A[i, j", .syntax, at: 1, 7, contains: ["']'"])
        assertError("A[]", .syntax, at: 1, 3, contains: ["index name"])
        assertError("x: vector(3\nx", .syntax, at: 2, 1, contains: ["')'"])
        assertError("E = \nE", .syntax, at: 1, 5, contains: ["incomplete"])
        assertError("F: function matrix(3, 3)\nF(x)", .syntax, at: 1, 13, contains: ["->"])
    }

    // MARK: - rendering

    func testRenderedErrorShowsLineAndCaret() throws {
        let src = "X: matrix(1, m)\nW: matrix(10, m)\nX*W"
        let e = try XCTUnwrap(ricciError(src))
        let r = e.rendered(source: src)
        let lines = r.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3, r)
        XCTAssertTrue(lines[0].hasPrefix("error (line 3, column 2): matrix product"), lines[0])
        XCTAssertEqual(lines[1], "  X*W")
        XCTAssertEqual(lines[2], "   ^")
        // the caret is under the column
        XCTAssertEqual(lines[2].count - 2, e.location.column)
        // a deeper column, on the first line of two
        let s2 = "A: matrix(3, 4); B: matrix(4, 5); A + B\nA"
        let e2 = try XCTUnwrap(ricciError(s2))
        let l2 = e2.rendered(source: s2).split(separator: "\n").map(String.init)
        XCTAssertEqual(l2[1], "  A: matrix(3, 4); B: matrix(4, 5); A + B")
        XCTAssertEqual(l2[2], "  " + String(repeating: " ", count: 38) + "^")
        // an error without a location is one line
        XCTAssertEqual(RicciError(.usage, "no program").rendered(source: "x"), "error: no program")
        XCTAssertEqual(e.description, "shape error at 3:2: " + e.message)
    }
}
