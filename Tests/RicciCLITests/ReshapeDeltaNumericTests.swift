import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The reshaping delta `delta[I, i, j]` evaluated: vec, kron and "unvec" written entrywise, sizes of
/// products solved at evaluation, and round trips through the Einstein printer.
final class ReshapeDeltaNumericTests: XCTestCase {
    func run(_ src: String, seed: UInt64 = 7, dims: [String: Int] = [:], values: [String: Tensor] = [:],
             file: StaticString = #filePath, line: UInt = #line) -> Evaluation? {
        do {
            return try Evaluator.evaluate(source: src, settings: settings(values: values, dims: dims, seed: seed))
        } catch {
            XCTFail("'\(src)' does not evaluate: \(error)", file: file, line: line)
            return nil
        }
    }

    func input(_ e: Evaluation?, _ name: String) -> Tensor? { e?.inputs.first { $0.0 == name }?.1 }

    /// Column-major vec of a row-major matrix tensor.
    func vec(_ t: Tensor) -> [Double] {
        let (r, c) = (t.shape[0], t.shape[1])
        return (0..<c).flatMap { j in (0..<r).map { i in t.data[i * c + j] } }
    }

    func testVec() {
        for decl in ["A: matrix(3, 4)", "A: matrix(n, m)"] {
            let dims = ["n": 3, "m": 4]
            let entrywise = run("\(decl)\nV[I] = A[i, j]*delta[I, i, j]", dims: decl.contains("n") ? dims : [:])
            let direct = run("\(decl)\nvec(A)", dims: decl.contains("n") ? dims : [:])
            guard let d = direct else { continue }
            assertClose(entrywise?.value, d.value.shape, d.value.data, decl)
            if let a = input(direct, "A") { assertClose(d.value, vector: vec(a)) }
        }
        // the implicit rule: I free, i and j summed; and the unicode spelling
        let d = run("A: matrix(3, 4)\nvec(A)")
        assertClose(run("A: matrix(3, 4)\nA[i, j]*δ[I, i, j]")?.value, [12], d?.value.data ?? [])
    }

    func testKron() {
        let decl = "A: matrix(2, 3); B: matrix(4, 5)\n"
        let entrywise = run(decl + "K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]")
        guard let direct = run(decl + "kron(A, B)") else { return }
        XCTAssertEqual(direct.value.shape, [8, 15])
        assertClose(entrywise?.value, direct.value.shape, direct.value.data)
        // symbolic dimensions, sized at evaluation
        let sym = "A: matrix(p, q); B: matrix(r, s)\n"
        let dims = ["p": 2, "q": 3, "r": 4, "s": 5]
        assertClose(run(sym + "K[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]", dims: dims)?.value,
                    [8, 15], run(sym + "kron(A, B)", dims: dims)?.value.data ?? [])
    }

    func testUnvec() {
        // G[i, j] = g[I]·δ[I, i, j] is g read column-major into dim(i)×dim(j)
        let check = { (e: Evaluation?, rows: Int, cols: Int) in
            guard let e = e, let g = self.input(e, "g") else { return }
            var expected = [Double](repeating: 0, count: rows * cols)
            for i in 0..<rows { for j in 0..<cols { expected[i * cols + j] = g.data[i + rows * j] } }
            assertClose(e.value, [rows, cols], expected)
        }
        // free ranges take default sizes (3 and 4) and g's length is their product
        check(run("G[i, j] = g[I]*delta[I, i, j]"), 3, 4)
        // a known length and one known part: the other part is the quotient
        check(run("g: vector(12)\nG[i, j] = g[I]*delta[I, i, j]*ones(2)[i]"), 2, 6)
        check(run("g: vector(12)\nG[i, j] = g[I]*delta[I, i, j]", dims: ["j_d": 3]), 4, 3)
        check(run("g: vector(N)\nG[i, j] = g[I]*delta[I, i, j]*ones(5)[i]*ones(2)[j]"), 5, 2)
        // the unvec of a vec is the matrix, with the parts read off vec's own product
        for src in ["G[i, j] = vec(A)[I]*delta[I, i, j]", "G[i, j] = delta[I, i, j]*vec(A)[I]"] {
            guard let e = run(src), let a = input(e, "A") else { continue }
            assertClose(e.value, a.shape, a.data, src)
        }
        guard let e = run("A: matrix(n, m)\nG[i, j] = vec(A)[I]*delta[I, i, j]", dims: ["n": 2, "m": 5]), let a = input(e, "A") else { return }
        assertClose(e.value, [2, 5], a.data)
    }

