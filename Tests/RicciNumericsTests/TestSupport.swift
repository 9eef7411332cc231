import Foundation
import XCTest
@testable import RicciNumerics

/// The folder of committed fixtures (written by Fixtures/make_fixtures.py).
func fixture(_ name: String) -> String {
    if let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name),
       FileManager.default.fileExists(atPath: url.path) {
        return url.path
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Asserts two tensors have the same shape and values within a relative tolerance.
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-10,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape " + message(), file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.data.reduce(0) { max($0, abs($1)) })
    for (index, (a, e)) in zip(actual.data, expected.data).enumerated() where abs(a - e) > tolerance * scale {
        XCTFail("element \(index): \(a) vs \(e) " + message(), file: file, line: line)
        return
    }
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<T>(_ expected: NumericError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as NumericError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// Returns the NumericError `body` throws (failing when it throws nothing or something else).
func numericError<T>(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) -> NumericError? {
    do {
        _ = try body()
        XCTFail("expected an error, nothing was thrown", file: file, line: line)
    } catch let error as NumericError {
        return error
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
    return nil
}
