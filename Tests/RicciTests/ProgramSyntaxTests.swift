import XCTest
@testable import Ricci

/// SYNTAX.md section 1: statements, declarations, definitions, comments, default kinds.
final class ProgramSyntaxTests: XCTestCase {
    /// The declarations of a program, as (name, type, properties).
    func declarations(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> [(String, DeclaredType, [Property])] {
        do {
            return try Parser.parse(src).statements.compactMap {
                if case .declaration(let n, let t, let p, _) = $0 { return (n, t, p) }
                return nil
            }
        } catch {
            XCTFail("'\(src)' does not parse: \(error)", file: file, line: line)
            return []
        }
    }

    func declaration(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> (String, DeclaredType, [Property])? {
        let d = declarations(src, file: file, line: line)
        XCTAssertEqual(d.count, 1, file: file, line: line)
        return d.first
    }

    // MARK: - declarations: every TYPE

    func testDeclareScalar() {
        let d = declaration("s: scalar\ns*x")
        XCTAssertEqual(d?.0, "s")
        XCTAssertEqual(d?.1, .scalar)
        XCTAssertEqual(types("s: scalar\ns*x")["s"], "scalar")
        XCTAssertEqual(shape("s: scalar\ns*x")?.count, 1)
    }

    func testDeclareVector() {
        XCTAssertEqual(declaration("y: vector(n)\ny")?.1, .vector(.named("n")))
        XCTAssertEqual(declaration("y: vector(7)\ny")?.1, .vector(.fixed(7)))
        XCTAssertEqual(types("y: vector(n)\ny")["y"], "vector(n)")
        XCTAssertEqual(shape("y: vector(7)\ny"), ["7"])
    }

    func testDeclareMatrix() {
        XCTAssertEqual(declaration("X: matrix(n, d)\nX")?.1, .matrix(.named("n"), .named("d")))
        XCTAssertEqual(declaration("X: matrix(3, d)\nX")?.1, .matrix(.fixed(3), .named("d")))
        XCTAssertEqual(types("X: matrix(n, d)\nX")["X"], "matrix(n, d)")
        XCTAssertEqual(shape("X: matrix(3, 4)\nX"), ["3", "4"])
    }

    func testDeclareTensor() {
        XCTAssertEqual(declaration("T: tensor(a, b, c)\nT")?.1, .tensor([.named("a"), .named("b"), .named("c")]))
        XCTAssertEqual(declaration("T: tensor(2, 3, 4, 5)\nT")?.1, .tensor([.fixed(2), .fixed(3), .fixed(4), .fixed(5)]))
        XCTAssertEqual(types("T: tensor(a, b, c)\nT")["T"], "tensor(a, b, c)")
        XCTAssertEqual(shape("T: tensor(2, 3, 4, 5)\nT"), ["2", "3", "4", "5"])
    }

    func testDeclareElementwise() {
        let src = "h: elementwise\nh(x)"
        XCTAssertEqual(declaration(src)?.1, .elementwise)
        XCTAssertEqual(types(src)["h"], "elementwise")
        XCTAssertEqual(kindOf(types(src)["x"]), "vector")
        XCTAssertEqual(shape("h: elementwise; X: matrix(3, 4); h(X)"), ["3", "4"])
    }

    func testDeclareOpaqueFunction() {
        let src = "F: function -> matrix(n, l)\nF(W)"
        XCTAssertEqual(declaration(src)?.1, .function(result: .matrix(.named("n"), .named("l"))))
        XCTAssertEqual(types(src)["F"], "function -> matrix(n, l)")
        XCTAssertEqual(shape(src), ["n", "l"])
        XCTAssertEqual(declaration("G: function -> scalar\nG(x)")?.1, .function(result: .scalar))
        XCTAssertEqual(shape("G: function -> scalar\nG(x)"), [])
        XCTAssertEqual(declaration("g: function -> vector(5)\ng(W)")?.1, .function(result: .vector(.fixed(5))))
        XCTAssertEqual(shape("g: function -> vector(5)\ng(W)"), ["5"])
        XCTAssertEqual(shape("G: function -> tensor(2, 3, 4)\nG(x)"), ["2", "3", "4"])
        // the Unicode arrow
        XCTAssertEqual(declaration("F: function → matrix(n, l)\nF(W)")?.1, .function(result: .matrix(.named("n"), .named("l"))))
    }

    func testDeclareProperties() {
        XCTAssertEqual(declaration("A: matrix(n, n), symmetric\nA")?.2, [.symmetric])
        XCTAssertEqual(declaration("A: matrix(n, n), spd\nA")?.2, [.spd])
        XCTAssertEqual(declaration("A: matrix(p, q), positive\nA")?.2, [.positive])
        XCTAssertEqual(declaration("A: matrix(n, n), symmetric, positive\nA")?.2, [.symmetric, .positive])
        XCTAssertEqual(types("A: matrix(n, n), spd\nA")["A"], "matrix(n, n), spd")
        XCTAssertEqual(types("A: matrix(p, q), positive\nA")["A"], "matrix(p, q), positive")
    }

    func testSymmetricUnifiesDimensions() {
        // matrix(n, m) declared symmetric must be square; with two declared names that is an error
        assertError("A: matrix(n, m), symmetric\nA", .shape, at: 1, 1, contains: ["symmetric", "square"])
        assertError("A: matrix(3, 4), spd\nA", .shape, at: 1, 1, contains: ["spd", "3×4"])
        XCTAssertEqual(types("A: matrix(3, 3), spd\nA")["A"], "matrix(3, 3), spd")
        assertError("A: matrix(3, 3), orthogonal\nA", .syntax, at: 1, 18, contains: ["orthogonal"])
    }

    func testDimensionExpressions() {
        XCTAssertEqual(declaration("x: vector(2*3)\nx")?.1, .vector(.fixed(6)))
        XCTAssertEqual(declaration("x: vector(10^2)\nx")?.1, .vector(.fixed(100)))
        XCTAssertEqual(declaration("x: vector((1+2)*4 - 1)\nx")?.1, .vector(.fixed(11)))
        assertError("x: vector(0)\nx", .shape, at: 1, 11, contains: ["positive"])
        assertError("x: vector(2.5)\nx", .syntax, at: 1, 11, contains: ["integer"])
    }

    func testMisspelledTypes() {
        // a near-miss of a type keyword is a misspelled declaration, not `x : name` (a double-dot product)
        assertError("x: scalr\nx", .syntax, at: 1, 4, contains: ["unknown type 'scalr'", "did you mean 'scalar'?"])
        assertError("x: vektor(3)\nx", .syntax, at: 1, 4, contains: ["'vector'"])
        assertError("X: Matrix(3, 4)\nX", .syntax, at: 1, 4, contains: ["'matrix'"])
        assertError("T: tensr(2, 3, 4)\nT", .syntax, at: 1, 4, contains: ["'tensor'"])
        assertError("h: elementwize\nh(x)", .syntax, at: 1, 4, contains: ["'elementwise'"])
        assertError("F: fucntion -> scalar\nF(x)", .syntax, at: 1, 4, contains: ["'function'"])
        // a real double-dot product of two names still parses
        XCTAssertEqual(shape("x: vector(3); y: vector(3)\nx : y"), [])
        XCTAssertEqual(shape("A: matrix(3, 4); B: matrix(3, 4)\nA : B"), [])
    }

    func testDeclarationErrors() {
        assertError("x: vector(3, 4)\nx", .syntax, at: 1, 4, contains: ["vector takes one dimension"])
        assertError("X: matrix(3)\nX", .syntax, at: 1, 4, contains: ["matrix takes two dimensions"])
        assertError("F: function -> elementwise\nF(x)", .syntax, at: 1, 4, contains: ["returns"])
        assertError("f: elementwise, positive\nf(x)", .syntax, at: 1, 1, contains: ["properties"])
        assertError("tanh: elementwise\ntanh(x)", .name, at: 1, 1, contains: ["built-in"])
        assertError("X: matrix(3, 3)", .syntax, at: 1, 1, contains: ["objective"])
    }

    // MARK: - definitions, comments, separators

    func testDefinitions() throws {
        let p = try Parser.parse("E = X*W - Y\nnormF(E)^2")
        XCTAssertEqual(p.statements.count, 2)
        guard case .definition(let n, let idx, let v, let loc) = p.statements[0] else { return XCTFail("not a definition") }
        XCTAssertEqual(n, "E")
        XCTAssertNil(idx)
        XCTAssertEqual(sx(v), "(sum +(* X W) -Y)")
        XCTAssertEqual(loc, SourceLocation(line: 1, column: 1))
        guard case .expression(let e) = p.statements[1] else { return XCTFail("not an expression") }
        XCTAssertEqual(sx(e), "(^ (normF E) 2)")
        // the definition is used later, and its shape flows on
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); E = X*W; E'"), ["5", "3"])
        // a definition can be the last statement: its value is the objective
        XCTAssertEqual(shape("X: matrix(3, 4); W: matrix(4, 5); E = X*W"), ["3", "5"])
        // indexed left side
        let q = try Parser.parse("Y[i, k] = A[i, j]*B[j, k]")
        guard case .definition(let m, let ix, _, _) = q.statements[0] else { return XCTFail("not a definition") }
        XCTAssertEqual(m, "Y")
        XCTAssertEqual(ix?.map(\.name), ["i", "k"])
    }

    func testDefinitionOfDeclaredNameMustMatch() {
        XCTAssertEqual(shape("E: matrix(3, 5)\nX: matrix(3, 4)\nW: matrix(4, 5)\nE = X*W\nE"), ["3", "5"])
        assertError("E: matrix(3, 6)\nX: matrix(3, 4)\nW: matrix(4, 5)\nE = X*W\nE", .shape, at: 4, 1, contains: ["E", "3×6", "3×5"])
        assertError("E = x\nE = y\nE", .name, at: 2, 1, contains: ["E", "already defined"])
    }

    func testComments() throws {
        let src = """
            # a whole-line comment
            X: matrix(n, d)   # a trailing comment
            # another
            X*W  # the objective # with a hash in it
            """
        let p = try Parser.parse(src)
        XCTAssertEqual(p.statements.count, 2)
        XCTAssertEqual(shape(src), ["n", "W_c"])
        // a comment is not an operator: '# X' at the end changes nothing
        XCTAssertEqual(try Parser.parse("x # + y").statements.count, 1)
    }

    func testSemicolonsAndNewlines() throws {
        let a = try Parser.parse("X: matrix(3, 4); W: matrix(4, 5); X*W")
        let b = try Parser.parse("X: matrix(3, 4)\nW: matrix(4, 5)\nX*W")
        let c = try Parser.parse("\n\nX: matrix(3, 4);;\n;W: matrix(4, 5)\n\n;X*W;\n")
        XCTAssertEqual(a.statements.count, 3)
        XCTAssertEqual(b.statements.count, 3)
        XCTAssertEqual(c.statements.count, 3)
        // windows line ends
        XCTAssertEqual(shape("X: matrix(3, 4)\r\nW: matrix(4, 5)\r\nX*W"), ["3", "5"])
        XCTAssertEqual(shape("# comment\r\nX: matrix(3, 4) # comment\r\nX"), ["3", "4"])
        assertError("X: matrix(1, m)\r\nW: matrix(10, m)\r\nX*W", .shape, at: 3, 2, contains: ["1×m"])
        let crlf = "X: matrix(1, m)\r\nW: matrix(10, m)\r\nX*W"
        XCTAssertEqual(ricciError(crlf)?.rendered(source: crlf).split(separator: "\n").dropFirst().first, "  X*W")
        // a newline inside parentheses or brackets does not end the statement
        XCTAssertEqual(tree("(a +\n b)*c"), "(* (sum +a +b) c)")
        XCTAssertEqual(shape("A: matrix(3, 4)\nA[i,\n j]"), ["3", "4"])
        XCTAssertEqual(try Parser.parse("f(x,\ny)\n").statements.count, 1)
        // two expressions on one line without a separator are an error
        assertError("x y", .syntax, at: 1, 3, contains: ["y"])
        assertError("", .syntax, at: 1, 1, contains: ["empty"])
        assertError("# only a comment\n", .syntax, at: 1, 1, contains: ["empty"])
    }

    func testLastStatementIsTheObjective() throws {
        let p = try TypeChecker.check(source: "a = x'*x; B = x*x'; B")
        XCTAssertEqual(p.statements.count, 3)
        XCTAssertEqual(p.resolve(p.result.shape).count, 2)
        let q = try TypeChecker.check(source: "B = x*x'; a = x'*x")
        XCTAssertEqual(q.result.name, "a")
        XCTAssertEqual(q.resolve(q.result.shape), [])
    }

    // MARK: - default kinds from the spelling

    func testGreekNamesAreScalars() {
        let greek = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
                     "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"]
        for g in greek where g != "delta" {
            XCTAssertEqual(types("\(g)*x")[g], "scalar", g)
        }
        for u in ["α", "β", "γ", "λ", "μ", "σ", "ω", "Σ", "Ω"] {
            XCTAssertEqual(types("\(u)*x + \(u)*x")[u], "scalar", u)
        }
        XCTAssertEqual(shape("α*x"), ["x_n"])
        XCTAssertEqual(shape("alpha + beta"), [])
    }

