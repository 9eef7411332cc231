import Foundation
import XCTest
@testable import Ricci

/// `ricci lower` reports (SYNTAX.md section 5) and the printed Einstein forms re-parsing.
final class ReportTests: XCTestCase {
    func field(_ j: JSON, _ key: String) -> JSON? {
        guard case .object(let kv) = j else { return nil }
        return kv.first { $0.0 == key }?.1
    }

    func testJSONFields() throws {
        let src = "X: matrix(n, d); W: matrix(d, k); h: elementwise\nE = h(X*W)\nsum(E)"
        let j = LoweredReport(try Lowerer.lower(source: src)).json()
        for key in ["input", "kind", "order", "shape", "einstein", "where", "latex", "unicode", "types"] {
            XCTAssertNotNil(field(j, key), key)
        }
        XCTAssertEqual(field(j, "input"), .string(src))
        XCTAssertEqual(field(j, "kind"), .string("value"))
        XCTAssertEqual(field(j, "order"), .number(0))
        XCTAssertEqual(field(j, "shape"), .array([]))
        guard case .array(let wh) = try XCTUnwrap(field(j, "where")) else { return XCTFail("where is not a list") }
        XCTAssertEqual(wh.first, .array([.string("E[i, j]"), .string("h(X[i, l]*W[l, j])")]))
        guard case .object(let ty) = try XCTUnwrap(field(j, "types")) else { return XCTFail("types is not an object") }
        XCTAssertEqual(ty.map(\.0), ["X", "W", "h", "E"])
        XCTAssertEqual(ty.first?.1, .string("matrix(n, d)"))
        let shaped = LoweredReport(try Lowerer.lower(source: "X: matrix(n, 3); X")).json()
        XCTAssertEqual(field(shaped, "shape"), .array([.string("n"), .number(3)]))
        XCTAssertEqual(field(shaped, "order"), .number(2))
    }

    func testJSONErrorObject() throws {
        let e = RicciError(.shape, "a \"quoted\" message\nwith a line end", at: SourceLocation(line: 3, column: 2))
        for pretty in [true, false] {
            let text = JSON.error(e).serialized(pretty: pretty)
            let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let err = try XCTUnwrap(obj["error"] as? [String: Any])
            XCTAssertEqual(err["kind"] as? String, "shape")
            XCTAssertEqual(err["message"] as? String, "a \"quoted\" message\nwith a line end")
            XCTAssertEqual(err["line"] as? Int, 3)
            XCTAssertEqual(err["column"] as? Int, 2)
        }
        let text = JSON.error(RicciError(.usage, "x")).serialized()
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let err = try XCTUnwrap(obj["error"] as? [String: Any])
        XCTAssertTrue(err["line"] is NSNull)
        XCTAssertTrue(err["column"] is NSNull)
    }

    func testLaTeXIsEscaped() throws {
        let low = try Lowerer.lower(source: "x_1: vector(3); alpha*x_1")
        let tex = EinsteinPrinter.print(low, format: .latex)
        XCTAssertTrue(tex.contains("\\alpha"), tex)
        XCTAssertFalse(tex.contains("#"))
        XCTAssertEqual(LaTeX.symbol("a#b"), "\\mathit{a\\#b}")
    }

    /// Every printed text and unicode form parses and checks back, with the same result shape.
    func testPrintedFormsParseBack() throws {
        let programs = [
            "X*W", "x'*A*x", "x*y'", "alpha*x", "alpha + beta", "s: scalar; s*x + x",
            "sum(A) + tr(B) + norm2(x) + normF(A) + norm1(A) + logsumexp(x)",
            "softmax(X)", "softmax(x)", "A: matrix(3, 3); inv(A)*det(A) + logdet(A)*eye(3)",
            "diag(A) + diag(x)*y", "kron(A, B)", "vec(A)", "zeros(n, m) + ones(n, m)", "X^3 + X^(-2) + X^0",
            "h: elementwise; h(X*W) .* h'(X*W)", "F: function -> matrix(n, l); F'(W)[i, j, k, l]",
            "F: function -> matrix(n, l); A: matrix(n, l); A : F'(W)", "tanh'(x) ./ (1 + x.^2)",
            "A[i, j]*B[j, k]", "Y[k, i] = A[i, j]*B[j, k]", "δ[i, j]*A[j, k]", "(X*W)[i, j]", "inv(A)[i, j]",
            "T: tensor(2, 3, 4, 5); A: matrix(2, 3); A : T", "T: tensor(2, 3, 4, 5); A: matrix(4, 5); T : A",
            "E = X*W; normF(E)^2", "-x.^2", "1 - tanh(U).^2",
            // regressions: row vectors, a delta with no other range, powers of powers, local sums
            "x: vector(3); x'", "x: vector(3); x'*A", "x: vector(3); kron(x', x)", "softmax(x')", "eye(5)",
            "B: matrix(4, 3); ((B.^2).^2).^2", "A: matrix(3, 4); A[i, j] + x[i]*A[i, j]*y[j]",
            "x: vector(4); log(1 + x[j]*x[j])*δ[j, l]",
        ]
        for src in programs {
            let low = try Lowerer.lower(source: src)
            let original = low.typed.resolve(low.typed.result.shape)
            for format in [OutputFormat.text, .unicode] {
                let printed = EinsteinPrinter.print(low, format: format)
                do {
                    let back = try TypeChecker.check(source: printed)
                    XCTAssertEqual(back.resolve(back.result.shape), original, "\(src) → \(printed)")
                } catch {
                    XCTFail("\(format) form of '\(src)' does not parse back: \(error)\n\(printed)")
                }
            }
        }
    }

