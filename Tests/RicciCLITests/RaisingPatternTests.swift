import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Hand-built index forms of the shapes derivatives take, raised and checked against their own
/// Einstein form by value (and by exact text where a person's form is known); and the forms that
/// have no certain matrix notation, which must raise to nil.
final class RaisingPatternTests: XCTestCase {
    /// A program's dimension table and an index maker over its named dimensions.
    struct Scope {
        let source: String
        let dims: DimTable
        let gen = IndexGenerator()
        init(_ source: String) throws {
            self.source = source
            dims = try Lowerer.lower(source: source + "\n0").typed.dims
        }
        func ix(_ hint: String, _ dim: String) -> Index {
            gen.fresh(hint, Int(dim).map { dims.fixed($0) } ?? dims.named(dim))
        }
    }

    func t(_ n: String, _ ix: Index...) -> Factor { .tensor(n, ix) }
    func term(_ c: Double, _ fs: Factor...) -> Term { Term(c, fs) }

    /// Checks `e` by value against its Einstein form, and its text when `expected` is given.
    func check(_ e: IndexExpr, in s: Scope, _ expected: String?, functions: [String: EntrywiseFunction] = [:],
               file: StaticString = #filePath, line: UInt = #line) {
        var printer = EinsteinPrinter(format: .text, dims: s.dims, taken: ["R", "G"])
        let statement = printer.statement("R", e)
        let reference = (printer.hoisted.map(\.line) + [statement]).joined(separator: "\n")
        let text = RaisingOracle.check(e, program: s.source + "\n0", reference: reference, dims: s.dims,
                                       functions: functions, file: file, line: line)
        if let want = expected, let got = text { XCTAssertEqual(got, want, file: file, line: line) }
    }

    func testP4GradientTerm() throws {
        let s = try Scope("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise\nE = h(X*W)*alpha - y")
        let (i, k, l, a) = (s.ix("i", "n"), s.ix("k", "d"), s.ix("l", "k"), s.ix("a", "d"))
        let xw = IndexExpr(free: [i, l], terms: [term(1, t("X", i, a), t("W", a, l))])
        let e = IndexExpr(free: [k, l], terms: [term(2, t("X", i, k), t("E", i), t("alpha", l), .function(.user("h", derivative: 1), xw))])
        check(e, in: s, "2*X'*((E*alpha') .* h'(X*W))", functions: ["h": .tanh])
    }

    func testTraceGradient() throws {
        let s = try Scope("A: matrix(d, n); B: matrix(k, d)")
        let (p, k, l) = (s.ix("p", "d"), s.ix("k", "n"), s.ix("l", "k"))
        check(IndexExpr(free: [k, l], terms: [term(1, t("A", p, k), t("B", l, p))]), in: s, "A'*B'")
        check(IndexExpr(free: [l, k], terms: [term(1, t("A", p, k), t("B", l, p))]), in: s, "B*A")
    }

