import Foundation
import XCTest
import Ricci
import RicciNumerics

// Plain-loop reference arithmetic for the numeric tests: nothing here calls the engine, so every
// expected value is computed independently of it (nested for-loops over [Double]).

typealias Matrix = [[Double]]

/// A small deterministic generator (an LCG), independent of the engine's RandomSource.
struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }

    /// Uniform in [lo, hi).
    mutating func next(_ lo: Double = -1, _ hi: Double = 1) -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let u = Double(state >> 11) / Double(1 << 53)
        return lo + (hi - lo) * u
    }

    mutating func matrix(_ r: Int, _ c: Int, _ lo: Double = -1, _ hi: Double = 1) -> Matrix {
        (0..<r).map { _ in (0..<c).map { _ in next(lo, hi) } }
    }

    mutating func vector(_ n: Int, _ lo: Double = -1, _ hi: Double = 1) -> [Double] {
        (0..<n).map { _ in next(lo, hi) }
    }

    /// A flat row-major array for a tensor of any order.
    mutating func flat(_ shape: [Int], _ lo: Double = -1, _ hi: Double = 1) -> [Double] {
        (0..<shape.reduce(1, *)).map { _ in next(lo, hi) }
    }

    /// A well-conditioned square matrix (diagonally dominant).
    mutating func wellConditioned(_ n: Int) -> Matrix {
        var m = matrix(n, n)
        for i in 0..<n { m[i][i] += Double(n) + 1 }
        return m
    }

    /// A symmetric positive definite matrix M Mᵀ + n I.
    mutating func spd(_ n: Int) -> Matrix {
        let m = matrix(n, n)
        var s = matmul(m, transpose(m))
        for i in 0..<n { s[i][i] += Double(n) }
        return s
    }
}

// MARK: - conversions

func tensor(_ m: Matrix) -> Tensor { try! Tensor(shape: [m.count, m.first?.count ?? 0], data: m.flatMap { $0 }) }
func tensor(_ v: [Double]) -> Tensor { Tensor(vector: v) }
func tensor(_ s: Double) -> Tensor { Tensor(scalar: s) }
func tensor(_ shape: [Int], _ flat: [Double]) -> Tensor { try! Tensor(shape: shape, data: flat) }
func flat(_ m: Matrix) -> [Double] { m.flatMap { $0 } }

// MARK: - reference operations

func matmul(_ a: Matrix, _ b: Matrix) -> Matrix {
    let n = a.count, k = b.count, m = b.first?.count ?? 0
    var c = Matrix(repeating: [Double](repeating: 0, count: m), count: n)
    for i in 0..<n {
        for j in 0..<m {
            var s = 0.0
            for p in 0..<k { s += a[i][p] * b[p][j] }
            c[i][j] = s
        }
    }
    return c
}

func matvec(_ a: Matrix, _ x: [Double]) -> [Double] {
    var y = [Double](repeating: 0, count: a.count)
    for i in 0..<a.count { for j in 0..<x.count { y[i] += a[i][j] * x[j] } }
    return y
}

func transpose(_ a: Matrix) -> Matrix {
    let r = a.count, c = a.first?.count ?? 0
    var t = Matrix(repeating: [Double](repeating: 0, count: r), count: c)
    for i in 0..<r { for j in 0..<c { t[j][i] = a[i][j] } }
    return t
}

