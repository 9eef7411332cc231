import Foundation
import XCTest

/// One ```swift block of the documentation: where it is and its text.
struct DocSnippet {
    /// The document, relative to the package root.
    var file: String
    /// The line of the block's first line of code.
    var line: Int
    /// The code between the fences.
    var text: String
}

/// The generated snippet tests (DocSnippets.generated.swift) are those of the documents as they are
/// now: a block edited, added or removed without `make snippets` fails here.
final class DocSnippetsAreCurrentTests: XCTestCase {
    /// The package root, from this file's path (Tests/RicciDocTests/...).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// README.md, then every article of every catalog sorted by path (as docs/tools/doc_snippets.py).
    static func documents() throws -> [String] {
        var articles: [String] = []
        let sources = root.appendingPathComponent("Sources")
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            let moduleDir = sources.appendingPathComponent(module)
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: moduleDir.path) else { continue }
            for catalog in entries where catalog.hasSuffix(".docc") {
                let base = "Sources/\(module)/\(catalog)"
                guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(base).path) else { continue }
                while articles.count < 10_000, let item = walker.nextObject() as? String {
                    if item.hasSuffix(".md") { articles.append("\(base)/\(item)") }
                }
            }
        }
        return ["README.md"] + articles.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
    }

    /// The ```swift blocks of a document, with the line of each block's first line of code.
    static func blocks(of text: String, file: String) -> [DocSnippet] {
        var out: [DocSnippet] = []
        var current: [String]?
        var start = 0
        for (k, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil {
                if trimmed == "```swift" { current = []; start = k + 2 }
            } else if trimmed == "```" {
                out.append(DocSnippet(file: file, line: start, text: current?.joined(separator: "\n") ?? ""))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return out
    }

    func testGeneratedSnippetsMatchTheDocuments() throws {
        var found: [DocSnippet] = []
        for file in try Self.documents() {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            found += Self.blocks(of: text, file: file)
        }
        XCTAssertFalse(found.isEmpty, "no ```swift block found in the documents")
        let describe = { (s: DocSnippet) in "\(s.file):\(s.line)" }
        XCTAssertEqual(found.map(describe), docSnippets.map(describe),
                       "the documents' Swift blocks moved, appeared or went: run `make snippets`")
        for (doc, generated) in zip(found, docSnippets) where doc.text != generated.text {
            XCTFail("\(describe(doc)): the block differs from its generated test: run `make snippets`")
        }
    }
}
