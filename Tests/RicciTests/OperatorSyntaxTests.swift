import XCTest
@testable import Ricci

/// SYNTAX.md section 2: every operator, its Unicode alternates, precedence and associativity.
final class OperatorSyntaxTests: XCTestCase {
    // MARK: - level 1: sums

    func testSumAndDifference() {
        XCTAssertEqual(tree("a + b"), "(sum +a +b)")
        XCTAssertEqual(tree("a - b"), "(sum +a -b)")
        XCTAssertEqual(tree("a - b + c - d"), "(sum +a -b +c -d)")
        XCTAssertEqual(tree("a − b"), "(sum +a -b)")   // U+2212 minus
        XCTAssertEqual(shape("X: matrix(3, 4); Y: matrix(3, 4); X + Y - X"), ["3", "4"])
    }

    func testScalarBroadcastInSums() {
        XCTAssertEqual(shape("U: matrix(3, 4); 1 - tanh(U).^2"), ["3", "4"])
        XCTAssertEqual(shape("U: matrix(3, 4); U + 2"), ["3", "4"])
        XCTAssertEqual(shape("x: vector(5); alpha + x - 1"), ["5"])
        XCTAssertEqual(shape("x: vector(5); x'*x + 1"), [])
    }

    // MARK: - level 2

    func testMatrixProduct() {
        XCTAssertEqual(tree("A * B"), "(* A B)")
        XCTAssertEqual(tree("A · B"), "(* A B)")
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(4, 5); A*B"), ["3", "5"])
        XCTAssertEqual(shape("A: matrix(3, 4); x: vector(4); A*x"), ["3"])
    }

    func testScalingIncludingOneByOne() {
        XCTAssertEqual(shape("A: matrix(3, 4); 2*A"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); A*alpha"), ["3", "4"])
        // x'*y is 1×1, so it scales
        XCTAssertEqual(shape("x: vector(5); y: vector(5); A: matrix(3, 4); (x'*y)*A"), ["3", "4"])
        XCTAssertEqual(shape("x: vector(5); y: vector(5); A: matrix(3, 4); A*(x'*y)"), ["3", "4"])
        // a 1×1 matrix scales too
        XCTAssertEqual(shape("S: matrix(1, 1); A: matrix(3, 4); S*A"), ["3", "4"])
    }

    func testDivisionByScalar() {
        XCTAssertEqual(tree("A / s"), "(/ A s)")
        XCTAssertEqual(shape("A: matrix(3, 4); A/2"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); x: vector(5); A/(x'*x)"), ["3", "4"])
    }

    func testHadamardAndAlternate() {
        XCTAssertEqual(tree("A .* B"), "(.* A B)")
        XCTAssertEqual(tree("A ⊙ B"), "(.* A B)")
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4); A ⊙ B"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); 2 .* A"), ["3", "4"])
    }

