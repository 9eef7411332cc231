import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Issue 9, point 4: no `ones(n)[k]` factor in an Einstein form where the indices already say it
/// (`1 - H[k, s]`, unit axes of a transposed vector), a lone summed entry as `sum(y)`, the
/// `exp(-x) .* sigmoid(x) = 1 - sigmoid(x)` identity and a vec form without a double transpose.
/// Every form is checked by value (finite differences) through ``DerivativeChecker``.
final class EinsteinBroadcastTests: XCTestCase {
    static let cases: [DerivativeCase] = [
        grad("X: matrix(n, d); w: vector(d); sum(tanh(X*w))", "w", ["d"], matrix: true),
        grad("X: matrix(n, d); w: vector(d); y: vector(n); -sum(y .* log(sigmoid(X*w)) + (1 - y) .* log(1 - sigmoid(X*w)))",
             "w", ["d"], matrix: true),
        grad("S: matrix(n, n), spd; x: vector(n); mu: vector(n); 0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)",
             "mu", ["n"], matrix: true),
        grad("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(tanh(X*W) - Y)^2", "W", ["d", "k"], matrix: true),
        grad("x: vector(n); a: vector(n); a'*atan(x)", "x", ["n"], matrix: true),
        grad("X: matrix(n, d); sum(sqrt(1 + X .^ 2))", "X", ["n", "d"], matrix: true),
        hess("X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))", "w", ["d", "d"], matrix: true),
        jac("X: matrix(n, d); W: matrix(d, k); sigmoid(X*W)", "W", ["n", "k", "d", "k"]),
    ]

    func testEinsteinFormsHaveNoImpliedOnes() {
        for c in Self.cases {
            let o = DerivativeChecker.check(c)
            if let why = o.inconclusive { XCTFail("\(c.label): inconclusive: \(why)", file: c.file, line: c.line) }
            for p in o.problems { XCTFail("\(c.label): \(p)", file: c.file, line: c.line) }
            guard let r = o.result else { continue }
            let lines = [r.einstein] + r.einsteinDefinitions + r.intermediates.flatMap(\.einstein)
            for l in lines where l.contains("ones(") {
                XCTFail("\(c.label): a ones factor the indices already say: \(l)", file: c.file, line: c.line)
            }
        }
    }

    func testSigmoidTimesExpOfMinusX() throws {
        let r = try Derivatives.derivative(of: "X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))",
                                           wrt: "w", kind: .hessian)
        let m = try XCTUnwrap(r.matrix)
        XCTAssertFalse(m.contains("exp("), m)
        XCTAssertTrue(r.identities.contains("sigmoid-exp-reflection"), "\(r.identities)")
        XCTAssertEqual(MatrixIdentities.statement(of: "sigmoid-exp-reflection"), "exp(-x) .* sigmoid(x) = 1 - sigmoid(x)")
    }

    func testVecFormCancelsDoubleTranspose() throws {
        let r = try Derivatives.derivative(of: "X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); X*W + b", wrt: "W", kind: .jacobian)
        XCTAssertEqual(r.vec, "kron(eye(10), X)")
        // by value: the printed Einstein form and finite differences (the vec form's layout is VecFormTests')
        let o = DerivativeChecker.check(jac("X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); X*W + b", "W", r.shape.map(\.description)))
        XCTAssertTrue(o.problems.isEmpty, "\(o.problems)")
    }

    func testLoneSummedEntryPrintsAsSum() throws {
        let lowered = try Lowerer.lower(source: "x: vector(k); y[i] = x[i]^2; sum(y)")
        let text = EinsteinPrinter.print(lowered, format: .text)
        XCTAssertTrue(text.hasSuffix("result = sum(y)"), text)
        // it parses back to the same sum
        let again = try Lowerer.lower(source: text)
        XCTAssertEqual(EinsteinPrinter.print(again, format: .text), text)
    }
}
