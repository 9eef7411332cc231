import XCTest
@testable import Ricci

/// The reshaping delta `delta[I, i, j]` (a language extension): parsing, printing, shapes, errors,
/// lowering and the Einstein printer.
final class ReshapeDeltaSyntaxTests: XCTestCase {
    /// The 1-based column of the first occurrence of `s` in the last line of `src`.
    func column(of s: String, in src: String) -> Int {
        let line = src.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? src
        guard let r = line.range(of: s) else { return 0 }
        return line.distance(from: line.startIndex, to: r.lowerBound) + 1
    }

    func testParse() {
        XCTAssertEqual(tree("delta[I, i, j]"), "(delta I i j)")
        XCTAssertEqual(tree("δ[I,i,j]"), "(delta I i j)")
        XCTAssertEqual(tree("A[i, j]*delta[I, i, j]"), "(* (idx A i j) (delta I i j))")
        XCTAssertEqual(tree("A[a, b]*B[c, d]*δ[I, c, a]*δ[J, d, b]"),
                       "(* (* (* (idx A a b) (idx B c d)) (delta I c a)) (delta J d b))")
        // two indices stay the Kronecker delta
        XCTAssertEqual(tree("delta[i, j]"), "(delta i j)")
        guard let e = expr("δ[I,i,j]*A[i,j]") else { return }
        if case .binary(_, let d, _) = e.kind, case .reshapeDelta(let c, let i, let j) = d.kind {
            XCTAssertEqual([c.name, i.name, j.name], ["I", "i", "j"])
            XCTAssertEqual(c.location, SourceLocation(line: 1, column: 3))
        } else {
            XCTFail("expected a reshaping delta, got \(sx(e))")
        }
    }

    func testPrintParsedExpression() {
        XCTAssertEqual(expr("δ[I,i,j]*A[i,j]")?.text, "delta[I, i, j]*A[i, j]")
        XCTAssertEqual(expr("-delta[I, i, j]^2")?.text, "-delta[I, i, j]^2")
        // the printed text parses to the same tree
        for s in ["delta[I, i, j]", "A[a, b]*B[c, d]*δ[I, c, a]*δ[J, d, b]", "tanh(x[I]*delta[I, i, j])"] {
            guard let e = expr(s), let back = expr(e.text) else { continue }
            XCTAssertEqual(sx(back), sx(e), s)
        }
    }

    func testWrongIndexCount() {
        assertError("delta[i]", .arity, at: 1, 1, contains: ["delta", "two indices", "three", "found 1"])
        assertError("δ[I, i, j, k]", .arity, at: 1, 1, contains: ["δ", "found 4"])
        let src = "x: vector(3)\ny = x[i]*delta[i, j, k, l]"
        assertError(src, .arity, at: 2, column(of: "delta", in: src), contains: ["reshaping delta", "found 4"])
        assertError("delta[]", .syntax, at: 1, 7)
    }

    func testShapes() {
        XCTAssertEqual(shape("A: matrix(3, 4); V[I] = A[i, j]*delta[I, i, j]"), ["12"])
        XCTAssertEqual(shape("A: matrix(3, 4); A[i, j]*δ[I, i, j]"), ["12"])   // implicit rule: I free, i and j summed
        XCTAssertEqual(shape("A: matrix(2, 3); B: matrix(4, 5); K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]"), ["8", "15"])
        XCTAssertEqual(shape("A: matrix(n, m); V[I] = A[i, j]*delta[I, i, j]"), ["n*m"])
        // a known combined range with one known part: the other part is sized at evaluation
        XCTAssertEqual(shape("g: vector(12); A: matrix(3, m); G[i, j] = g[I]*delta[I, i, j]*A[i, j]"), ["3", "m"])
        // a declared name joins the product in either order (it is sized as the product at evaluation)
        XCTAssertEqual(shape("g: vector(N); A: matrix(3, 4); G[i, j] = g[I]*delta[I, i, j]*A[i, j]"), ["3", "4"])
        XCTAssertEqual(shape("g: vector(N); A: matrix(3, 4); G[i, j] = A[i, j]*delta[I, i, j]*g[I]"), ["3", "4"])
        XCTAssertEqual(shape("g: vector(12); A: matrix(3, 4); G[i, j] = A[i, j]*delta[I, i, j]*g[I]"), ["3", "4"])
        // a repeated part: dim(I) = dim(i)²
        XCTAssertEqual(shape("x: vector(3); d[I] = x[i]*delta[I, i, i]"), ["9"])
    }

    func testPrintedTypesParseBack() {
        // a product never becomes the representative of a plain name: declarations print parseable types
        XCTAssertEqual(types("G[i, j] = g[I]*delta[I, i, j]")["g"], "vector(g_n)")
        XCTAssertEqual(types("G[i, j] = delta[I, i, j]*g[I]")["g"], "vector(g_n)")
        XCTAssertEqual(types("v + vec(A)")["v"], "vector(v_n)")
        // a product of integers tied to nothing else becomes that integer after checking
        XCTAssertEqual(types("B: matrix(3, 4)\nG[i, j] = A[i, j]*delta[I, i, j]*g[I] + 0*B[i, j]")["g"], "vector(12)")
    }