    func testUppercaseNamesAreMatrices() {
        let t = types("X*W + B")
        XCTAssertEqual(kindOf(t["X"]), "matrix")
        XCTAssertEqual(kindOf(t["W"]), "matrix")
        XCTAssertEqual(kindOf(t["B"]), "matrix")
        XCTAssertEqual(kindOf(types("Alpha")["Alpha"]), "matrix")
        XCTAssertEqual(kindOf(types("Xtrain")["Xtrain"]), "matrix")
    }

    func testOtherNamesAreVectors() {
        let t = types("x + y + b1 + w_2")
        for n in ["x", "y", "b1", "w_2"] { XCTAssertEqual(kindOf(t[n]), "vector", n) }
        XCTAssertEqual(kindOf(types("alphabet")["alphabet"]), "vector")
        XCTAssertEqual(kindOf(types("_x")["_x"]), "vector")
        XCTAssertEqual(kindOf(types("a")["a"]), "vector")
    }

    func testDefaultDimensionsUnifyByUse() {
        // columns of X = rows of W = length of v
        let t = types("X*W*v")
        func dims(_ s: String?) -> [String] {
            guard let s, let o = s.firstIndex(of: "("), let c = s.lastIndex(of: ")") else { return [] }
            return s[s.index(after: o)..<c].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let (x, w, v) = (dims(t["X"]), dims(t["W"]), dims(t["v"]))
        XCTAssertEqual(x.count, 2)
        XCTAssertEqual(w.count, 2)
        XCTAssertEqual(v.count, 1)
        XCTAssertEqual(x.last, w.first)
        XCTAssertEqual(w.last, v.first)
        XCTAssertNotEqual(x.first, x.last)
        XCTAssertEqual(Set([x[0], x[1], w[1]]).count, 3)
        // a declaration fixes the defaulted partner's dimension
        let u = types("X: matrix(n, d)\nX*w")
        XCTAssertEqual(u["w"], "vector(d)")
        XCTAssertEqual(types("X: matrix(3, 4)\ny'*X*w")["y"], "vector(3)")
        XCTAssertEqual(types("X: matrix(3, 4)\ny'*X*w")["w"], "vector(4)")
    }

    func testDeclarationsOverrideDefaults() {
        XCTAssertEqual(types("x: matrix(3, 4)\nx")["x"], "matrix(3, 4)")
        XCTAssertEqual(types("X: vector(3)\nX")["X"], "vector(3)")
        XCTAssertEqual(types("alpha: vector(3)\nalpha")["alpha"], "vector(3)")
        XCTAssertEqual(types("s: scalar\ns")["s"], "scalar")
    }

    func testDeclarationsMayComeAfterUse() {
        // declarations are collected before checking
        XCTAssertEqual(shape("E = X*W\nX: matrix(3, 4)\nW: matrix(4, 2)\nE"), ["3", "2"])
    }
}
