import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Round trips of randomly generated programs (deterministic seeds): the printed Einstein form must
/// evaluate to the value of the original at the same inputs. Programs the checker rejects are skipped.
final class RandomRoundTripTests: XCTestCase {
    static let declarations = """
        A: matrix(3, 4); B: matrix(4, 3); S: matrix(3, 3); x: vector(4); y: vector(3)
        T: tensor(3, 4, 3); h: elementwise; F: function -> matrix(3, 3)

        """

    /// Returns whether the program checked (and so was compared).
    @discardableResult
    func check(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let src = Self.declarations + body
        guard let lowered = try? Lowerer.lower(source: src) else { return false }
        let functions: [String: EntrywiseFunction] = ["h": .tanh]
        do {
            let drawn = try Evaluator.evaluate(source: src, settings: settings(functions: functions, seed: 21))
            let values = Dictionary(uniqueKeysWithValues: drawn.inputs)
            // both runs get all inputs and the same seed, so F has the same instance in both
            let direct = try Evaluator.evaluate(source: src, settings: settings(values: values, functions: functions, seed: 21)).value
            for format in [OutputFormat.text, .unicode] {
                let printed = EinsteinPrinter.print(lowered, format: format)
                let used = Set(try TypeChecker.check(source: printed).symbols.keys)
                let back = try Evaluator.evaluate(source: printed, settings: settings(
                    values: values.filter { used.contains($0.key) }, functions: functions, seed: 21)).value
                XCTAssertEqual(back.shape, direct.shape, "\(body)\n--- printed:\n\(printed)", file: file, line: line)
                guard back.shape == direct.shape else { continue }
                for (a, b) in zip(back.data, direct.data) where !(abs(a - b) <= 1e-9 * max(1, abs(b))) && !(a.isNaN && b.isNaN) {
                    XCTFail("\(a) vs \(b)\n\(body)\n--- printed (\(format)):\n\(printed)", file: file, line: line)
                    break
                }
            }
        } catch let e as RicciError where e.kind == .numeric {
            return false   // a singular matrix drawn at random: not a round-trip question
        } catch {
            XCTFail("\(body): \(error)\n--- printed:\n\(EinsteinPrinter.print(lowered, format: .text))", file: file, line: line)
        }
        return true
    }

    // MARK: - Einstein notation: products of random indexed factors

    static let pool = [
        "A[i,j]", "A[k,l]", "A[k,j]", "B[j,i]", "B[l,k]", "S[i,k]", "S[k,i]", "S[i,i]", "x[j]", "x[l]", "y[i]", "y[k]",
        "delta[i,k]", "δ[j,l]", "exp(A[i,j]*x[j])", "tanh(S[i,k]*y[k])", "sigmoid(A[k,l])", "(x[j] + x[j]*2)",
        "(A[i,j]*x[j] - y[i])", "inv(S + 4*eye)[i,k]", "(A*B)[i,k]", "T[i,j,k]", "T[k,l,i]", "F(S)[i,k]", "F'(S)[i,k,k,i]",
        "(y[i]*y[k] + S[i,k])^2", "sqrt(1 + A[i,j]^2)", "alpha", "2", "(alpha - y[i])", "exp(A[i,j])", "log(1 + x[j]*x[j])",
        "(S*S)[i,i]", "sum(A)", "T[i,j,i]", "(1/(1 + y[i]^2))", "h(S[i,k])", "h'(A[i,j]*x[j])", "A'[j,i]",
    ]

