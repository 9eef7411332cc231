import XCTest
@testable import RicciNumerics

final class CSVTests: XCTestCase {
    func testMatrixWithCommentsAndBlankLines() throws {
        let t = try CSV.read(contentsOf: fixture("matrix_3x2.csv"))
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertEqual(t.data, [1, 2, 3.5, -0.4, 5, 6])
    }

    func testSingleColumnAndRowStayMatrices() throws {
        XCTAssertEqual(try CSV.read(contentsOf: fixture("column_3.csv")).shape, [3, 1])
        XCTAssertEqual(try CSV.parse("1 2 3\n").shape, [1, 3])
        XCTAssertEqual(try CSV.parse("1\t2\r\n3\t4\r\n").data, [1, 2, 3, 4])
        XCTAssertEqual(try CSV.parse("\"1.5\",2e3\n").data, [1.5, 2000])
        XCTAssertTrue(try CSV.parse("nan,inf\n").data[0].isNaN)
    }

    func testErrorsNameTheLine() {
        assertThrows(.file(path: fixture("bad_cell.csv"), message: "line 2, column 2: 'x' is not a number")) {
            try CSV.read(contentsOf: fixture("bad_cell.csv"))
        }
        assertThrows(.file(path: "<csv>", message: "line 3 has 3 values, earlier rows have 2")) {
            try CSV.parse("1,2\n# c\n1,2,3\n")
        }
        assertThrows(.file(path: "<csv>", message: "line 1, column 2: an empty cell is not a number")) {
            try CSV.parse("1,,3\n")
        }
        XCTAssertNotNil(numericError { try CSV.parse("# nothing\n\n") })
        XCTAssertNotNil(numericError { try CSV.read(contentsOf: "/nonexistent/x.csv") })
    }
}
