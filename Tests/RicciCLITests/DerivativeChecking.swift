import Foundation
import XCTest
import Ricci
import RicciNumerics

// Shared by the derivative table, the property tests and the problems tests: take a derivative with
// the engine, check its shape, evaluate its printed forms (the round trip: they are parsed back) at
// the inputs of a finite-difference derivative of the program, and compare the numbers.

/// One row of a derivative table: a program, a variable, a kind, and what the result must look like.
struct DerivativeCase {
    var program: String
    var wrt: String
    var kind: DerivativeKind = .gradient
    var layout: Layout = .denominator
    /// The expected shape, as the engine prints dimensions (`["d", "k"]`, `["1", "n"]`).
    var shape: [String]
    /// A matrix form must be found (common programs of order ≤ 2).
    var needsMatrix = false
    var tolerance = 1e-6
    var seed: UInt64 = 5
    /// Values to use instead of random draws (for example positive ones where a program needs them).
    var values: [String: Tensor] = [:]
    var file: StaticString = #filePath
    var line: UInt = #line

    var label: String { "\(kind.rawValue) of `\(program)` by \(wrt)" + (layout == .numerator ? " (numerator)" : "") }
}

func grad(_ program: String, _ wrt: String, _ shape: [String], matrix: Bool = false, layout: Layout = .denominator,
          tolerance: Double = 1e-6, seed: UInt64 = 5, file: StaticString = #filePath, line: UInt = #line) -> DerivativeCase {
    DerivativeCase(program: program, wrt: wrt, kind: .gradient, layout: layout, shape: shape, needsMatrix: matrix,
                   tolerance: tolerance, seed: seed, file: file, line: line)
}

func jac(_ program: String, _ wrt: String, _ shape: [String], matrix: Bool = false,
         tolerance: Double = 1e-6, seed: UInt64 = 5, file: StaticString = #filePath, line: UInt = #line) -> DerivativeCase {
    DerivativeCase(program: program, wrt: wrt, kind: .jacobian, shape: shape, needsMatrix: matrix,
                   tolerance: tolerance, seed: seed, file: file, line: line)
}

func hess(_ program: String, _ wrt: String, _ shape: [String], matrix: Bool = false,
          tolerance: Double = 1e-5, seed: UInt64 = 5, file: StaticString = #filePath, line: UInt = #line) -> DerivativeCase {
    DerivativeCase(program: program, wrt: wrt, kind: .hessian, shape: shape, needsMatrix: matrix,
                   tolerance: tolerance, seed: seed, file: file, line: line)
}

/// What checking one case found.
struct DerivativeOutcome {
    var result: DerivativeResult?
    var hasMatrix: Bool { result?.matrix != nil }
    /// What was wrong, one line of description each (with the printed form where it matters).
    var problems: [String] = []
    /// The finite differences themselves could not be taken (a bad test program, or a kink).
    var inconclusive: String?
}

enum DerivativeChecker {
    /// Distinct sizes, so a transposed or mis-indexed result cannot pass by accident.
    static let dims: [String: Int] = ["n": 3, "d": 4, "k": 5, "m": 2, "l": 6, "p": 7, "q": 8, "r": 9, "s": 10]

    static func settings(for source: String, seed: UInt64) -> EvaluationSettings {
        var s = EvaluationSettings()
        s.seed = seed
        let used = Set((try? TypeChecker.check(source: source).dims.symbolicNames) ?? [])
        s.dims = dims.filter { used.contains($0.key) }
        return s
    }

    /// The numeric derivative in the case's layout (a Hessian by second differences of the objective).
    static func numeric(_ c: DerivativeCase, _ s: EvaluationSettings, method: FiniteDifferences.Method? = nil) throws -> FiniteDifferences.Result {
        if let typed = try? TypeChecker.check(source: c.program), SymmetricConvention.applies(to: c.wrt, in: typed) {
            // by a symmetric matrix: the default convention (sym), along symmetric perturbations
            return try SymmetricReference.result(source: c.program, wrt: c.wrt, kind: c.kind, layout: c.layout, convention: .sym,
                                                 settings: s, method: method)
        }
        switch c.kind {
        case .hessian:
            var o = FiniteDifferences.Options.secondOrder
            if let m = method { o.method = m }
            return try FiniteDifferences.hessian(of: c.program, wrt: c.wrt, settings: s, options: o)
        case .gradient, .jacobian:
            var o = FiniteDifferences.Options()
            if let m = method { o.method = m }
            var r = try FiniteDifferences.derivative(of: c.program, wrt: c.wrt, settings: s, options: o)
            if c.layout == .numerator, let x = r.base.inputs.first(where: { $0.0 == c.wrt })?.1 {
                r.derivative = try FiniteDifferences.numeratorLayout(r.derivative, wrtOrder: x.order)
            }
            return r
        }
    }

    /// `reference` reshaped to `value`'s shape when they differ only by axes of size 1.
    static func aligned(_ reference: Tensor, to value: Tensor) -> Tensor {
        // A 1×l matrix objective may be read as order 1 (PROBLEMS.md P2: ∂f_j/∂W_kl is of order 3):
        // the expected shape is checked separately, so the numbers are compared up to unit axes.
        if value.shape != reference.shape, value.shape.filter({ $0 != 1 }) == reference.shape.filter({ $0 != 1 }),
           let r = try? reference.reshaped(value.shape) {
            return r
        }
        return reference
    }