    func testPrinterRegressions() throws {
        func text(_ src: String) throws -> String {
            EinsteinPrinter.print(try Lowerer.lower(source: src), format: .text).split(separator: "\n").last.map(String.init) ?? ""
        }
        // a scalar is written by its name, not `alpha[]`
        XCTAssertEqual(try text("x: vector(3); alpha*x"), "result[i] = alpha*x[i]")
        XCTAssertEqual(try text("x: vector(3); logsumexp(x)"), "result = log(T)")
        // the unit axis of a row vector appears on the right side too
        XCTAssertEqual(try text("x: vector(3); x'"), "result[i, j] = x[j]*ones(1)[i]")
        // a delta whose indices nothing else ranges: the identity's size is written
        XCTAssertEqual(try text("eye(5)"), "result[i, j] = eye(5)[i, j]")
        XCTAssertEqual(try text("x: vector(3); eye(3)*x"), "result[i] = delta[i, k]*x[k]")
        // x^2^2 would read back as x^(2^2); a squared entry prints as a product (the implicit rule sums its index)
        XCTAssertEqual(try text("B: matrix(4, 3); (B.^2).^3"), "result[i, j] = (B[i, j]*B[i, j])^3")
        XCTAssertEqual(try text("B: matrix(4, 3); (B.^3).^2"), "result[i, j] = (B[i, j]^3)^2")
        // the indices summed in the second term are not the free i, j of the first
        let local = try text("A: matrix(3, 4); x: vector(3); y: vector(4); A[i, j] + x[i]*A[i, j]*y[j]")
        XCTAssertFalse(local.contains("x[i]"), local)
    }

    func testLongErrorLineShowsAWindowAroundTheCaret() throws {
        let long = "x: vector(3)\n" + Array(repeating: "x", count: 60).joined(separator: " + ") + " + y'"
        let e = try XCTUnwrap(ricciError(long))
        XCTAssertEqual(e.location.line, 2)
        let lines = e.rendered(source: long).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertLessThanOrEqual(lines[1].count, 90)
        // the caret stands under the same character as in the full line
        let caret = try XCTUnwrap(lines[2].firstIndex(of: "^"))
        let offset = lines[2].distance(from: lines[2].startIndex, to: caret)
        let shown = Array(lines[1])
        let full = Array(long.split(separator: "\n")[1])
        XCTAssertEqual(shown[offset], full[e.location.column - 1])
    }

    /// The declaration statements of a program, re-rendered one per line (empty or ending in a newline).
    func declarations(_ src: String) -> String {
        guard let p = try? Parser.parse(src) else { return "" }
        var out = ""
        for case .declaration(let n, let t, let props, _) in p.statements {
            out += n + ": " + typeText(t) + props.map { ", " + $0.rawValue }.joined() + "\n"
        }
        return out
    }

    func typeText(_ t: DeclaredType) -> String {
        switch t {
        case .scalar: return "scalar"
        case .vector(let d): return "vector(\(d))"
        case .matrix(let r, let c): return "matrix(\(r), \(c))"
        case .tensor(let ds): return "tensor(" + ds.map(\.description).joined(separator: ", ") + ")"
        case .elementwise: return "elementwise"
        case .function(let r): return "function -> " + typeText(r)
        }
    }
}
