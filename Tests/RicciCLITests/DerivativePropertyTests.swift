import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Property: for random well-shaped scalar programs (ProgramGenerator, nesting depth up to 6, every
/// built-in), the engine's gradient by a random input equals central finite differences, in the
/// input's shape, and its printed forms parse back. About 300 cases by default; set RICCI_LONG=1
/// for thousands. Deterministic: the program seeds are fixed.
final class DerivativePropertyTests: XCTestCase {
    static var long: Bool { ProcessInfo.processInfo.environment["RICCI_LONG"] == "1" }

    struct Run {
        var compared = 0, failed = 0, inconclusive = 0, rejected = 0, withMatrix = 0
        var failures: [String] = []
        var inconclusiveNotes: [String] = []
    }

    /// Generates `count` programs from `seed` and checks a gradient of each.
    func run(count: Int, seed: UInt64, maxDepth: Int, deadline: TimeInterval) -> Run {
        var g = ProgramGenerator(seed: seed)
        var run = Run()
        let start = Date()
        for k in 0..<count {
            if Date().timeIntervalSince(start) > deadline {
                print("[property] stopped after \(k) programs: the time budget of \(Int(deadline)) s is spent")
                break
            }
            let depth = 1 + Int(g.rng.next(0, Double(maxDepth)))
            let body = g.objective(depth: depth)
            let inputs = g.used.sorted()
            guard !inputs.isEmpty else { continue }
            let wrt = g.pick(inputs)
            let program = ProgramGenerator.declarations + body
            guard (try? TypeChecker.check(source: program)) != nil else {
                run.rejected += 1   // the generator made an ill-shaped program: its own bug, shown below
                run.failures.append("- generator: ill-shaped program (seed \(seed), #\(k)): \(body)")
                continue
            }
            let c = grad(program, wrt, ProgramGenerator.inputShapes[wrt] ?? [], tolerance: 1e-5, seed: UInt64(k) &+ seed)
            let o = DerivativeChecker.check(c)
            if let why = o.inconclusive {
                run.inconclusive += 1
                run.inconclusiveNotes.append("- \(body) by \(wrt): \(why)")
            } else {
                run.compared += 1
            }
            if o.hasMatrix { run.withMatrix += 1 }
            if !o.problems.isEmpty {
                run.failed += 1
                run.failures.append("- `\(body)` by \(wrt) (seed \(c.seed)):\n    " + o.problems.joined(separator: "\n    "))
            }
        }
        return run
    }

    func report(_ r: Run, _ title: String) {
        print("[property \(title)] \(r.compared) compared, \(r.failed) failed, \(r.inconclusive) inconclusive (kinks or steep points), "
              + "\(r.rejected) ill-shaped; matrix form for \(r.withMatrix)")
        if !r.inconclusiveNotes.isEmpty { print("[property \(title)] inconclusive:\n" + r.inconclusiveNotes.prefix(10).joined(separator: "\n")) }
        if !r.failures.isEmpty { print("[property \(title)] failures:\n" + r.failures.joined(separator: "\n")) }
        for f in r.failures.prefix(40) { XCTFail(f) }
        if r.failures.count > 40 { XCTFail("... and \(r.failures.count - 40) more failures (see the printed list)") }
        XCTAssertLessThanOrEqual(r.inconclusive * 10, r.compared + r.inconclusive, "too many inconclusive cases: the generator should avoid kinks")
    }

    func testRandomGradientsShallow() {
        let r = run(count: Self.long ? 2000 : 150, seed: 1, maxDepth: 3, deadline: Self.long ? 3600 : 12)
        report(r, "depth ≤ 3")
        XCTAssertGreaterThan(r.compared, Self.long ? 1000 : 100)
    }

    func testRandomGradientsDeep() {
        let r = run(count: Self.long ? 2000 : 150, seed: 1_000_003, maxDepth: 6, deadline: Self.long ? 3600 : 15)
        report(r, "depth ≤ 6")
        XCTAssertGreaterThan(r.compared, Self.long ? 1000 : 60)
    }
}