    func testP1DoubleDot() throws {
        let s = try Scope("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m); F: function -> matrix(n, l)")
        let (i, j, k, l) = (s.ix("i", "n"), s.ix("j", "l"), s.ix("k", "d"), s.ix("l", "n"))
        let (a, b, c, q) = (s.ix("a", "m"), s.ix("b", "d"), s.ix("c", "d"), s.ix("q", "n"))
        let w = IndexExpr(free: [c, q], terms: [term(1, t("W", c, q))])
        let sum = IndexExpr(free: [i, j], terms: [
            term(1, .opaque("F", derivative: 0, arg: w, indices: [i, j])),
            term(-1, t("beta", i, a), t("D", b, a), t("Z", b, j)),
        ])
        let e = IndexExpr(free: [k, l], terms: [term(2, .function(.identity, sum), .opaque("F", derivative: 1, arg: w, indices: [i, j, k, l]))])
        check(e, in: s, "2*(F(W) - beta*D'*Z) : F'(W)")
        // the chain rule through F(X*W): (A : F'(XW)) contracted with X
        let s2 = try Scope("X: matrix(n, d); W: matrix(d, m); A: matrix(p, q); F: function -> matrix(p, q)")
        let (u, v, r, o, k2, l2) = (s2.ix("u", "p"), s2.ix("v", "q"), s2.ix("r", "n"), s2.ix("o", "m"), s2.ix("k", "d"), s2.ix("l", "m"))
        let (x1, x2, x3) = (s2.ix("a", "n"), s2.ix("b", "m"), s2.ix("c", "d"))
        let xw = IndexExpr(free: [x1, x2], terms: [term(1, t("X", x1, x3), t("W", x3, x2))])
        let chain = IndexExpr(free: [k2, l2], terms: [term(3, t("A", u, v), .opaque("F", derivative: 1, arg: xw, indices: [u, v, r, o]),
                                                            t("X", r, k2), .delta(o, l2))])
        check(chain, in: s2, "3*X'*(A : F'(X*W))")
    }

    func testDiagonalsAndIdentities() throws {
        let s = try Scope("A: matrix(n, n); x: vector(n); B: matrix(n, d)")
        let (i, j, m) = (s.ix("i", "n"), s.ix("j", "n"), s.ix("m", "d"))
        check(IndexExpr(free: [i, j], terms: [term(1, t("x", i), .delta(i, j))]), in: s, "Diag(x)")
        check(IndexExpr(free: [i, j], terms: [term(2, .delta(i, j)), term(1, t("A", j, i))]), in: s, "2*eye(n) + A'")
        check(IndexExpr(free: [i], terms: [term(1, t("A", i, i), t("x", i))]), in: s, "x .* diag(A)")
        check(IndexExpr(free: [i, m], terms: [term(1, t("x", i), t("B", i, m))]), in: s, "Diag(x)*B")
        check(IndexExpr(free: [], terms: [term(1, t("A", i, i))]), in: s, "tr(A)")
        check(IndexExpr(free: [], terms: [term(1, t("A", i, j), t("A", i, j))]), in: s, "A : A")
        check(IndexExpr(free: [], terms: [term(1, t("x", i), t("x", i), t("x", i))]), in: s, "x'*x.^2")
    }

    func testOuterProductsAndBroadcasts() throws {
        let s = try Scope("x: vector(n); y: vector(d); A: matrix(n, d); alpha: scalar")
        let (i, j) = (s.ix("i", "n"), s.ix("j", "d"))
        check(IndexExpr(free: [i, j], terms: [term(1, t("x", i), t("y", j))]), in: s, "x*y'")
        check(IndexExpr(free: [j, i], terms: [term(-1, t("x", i), t("y", j), t("alpha"))]), in: s, "-alpha*y*x'")
        check(IndexExpr(free: [i, j], terms: [term(1, t("A", i, j)), term(1, t("alpha"), .ones([i, j]))]), in: s, "A + alpha")
        check(IndexExpr(free: [i, j], terms: [term(1, .ones([i, j]))]), in: s, "ones(n, d)")
        XCTAssertEqual(Raiser(dims: s.dims).raise(IndexExpr(free: [i, j], terms: []))?.rendered(.text), "zeros(n, d)")
        XCTAssertEqual(Raiser(dims: s.dims).raise(IndexExpr(free: [i], terms: [term(0, t("x", i))]))?.rendered(.text), "0*ones(n)")
        check(IndexExpr(free: [i, j], terms: [term(1, t("x", i))]), in: s, "x*ones(d)'")
    }

