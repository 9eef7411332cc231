import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Property: for random well-shaped programs (ProgramGenerator: every operator and built-in, nesting
/// up to 5), the raised matrix form of the lowered program — and of the gradient of a scalar one —
/// evaluates to the same value as the original (the Einstein form for gradients), in text and unicode.
/// A nil raise is allowed (counted); a wrong value or a form that does not parse back is a failure.
/// Set RICCI_LONG=1 for thousands of programs.
final class RaisingPropertyTests: XCTestCase {
    static var long: Bool { ProcessInfo.processInfo.environment["RICCI_LONG"] == "1" }
    static let sizes = ["n": 3, "d": 4]

    struct Tally {
        var raised = 0, none = 0, skipped = 0
        var failures: [String] = []
        /// Gradients where the raised form matched finite differences but the engine's Einstein form did not.
        var referenceWrong: [String] = []
    }

    /// Compares the raised form of `e` with `reference` (a full program) at the same inputs.
    func compare(_ e: IndexExpr, dims table: DimTable, head: String, reference: String, inputsOf program: String,
                 wrt: String? = nil, seed: UInt64, _ tally: inout Tally, label: String) {
        guard let m = Raiser(dims: table).raise(e) else { tally.none += 1; return }
        tally.raised += 1
        do {
            var s = EvaluationSettings()
            s.dims = Self.sizes
            s.seed = seed
            let drawn = try Evaluator.evaluate(source: program, settings: s)
            let values = Dictionary(uniqueKeysWithValues: drawn.inputs)
            let want = try RaisingOracle.value(reference, values, Self.sizes, functions: [:], seed: seed)
            guard want.data.allSatisfy({ $0.isFinite }) else { tally.skipped += 1; return }
            for format in [OutputFormat.text, .unicode] {
                let printed = m.rendered(format)
                let got: Tensor
                do { got = try RaisingOracle.value(head + printed, values, Self.sizes, functions: [:], seed: seed) } catch {
                    tally.failures.append("- \(label): raised \(format) form does not evaluate (\(error)): \(printed)")
                    return
                }
                // exp of a large argument overflows in a written-out form the original computes stably
                guard got.data.allSatisfy({ $0.isFinite }) else { tally.skipped += 1; return }
                let scale = max(1, want.data.map(abs).max() ?? 1)
                let close = got.shape.filter { $0 != 1 } == want.shape.filter { $0 != 1 } && got.data.count == want.data.count
                    && zip(got.data, want.data).allSatisfy { abs($0 - $1) <= 1e-8 * scale }
                if close { continue }
                // a gradient whose Einstein form disagrees: let central differences decide which is wrong
                if let w = wrt {
                    var fs = s
                    fs.values = values
                    if let fd = try? FiniteDifferences.derivative(of: program, wrt: w, settings: fs).derivative,
                       fd.data.count == got.data.count,
                       zip(got.data, fd.data).allSatisfy({ abs($0 - $1) <= 1e-5 * max(1, fd.data.map(abs).max() ?? 1) }) {
                        tally.referenceWrong.append("- \(label): raised \(printed) matches finite differences; the Einstein form does not")
                        return
                    }
                }
                tally.failures.append("- \(label): raised \(printed) differs (\(got.shape) vs \(want.shape))")
            }
        } catch {
            tally.skipped += 1   // the reference itself does not evaluate: not the raiser's business
        }
    }

    func run(count: Int, seed: UInt64, maxDepth: Int, deadline: TimeInterval) -> Tally {
        var g = ProgramGenerator(seed: seed)
        var tally = Tally()
        let start = Date()
        for k in 0..<count where Date().timeIntervalSince(start) < deadline {
            let depth = 1 + g.int(maxDepth)
            // a value of any shape, lowered and raised back
            let shape = g.pick(ProgramGenerator.Shape.allCases)
            let body = g.expr(shape, depth)
            let program = ProgramGenerator.declarations + body
            if let low = try? Lowerer.lower(source: program), let last = low.statements.last {
                compare(last.expr, dims: low.typed.dims, head: ProgramGenerator.declarations, reference: program,
                        inputsOf: program, seed: UInt64(k) &+ seed, &tally, label: "`\(body)`")
            }
            // a gradient of a scalar objective
            let objective = g.objective(depth: depth)
            let inputs = g.used.sorted()
            guard !inputs.isEmpty else { continue }
            let wrt = g.pick(inputs)
            let source = ProgramGenerator.declarations + objective
            guard let low = try? Lowerer.lower(source: source),
                  let r = try? Derivatives.derivative(of: low, wrt: wrt, kind: .gradient),
                  let reference = r.program(.einstein) else { continue }
            let head = (r.declarations + r.indexDefinitions.map { "\($0.name) = \($0.value)" }).joined(separator: "\n") + "\n\(r.name) = "
            compare(r.index, dims: low.typed.dims, head: head, reference: reference, inputsOf: source, wrt: wrt,
                    seed: UInt64(k) &+ seed, &tally, label: "gradient of `\(objective)` by \(wrt)")
        }
        return tally
    }

    func report(_ t: Tally, _ title: String) {
        print("[raising property \(title)] \(t.raised) raised and compared, \(t.none) without a matrix form, \(t.skipped) skipped")
        if !t.referenceWrong.isEmpty {
            print("[raising property \(title)] Einstein forms that disagree with finite differences (the raised form agrees):\n"
                  + t.referenceWrong.joined(separator: "\n"))
        }
        for f in t.failures.prefix(30) { XCTFail(f) }
        if t.failures.count > 30 { XCTFail("... and \(t.failures.count - 30) more") }
    }

    func testRandomShallow() {
        let t = run(count: Self.long ? 3000 : 150, seed: 7, maxDepth: 3, deadline: Self.long ? 3600 : 15)
        report(t, "depth ≤ 3")
        XCTAssertGreaterThan(t.raised, t.none, "most random programs should raise")
    }

    func testRandomDeep() {
        let t = run(count: Self.long ? 3000 : 100, seed: 2_000_029, maxDepth: 5, deadline: Self.long ? 3600 : 15)
        report(t, "depth ≤ 5")
    }
}
