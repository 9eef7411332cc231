import XCTest
@testable import RicciNumerics

final class FormattingTests: XCTestCase {
    func testJSON() throws {
        XCTAssertEqual(Tensor(scalar: 2).json, "2")
        XCTAssertEqual(Tensor(vector: [1, 0.5, .nan]).json, "[1, 0.5, null]")
        XCTAssertEqual(try Tensor(shape: [2, 2, 1], data: [1, 2, 3, 4]).json, "[[[1], [2]], [[3], [4]]]")
        XCTAssertEqual(try Tensor(zeros: [0, 2]).json, "[]")
        XCTAssertEqual(Tensor.jsonNumber(1e-5), "1e-05")
    }

    func testText() throws {
        XCTAssertEqual(try Tensor(rows: [[1, -2], [3, 40]]).formatted(), "[[ 1, -2],\n [ 3, 40]]")
        XCTAssertEqual(Tensor(scalar: 0.25).formatted(), "0.25")
        let big = try Tensor(shape: [2000], data: (0..<2000).map(Double.init))
        XCTAssertEqual(big.formatted(), "[   0,    1,    2, ..., 1997, 1998, 1999]")
        let cube = try Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        XCTAssertEqual(cube.formatted(), "[[[1, 2]],\n\n [[3, 4]]]")
    }
}
