import Foundation
import Ricci

/// A concrete smooth function standing in for a user `elementwise` function:
/// h(x) = a·sin(b·x + c) + d·x, with all its derivatives in closed form.
public struct ElementwiseInstance: Sendable {
    /// The coefficients of a·sin(b·x + c) + d·x.
    public var a, b, c, d: Double

    /// Draws the coefficients.
    public init(random: inout RandomSource) {
        a = random.uniform(in: 0.5, 1.5)
        b = random.uniform(in: 0.5, 1.5)
        c = random.uniform(in: -1, 1)
        d = random.uniform(in: 0.2, 0.8)
    }

    /// h^(n)(x).
    public func value(derivative n: Int, _ x: Double) -> Double {
        let s = a * pow(b, Double(n)) * sin(b * x + c + Double(n) * .pi / 2)
        switch n {
        case 0: return s + d * x
        case 1: return s + d
        default: return s
        }
    }

    /// A readable formula, for reports.
    public var formula: String {
        String(format: "%.3f*sin(%.3f*x + %.3f) + %.3f*x", a, b, c, d)
    }
}

/// A concrete smooth map standing in for an opaque `function`: F(U)_r = tanh(Σ_a C_ra U_a + b_r),
/// with Jacobian F'(U)_ra = (1 − F(U)_r²) C_ra.
public struct OpaqueInstance: Sendable {
    /// The shape of F(U).
    public let resultShape: [Int]
    /// The shape of U.
    public let argumentShape: [Int]
    /// C as a (result count) × (argument count) matrix.
    public let c: Tensor
    /// b, one entry per entry of the result.
    public let b: Tensor

    /// Draws C and b for a map from `argument`-shaped to `result`-shaped tensors.
    public init(result: [Int], argument: [Int], random: inout RandomSource) throws {
        resultShape = result
        argumentShape = argument
        let m = try Tensor.checkedCount(result), n = try Tensor.checkedCount(argument)
        _ = try Tensor.checkedCount([m, n])
        var cm = try random.tensor(shape: [m, n], kind: .gaussian)
        let scale = 1 / Double(max(n, 1)).squareRoot()
        for k in 0..<cm.data.count { cm.data[k] *= scale }
        c = cm
        b = try random.tensor(shape: [m], kind: .gaussian)
    }

    /// F(U) (`derivative == 0`) or F'(U) (`derivative == 1`).
    public func apply(_ u: Tensor, derivative: Int) throws -> Tensor {
        let m = b.count, n = u.count
        let pre = try Linalg.matvec(c, try u.reshaped([n]))
        var f = [Double](repeating: 0, count: m)
        for r in 0..<m { f[r] = tanh(pre.data[r] + b.data[r]) }
        if derivative == 0 { return try Tensor(shape: resultShape, data: f) }
        var j = c
        for r in 0..<m {
            let g = 1 - f[r] * f[r]
            for a in 0..<n { j.data[r * n + a] *= g }
        }
        return try j.reshaped(resultShape + argumentShape)
    }
}