    /// Forms without a certain matrix notation give nil, never a wrong matrix.
    func testNoMatrixForm() throws {
        let s = try Scope("A: matrix(n, n); T: tensor(n, n, n); x: vector(n); y: vector(n); z: vector(n)")
        let (i, j, k, l) = (s.ix("i", "n"), s.ix("j", "n"), s.ix("k", "n"), s.ix("l", "n"))
        let raiser = Raiser(dims: s.dims)
        // K4: every vertex shared by three matrices, no series or parallel step applies
        let k4 = [t("A", i, j), t("A", i, k), t("A", i, l), t("A", j, k), t("A", j, l), t("A", k, l)]
        XCTAssertNil(raiser.raise(IndexExpr(free: [], terms: [Term(1, k4)])))
        XCTAssertNil(raiser.raise(IndexExpr(free: [i, j], terms: [Term(1, k4)])))
        // a reshaping delta
        let big = s.ix("I", "n")
        XCTAssertNil(raiser.raise(IndexExpr(free: [big], terms: [term(1, t("A", i, j), .reshape(big, i, j))])))
        // an order-3 tensor contracted on its middle axis
        XCTAssertNil(raiser.raise(IndexExpr(free: [i, k], terms: [term(1, t("T", i, j, k), t("x", j))])))
        // an order-3 outer product, and a repeated free index
        XCTAssertNil(raiser.raise(IndexExpr(free: [i, j, k], terms: [term(1, t("x", i), t("y", j), t("z", k))])))
        XCTAssertNil(raiser.raise(IndexExpr(free: [i, i], terms: [term(1, t("x", i))])))
        // one term without a form makes the whole sum nil
        XCTAssertNil(raiser.raise(IndexExpr(free: [], terms: [term(1, t("A", i, i)), Term(1, k4)])))
    }

    /// Order-3 tensors contracted on a leading or trailing axis are double-dot products.
    func testTensorContractions() throws {
        let s = try Scope("T: tensor(n, d, k); x: vector(n); z: vector(k); B: matrix(d, k)")
        let (i, j, k) = (s.ix("i", "n"), s.ix("j", "d"), s.ix("k", "k"))
        check(IndexExpr(free: [j, k], terms: [term(1, t("x", i), t("T", i, j, k))]), in: s, "x : T")
        check(IndexExpr(free: [i, j], terms: [term(1, t("T", i, j, k), t("z", k))]), in: s, "T : z")
        check(IndexExpr(free: [i], terms: [term(2, t("T", i, j, k), t("B", j, k))]), in: s, "2*T : B")
    }

    func testRenderedForms() throws {
        let s = try Scope("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); h: elementwise\nE = h(X*W)*alpha - y")
        let (i, k, l, a) = (s.ix("i", "n"), s.ix("k", "d"), s.ix("l", "k"), s.ix("a", "d"))
        let xw = IndexExpr(free: [i, l], terms: [term(1, t("X", i, a), t("W", a, l))])
        let e = IndexExpr(free: [k, l], terms: [term(2, t("X", i, k), t("E", i), t("alpha", l), .function(.user("h", derivative: 1), xw))])
        let m = try XCTUnwrap(Raiser(dims: s.dims).raise(e))
        XCTAssertEqual(m.rendered(.unicode), "2·Xᵀ·((E·alphaᵀ) ⊙ h′(X·W))")
        XCTAssertEqual(m.rendered(.latex), "2 {X}^{\\top} \\left(\\left(E {\\alpha}^{\\top}\\right) \\odot h'\\left(X W\\right)\\right)")
        let tr = MatrixExpr.call(.reduction(.tr), derivative: 0, [.product([.symbol("A"), .call(.matrix(.Diag), derivative: 0, [.symbol("x")])])])
        XCTAssertEqual(tr.rendered(.latex), "\\operatorname{tr}\\left(A \\operatorname{Diag}\\left(x\\right)\\right)")
        XCTAssertEqual(MatrixExpr.hadamardDivide(.symbol("A"), .symbol("B")).rendered(.latex), "A \\oslash B")
        XCTAssertEqual(MatrixExpr.doubleDot(.symbol("my_A"), .symbol("T")).rendered(.latex), "\\mathit{my}_{A} : T")
    }
}
