import Foundation
import XCTest
import Ricci

/// Issue 9, item 4: one name per subexpression, `where` in the printed form's notation, index names
/// that are not names of the program, and the simplifier's identities cited.
final class OneNameTests: XCTestCase {
    static let logistic = "X: matrix(n, d); w: vector(d); y: vector(n)\n-sum(y .* log(sigmoid(X*w)) + (1 - y) .* log(1 - sigmoid(X*w)))"

    func testIdenticalDefinitionsAreOne() throws {
        let h = try Derivatives.derivative(of: Self.logistic, wrt: "w", kind: .hessian)
        XCTAssertEqual(h.matrix, "X'*Diag(H1 .* (1 - H1))*X")
        XCTAssertEqual(h.definitions.map(\.value), ["sigmoid(X*w)"])
        let g = try Derivatives.derivative(of: Self.logistic, wrt: "w", kind: .gradient)
        XCTAssertEqual(g.matrix, "X'*(sigmoid(X*w) - y)")
        XCTAssertTrue(g.definitions.isEmpty, "\(g.definitions)")
        XCTAssertTrue(g.identities.contains("common-left-factor"), "\(g.identities)")
        let values = g.definitions.map(\.value) + h.definitions.map(\.value)
        XCTAssertEqual(Set(values).count, values.count)
    }

    func testWhereIsInThePrintedFormsNotation() throws {
        let r = try Derivatives.derivative(of: "x: vector(n)\nlogsumexp(x)", wrt: "x", kind: .hessian)
        XCTAssertEqual(r.matrix, "Diag(softmax(x)) - softmax(x)*softmax(x)'")
        let json = DerivativeReport(source: "logsumexp(x)", results: [r]).json()
        guard case .object(let fields) = json else { return XCTFail("not an object") }
        let whereList = fields.first { $0.0 == "where" }?.1
        let einsteinWhere = fields.first { $0.0 == "einstein_where" }?.1
        XCTAssertEqual(whereList, .array([]), "the matrix form uses no definition")
        guard case .array(let e)? = einsteinWhere else { return XCTFail("no einstein_where") }
        XCTAssertFalse(e.isEmpty, "the Einstein form's hoisted sum is in einstein_where")
        let text = DerivativeReport(source: "logsumexp(x)", results: [r]).text(.text)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            XCTAssertFalse(line.contains("[]"), "a T[] = ... line outside the Einstein comments: \(line)")
        }
    }

    func testIndexNamesAreNotNamesOfTheProgram() throws {
        let programs: [(String, String, DerivativeKind)] = [
            ("a: vector(d); b: vector(n); X: matrix(n, d); a'*X'*b", "b", .gradient),
            ("a: vector(d); b: vector(n); X: matrix(n, d); a'*X'*b", "X", .gradient),
            ("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", "W", .gradient),
            ("i: vector(n); j: vector(n); A: matrix(n, n); i'*A*j", "A", .gradient),
            ("x: vector(k); A: matrix(k, k); x'*A*x", "x", .hessian),
        ]
        for (p, w, kind) in programs {
            let r = try Derivatives.derivative(of: p, wrt: w, kind: kind)
            let typed = try TypeChecker.check(source: p)
            let reserved = Set(typed.names).union(typed.dims.symbolicNames)
            let brackets = try NSRegularExpression(pattern: "\\[([^\\]]*)\\]")
            let e = r.einstein as NSString
            for m in brackets.matches(in: r.einstein, range: NSRange(location: 0, length: e.length)) {
                for ix in e.substring(with: m.range(at: 1)).split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    XCTAssertFalse(reserved.contains(ix), "index \(ix) is a name of `\(p)`: \(r.einstein)")
                }
            }
        }
    }

    func testDerivationCitesTheIdentities() throws {
        let d = try Derivations.derive(source: "X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(X*w))) - y'*X*w", wrt: "w")
        let rules = d.steps.map { $0.rule }.joined(separator: "\n")
        XCTAssertTrue(rules.contains("sigmoid-exp-ratio: exp(x)/(1 + exp(x)) = sigmoid(x)"), rules)
        let l = try Derivations.derive(source: Self.logistic, wrt: "w")
        XCTAssertTrue(l.steps.map { $0.rule }.joined().contains("cancellation"), "\(l.steps.map { $0.rule })")
    }
}
