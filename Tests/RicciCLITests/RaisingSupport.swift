import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Helpers of the raising tests: lower a program, raise its objective back to matrix notation, and
/// compare the values of the original and the raised program at the same random inputs.
enum RaisingOracle {
    /// Distinct sizes, so a transposed result cannot pass by accident.
    static let sizes = ["n": 3, "d": 4, "k": 5, "m": 6, "l": 2, "p": 3, "q": 4, "r": 5, "s": 6, "a": 2, "b": 3, "c": 4, "e": 5]

    /// The program's statements except its objective (declarations and definitions).
    static func prefix(_ source: String) -> [String] {
        let parts = source.split(whereSeparator: { $0 == "\n" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        return Array(parts.dropLast())
    }

    /// Random inputs for a program (made positive where asked) and the dimension sizes it uses.
    static func inputs(_ source: String, functions: [String: EntrywiseFunction], positive: Bool,
                       seed: UInt64) throws -> ([String: Tensor], [String: Int]) {
        let typed = try TypeChecker.check(source: source)
        let names = Set(typed.dims.symbolicNames)
        let dims = sizes.filter { names.contains($0.key) }
        let drawn = try Evaluator.evaluate(source: source, settings: settings(dims: dims, functions: functions, seed: seed))
        var values = Dictionary(uniqueKeysWithValues: drawn.inputs)
        if positive {
            for (k, v) in values { values[k] = try Tensor(shape: v.shape, data: v.data.map { abs($0) + 0.2 }) }
        }
        return (values, dims)
    }

    /// The value of `source` at the given inputs (only those it uses).
    static func value(_ source: String, _ values: [String: Tensor], _ dims: [String: Int],
                      functions: [String: EntrywiseFunction], seed: UInt64) throws -> Tensor {
        let typed = try TypeChecker.check(source: source)
        let used = Set(typed.symbols.keys)
        let names = Set(typed.dims.symbolicNames)
        return try Evaluator.evaluate(source: source, settings: settings(
            values: values.filter { used.contains($0.key) }, dims: dims.filter { names.contains($0.key) },
            functions: functions, seed: seed)).value
    }

    /// Compares two values: the same entries, and the same shape up to unit axes (a declared n×1
    /// matrix and a column vector are the same matrix).
    static func assertSame(_ got: Tensor, _ want: Tensor, tolerance: Double = 1e-9, _ message: String,
                           file: StaticString, line: UInt) {
        XCTAssertEqual(got.shape.filter { $0 != 1 }, want.shape.filter { $0 != 1 }, "shape \(got.shape) vs \(want.shape) " + message,
                       file: file, line: line)
        guard got.data.count == want.data.count else { return }
        let scale = max(1, want.data.map(abs).max() ?? 1)
        for (k, (a, b)) in zip(got.data, want.data).enumerated() where !(abs(a - b) <= tolerance * scale) {
            XCTFail("entry \(k): \(a) vs expected \(b) " + message, file: file, line: line)
            return
        }
        XCTAssertFalse(want.data.contains { !$0.isFinite }, "non-finite reference value " + message, file: file, line: line)
    }

    /// Raises an index expression over a program's dimensions and checks it evaluates like `reference`
    /// (an Einstein-notation statement or a matrix expression of the same program). Returns the
    /// raised text, or nil (after a failure) when there is none.
    @discardableResult
    static func check(_ expr: IndexExpr, program source: String, reference: String, dims table: DimTable,
                      functions: [String: EntrywiseFunction] = [:], positive: Bool = false, seed: UInt64 = 17,
                      file: StaticString = #filePath, line: UInt = #line) -> String? {
        guard let m = Raiser(dims: table).raise(expr) else {
            XCTFail("no matrix form for\n\(reference)\n--- program:\n\(source)", file: file, line: line)
            return nil
        }
        let text = m.rendered(.text)
        let head = prefix(source).joined(separator: "\n")
        do {
            let (values, dims) = try inputs(source, functions: functions, positive: positive, seed: seed)
            let want = try value(head + "\n" + reference, values, dims, functions: functions, seed: seed)
            for format in [OutputFormat.text, .unicode] {
                let printed = m.rendered(format)
                let got: Tensor
                do { got = try value(head + "\n" + printed, values, dims, functions: functions, seed: seed) } catch {
                    XCTFail("the raised \(format) form '\(printed)' does not evaluate: \(error)\n--- program:\n\(source)",
                            file: file, line: line)
                    return text
                }
                assertSame(got, want, "\n--- program:\n\(source)\n--- reference: \(reference)\n--- raised: \(printed)",
                           file: file, line: line)
            }
        } catch {
            XCTFail("'\(source)': \(error)", file: file, line: line)
        }
        return text
    }

    /// Lowers a program, raises its objective and checks the value; returns the raised text.
    @discardableResult
    static func roundTrip(_ source: String, functions: [String: EntrywiseFunction] = [:], positive: Bool = false,
                          file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let low = try Lowerer.lower(source: source)
            guard let last = low.statements.last else {
                XCTFail("no statements in \(source)", file: file, line: line)
                return nil
            }
            let objective = source.split(whereSeparator: { $0 == "\n" || $0 == ";" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.last ?? ""
            return check(last.expr, program: source, reference: objective, dims: low.typed.dims,
                         functions: functions, positive: positive, file: file, line: line)
        } catch {
            XCTFail("'\(source)': \(error)", file: file, line: line)
            return nil
        }
    }
}