    /// The 0/1 tensor of shape [m·n, m, n] with ones at I = i + m·j.
    func reshapeTensor(_ m: Int, _ n: Int, one: Double = 1) -> [Double] {
        var t = [Double](repeating: 0, count: m * n * m * n)
        for j in 0..<n { for i in 0..<m { t[(i + m * j) * m * n + i * n + j] = one } }
        return t
    }

    func testTensor() {
        // as a factor of a term (two order-2 parts contracted)
        assertClose(run("D[I, i, j] = delta[I, i, j]*ones(3)[i]*ones(2)[j]")?.value, [6, 3, 2], reshapeTensor(3, 2))
        // inverted, the dense order-3 tensor itself: exp(-1/δ) is 1/e where δ is 1 and 0 where it is 0
        assertClose(run("E[I, i, j] = exp(-1/delta[I, i, j])*ones(3)[i]*ones(2)[j]")?.value, [6, 3, 2],
                    reshapeTensor(3, 2, one: exp(-1)))
        // large parts stay cheap: the order-3 tensor of this contraction would have 10⁸ entries
        let e = run("x: vector(100); y: vector(100)\nv[I] = x[i]*y[j]*delta[I, i, j]")
        if let e = e, let x = input(e, "x"), let y = input(e, "y") {
            XCTAssertEqual(e.value.shape, [10000])
            XCTAssertEqual(e.value.data[7 + 100 * 42], x.data[7] * y.data[42], accuracy: 1e-12)
        }
    }

    func testRepeatedPart() {
        // delta[I, i, i] is 1 at I = i + n·i
        guard let e = run("x: vector(3)\nd[I] = x[i]*delta[I, i, i]"), let x = input(e, "x") else { return }
        var expected = [Double](repeating: 0, count: 9)
        for i in 0..<3 { expected[4 * i] = x.data[i] }
        assertClose(e.value, [9], expected)
    }

    func evaluationError(_ src: String, dims: [String: Int] = [:]) -> RicciError? {
        do {
            _ = try Evaluator.evaluate(source: src, settings: settings(dims: dims, seed: 1))
            XCTFail("expected an error for '\(src)'")
        } catch let e as RicciError {
            return e
        } catch {
            XCTFail("expected a RicciError for '\(src)', got \(error)")
        }
        return nil
    }

