import XCTest
@testable import RicciNumerics

final class TensorTests: XCTestCase {
    func testInitializersAndBasics() throws {
        let t = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.count, 6)
        XCTAssertEqual(t.order, 2)
        XCTAssertEqual(t[[1, 2]], 6)
        XCTAssertEqual(t.strides, [3, 1])
        XCTAssertEqual(try Tensor(zeros: [3]).data, [0, 0, 0])
        let s = Tensor(scalar: 4)
        XCTAssertEqual(s.shape, [])
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s[[]], 4)
        XCTAssertEqual(try Tensor.identity(2).data, [1, 0, 0, 1])
        XCTAssertEqual(try Tensor(rows: [[1, 2], [3, 4]]).shape, [2, 2])
        var m = t
        m[[0, 1]] = 9
        XCTAssertEqual(m.data[1], 9)
        XCTAssertEqual(try t.value(at: [0, 0]), 1)
        XCTAssertNotNil(numericError { try t.value(at: [2, 0]) })
    }

    func testCountMismatchThrows() {
        assertThrows(.shapeMismatch("shape (2, 2) needs 4 elements, got 3")) { try Tensor(shape: [2, 2], data: [1, 2, 3]) }
        XCTAssertNotNil(numericError { try Tensor(zeros: [-1, 2]) })
    }

    func testTransposeGeneralPermutation() throws {
        let t = try Tensor(shape: [2, 3, 4], data: (0..<24).map(Double.init))
        let p = try t.transposed([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            XCTAssertEqual(p[[k, i, j]], t[[i, j, k]])
        } } }
        XCTAssertEqual(try t.transposed([0, 1, 2]), t)
        XCTAssertEqual(try t.transposed([2, 0, 1]).transposed([1, 2, 0]), t)
        XCTAssertNotNil(numericError { try t.transposed([0, 0, 1]) })
        let m = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try m.transposed().data, [1, 4, 2, 5, 3, 6])
    }

    func testReshape() throws {
        let t = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try t.reshaped([3, 2]).shape, [3, 2])
        XCTAssertEqual(try t.reshaped([6]).data, t.data)
        XCTAssertNotNil(numericError { try t.reshaped([4]) })
    }

    func testAbsurdAllocationIsRefusedBeforeAllocating() {
        guard case .tooLarge(let shape, let bytes)? = numericError({ try Tensor(zeros: [1_000_000_000, 1_000_000_000]) }) else {
            return XCTFail("expected tooLarge")
        }
        XCTAssertEqual(shape, [1_000_000_000, 1_000_000_000])
        XCTAssertTrue(bytes.contains("8.0 EB"), bytes)
        // Overflowing Int is caught too.
        XCTAssertNotNil(numericError { try Tensor.checkedCount([Int.max / 2, 3, 5]) })
        XCTAssertEqual(try Tensor.checkedCount([3, 0, 7]), 0)
        XCTAssertEqual(try Tensor.checkedCount([]), 1)
        let message = NumericError.tooLarge(shape: [100000, 100000], bytes: Tensor.formatBytes(8e10)).description
        XCTAssertTrue(message.contains("(100000, 100000)") && message.contains("80.0 GB"), message)
    }

    func testMaxElementsIsAdjustable() {
        let saved = Tensor.maxElements
        defer { Tensor.maxElements = saved }
        Tensor.maxElements = 10
        XCTAssertNotNil(numericError { try Tensor(zeros: [4, 4]) })
        XCTAssertNoThrow(try Tensor(zeros: [2, 5]))
    }

    func testLargeTransposesUseTheTiledAndHugePagePathsCorrectly() throws {
        let (rows, columns) = (1030, 1100)  // over the huge-page threshold, not a multiple of the tile
        let t = try Tensor(shape: [rows, columns], data: (0..<(rows * columns)).map(Double.init))
        let u = try t.transposed([1, 0])
        for (i, j) in [(0, 0), (1029, 1099), (17, 1000), (1000, 33), (512, 640)] {
            XCTAssertEqual(u[[j, i]], t[[i, j]])
        }
        XCTAssertEqual(try u.transposed([1, 0]), t)
        let cube = try Tensor(shape: [7, 9, 11], data: (0..<693).map(Double.init))
        for perm in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let p = try cube.transposed(perm)
            var inverse = [0, 0, 0]
            for (k, axis) in perm.enumerated() { inverse[axis] = k }
            XCTAssertEqual(try p.transposed(inverse), cube, "\(perm)")
        }
    }
}
