import Foundation
import XCTest
import Ricci
import RicciNumerics

/// Round trip: parse, check, lower, print in Einstein notation, evaluate the printed program, and
/// compare with the value of the original program at the same inputs.
final class RoundTripTests: XCTestCase {
    struct Case {
        var source: String
        /// Stand-ins for user `elementwise` functions (the same in both runs).
        var functions: [String: EntrywiseFunction] = [:]
        /// Replace drawn inputs by positive ones (for log, sqrt, ./ of sums, ...).
        var positive = false
        init(_ source: String, functions: [String: EntrywiseFunction] = [:], positive: Bool = false) {
            self.source = source
            self.functions = functions
            self.positive = positive
        }
    }

    /// Distinct sizes for the dimension names the programs declare.
    static let sizes = ["n": 3, "d": 4, "k": 5, "m": 6, "l": 2, "p": 3, "q": 4, "r": 5, "s": 6, "a": 2, "b": 3, "c": 4, "e": 5]

    static let problems: [Case] = [
        // P1
        Case("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
             + "normF(F(W) - beta*D'*Z)^2"),
        Case("D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\nF: function -> matrix(n, l)\n"
             + "2*(F(W) - beta*D'*Z) : F'(W)"),
        // P2
        Case("X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nf = X*W + b\nf*y"),
        Case("X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\nX'*y'"),
        // P3
        Case("A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\nsum(A .* log(A ./ (B'*X*C)))",
             positive: true),
        Case("A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\n-B*(A ./ (B'*X*C))*C'", positive: true),
        // P4
        Case("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\nnormF(h(X*W)*alpha - y)^2",
             functions: ["h": .tanh]),
        Case("X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nh: elementwise\n"
             + "E = h(X*W)*alpha - y\n2*X'*((E*alpha') .* h'(X*W))", functions: ["h": .sigmoid]),
        // P5
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\nA*(B*V*relu(W*z)).^2"),
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
             + "2*B'*(A' .* (B*V*relu(W*z)))*relu(W*z)'"),
        Case("A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
             + "2*(step(W*z) .* (V'*B'*(A' .* (B*V*relu(W*z)))))*z'"),
    ]

    static let mix: [Case] = [
        Case("X: matrix(n, d); W: matrix(d, k); X*W"),
        Case("x: vector(n); A: matrix(n, n); x'*A*x"),
        Case("x: vector(n); y: vector(d); x*y'"),
        Case("A: matrix(n, d); B: matrix(d, k); C: matrix(k, m); A*B*C"),
        Case("x: vector(n); y: vector(n); alpha*x + beta*y - x/gamma"),
        Case("s: scalar; x: vector(n); s*x - x/s + s"),
        Case("alpha + beta*gamma - 2"),
        Case("U: matrix(n, d); 1 - tanh(U).^2"),
        Case("A: matrix(n, d); B: matrix(n, d); A .* B - A ./ (B .* B + 1)"),
        Case("A: matrix(n, d); B: matrix(n, d); C: matrix(n, d); A ⊙ B ⊘ (C .^ 2 + 1)"),
        Case("A: matrix(n, d); B: matrix(n, d); A : B"),
        Case("A: matrix(a, b); T: tensor(a, b, c, e); A : T"),
        Case("A: matrix(c, e); T: tensor(a, b, c, e); T : A"),
        Case("x: vector(a); T: tensor(a, b, c); x : T"),
        Case("X: matrix(n, n); X^3 - 2*X^2"),
        Case("X: matrix(n, n); y: vector(n); X^(-1)*y + X^0*y"),
        Case("X: matrix(n, n); X^(-2)"),
        Case("A: matrix(n, d); A.^3 + abs(A).^0.5 - A.^(-2)"),
        Case("A: matrix(n, d); B: matrix(k, k); x: vector(m); sum(A) + tr(B) + norm2(x) + normF(A) + norm1(A) + logsumexp(x)"),
        Case("A: matrix(n, d); logsumexp(A) + norm2(A)"),
        Case("A: matrix(n, n), spd; logdet(A) + det(A)*tr(inv(A))"),
        Case("A: matrix(n, n); x: vector(d); y: vector(d); diag(A)'*diag(A) + diag(x)*y"),
        Case("x: vector(n); A: matrix(n, d); Diag(x)*A"),
        Case("A: matrix(a, b); B: matrix(c, e); kron(A, B)"),
        Case("A: matrix(a, b); B: matrix(c, e); X: matrix(b, c); kron(B', A)*vec(X)"),
        Case("A: matrix(n, d); B: matrix(n, d); vec(A)'*vec(B)"),
        Case("x: vector(n); softmax(x)"),
        Case("X: matrix(n, d); softmax(X)"),
        Case("X: matrix(n, d); eye(n)*X + ones(n, n)*X - zeros(n, d)"),
        Case("X: matrix(n, d); ones(n)'*X*ones(d)"),
        Case("A: matrix(n, n); A + eye"),
        Case("x: vector(n); exp(x) + sin(x) .* cos(x) - tan(x/4) + sigmoid(x) + relu(x) + step(x) + sign(x) + softplus(x)"),
        Case("x: vector(n); sqrt(abs(x)) + atan(x) + sinh(x) - cosh(x) + log(1 + x.^2)"),
        Case("x: vector(n); asin(tanh(x)/2) + acos(tanh(x)/2) + atanh(tanh(x)/2) + arcsin(tanh(x)/3) + arctan(x)"),
        Case("X: matrix(n, d); tanh'(X) + sigmoid'(X) .* relu'(X) + exp''(X)"),
        Case("h: elementwise; X: matrix(n, d); h(X) .* h'(X) + h''(X)", functions: ["h": .sin]),
        Case("A: matrix(n, d); B: matrix(d, k); Y[i, k] = A[i, j]*B[j, k]"),
        Case("A: matrix(n, d); B: matrix(d, k); A[i, j]*B[j, k]"),
        Case("A: matrix(n, d); A[j, i]"),
        Case("A: matrix(n, d); B: matrix(d, k); Y[k, i] = A[i, j]*B[j, k] + 1"),
        Case("A: matrix(n, n); delta[i, j]*A[i, j] + δ[i, j]*A[j, i]"),
        Case("A: matrix(n, d); δ[i, j]*A[j, k]"),
        Case("X: matrix(n, d); W: matrix(d, k); (X*W)[i, j]"),
        Case("A: matrix(n, n); x: vector(n); inv(A)[i, j]*x[j]"),
        Case("X: matrix(n, d); W: matrix(d, k); tanh(X[i, a]*W[a, j])"),
        Case("A: matrix(n, n); x: vector(n); y[i] = A[i, i]*x[i]"),
        Case("A: matrix(n, d); t[] = A[i, j]*A[i, j]\nt*A"),
        Case("T: tensor(a, b, c); x: vector(c); T[i, j, k]*x[k]"),
        Case("H: tensor(a, b, a, b); H[i, j, i, j] + sum(H)"),
        Case("H: tensor(a, b, a, b); A: matrix(a, b); A : H : A"),
        Case("F: function -> matrix(n, l); W: matrix(d, m); F'(W)[i, j, k, l]"),
        Case("F: function -> vector(n); W: matrix(d, m); sum(F(W)) + F(W)'*F(W)"),
        Case("F: function -> matrix(n, l); W: matrix(d, m); A: matrix(n, l); A : F'(W) + W"),
        Case("X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nE = X*W - Y\nG = E'*E\ntr(G) + normF(E)^2"),
        Case("A: matrix(n, d); B: matrix(d, k); Y[i, k] = A[i, j]*B[j, k]\nY'*Y"),
        Case("x: vector(n); -x.^2 + (-alpha)^2*x + 2^3^2*x"),
        Case("X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))"),
        Case("X: matrix(n, d); w: vector(d); normF(X*w - ones(n))^2/3 + lambda*w'*w"),
        // regressions found by random round trips
        Case("B: matrix(n, d); ((B.^2).^2).^2 + ones(n, d).^2"),                      // x^2^2 re-read as x^(2^2)
        Case("x: vector(n); ((x'*x)^2)^3"),
        Case("A: matrix(n, d); x: vector(n); y: vector(d); A[i, j] + x[i]*A[i, j]*y[j]"), // summed i, j vs free i, j
        Case("A: matrix(n, d); B: matrix(d, n); S: matrix(n, n); S[k, i]*(A*B)[i, k] + sqrt(1 + A[i, j]^2)"),
        Case("S: matrix(n, n); F: function -> matrix(n, n); y: vector(n); F'(S)[i, k, k, i] - sum(S)/(1 + y[i]^2)"),
        Case("eye(5)"),                                                                  // a delta with no other range
        Case("x: vector(d); y: vector(n); log(1 + x[j]*x[j])*(alpha - y[i])*δ[j, l]"),
        Case("A: matrix(n, d); x: vector(d); y: vector(n); S: matrix(n, n); -(A[i, j]*x[j] - y[i])*δ[j, l]*tanh(S[i, k]*y[k])"),
        Case("B: matrix(d, n); Y[] = -δ[j, l] + B[l, k]"),
        Case("x: vector(n); x'"),                                                        // row vectors: a unit free index
        Case("x: vector(n); A: matrix(n, d); x'*A"),
        Case("x: vector(n); kron(x', x) + alpha*x*x'"),
        Case("x: vector(n); softmax(x') + ones(n)'"),
    ]

    /// Inputs for a program: drawn by the engine (then made positive where asked).
    func inputs(_ c: Case, seed: UInt64) throws -> (values: [String: Tensor], dims: [String: Int]) {
        let typed = try TypeChecker.check(source: c.source)
        let names = Set(typed.dims.symbolicNames)
        let dims = Self.sizes.filter { names.contains($0.key) }
        let drawn = try Evaluator.evaluate(source: c.source, settings: settings(dims: dims, functions: c.functions, seed: seed))
        var values = Dictionary(uniqueKeysWithValues: drawn.inputs)
        if c.positive {
            for (k, v) in values { values[k] = try Tensor(shape: v.shape, data: v.data.map { abs($0) + 0.2 }) }
        }
        return (values, dims)
    }

    /// Evaluates `src` with the given values (only those it uses) and the dims it has.
    func value(_ src: String, _ values: [String: Tensor], _ dims: [String: Int], _ c: Case, seed: UInt64) throws -> Tensor {
        let typed = try TypeChecker.check(source: src)
        let used = Set(typed.symbols.keys)
        let names = Set(typed.dims.symbolicNames)
        return try Evaluator.evaluate(source: src, settings: settings(
            values: values.filter { used.contains($0.key) }, dims: dims.filter { names.contains($0.key) },
            functions: c.functions, seed: seed)).value
    }

    func roundTrip(_ c: Case, format: OutputFormat, seed: UInt64 = 17, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let lowered = try Lowerer.lower(source: c.source)
            let printed = EinsteinPrinter.print(lowered, format: format)
            let (values, dims) = try inputs(c, seed: seed)
            // both runs get every input and the same seed, so an opaque function gets the same instance
            let direct = try value(c.source, values, dims, c, seed: seed)
            let back: Tensor
            do { back = try value(printed, values, dims, c, seed: seed) } catch {
                XCTFail("the \(format) form does not evaluate: \(error)\n--- program:\n\(c.source)\n--- printed:\n\(printed)",
                        file: file, line: line)
                return
            }
            XCTAssertFalse(direct.data.contains { !$0.isFinite }, "non-finite value for\n\(c.source)", file: file, line: line)
            assertClose(back, direct.shape, direct.data, tolerance: 1e-10,
                        "\n--- program:\n\(c.source)\n--- printed (\(format)):\n\(printed)", file: file, line: line)
        } catch {
            XCTFail("'\(c.source)': \(error)", file: file, line: line)
        }
    }

    func testCaseCount() {
        XCTAssertGreaterThanOrEqual(Self.problems.count + Self.mix.count, 40)
    }

    func testProblemsText() { for c in Self.problems { roundTrip(c, format: .text) } }
    func testProblemsUnicode() { for c in Self.problems { roundTrip(c, format: .unicode) } }
    func testMixText() { for c in Self.mix { roundTrip(c, format: .text) } }
    func testMixUnicode() { for c in Self.mix { roundTrip(c, format: .unicode) } }

    /// The printed form is stable: printing the printed program again gives a program with the same value.
    func testPrintingTwice() {
        for c in Self.problems + Self.mix.prefix(20) {
            do {
                let once = EinsteinPrinter.print(try Lowerer.lower(source: c.source), format: .text)
                let twice = EinsteinPrinter.print(try Lowerer.lower(source: once), format: .text)
                roundTrip(Case(twice, functions: c.functions, positive: c.positive), format: .text)
            } catch {
                XCTFail("'\(c.source)': \(error)")
            }
        }
    }

    /// A direct evaluation agrees with the evaluation of the same program given its own drawn inputs.
    func testGivenInputsReproduceRandomOnes() throws {
        for c in Self.problems + Self.mix where !c.source.contains("function") && !c.positive {
            let typed = try TypeChecker.check(source: c.source)
            let names = Set(typed.dims.symbolicNames)
            let dims = Self.sizes.filter { names.contains($0.key) }
            let drawn = try Evaluator.evaluate(source: c.source, settings: settings(dims: dims, functions: c.functions, seed: 4))
            let again = try value(c.source, Dictionary(uniqueKeysWithValues: drawn.inputs), dims, c, seed: 4)
            assertClose(again, drawn.value.shape, drawn.value.data, tolerance: 0, c.source)
        }
    }
}
