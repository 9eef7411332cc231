import XCTest
@testable import RicciNumerics

final class EinsumSubscriptsTests: XCTestCase {
    private func letters(_ labels: [Int]) -> String { String(labels.map { Character(Unicode.Scalar(UInt8($0))) }) }

    func testExplicitAndImplicit() throws {
        let cases: [(String, [Int], String)] = [
            ("ij,jk->ik", [2, 2], "ik"),
            ("ij,jk", [2, 2], "ik"),
            ("ba,ac", [2, 2], "bc"),
            ("Ba,aA", [2, 2], "AB"),      // upper case sorts first, as in NumPy
            ("ii", [2], ""),
            ("ii->i", [2], "i"),
            ("ij", [2], "ij"),
            ("ji", [2], "ij"),
            (" i j , j k -> k i ", [2, 2], "ki"),
            ("i,i", [1, 1], ""),
            ("i,j", [1, 1], "ij"),
            ("->", [0], ""),
        ]
        for (text, ranks, output) in cases {
            let parsed = try EinsumSubscripts.parse(text, ranks: ranks)
            XCTAssertEqual(letters(parsed.output), output, text)
        }
    }

    func testEllipsis() throws {
        let p = try EinsumSubscripts.parse("...ij,...jk->...ik", ranks: [4, 3])
        let e = EinsumSubscripts.ellipsisBase
        XCTAssertEqual(p.inputs[0], [e, e + 1, 105, 106])
        XCTAssertEqual(p.inputs[1], [e + 1, 106, 107])
        XCTAssertEqual(p.output, [e, e + 1, 105, 107])
        XCTAssertEqual(try EinsumSubscripts.parse("i...", ranks: [3]).output, [e, e + 1, 105])
    }

    func testErrors() {
        for (text, ranks) in [("ij,jk->ik", [2]), ("ij->ik", [2]), ("ij->ii", [2]), ("i$j", [2]), ("ij->i->j", [2]),
                              ("ij", [3]), ("..i..", [3]), ("i...->i", [3]), ("i-j", [2]), ("i.j", [2]), ("i1", [2])] {
            guard case .einsum? = numericError({ try EinsumSubscripts.parse(text, ranks: ranks) }) else {
                return XCTFail("\(text) should be an einsum error")
            }
        }
    }
}
