import XCTest
@testable import RicciNumerics

final class RandomSourceTests: XCTestCase {
    func testDeterministicAndIndependentCopies() throws {
        var a = try RandomSource(seed: 42), b = try RandomSource(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.gaussian() }, (0..<5).map { _ in b.gaussian() })
        var c = a
        let fromA = a.uniform(), fromC = c.uniform()
        XCTAssertEqual(fromA, fromC, "a copy continues from the same state")
        var d = try RandomSource(seed: 43)
        XCTAssertNotEqual(a.gaussian(), d.gaussian())
        for _ in 0..<1000 { let u = a.uniform(); XCTAssertTrue(u >= 0 && u < 1) }
    }

    func testKindsRespectTheirProperties() throws {
        var rng = try RandomSource(seed: 3)
        let positive = try rng.tensor(shape: [4, 5, 6], kind: .positive)
        XCTAssertTrue(positive.data.allSatisfy { $0 >= 0.5 && $0 <= 2 })
        for n in [1, 2, 5, 30] {
            let s = try rng.tensor(shape: [n, n], kind: .symmetric)
            XCTAssertTrue(Linalg.isSymmetric(s))
            let spd = try rng.tensor(shape: [n, n], kind: .spd)
            XCTAssertTrue(Linalg.isSymmetric(spd))
            let l = try Linalg.cholesky(spd)
            for i in 0..<n { XCTAssertGreaterThan(l.data[i * n + i], 0) }
            XCTAssertGreaterThan(try Linalg.determinant(spd), 0)
        }
        XCTAssertGreaterThan(try rng.tensor(shape: [], kind: .spd).data[0], 0)
        XCTAssertNotNil(numericError { try rng.tensor(shape: [2, 3], kind: .spd) })
        let g = try rng.tensor(shape: [10000])
        let mean = g.data.reduce(0, +) / 10000
        XCTAssertEqual(mean, 0, accuracy: 0.05)
    }
}
