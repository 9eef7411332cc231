import XCTest
@testable import Ricci

// Helpers shared by the symbolic-core tests.

/// Parses a single expression.
func expr(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> Expr? {
    do { return try Parser.parseExpression(s) } catch {
        XCTFail("'\(s)' does not parse: \(error)", file: file, line: line)
        return nil
    }
}

/// A fully parenthesized S-expression of a parsed expression, so that tests can state the tree
/// the parser built: `-a^2` is `(neg (^ a 2))`.
func sx(_ e: Expr) -> String {
    switch e.kind {
    case .number(let v): return formatNumber(v)
    case .name(let n): return n
    case .call(let f, let args, let d):
        return "(" + f + String(repeating: "'", count: d) + args.map { " " + sx($0) }.joined() + ")"
    case .negate(let x): return "(neg \(sx(x)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(sx(a)) \(sx(b)))"
    case .sum(let terms):
        return "(sum" + terms.map { " " + ($0.negated ? "-" : "+") + sx($0.expr) }.joined() + ")"
    case .transpose(let x): return "(T \(sx(x)))"
    case .index(let x, let idx): return "(idx \(sx(x)) \(idx.map(\.name).joined(separator: " ")))"
    case .delta(let i, let j): return "(delta \(i.name) \(j.name))"
    case .reshapeDelta(let c, let i, let j): return "(delta \(c.name) \(i.name) \(j.name))"
    }
}

/// The S-expression of a parsed expression ("<error>" when it does not parse).
func tree(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    expr(s, file: file, line: line).map(sx) ?? "<error>"
}

/// The inferred type of every name (`LoweredReport.types`) as a dictionary.
func types(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> [String: String] {
    do {
        let r = LoweredReport(try Lowerer.lower(source: src))
        return Dictionary(r.types, uniquingKeysWith: { a, _ in a })
    } catch {
        XCTFail("'\(src)' does not lower: \(error)", file: file, line: line)
        return [:]
    }
}

/// The resolved shape of the objective ("3", "n", ...), or nil with a failure.
func shape(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> [String]? {
    do {
        let p = try TypeChecker.check(source: src)
        return p.resolve(p.result.shape).map(\.description)
    } catch {
        XCTFail("'\(src)' does not check: \(error)", file: file, line: line)
        return nil
    }
}

/// The kind of the type text ("scalar", "vector", "matrix", "tensor", "elementwise", "function").
func kindOf(_ typeText: String?) -> String? {
    guard let t = typeText else { return nil }
    if let p = t.firstIndex(where: { $0 == "(" || $0 == "," || $0 == " " }) { return String(t[..<p]) }
    return t
}

/// The error that parsing, checking and lowering `src` throws (nil with a failure when none).
func ricciError(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> RicciError? {
    do {
        _ = try Lowerer.lower(source: src)
        XCTFail("expected an error for '\(src)'", file: file, line: line)
        return nil
    } catch let e as RicciError {
        return e
    } catch {
        XCTFail("expected a RicciError for '\(src)', got \(error)", file: file, line: line)
        return nil
    }
}

/// Asserts that `src` fails with an error of `kind` at `line:column` whose message contains every
/// string of `contains`.
func assertError(_ src: String, _ kind: RicciError.Kind, at l: Int, _ c: Int, contains: [String] = [],
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let e = ricciError(src, file: file, line: line) else { return }
    XCTAssertEqual(e.kind, kind, "kind of '\(e.message)'", file: file, line: line)
    XCTAssertEqual(e.location, SourceLocation(line: l, column: c), "location of '\(e.message)'", file: file, line: line)
    for s in contains {
        XCTAssertTrue(e.message.contains(s), "message '\(e.message)' should contain '\(s)'", file: file, line: line)
    }
}

/// Asserts that `src` parses, checks and lowers.
@discardableResult
func assertLowers(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> LoweredProgram? {
    do { return try Lowerer.lower(source: src) } catch {
        XCTFail("'\(src)' should lower: \(error)", file: file, line: line)
        return nil
    }
}
