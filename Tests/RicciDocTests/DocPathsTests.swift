import Foundation
import XCTest

/// The articles name the files a contributor touches (the walk-through of AddingABuiltinFunction.md
/// above all): every `Sources/...` or `Tests/...` path they quote must exist, so a moved or renamed
/// file fails here instead of leaving the documentation wrong.
final class DocPathsTests: XCTestCase {
    func testQuotedPathsExist() throws {
        let root = DocSnippetsAreCurrentTests.root
        let pattern = try NSRegularExpression(pattern: "`((?:Sources|Tests)/[A-Za-z0-9_+./-]+)`")
        var checked = 0
        for file in try DocSnippetsAreCurrentTests.documents() {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                guard let r = Range(match.range(at: 1), in: text) else { continue }
                let path = String(text[r])
                checked += 1
                XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path),
                              "\(file) quotes `\(path)`, which does not exist")
            }
        }
        XCTAssertGreaterThan(checked, 20, "the walk-through should quote the files it names")
    }
}
