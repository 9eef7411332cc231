import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Every step of the derivations of the five problems and of other cases is true: both sides of each
/// step are evaluated at a random point with distinct dimension sizes (differentials and derivatives
/// by central differences) and must agree. Each standalone LaTeX document compiles with pdflatex.
final class DerivationTests: XCTestCase {
    static let cases: [(String, String)] = [
        (ProblemsTests.p1, "W"), (ProblemsTests.p2, "W"),
        ("A: matrix(p, q), positive; B: matrix(r, p), positive; X: matrix(r, s), positive; C: matrix(s, q), positive\n"
            + "sum(A .* log(A ./ (B'*X*C)))", "X"),
        (ProblemsTests.p4, "W"),
        (ProblemsTests.p4WithE, "W"), (ProblemsTests.p5, "V"), (ProblemsTests.p5, "W"),
        ("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2", "W"),
        ("x: vector(n); A: matrix(n, n)\nx'*A*x", "x"),
        ("A: matrix(m, n); X: matrix(n, p); B: matrix(p, m)\ntr(A*X*B)", "X"),
        ("X: matrix(n, n), spd\nlogdet(X)", "X"),
        ("X: matrix(n, n), spd; a: vector(n); b: vector(n)\na'*inv(X)*b", "X"),
        ("X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))", "w"),
        ("X: matrix(n, d); w: vector(d); y: vector(n); lambda: scalar\nnorm2(X*w - y)^2 + lambda*w'*w", "w"),
        ("X: matrix(n, m); Y: matrix(n, m); W1: matrix(n, n); W2: matrix(n, n)\nnormF(W2*tanh(W1*X) - Y)^2", "W1"),
        ("X: matrix(n, m); Y: matrix(n, m); W1: matrix(n, n); W2: matrix(n, n); W3: matrix(n, n)\nnormF(W3*tanh(W2*tanh(W1*X)) - Y)^2", "W1"),
        ("X: matrix(n, d); W: matrix(d, k)\nsum(sigmoid(X*W))", "W"),
        ("U: matrix(n, r); V: matrix(m, r); M: matrix(n, m)\nnormF(U*V' - M)^2", "U"),
        ("U: matrix(n, r); V: matrix(m, r); M: matrix(n, m)\nnormF(U*V' - M)^2", "V"),
        ("x: vector(n); y: vector(n)\nlogsumexp(x) - x'*y", "x"),
        ("X: matrix(n, n); A: matrix(n, n)\ntr(X'*A*X)", "X"),
        ("X: matrix(n, d); W: matrix(d, k); b: vector(n)\nsum(relu(X*W) .* (b*ones(k)'))", "W"),
        ("A: matrix(n, d), positive; X: matrix(d, k), positive\nsum(sqrt(A*X))", "X"),
        ("X: matrix(n, d); W: matrix(d, k); h: elementwise\nsum(h(X*W).^2)", "W"),
        ("S: matrix(n, n), spd; x: vector(n)\nx'*inv(S)*x + logdet(S)", "S"),
        ("A: matrix(n, d); x: vector(d); b: vector(n)\nnorm2(A*x - b)^2", "x"),
        ("W: matrix(d, n); Z: matrix(d, l); B: matrix(n, l)\nnormF(softmax(W'*Z) - B)^2", "W"),
        ("X: matrix(n, d); W: matrix(d, k); V: matrix(k, m); Y: matrix(n, m)\nH = sigmoid(X*W)\nnormF(H*V - Y)^2 + sum(W .* W)", "W"),
        ("X: matrix(n, n), spd; A: matrix(n, n)\ndet(X)*tr(A*X)", "X"),
        ("x: vector(n); a: vector(n)\nF: function -> vector(m)\nnorm2(F(x))^2 + a'*x", "x"),
        // a chain of definitions: the adjoints are named (G_a3, …) and Γ uses named tangents
        ("x: vector(n)\na1 = tanh(x) .* x\na2 = tanh(a1) .* a1\na3 = tanh(a2) .* a2\na4 = tanh(a3) .* a3\nsum(a4)", "x"),
    ]

    func testEveryStepIsTrue() throws {
        var settings = EvaluationSettings()
        settings.seed = 3
        for (program, wrt) in Self.cases {
            let d = try Derivations.derive(source: program, wrt: wrt)
            XCTAssertGreaterThan(d.steps.count, 0, program)
            XCTAssertTrue(d.steps.contains { $0.lhs.kind == .gradient }, "no step reads off the gradient: \(program)")
            let typed = try TypeChecker.check(source: d.context.joined(separator: "\n") + "\n__x = 0")
            var s = settings
            let sizes = ["n": 3, "d": 4, "k": 5, "m": 2, "l": 6, "p": 7, "q": 4, "r": 3, "s": 5]
            s.dims = sizes.filter { typed.dims.symbolicNames.contains($0.key) }
            let errors = try DerivationCheck.errors(d, settings: s)
            for (step, e) in zip(d.steps, errors) {
                XCTAssertLessThan(e, 1e-5, "\(program) by \(wrt): step '\(step.text)' [\(step.rule)]")
            }
        }
    }

    func testStandaloneDocumentsCompile() throws {
        let documents = try Self.cases.enumerated().map { k, c in
            (name: "d\(k)", document: DerivationReport(try Derivations.derive(source: c.0, wrt: c.1)).standalone(),
             what: "\(c.0) by \(c.1)")
        }
        try assertStandaloneDocumentsCompile(documents)
    }

    func testNamesAreEscapedInLatex() throws {
        let d = try Derivations.derive(source: "x_1: vector(n); A_b: matrix(n, n)\n# a comment with \\end{document} & % $\nx_1'*A_b*x_1", wrt: "x_1")
        let doc = DerivationReport(d).standalone()
        XCTAssertFalse(doc.contains("\\end{document} &"), "a comment must not inject LaTeX")
        XCTAssertEqual(doc.components(separatedBy: "\\end{document}").count, 2)
    }
}
