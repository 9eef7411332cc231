import Foundation
import Ricci

extension Evaluator {
    func matrixFunction(_ m: MatrixFunction, _ xs: [Tensor], _ shape: [Int], at loc: SourceLocation) throws -> Tensor {
        let x = xs[0]
        if let p = probe, m == .inv || m == .det || m == .logdet { p.matrix(m.rawValue, try asMatrix(x), at: loc) }
        do {
            switch m {
            case .inv:
                if x.count == 1 && x.order < 2 {
                    guard x.data[0] != 0 else { throw NumericError.singular(operation: "inv") }
                    return Tensor(scalar: 1 / x.data[0])
                }
                return try Linalg.inverse(try asMatrix(x))
            case .det:
                return Tensor(scalar: x.count == 1 ? x.data[0] : try Linalg.determinant(try asMatrix(x)))
            case .logdet:
                if x.count == 1 {
                    guard x.data[0] > 0 else { throw NumericError.domain(operation: "logdet", message: "the determinant is not positive") }
                    return Tensor(scalar: log(x.data[0]))
                }
                return Tensor(scalar: try Linalg.logDeterminant(try asMatrix(x)))
            case .diag:
                let n = shape[0], c = x.order == 2 ? x.shape[1] : 1
                return try Tensor(shape: [n], data: (0..<n).map { x.data[$0 * c + $0] })
            case .Diag:
                let n = x.count
                var out = try Tensor(zeros: [n, n])
                for i in 0..<n { out.data[i * n + i] = x.data[i] }
                return out
            case .kron:
                let a = try asMatrix(x), b = try asMatrix(xs[1])
                let (p, q, r, s) = (a.shape[0], a.shape[1], b.shape[0], b.shape[1])
                var out = try Tensor(zeros: [p * r, q * s])
                for i in 0..<p { for j in 0..<q {
                    let aij = a.data[i * q + j]
                    for k in 0..<r { for l in 0..<s {
                        out.data[(i * r + k) * (q * s) + j * s + l] = aij * b.data[k * s + l]
                    } }
                } }
                return try out.reshaped(shape)
            case .vec:
                let a = try asMatrix(x)
                let (r, c) = (a.shape[0], a.shape[1])
                var out = [Double](repeating: 0, count: r * c)
                for j in 0..<c { for i in 0..<r { out[j * r + i] = a.data[i * c + j] } }
                return try Tensor(shape: shape, data: out)
            case .softmax:
                let a = try asMatrix(x)
                let (r, c) = (a.shape[0], a.shape[1])
                var out = a
                for j in 0..<c {
                    var mx = -Double.infinity
                    for i in 0..<r { mx = max(mx, a.data[i * c + j]) }
                    var s = 0.0
                    for i in 0..<r { let e = exp(a.data[i * c + j] - mx); out.data[i * c + j] = e; s += e }
                    for i in 0..<r { out.data[i * c + j] /= s }
                }
                return try out.reshaped(shape)
            }
        } catch let e as NumericError {
            throw RicciError(.numeric, e.description, at: loc)
        }
    }
}
