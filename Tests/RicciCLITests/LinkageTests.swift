import Foundation
import XCTest

/// The built `ricci` links OpenBLAS ahead of GSL, so GSL's BLAS calls run in OpenBLAS (DESIGN.md).
final class LinkageTests: XCTestCase {
    func testOpenBLASIsLinkedAheadOfGSL() throws {
        let binary = CommandLineTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("ricci is not built") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        p.arguments = [binary.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n").map(String.init)
        let blas = lines.firstIndex { $0.contains("libopenblas") }
        let gsl = lines.firstIndex { $0.contains("libgsl.so") }
        XCTAssertNotNil(blas, "ldd does not show libopenblas:\n\(text)")
        XCTAssertNotNil(gsl, "ldd does not show libgsl:\n\(text)")
        if let b = blas, let g = gsl { XCTAssertLessThan(b, g, "libopenblas must come before libgsl:\n\(text)") }
    }
}
