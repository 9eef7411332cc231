import XCTest
@testable import RicciNumerics

final class LinalgTests: XCTestCase {
    /// The plain triple loop.
    private func referenceMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var c = try Tensor(zeros: [m, n])
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c.data[i * n + j] += a.data[i * k + p] * b.data[p * n + j] } } }
        return c
    }

    func testMatmulAgainstLoops() throws {
        var rng = try RandomSource(seed: 1)
        let a = try rng.tensor(shape: [3, 4]), b = try rng.tensor(shape: [4, 5])
        assertClose(try Linalg.matmul(a, b), try referenceMatmul(a, b))
        assertClose(try Linalg.matmul(try a.transposed(), b, transA: true), try referenceMatmul(a, b))
        assertClose(try Linalg.matmul(a, try b.transposed(), transB: true), try referenceMatmul(a, b))
        let big1 = try rng.tensor(shape: [70, 90]), big2 = try rng.tensor(shape: [90, 60])
        assertClose(try Linalg.matmul(big1, big2), try referenceMatmul(big1, big2))
        XCTAssertNotNil(numericError { try Linalg.matmul(a, a) })
        XCTAssertEqual(try Linalg.matmul(try Tensor(zeros: [2, 0]), try Tensor(zeros: [0, 3])), try Tensor(zeros: [2, 3]))
        let x = try rng.tensor(shape: [4])
        assertClose(try Linalg.matvec(a, x), try referenceMatmul(a, try x.reshaped([4, 1])).reshaped([3]))
    }

    func testInverseTimesMatrixIsIdentity() throws {
        var rng = try RandomSource(seed: 2)
        for n in [1, 2, 3, 7, 20] {
            let a = try rng.tensor(shape: [n, n])
            assertClose(try Linalg.matmul(Linalg.inverse(a), a), try Tensor.identity(n), tolerance: 1e-8, "n=\(n)")
        }
        let a = try rng.tensor(shape: [4, 4]), b = try rng.tensor(shape: [4, 2])
        assertClose(try Linalg.matmul(a, Linalg.solve(a, b)), b, tolerance: 1e-9)
    }

    func testDeterminantAgainstCofactors() throws {
        let a = try Tensor(rows: [[4, 0.5, 1], [2, -1, 3], [-2, 7, 5]])
        let m = a.data
        let cofactor = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
        XCTAssertEqual(try Linalg.determinant(a), cofactor, accuracy: 1e-12)
        XCTAssertEqual(try Linalg.signAndLogAbsDeterminant(a).logAbs, log(abs(cofactor)), accuracy: 1e-12)
        // cofactor < 0 here: logdet must refuse.
        XCTAssertLessThan(cofactor, 0)
        guard case .domain(operation: "logdet", _)? = numericError({ try Linalg.logDeterminant(a) }) else { return XCTFail() }
        let spd = try Tensor(rows: [[4, 1], [1, 3]])
        XCTAssertEqual(try Linalg.logDeterminant(spd), log(11), accuracy: 1e-12)
    }

    func testSingularIsAnErrorNotACrash() throws {
        let singular = try Tensor(rows: [[1, 2], [2, 4]])
        assertThrows(.singular(operation: "inv")) { try Linalg.inverse(singular) }
        assertThrows(.singular(operation: "inv")) { try Linalg.inverse(try Tensor(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])) }
        assertThrows(.singular(operation: "inv")) { try Linalg.inverse(try Tensor(zeros: [3, 3])) }
        assertThrows(.singular(operation: "solve")) { try Linalg.solve(singular, Tensor(vector: [1, 1])) }
        XCTAssertEqual(try Linalg.determinant(singular), 0)
        guard case .domain? = numericError({ try Linalg.logDeterminant(singular) }) else { return XCTFail() }
        XCTAssertNotNil(numericError { try Linalg.inverse(try Tensor(zeros: [2, 3])) })
        guard case .domain? = numericError({ try Linalg.inverse(try Tensor(rows: [[.nan, 1], [1, 1]])) }) else { return XCTFail() }
    }

    func testCholesky() throws {
        let a = try Tensor(rows: [[4, 2], [2, 3]])
        let l = try Linalg.cholesky(a)
        XCTAssertEqual(l.data[1], 0)
        assertClose(try Linalg.matmul(l, l, transB: true), a)
        assertThrows(.notPositiveDefinite(operation: "cholesky")) { try Linalg.cholesky(try Tensor(rows: [[1, 2], [2, 1]])) }
        assertThrows(.notPositiveDefinite(operation: "cholesky")) { try Linalg.cholesky(try Tensor(rows: [[2, 1], [0, 2]])) }
        XCTAssertTrue(Linalg.isPositiveDefinite(a))
    }
}
