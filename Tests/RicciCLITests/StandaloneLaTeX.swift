import Foundation
import XCTest

/// Compiles standalone LaTeX documents with pdflatex, one test assertion per document (shared by the
/// gradient and Jacobian derivation tests). Skips when pdflatex is missing, unless
/// `RICCI_REQUIRE_PDFLATEX=1` (as `make test` sets), where that is a failure.
func assertStandaloneDocumentsCompile(_ documents: [(name: String, document: String, what: String)],
                                      file: StaticString = #filePath, line: UInt = #line) throws {
    let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let tex = pdflatex else {
        if ProcessInfo.processInfo.environment["RICCI_REQUIRE_PDFLATEX"] == "1" { XCTFail("pdflatex is not installed", file: file, line: line) }
        throw XCTSkip("pdflatex is not installed (make texdeps installs it)")
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-tex-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for d in documents {
        let path = dir.appendingPathComponent("\(d.name).tex")
        try d.document.write(to: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tex)
        p.arguments = ["-interaction=nonstopmode", "-halt-on-error", "-output-directory", dir.path, path.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { print(d.document) }
        XCTAssertEqual(p.terminationStatus, 0, "pdflatex failed on the derivation of \(d.what)", file: file, line: line)
    }
}
