import XCTest
@testable import Ricci

/// Hostile input ends in a `.limit` error, never a crash; long flat input is fine.
final class LimitTests: XCTestCase {
    func assertLimit(_ src: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Lowerer.lower(source: src)
            XCTFail("expected a limit error", file: file, line: line)
        } catch let e as RicciError {
            XCTAssertEqual(e.kind, .limit, e.message, file: file, line: line)
            XCTAssertGreaterThan(e.location.line, 0, file: file, line: line)
            XCTAssertFalse(e.message.isEmpty, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testDeepParentheses() {
        let n = 10_000
        assertLimit(String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n))
    }

    func testDeepParenthesesUnclosed() {
        assertLimit(String(repeating: "(", count: 10_000) + "x")
    }

    func testManyNegations() {
        assertLimit(String(repeating: "- ", count: 10_000) + "x")
        assertLimit(String(repeating: "-", count: 10_000) + "x")
        assertLimit(String(repeating: "+", count: 10_000) + "x")
    }

    func testPowerTower() {
        assertLimit(Array(repeating: "a", count: 10_000).joined(separator: "^"))
        assertLimit("x" + String(repeating: ".^x", count: 10_000))
    }

    func testDeepCalls() {
        let n = 10_000
        assertLimit(String(repeating: "tanh(", count: n) + "x" + String(repeating: ")", count: n))
        assertLimit("x: vector(3)\n" + String(repeating: "sum(", count: n) + "x" + String(repeating: ")", count: n))
    }

    func testDeepDimensionExpression() {
        let n = 10_000
        assertLimit("x: vector(" + String(repeating: "(", count: n) + "3" + String(repeating: ")", count: n) + ")\nx")
    }

    func testHugeDimensions() {
        assertLimit("x: vector(10^100)\nx")
        assertLimit("x: vector(99999999999 * 99999999999)\nx")
    }

    func testModerateNestingIsFine() throws {
        let n = 50
        let src = String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n)
        XCTAssertEqual(try Lowerer.lower(source: src).statements.count, 1)
        XCTAssertNotNil(shape(String(repeating: "-", count: 50) + "x"))
        XCTAssertNotNil(shape(String(repeating: "tanh(", count: 50) + "x" + String(repeating: ")", count: 50)))
    }

    func testTwentyThousandTermSum() throws {
        let n = 20_000
        let src = "x: vector(3)\n" + Array(repeating: "x", count: n).joined(separator: " + ")
        let program = try Parser.parse(src)
        guard case .expression(let e) = program.statements.last, case .sum(let terms) = e.kind else {
            return XCTFail("not a sum")
        }
        XCTAssertEqual(terms.count, n)
        let typed = try TypeChecker.check(program)
        XCTAssertEqual(typed.resolve(typed.result.shape), [.fixed(3)])
        let lowered = try Lowerer.lower(typed)
        XCTAssertEqual(lowered.statements.last?.expr.terms.count, n)
        let text = EinsteinPrinter.print(lowered, format: .text)
        XCTAssertTrue(text.hasPrefix("x: vector(3)\nresult[i] = x[i] + x[i] + "))
    }

    func testLongProductChain() throws {
        // a chain of 2,000 scalings is fine; more than Parser.maxChain is a limit error
        let ok = "x: vector(3)\n" + String(repeating: "alpha*", count: 2_000) + "x"
        XCTAssertEqual(shape(ok), ["3"])
        assertLimit("x: vector(3)\n" + String(repeating: "alpha*", count: Parser.maxChain + 10) + "x")
    }
}