    /// Checks one case; never fails the test itself (see ``assertCases``).
    static func check(_ c: DerivativeCase) -> DerivativeOutcome {
        var out = DerivativeOutcome()
        var s = settings(for: c.program, seed: c.seed)
        s.values = c.values
        let fd: FiniteDifferences.Result
        do { fd = try numeric(c, s) } catch {
            out.inconclusive = "finite differences failed: \(error)"
            return out
        }
        let result: DerivativeResult
        do {
            result = try Derivatives.derivative(of: c.program, wrt: c.wrt, kind: c.kind, layout: c.layout)
        } catch {
            out.problems.append("the engine threw: \(error)")
            return out
        }
        out.result = result
        let shape = result.shape.map(\.description)
        if shape != c.shape {
            out.problems.append("shape \(shape), expected \(c.shape)")
        }
        if c.needsMatrix && result.matrix == nil {
            out.problems.append("no matrix form (one is expected); einstein: \(result.einstein)")
        }
        // A second, small-step estimate, taken only on a mismatch: near a kink (relu, abs) or a steep
        // point the large Richardson step misleads; the case fails only when both estimates agree
        // with each other and not with the engine, and is inconclusive when they disagree.
        var second: Tensor??
        func smallStep() -> Tensor? {
            if let t = second { return t }
            let method: FiniteDifferences.Method = c.kind == .hessian ? .central(relativeStep: 2e-4) : .central(relativeStep: 1e-6)
            let t = (try? numeric(c, s, method: method))?.derivative
            second = .some(t)
            return t
        }
        for form in [ResultForm.einstein, .matrix] {
            guard let program = result.program(form) else { continue }
            let name = form == .matrix ? "matrix form" : "einstein form"
            let printed = form == .matrix ? (result.matrix ?? "") : result.einstein
            do {
                let value = try FiniteDifferences.evaluate(resultProgram: program, at: fd.base, settings: s).value
                let reference = aligned(fd.derivative, to: value)
                if value.shape != reference.shape {
                    out.problems.append("\(name) evaluates to shape \(value.shape), finite differences give \(fd.derivative.shape): \(printed)")
                    continue
                }
                let err = FiniteDifferences.relativeError(value, reference)
                if err < c.tolerance { continue }
                if let small = smallStep() {
                    let other = aligned(small, to: value)
                    if FiniteDifferences.relativeError(value, other) < 10 * c.tolerance { continue }
                    if FiniteDifferences.relativeError(other, reference) > c.tolerance {
                        out.inconclusive = "finite differences with two steps disagree (a kink or a steep point); "
                            + "\(name) rel. error \(String(format: "%.2e", err)): \(printed)"
                        continue
                    }
                }
                out.problems.append("\(name) values differ from finite differences (rel. error \(String(format: "%.2e", err))): \(printed)")
            } catch {
                out.problems.append("\(name) does not parse back or evaluate (\(error)):\n\(program)")
            }
        }
        return out
    }
}

/// Counts of a run of cases.
struct DerivativeTally {
    var cases = 0, failed = 0, inconclusive = 0, withMatrix = 0, matrixExpected = 0, matrixMissing = 0
    var byKind: [String: (cases: Int, matrix: Int)] = [:]

    var summary: String {
        let kinds = byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.matrix)/\($0.value.cases)" }.joined(separator: ", ")
        return "\(cases) cases, \(failed) failed, \(inconclusive) inconclusive; matrix form for \(withMatrix)/\(cases) (\(kinds)); "
            + "expected for \(matrixExpected), missing for \(matrixMissing)"
    }
}

/// Checks every case, failing the test once per problem at the case's own line; returns the tally.
@discardableResult
func assertCases(_ cases: [DerivativeCase], _ title: String) -> DerivativeTally {
    var tally = DerivativeTally()
    var failures: [String] = []
    for c in cases {
        let o = DerivativeChecker.check(c)
        tally.cases += 1
        let key = c.kind == .gradient ? "grad(\(c.shape.count))" : "\(c.kind.rawValue)(\(c.shape.count))"
        tally.byKind[key, default: (0, 0)].cases += 1
        if o.hasMatrix { tally.withMatrix += 1; tally.byKind[key, default: (0, 0)].matrix += 1 }
        if c.needsMatrix { tally.matrixExpected += 1; if !o.hasMatrix { tally.matrixMissing += 1 } }
        if let why = o.inconclusive {
            tally.inconclusive += 1
            XCTFail("\(c.label): inconclusive: \(why)", file: c.file, line: c.line)
        }
        if !o.problems.isEmpty {
            tally.failed += 1
            failures.append("- \(c.label):\n    " + o.problems.joined(separator: "\n    "))
            for p in o.problems { XCTFail("\(c.label): \(p)", file: c.file, line: c.line) }
        }
    }
    print("[\(title)] \(tally.summary)")
    if !failures.isEmpty { print("[\(title)] failures:\n" + failures.joined(separator: "\n")) }
    return tally
}