    func testRandomEinsteinPrograms() {
        var rng = TestRandom(2024)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next(0, Double(xs.count))) % xs.count] }
        var compared = 0
        for _ in 0..<300 {
            var terms: [String] = []
            for _ in 0..<pick([1, 1, 2]) {
                var factors: [String] = []
                for _ in 0..<pick([1, 2, 2, 3]) { factors.append(pick(Self.pool)) }
                terms.append((rng.next(0, 1) < 0.3 ? "-" : "") + factors.joined(separator: "*"))
            }
            let rhs = terms.joined(separator: " + ")
            var body = rhs
            if rng.next(0, 1) < 0.4 {
                var idx = ["i", "j", "k", "l"].filter { rhs.contains($0 + ",") || rhs.contains($0 + "]") }
                idx = idx.filter { _ in rng.next(0, 1) < 0.6 }
                if rng.next(0, 1) < 0.5 { idx.reverse() }
                body = "Y[\(idx.joined(separator: ", "))] = " + rhs
            }
            if check(body) { compared += 1 }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    // MARK: - matrix notation: random well-typed expressions

    struct Generator {
        var rng: TestRandom
        mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next(0, Double(xs.count))) % xs.count] }

        /// An expression of shape s (scalar, v3, v4, m33, m34, m43) of nesting depth at most d.
        mutating func gen(_ s: String, _ d: Int) -> String {
            let base: [String: [String]] = [
                "s": ["alpha", "beta", "2", "(y'*y)", "sum(x)"], "v3": ["y", "A*x", "S*y"], "v4": ["x", "B*y", "A'*y"],
                "m33": ["S", "A*B", "eye(3)", "y*y'"], "m34": ["A", "B'", "y*x'"], "m43": ["B", "A'", "x*y'"],
            ]
            if d <= 0 || rng.next(0, 1) < 0.2 { return pick(base[s]!) }
            switch Int(rng.next(0, 10)) {
            case 0: return "(\(gen(s, d - 1)) + \(gen(s, d - 1)))"
            case 1: return "(\(gen(s, d - 1)) - \(gen("s", d - 2)))"
            case 2: return pick(["tanh", "sigmoid", "exp", "sin", "h", "h'", "relu", "softplus", "tanh'"]) + "(\(gen(s, d - 1)))"
            case 3: return "((\(gen(s, d - 1))) .* (\(gen(s, d - 1))))"
            case 4: return "(\(gen("s", d - 1))*\(gen(s, d - 1)))"
            case 5:
                switch s {
                case "s": return "sum(\(gen(pick(["v3", "m34"]), d - 1)))"
                case "v3": return "(\(gen("m34", d - 1))*\(gen("v4", d - 1)))"
                case "v4": return "(\(gen("m43", d - 1))*\(gen("v3", d - 1)))"
                case "m33": return "(\(gen("m34", d - 1))*\(gen("m43", d - 1)))"
                case "m34": return "(\(gen("m33", d - 1))*\(gen("m34", d - 1)))"
                default: return "(\(gen("m43", d - 1))*\(gen("m33", d - 1)))"
                }
            case 6:
                let t = ["m34": "m43", "m43": "m34", "m33": "m33", "s": "s"][s]
                return t.map { "(\(gen($0, d - 1)))'" } ?? gen(s, d - 1)
            case 7:
                switch s {
                case "s": return pick(["normF(\(gen("m34", d - 1)))^2", "tr(\(gen("m33", d - 1)))", "logsumexp(\(gen("v3", d - 1)))",
                                       "((\(gen("m34", d - 1))) : (\(gen("m34", d - 1))))", "norm1(\(gen("v4", d - 1)))"])
                case "v3": return pick(["softmax(\(gen("v3", d - 1)))", "diag(\(gen("m33", d - 1)))"])
                case "v4": return pick(["softmax(\(gen("v4", d - 1)))", "(kron(y', x)*\(gen("v3", d - 1)))"])
                case "m33": return pick(["Diag(\(gen("v3", d - 1)))", "(\(gen("m33", d - 1)))^2", "softmax(\(gen("m33", d - 1)))",
                                         "inv(\(gen("m33", d - 1)) + 5*eye)", "(det(S)*\(gen("m33", d - 1)))", "F(S + \(gen("m33", d - 1)))"])
                case "m34": return pick(["((\(gen("m34", d - 1))) ⊘ (1 + exp(\(gen("m34", d - 1)))))",
                                         "(ones(3)*vec(\(gen("m43", d - 1)))'*kron(ones(3), eye(4)))"])
                default: return gen(s, d - 1)
                }
            case 8: return "(\(gen(s, d - 1))).^2"
            default: return "-\(gen(s, d - 1))"
            }
        }
    }

    func testRandomMatrixPrograms() {
        var g = Generator(rng: TestRandom(7))
        var compared = 0
        for _ in 0..<250 {
            let s = g.pick(["s", "v3", "v4", "m33", "m34", "m43"])
            if check(g.gen(s, 4)) { compared += 1 }
        }
        XCTAssertGreaterThan(compared, 200)
    }
}
