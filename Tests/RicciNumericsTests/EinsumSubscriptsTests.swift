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
                              ("ij", [3]), ("..i..", [3]), ("i...->i", [3]), ("i-j", [2]), ("i.j", [2]), ("i\u{1}", [2])] {
            guard case .einsum? = numericError({ try EinsumSubscripts.parse(text, ranks: ranks) }) else {
                return XCTFail("\(text) should be an einsum error")
            }
        }
    }

    func testAnyCharacterIsALabelAsInOptEinsum() throws {
        // opt_einsum's get_symbol goes on from 'Z' to chr(192)…: 'À', '×', '÷', Greek, CJK.
        let p = try EinsumSubscripts.parse("αβ,β京->α京", ranks: [2, 2])
        XCTAssertEqual(p.inputs, [[0x3B1, 0x3B2], [0x3B2, 0x4EAC]])
        XCTAssertEqual(p.output, [0x3B1, 0x4EAC])
        XCTAssertEqual(try EinsumSubscripts.parse("À÷,÷Á", ranks: [2, 2]).output, [0xC0, 0xC1])
        XCTAssertEqual(EinsumSubscripts.name(of: 0x3B1), "α")
        XCTAssertLessThan(0x10FFFF, EinsumSubscripts.ellipsisBase)
        // 60 distinct labels in one chain: beyond the 52 ASCII letters.
        let symbols = (0..<61).map { $0 < 26 ? 97 + $0 : ($0 < 52 ? 65 + $0 - 26 : 192 + $0) }
        let terms = (0..<60).map { String(String.UnicodeScalarView([symbols[$0], symbols[$0 + 1]].compactMap(Unicode.Scalar.init))) }
        let text = terms.joined(separator: ",")
        let chain = try EinsumSubscripts.parse(text, ranks: Array(repeating: 2, count: 60))
        XCTAssertEqual(Set(chain.inputs.joined()).count, 61)
        XCTAssertEqual(chain.output.count, 2)
    }
}
