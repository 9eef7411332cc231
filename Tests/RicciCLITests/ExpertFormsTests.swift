import Foundation
import XCTest
import Ricci
import RicciNumerics

/// The expert-forms table of issue 9 (`bench/expert_forms.txt`): for each problem, the matrix form
/// an expert writes. Every printed matrix form must be right by value (finite differences at random
/// points with distinct sizes), the expert's own form too (so the table itself is checked), and on
/// at least 90% of the problems the printed form (with the right sides of the definitions it uses,
/// the program's own excluded) is at most 1.3× the expert's size. `bench/expert_forms.py` prints it.
final class ExpertFormsTests: XCTestCase {
    struct Row {
        var kind: DerivativeKind
        var wrt: String
        var program: String
        var expert: String
        var line: Int
    }

    static var rows: [Row] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/expert_forms.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var out: [Row] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.trimmingCharacters(in: .whitespaces)
            guard !l.isEmpty, !l.hasPrefix("#") else { continue }
            let parts = l.components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 4, let kind = DerivativeKind(rawValue: parts[0] == "grad" ? "gradient" : parts[0]) else { continue }
            out.append(Row(kind: kind, wrt: parts[1], program: parts[2].replacingOccurrences(of: "; ", with: "\n"),
                           expert: parts[3], line: k + 1))
        }
        return out
    }

    /// The expert's definitions and form: `E = ...; 2*X'*E` → ([("E", "...")], "2*X'*E").
    static func split(_ expert: String) -> (defs: [(String, String)], form: String) {
        let parts = expert.components(separatedBy: "; ")
        var defs: [(String, String)] = []
        for p in parts.dropLast() {
            let kv = p.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { defs.append((kv[0], kv[1])) }
        }
        return (defs, parts.last ?? expert)
    }

    /// A constant term of a shaped sum is `c*ones(...)`: it merges with the multiples of ones (a
    /// definition chain `a_k = a_(k-1) + x` printed `1 + 4*ones(n)`; ones-broadcast), right by value.
    func testConstantsMergeWithMultiplesOfOnes() throws {
        let cases: [(String, String, String)] = [
            ("x: vector(n)\na1 = x\na2 = a1 + x\na3 = a2 + x\na4 = a3 + x\na5 = a4 + x\nsum(a5)", "x", "5*ones(n)"),
            ("X: matrix(n, d)\nA = X + X\nsum(A) + sum(X)", "X", "3*ones(n, d)"),
        ]
        for (program, wrt, expected) in cases {
            let r = try Derivatives.derivative(of: program, wrt: wrt, kind: .gradient)
            XCTAssertEqual(r.matrix, expected, program)
            let o = DerivativeChecker.check(DerivativeCase(program: program, wrt: wrt, kind: .gradient, shape: r.shape.map(\.description)))
            XCTAssertTrue(o.problems.isEmpty, "\(program): \(o.problems)")
        }
    }

    func testTableHasEnoughProblems() {
        XCTAssertGreaterThanOrEqual(Self.rows.count, 60)
    }

    func testPrintedFormsAreRightAndShort() {
        let rows = Self.rows
        var short = 0
        var report: [String] = []
        for row in rows {
            let label = "line \(row.line): \(row.kind.rawValue) of `\(row.program.replacingOccurrences(of: "\n", with: "; "))` by \(row.wrt)"
            guard let r = try? Derivatives.derivative(of: row.program, wrt: row.wrt, kind: row.kind) else {
                XCTFail("\(label): the engine threw")
                continue
            }
            var c = DerivativeCase(program: row.program, wrt: row.wrt, kind: row.kind, shape: r.shape.map(\.description))
            c.tolerance = row.kind == .hessian ? 1e-5 : 1e-6
            let o = DerivativeChecker.check(c)
            if let why = o.inconclusive { XCTFail("\(label): inconclusive: \(why)") }
            for p in o.problems { XCTFail("\(label): \(p)") }
            // the expert's form, by value at the same point
            let (defs, form) = Self.split(row.expert)
            let s = DerivativeChecker.settings(for: row.program, seed: c.seed)
            do {
                let fd = try DerivativeChecker.numeric(c, s)
                var lines = r.declarations + r.intermediates.filter(\.fromProgram).compactMap { i in i.matrix.map { "\(i.name) = \($0)" } }
                lines += defs.map { "\($0.0) = \($0.1)" } + ["Expert = \(form)"]
                let value = try FiniteDifferences.evaluate(resultProgram: lines.joined(separator: "\n"), at: fd.base, settings: s).value
                let err = FiniteDifferences.relativeError(value, DerivativeChecker.aligned(fd.derivative, to: value))
                XCTAssertLessThan(err, 1e-4, "\(label): the expert's form \(row.expert) is wrong (the table is)")
            } catch {
                XCTFail("\(label): the expert's form does not evaluate: \(error)")
            }
            let expertSize = defs.reduce(PrintedSize.tokens(form)) { $0 + PrintedSize.tokens($1.1) }
            guard let m = r.matrix else {
                report.append("- \(label): no matrix form (expert: \(row.expert))")
                continue
            }
            let used = r.matrixIntermediates.filter { !$0.fromProgram }
            let size = used.reduce(PrintedSize.tokens(m)) { $0 + PrintedSize.tokens($1.matrix ?? "") }
            let ratio = Double(size) / Double(max(1, expertSize))
            if ratio <= 1.3 && o.problems.isEmpty {
                short += 1
            } else {
                report.append("- \(label): \(m)\(used.map { "; \($0.name) = \($0.matrix ?? "")" }.joined()) — size \(size) vs the expert's \(expertSize) (\(row.expert)), ratio \(String(format: "%.2f", ratio))")
            }
        }
        print("[expert forms] \(short) of \(rows.count) printed forms right and within 1.3× of the expert's size")
        if !report.isEmpty { print("[expert forms] the others:\n" + report.joined(separator: "\n")) }
        XCTAssertGreaterThanOrEqual(Double(short), 0.9 * Double(rows.count), "fewer than 90% of the forms are within 1.3× of the expert's")
    }
}