    func testSizeErrorsAtEvaluation() {
        // only the product is known: the parts cannot be determined (no guess)
        var e = evaluationError("g: vector(12)\nG[i, j] = g[I]*delta[I, i, j]")
        XCTAssertEqual(e?.kind, .shape)
        XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 16))
        XCTAssertTrue(e?.message.contains("cannot be determined") ?? false, e?.message ?? "")
        XCTAssertTrue(e?.message.contains("--dims i_d=") ?? false, e?.message ?? "")
        // a given part that does not divide the product
        e = evaluationError("g: vector(12)\nG[i, j] = g[I]*delta[I, i, j]", dims: ["i_d": 5])
        XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 16))
        XCTAssertTrue(e?.message.contains("not a multiple of 5") ?? false, e?.message ?? "")
        // sizes given for everything, inconsistent
        e = evaluationError("g: vector(N); A: matrix(n, m)\nG[i, j] = g[I]*delta[I, i, j]*A[i, j]", dims: ["N": 12, "n": 3, "m": 5])
        XCTAssertEqual(e?.kind, .shape)
        XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 16))
        XCTAssertTrue(e?.message.contains("N = 12 must be n·m = 3·5 = 15") ?? false, e?.message ?? "")
        // a declared name sized as the product of integers
        e = evaluationError("g: vector(N); A: matrix(3, 4)\nG[i, j] = A[i, j]*delta[I, i, j]*g[I]", dims: ["N": 11])
        XCTAssertTrue(e?.message.contains("N = 11 must be 3·4 = 12") ?? false, e?.message ?? "")
        XCTAssertEqual(run("g: vector(N); A: matrix(3, 4)\nG[i, j] = A[i, j]*delta[I, i, j]*g[I]")?.sizes["N"], 12)
        // a value whose length contradicts the parts
        e = evaluationError("g: vector(N)\nG[i, j] = g[I]*delta[I, i, j]*ones(5)[i]*ones(2)[j]", dims: ["N": 9])
        XCTAssertEqual(e?.kind, .shape)
    }

    // MARK: - round trips

    /// Evaluates `printed` at the inputs and sizes of an earlier evaluation.
    func evaluate(_ printed: String, at direct: Evaluation) throws -> Tensor {
        let typed = try TypeChecker.check(source: printed)
        let names = Set(typed.dims.symbolicNames)
        let used = Set(typed.symbols.keys)
        return try Evaluator.evaluate(source: printed, settings: settings(
            values: Dictionary(uniqueKeysWithValues: direct.inputs.filter { used.contains($0.0) }),
            dims: direct.sizes.filter { names.contains($0.key) }, seed: 7)).value
    }

    /// Lowers `src`, prints it, evaluates the printed program at the same inputs and sizes, and compares.
    func roundTrip(_ src: String, format: OutputFormat, dims: [String: Int] = [:], file: StaticString = #filePath, line: UInt = #line) {
        do {
            let printed = EinsteinPrinter.print(try Lowerer.lower(source: src), format: format)
            guard let direct = run(src, dims: dims, file: file, line: line) else { return }
            assertClose(try evaluate(printed, at: direct), direct.value.shape, direct.value.data,
                        "\n--- program:\n\(src)\n--- printed:\n\(printed)", file: file, line: line)
        } catch {
            XCTFail("'\(src)' (\(format)): \(error)", file: file, line: line)
        }
    }

    static let programs: [(String, [String: Int])] = [
        ("A: matrix(3, 4)\nV[I] = A[i, j]*delta[I, i, j]", [:]),
        ("A: matrix(n, m)\nA[i, j]*δ[I, i, j]", ["n": 3, "m": 4]),
        ("A: matrix(2, 3); B: matrix(4, 5)\nK[I, J] = A[a, b]*B[c, d]*delta[I, c, a]*delta[J, d, b]", [:]),
        ("G[i, j] = g[I]*delta[I, i, j]", [:]),
        ("g: vector(12); x: vector(3)\nG[i, j] = g[I]*delta[I, i, j]*x[i]", [:]),
        ("G[i, j] = vec(A)[I]*delta[I, i, j]", [:]),
        ("s[] = (g[I]*delta[I, i, j])^2", [:]),
        ("G[i, j] = tanh(g[I]*delta[I, i, j]) + 1", [:]),
        ("t[] = tanh(g[I]*delta[I, i, j])", [:]),
        ("A: matrix(3, 4); B: matrix(4, 3)\nV[I] = (A[i, j] + B[j, i])*delta[I, i, j]", [:]),
        ("x: vector(3)\nd[I] = x[i]*delta[I, i, i]", [:]),
        ("A: matrix(3, 4); v: vector(12)\nv[I]*A[i, j]*delta[I, i, j]", [:]),
    ]

    func testRoundTripText() { for (src, dims) in Self.programs { roundTrip(src, format: .text, dims: dims) } }
    func testRoundTripUnicode() { for (src, dims) in Self.programs { roundTrip(src, format: .unicode, dims: dims) } }

    /// The printed form of a vec and kron program, printed again, still has the same value.
    func testPrintingTwice() throws {
        for (src, dims) in Self.programs.prefix(4) {
            let once = EinsteinPrinter.print(try Lowerer.lower(source: src), format: .text)
            let twice = EinsteinPrinter.print(try Lowerer.lower(source: once), format: .text)
            guard let a = run(src, dims: dims) else { continue }
            assertClose(try evaluate(twice, at: a), a.value.shape, a.value.data, "\(src)\n--- twice:\n\(twice)")
        }
    }
}
