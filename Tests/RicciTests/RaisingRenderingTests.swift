import XCTest
@testable import Ricci

/// Printing of matrix expressions: precedence, signs, parentheses a person expects, and parse-back of
/// the text and unicode forms to the same tree (no numerics: the trees are compared).
final class RaisingRenderingTests: XCTestCase {
    let X = MatrixExpr.symbol("X"), A = MatrixExpr.symbol("A"), B = MatrixExpr.symbol("B")
    let x = MatrixExpr.symbol("x"), y = MatrixExpr.symbol("y"), alpha = MatrixExpr.symbol("alpha")

    func call(_ f: MatrixCallee, _ d: Int = 0, _ args: MatrixExpr...) -> MatrixExpr { .call(f, derivative: d, args) }

    /// The text form, checked to parse to the tree of `same` (a hand-written equivalent).
    func assertText(_ e: MatrixExpr, _ want: String, same: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let text = e.rendered(.text)
        XCTAssertEqual(text, want, file: file, line: line)
        XCTAssertEqual(tree(text, file: file, line: line), tree(same ?? want, file: file, line: line), file: file, line: line)
        let uni = e.rendered(.unicode)
        XCTAssertEqual(tree(uni, file: file, line: line), tree(text, file: file, line: line), "unicode \(uni)", file: file, line: line)
    }

    func testProductsAndHadamards() {
        assertText(.product([.number(2), .transpose(X), .hadamard([.product([.symbol("E"), .transpose(alpha)]),
                                                                     call(.user("h"), 1, .product([X, .symbol("W")]))])]),
                   "2*X'*((E*alpha') .* h'(X*W))")
        assertText(.product([.number(-2), X]), "-2*X")
        assertText(.negate(.product([A, B])), "-A*B")
        assertText(.hadamardDivide(A, .product([.transpose(B), X])), "A ./ (B'*X)")
        assertText(.divide(.product([.number(2), x]), .power(.sum([.number(1), .product([.transpose(x), x])]), 2)),
                   "2*x/(1 + x'*x)^2")
        assertText(.product([alpha, .product([.transpose(x), A, y]), B]), "alpha*(x'*A*y)*B")
    }

    func testSumsAndSigns() {
        assertText(.sum([A, .negate(B), .product([.number(-3), X]), .number(-1)]), "A - B - 3*X - 1")
        assertText(.sum([A, .negate(.sum([B, X]))]), "A - (B + X)")
        assertText(.sum([A, .divide(.product([.number(-2), X]), alpha)]), "A - 2*X/alpha")
        assertText(.transpose(.sum([A, B])), "(A + B)'")
    }

    func testPowersAndDoubleDots() {
        assertText(.power(.power(.product([.transpose(x), x]), 2), 3), "((x'*x)^2)^3")
        assertText(.entrywisePower(X, -1), "X.^(-1)")
        assertText(.negate(.power(x, 2)), "-x^2")
        assertText(.doubleDot(.product([.number(2), .sum([call(.opaque("F"), 0, X), .negate(A)])]), call(.opaque("F"), 1, X)),
                   "2*(F(X) - A) : F'(X)")
        assertText(.doubleDot(.doubleDot(A, .symbol("H")), A), "A : H : A")
        assertText(.doubleDot(A, .product([x, .transpose(y)])), "A : (x*y')")
    }

    func testFunctionsAndConstants() {
        assertText(call(.matrix(.Diag), 0, x), "Diag(x)")
        assertText(.product([.identity(.named("n")), .ones([.named("n")]), .transpose(.ones([.fixed(3)]))]), "eye(n)*ones(n)*ones(3)'")
        assertText(.zeros([.named("n"), .named("d")]), "zeros(n, d)")
        assertText(call(.reduction(.tr), 0, .product([A, B])), "tr(A*B)")
        assertText(.product([.number(0.010000000000000002), x]), "0.01*x", same: "0.01*x")
        XCTAssertEqual(call(.user("h"), 2, x).rendered(.unicode), "h′′(x)")
        XCTAssertEqual(call(.matrix(.inv), 0, A).rendered(.latex), "{A}^{-1}")
        XCTAssertEqual(call(.reduction(.normF), 0, A).rendered(.latex), "\\left\\| A \\right\\|_{F}")
        XCTAssertEqual(MatrixExpr.divide(x, alpha).rendered(.latex), "\\frac{x}{\\alpha}")
        XCTAssertEqual(MatrixExpr.entrywisePower(X, 2).rendered(.latex), "{X}^{\\circ 2}")
        XCTAssertEqual(MatrixExpr.ones([.named("n_1")]).rendered(.latex), "\\mathbf{1}_{n\\_1}")
    }
}