    func testEntrywiseDivisionAndAlternate() {
        XCTAssertEqual(tree("A ./ B"), "(./ A B)")
        XCTAssertEqual(tree("A ⊘ B"), "(./ A B)")
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4); A ⊘ B"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); 1 ./ A"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); A ./ 2"), ["3", "4"])
    }

    func testNumbersNextToDotOperators() {
        // "2.*x" is 2 .* x, "2." is the number 2
        XCTAssertEqual(tree("2.*x"), "(.* 2 x)")
        XCTAssertEqual(tree("2./x"), "(./ 2 x)")
        XCTAssertEqual(tree("2.^x"), "(.^ 2 x)")
        XCTAssertEqual(tree("2. * x"), "(* 2 x)")
        XCTAssertEqual(tree("2.5*x"), "(* 2.5 x)")
        XCTAssertEqual(tree(".5*x"), "(* 0.5 x)")
        XCTAssertEqual(tree("1e-3*x"), "(* 0.001 x)")
        XCTAssertEqual(tree("2E+2*x"), "(* 200 x)")
    }

    func testDoubleDotThreeForms() {
        XCTAssertEqual(tree("A : B"), "(: A B)")
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4); A : B"), [])
        XCTAssertEqual(shape("A: matrix(3, 4); T: tensor(3, 4, 5, 6); A : T"), ["5", "6"])
        XCTAssertEqual(shape("A: matrix(5, 6); T: tensor(3, 4, 5, 6); T : A"), ["3", "4"])
        // general: the last one with the first one where a side is a vector
        XCTAssertEqual(shape("x: vector(3); T: tensor(3, 4, 5); x : T"), ["4", "5"])
        XCTAssertEqual(shape("x: vector(5); T: tensor(3, 4, 5); T : x"), ["3", "4"])
        XCTAssertEqual(shape("x: vector(5); y: vector(5); x : y"), [])
        // order 3 with order 3 contracts two axes
        XCTAssertEqual(shape("S: tensor(2, 3, 4); T: tensor(3, 4, 5); S : T"), ["2", "5"])
    }

    func testLevelTwoIsLeftAssociative() {
        XCTAssertEqual(tree("A*B*C"), "(* (* A B) C)")
        XCTAssertEqual(tree("a*b/c"), "(/ (* a b) c)")
        XCTAssertEqual(tree("a/b*c"), "(* (/ a b) c)")
        XCTAssertEqual(tree("A .* B * C"), "(* (.* A B) C)")
        XCTAssertEqual(tree("A * B .* C"), "(.* (* A B) C)")
        XCTAssertEqual(tree("A : B * c"), "(* (: A B) c)")
        XCTAssertEqual(tree("A ./ B ⊙ C"), "(.* (./ A B) C)")
        // shapes follow the left-to-right grouping
        XCTAssertEqual(shape("A: matrix(2, 3); B: matrix(3, 4); C: matrix(4, 5); A*B*C"), ["2", "5"])
        // x*y'*z is (x*y')*z: a vector of x's length
        XCTAssertEqual(shape("x: vector(3); y: vector(4); z: vector(4); x*y'*z"), ["3"])
    }

    func testSumIsLooserThanProducts() {
        XCTAssertEqual(tree("a + b*c"), "(sum +a +(* b c))")
        XCTAssertEqual(tree("a*b + c"), "(sum +(* a b) +c)")
        XCTAssertEqual(tree("a - b ./ c"), "(sum +a -(./ b c))")
        XCTAssertEqual(tree("(a + b)*c"), "(* (sum +a +b) c)")
    }

    // MARK: - level 3, 4, 5

    func testNegation() {
        XCTAssertEqual(tree("-a"), "(neg a)")
        XCTAssertEqual(tree("--a"), "(neg (neg a))")
        XCTAssertEqual(tree("+a"), "a")
        XCTAssertEqual(tree("-a*b"), "(* (neg a) b)")
        XCTAssertEqual(tree("a*-b"), "(* a (neg b))")
        XCTAssertEqual(tree("-a - -b"), "(sum +(neg a) -(neg b))")
        XCTAssertEqual(shape("A: matrix(3, 4); -A"), ["3", "4"])
    }

    func testPowerBindsTighterThanNegation() {
        XCTAssertEqual(tree("-a^2"), "(neg (^ a 2))")
        XCTAssertEqual(tree("-x.^2"), "(neg (.^ x 2))")
        XCTAssertEqual(tree("2*a^2"), "(* 2 (^ a 2))")
        XCTAssertEqual(tree("a^-1"), "(^ a (neg 1))")
        XCTAssertEqual(tree("X^(-1)"), "(^ X (neg 1))")
    }

    func testPowerIsRightAssociative() {
        XCTAssertEqual(tree("a^b^c"), "(^ a (^ b c))")
        XCTAssertEqual(tree("a^2^3"), "(^ a (^ 2 3))")
    }

    func testScalarAndMatrixPower() {
        XCTAssertEqual(tree("a ^ p"), "(^ a p)")
        XCTAssertEqual(shape("alpha^2"), [])
        XCTAssertEqual(shape("x: vector(3); (x'*x)^0.5"), [])
        XCTAssertEqual(shape("X: matrix(3, 3); X^3"), ["3", "3"])
        XCTAssertEqual(shape("X: matrix(3, 3); X^(-1)"), ["3", "3"])
        XCTAssertEqual(shape("X: matrix(3, 3); X^0"), ["3", "3"])
        XCTAssertEqual(shape("X: matrix(3, 3); X^-2"), ["3", "3"])
        // an undeclared matrix becomes square
        XCTAssertTrue(["matrix(X_r, X_r)", "matrix(X_c, X_c)"].contains(types("X^2")["X"] ?? ""))
        // constant exponents are folded
        XCTAssertEqual(shape("X: matrix(3, 3); X^(1+1)"), ["3", "3"])
    }

    func testEntrywisePower() {
        XCTAssertEqual(tree("A .^ p"), "(.^ A p)")
        XCTAssertEqual(shape("A: matrix(3, 4); A.^2"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); A.^0.5"), ["3", "4"])
        XCTAssertEqual(shape("A: matrix(3, 4); A.^(-1)"), ["3", "4"])
    }

    func testTransposeSpellings() {
        XCTAssertEqual(tree("A'"), "(T A)")
        XCTAssertEqual(tree("A^T"), "(T A)")
        XCTAssertEqual(tree("Aᵀ"), "(T A)")
        XCTAssertEqual(tree("A ᵀ"), "(T A)")
        XCTAssertEqual(tree("A′"), "(T A)")
        XCTAssertEqual(tree("A''"), "(T (T A))")
        XCTAssertEqual(tree("(A*B)'"), "(T (* A B))")
        XCTAssertEqual(tree("A^T*B"), "(* (T A) B)")
        for src in ["A'", "A^T", "Aᵀ", "A ᵀ"] {
            XCTAssertEqual(shape("A: matrix(3, 4); " + src), ["4", "3"], src)
        }
        XCTAssertEqual(shape("x: vector(3); x'"), ["1", "3"])
        XCTAssertEqual(shape("x: vector(3); x''"), ["3"])
    }

    func testTransposeBindsTighterThanPower() {
        XCTAssertEqual(tree("A'^2"), "(^ (T A) 2)")
        XCTAssertEqual(tree("-A'"), "(neg (T A))")
        XCTAssertEqual(tree("x'*A*x"), "(* (* (T x) A) x)")
    }

    func testIndexAccess() {
        XCTAssertEqual(tree("A[i, j]"), "(idx A i j)")
        XCTAssertEqual(tree("A[i,j]*B[j,k]"), "(* (idx A i j) (idx B j k))")
        XCTAssertEqual(tree("(X*W)[i, j]"), "(idx (* X W) i j)")
        XCTAssertEqual(tree("A'[i, j]"), "(idx (T A) i j)")
    }

    func testQuadraticFormIsScalar() {
        XCTAssertEqual(shape("x'*A*x"), [])
        XCTAssertEqual(shape("x: vector(3); x'*A*x"), [])
        XCTAssertEqual(types("x: vector(3); x'*A*x")["A"], "matrix(3, 3)")
        XCTAssertEqual(shape("x: vector(3); y: vector(4); x'*A*y"), [])
    }

    func testOuterProduct() {
        XCTAssertEqual(shape("x: vector(3); y: vector(4); x*y'"), ["3", "4"])
        XCTAssertEqual(shape("x*y'")?.count, 2)
        XCTAssertEqual(shape("x: vector(3); x*x'"), ["3", "3"])
    }
}