func identity(_ n: Int) -> Matrix {
    var m = Matrix(repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { m[i][i] = 1 }
    return m
}

func entrywise(_ a: Matrix, _ f: (Double) -> Double) -> Matrix { a.map { $0.map(f) } }
func entrywise(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
    var c = a
    for i in 0..<a.count { for j in 0..<a[i].count { c[i][j] = f(a[i][j], b[i][j]) } }
    return c
}

/// Gauss–Jordan elimination with partial pivoting.
func inverse(_ a: Matrix) -> Matrix {
    let n = a.count
    var m = a
    var inv = identity(n)
    for col in 0..<n {
        var p = col
        for r in (col + 1)..<max(col + 1, n) where abs(m[r][col]) > abs(m[p][col]) { p = r }
        m.swapAt(col, p)
        inv.swapAt(col, p)
        let d = m[col][col]
        for j in 0..<n { m[col][j] /= d; inv[col][j] /= d }
        for r in 0..<n where r != col {
            let f = m[r][col]
            if f == 0 { continue }
            for j in 0..<n { m[r][j] -= f * m[col][j]; inv[r][j] -= f * inv[col][j] }
        }
    }
    return inv
}

/// Determinant by Gaussian elimination with partial pivoting.
func determinant(_ a: Matrix) -> Double {
    let n = a.count
    var m = a
    var det = 1.0
    for col in 0..<n {
        var p = col
        for r in (col + 1)..<max(col + 1, n) where abs(m[r][col]) > abs(m[p][col]) { p = r }
        if p != col { m.swapAt(col, p); det = -det }
        let d = m[col][col]
        if d == 0 { return 0 }
        det *= d
        for r in (col + 1)..<max(col + 1, n) {
            let f = m[r][col] / d
            for j in col..<n { m[r][j] -= f * m[col][j] }
        }
    }
    return det
}

func power(_ a: Matrix, _ p: Int) -> Matrix {
    if p == 0 { return identity(a.count) }
    let base = p > 0 ? a : inverse(a)
    var acc = base
    for _ in 1..<abs(p) { acc = matmul(acc, base) }
    return acc
}

func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// Row-major offset of an index in a shape.
func offset(_ idx: [Int], _ shape: [Int]) -> Int {
    var o = 0
    for (i, n) in zip(idx, shape) { o = o * n + i }
    return o
}

// MARK: - evaluation and comparison

/// Settings for an evaluation with given values.
func settings(values: [String: Tensor] = [:], dims: [String: Int] = [:], functions: [String: EntrywiseFunction] = [:],
              seed: UInt64? = nil) -> EvaluationSettings {
    var s = EvaluationSettings()
    s.values = values
    s.dims = dims
    s.functions = functions
    s.seed = seed
    return s
}

/// Evaluates `src`; fails the test (returning nil) on an error.
func evaluate(_ src: String, _ values: [String: Tensor] = [:], dims: [String: Int] = [:],
              functions: [String: EntrywiseFunction] = [:], seed: UInt64? = nil,
              file: StaticString = #filePath, line: UInt = #line) -> Tensor? {
    do {
        return try Evaluator.evaluate(source: src, settings: settings(values: values, dims: dims, functions: functions, seed: seed)).value
    } catch {
        XCTFail("'\(src)' does not evaluate: \(error)", file: file, line: line)
        return nil
    }
}

/// Asserts that `actual` has `shape` and entries `expected` (row-major) within a relative tolerance.
func assertClose(_ actual: Tensor?, _ shape: [Int], _ expected: [Double], tolerance: Double = 1e-10,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard let t = actual else { return }
    XCTAssertEqual(t.shape, shape, "shape " + message(), file: file, line: line)
    guard t.shape == shape, t.data.count == expected.count else {
        if t.data.count != expected.count { XCTFail("\(t.data.count) entries, expected \(expected.count) " + message(), file: file, line: line) }
        return
    }
    for (k, (a, e)) in zip(t.data, expected).enumerated() {
        let scale = max(1, abs(e))
        if !(abs(a - e) <= tolerance * scale) {
            XCTFail("entry \(k): \(a) vs expected \(e) " + message(), file: file, line: line)
            return
        }
    }
}

func assertClose(_ actual: Tensor?, _ expected: Matrix, tolerance: Double = 1e-10, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, [expected.count, expected.first?.count ?? 0], flat(expected), tolerance: tolerance, message(),
                file: file, line: line)
}

func assertClose(_ actual: Tensor?, vector expected: [Double], tolerance: Double = 1e-10, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, [expected.count], expected, tolerance: tolerance, message(), file: file, line: line)
}

func assertClose(_ actual: Tensor?, scalar expected: Double, tolerance: Double = 1e-10, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, [], [expected], tolerance: tolerance, message(), file: file, line: line)
}