    func testSizeErrors() {
        var src = "g: vector(10); A: matrix(3, 4); G[i, j] = g[I]*delta[I, i, j]*A[i, j]"
        assertError(src, .shape, at: 1, column(of: "delta", in: src), contains: ["delta[I, i, j]", "10", "3·4 = 12"])
        src = "g: vector(10); A: matrix(3, 4); G[i, j] = A[i, j]*delta[I, i, j]*g[I]"
        assertError(src, .shape, at: 1, column(of: "delta", in: src), contains: ["10", "3·4 = 12"])
        src = "g: vector(10); A: matrix(3, m); G[i, j] = g[I]*delta[I, i, j]*A[i, j]"
        assertError(src, .shape, at: 1, column(of: "delta", in: src), contains: ["10", "not a multiple of 3"])
        src = "g: vector(10); d[i] = g[I]*delta[I, i, i]"
        assertError(src, .shape, at: 1, column(of: "delta", in: src), contains: ["not a square"])
        src = "g: vector(10); x: vector(3); d[i] = g[I]*delta[I, i, i]*x[i]"
        assertError(src, .shape, at: 1, column(of: "delta", in: src), contains: ["10 must be 3·3 = 9"])
        src = "A: matrix(3, 4)\nG[i, j] = A[i, j]*delta[I, i, j]*A[I, j]"
        assertError(src, .shape, at: 2, column(of: "delta", in: src), contains: ["3·4 = 12"])
        // a part whose range disagrees with another factor is an index error at the index
        src = "A: matrix(3, 4); x: vector(5); V[I] = A[i, j]*delta[I, j, i]*x[i]"
        assertError(src, .index, at: 1, column(of: "x[i]", in: src) + 2, contains: ["index i"])
    }

    func testLowering() throws {
        let p = try Lowerer.lower(source: "A: matrix(3, 4); V[I] = A[i, j]*delta[I, i, j]")
        guard let t = p.statements.last?.expr.terms.first else { return XCTFail("no term") }
        XCTAssertEqual(t.factors.count, 2)
        guard case .reshape(let c, let i, let j) = t.factors[1] else { return XCTFail("expected a reshape factor, got \(t.factors)") }
        XCTAssertEqual([c.hint, i.hint, j.hint], ["I", "i", "j"])
        XCTAssertEqual(p.typed.dims.resolve(c.dim), .fixed(12))
        XCTAssertEqual(p.typed.dims.resolve(i.dim), .fixed(3))
        XCTAssertEqual(p.statements.last?.expr.free, [c])
    }

    func print(_ src: String, _ format: OutputFormat = .text) throws -> String {
        EinsteinPrinter.print(try Lowerer.lower(source: src), format: format)
    }

    func testEinsteinPrinter() throws {
        let src = "A: matrix(3, 4); V[I] = A[i, j]*delta[I, i, j]"
        XCTAssertEqual(try print(src), "A: matrix(3, 4)\nV[I] = A[i, j]*delta[I, i, j]")
        XCTAssertEqual(try print(src, .unicode), "A: matrix(3, 4)\nV[I] = A[i,j]·δ[I,i,j]")
        XCTAssertEqual(try print(src, .latex), "{V}_{I} = \\sum_{i,j} {A}_{ij} \\delta_{Iij}")
        let kron = "A: matrix(2, 3); B: matrix(4, 5); K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]"
        XCTAssertEqual(try print(kron).split(separator: "\n").last, "K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]")
    }

    func testRangedIndices() throws {
        // I alone does not range i and j: the printer gives them their ranges with ones(d)[i]
        XCTAssertEqual(try print("g: vector(12); G[i, j] = g[I]*delta[I, i, j]").split(separator: "\n").last,
                       "G[i, j] = g[I]*delta[I, i, j]*ones(i_d)[i]*ones(j_d)[j]")
        // I and i range j (dim(j) = dim(I)/dim(i)); i and j range I
        XCTAssertFalse(try print("g: vector(12); x: vector(3); G[i, j] = g[I]*x[i]*delta[I, i, j]").contains("ones"))
        XCTAssertFalse(try print("x: vector(3); y: vector(4); v[I] = x[i]*y[j]*delta[I, i, j]").contains("ones"))
        // a repeated part is ranged by I alone (dim(I) = dim(i)²)
        XCTAssertFalse(try print("g: vector(9); d[i] = g[I]*delta[I, i, i]").contains("ones"))
        // a Kronecker delta tied to a ranged part of a reshaping delta is ranged too
        XCTAssertFalse(try print("x: vector(3); y: vector(4); v[I, k] = x[i]*y[j]*delta[I, i, j]*delta[i, k]").contains("eye"))
        let lowered = try Lowerer.lower(source: "x: vector(3); y: vector(4); v[I] = x[i]*y[j]*delta[I, i, j]")
        guard let e = lowered.statements.last?.expr else { return XCTFail("no statement") }
        XCTAssertEqual(EinsteinPrinter.rangedIndices(e).count, 3)
    }

    func testPrintedFormsParseBack() throws {
        let programs = [
            "A: matrix(3, 4); V[I] = A[i, j]*delta[I, i, j]",
            "g: vector(12); G[i, j] = g[I]*delta[I, i, j]",
            "G[i, j] = g[I]*delta[I, i, j]",
            "A[i, j]*δ[I, i, j]",
            "s[] = (g[I]*delta[I, i, j])^2",
            "G[i, j] = tanh(g[I]*delta[I, i, j])",
            "t[] = tanh(g[I]*delta[I, i, j])",
            "A: matrix(2, 3); B: matrix(4, 5); K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]",
        ]
        for src in programs {
            for format in [OutputFormat.text, .unicode] {
                let printed = try print(src, format)
                XCTAssertNoThrow(try Lowerer.lower(source: printed), "\(format) form of '\(src)':\n\(printed)")
            }
        }
    }
}
