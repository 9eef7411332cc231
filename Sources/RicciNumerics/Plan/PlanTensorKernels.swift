import Foundation
import Ricci

/// Kernels that go through ``Tensor`` values (factorizations, einsum, reshapes): each is O(n³) or
/// rare, so the copy in and out does not matter.
extension NumericPlan {
    func tensor(_ b: Int, _ p: [UnsafeMutablePointer<Double>]) throws -> Tensor {
        try Tensor(shape: buffers[b].sizes, data: Array(UnsafeBufferPointer(start: p[b], count: buffers[b].count)))
    }

    func matrix(_ b: Int, _ p: [UnsafeMutablePointer<Double>]) throws -> Tensor {
        let (r, c) = rc(b)
        return try Tensor(shape: [r, c], data: Array(UnsafeBufferPointer(start: p[b], count: buffers[b].count)))
    }

    func store(_ t: Tensor, _ b: Int, _ p: [UnsafeMutablePointer<Double>]) throws {
        guard t.count == buffers[b].count else {
            throw RicciError(.shape, "internal: a kernel produced \(Tensor.describe(t.shape)) for \(buffers[b].name), planned as \(Tensor.describe(buffers[b].sizes))")
        }
        t.data.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p[b].update(from: base, count: t.count) }
        }
    }

    func executeTensorKernel(_ k: Int, _ step: PlanStep, _ p: [UnsafeMutablePointer<Double>], _ functions: [String: PlanFunction]) throws {
        let o = step.output
        do {
            switch step.kernel {
            // .cholesky: a matrix expected spd; when it is not (to working precision), LU as for any other
            case .inverse(let a, let f):
                if buffers[a].count == 1 {
                    guard p[a][0] != 0 else { throw NumericError.singular(operation: "inv") }
                    p[o][0] = 1 / p[a][0]
                } else {
                    let m = try matrix(a, p)
                    let c = f == .cholesky ? try Linalg.choleskyInverse(m) : nil
                    try store(try c ?? Linalg.inverse(m), o, p)
                }
            case .solve(let a, let ta, let b, let f):
                var m = try matrix(a, p)
                let rhs = try matrix(b, p)
                if f == .cholesky, let x = try Linalg.choleskySolve(m, rhs) { try store(x, o, p); return }
                if ta { m = try m.transposed() }
                try store(try Linalg.solve(m, rhs), o, p)
            case .determinant(let a, let f):
                if buffers[a].count == 1 { p[o][0] = p[a][0]; return }
                let m = try matrix(a, p)
                let c = f == .cholesky ? try Linalg.choleskyDeterminant(m) : nil
                p[o][0] = try c ?? Linalg.determinant(m)
            case .logDeterminant(let a, let f):
                if buffers[a].count == 1 {
                    guard p[a][0] > 0 else { throw NumericError.domain(operation: "logdet", message: "the determinant is not positive") }
                    p[o][0] = Foundation.log(p[a][0])
                } else {
                    let m = try matrix(a, p)
                    let c = f == .cholesky ? try Linalg.choleskyLogDeterminant(m) : nil
                    p[o][0] = try c ?? Linalg.logDeterminant(m)
                }
            case .matrixPower(let a, let n):
                let (r, _) = rc(a)
                if n == 0 { try store(try Tensor.identity(r), o, p); return }
                let base = n > 0 ? try matrix(a, p) : try Linalg.inverse(try matrix(a, p))
                var acc = base
                for _ in 1..<max(1, Swift.abs(n)) { acc = try Linalg.matmul(acc, base) }
                try store(acc, o, p)
            case .einsum(_, let ops):
                guard let plan = contractions[k] else { throw RicciError(.value, "internal: einsum step without a contraction plan") }
                var ts: [Tensor] = []
                for b in ops { ts.append(try tensor(b, p)) }
                try store(try ContractionExecutor.execute(plan, operands: ts), o, p)
            case .diagonal(let a):
                let (_, c) = rc(a)
                for i in 0..<buffers[o].count { p[o][i] = p[a][i * c + i] }
            case .diagonalMatrix(let a):
                let n = buffers[a].count
                p[o].update(repeating: 0, count: n * n)
                for i in 0..<n { p[o][i * n + i] = p[a][i] }
            case .kron(let a, let b):
                let (pp, q) = rc(a), (r, s) = rc(b)
                for i in 0..<pp { for j in 0..<q {
                    let aij = p[a][i * q + j]
                    for kk in 0..<r { for l in 0..<s { p[o][(i * r + kk) * (q * s) + j * s + l] = aij * p[b][kk * s + l] } }
                } }
            case .vec(let a):
                let (r, c) = rc(a)
                for j in 0..<c { for i in 0..<r { p[o][j * r + i] = p[a][i * c + j] } }
            case .softmax(let a):
                let (r, c) = rc(a)
                let src = p[a], dst = p[o]
                for j in 0..<c {
                    var mx = -Double.infinity
                    for i in 0..<r { mx = Swift.max(mx, src[i * c + j]) }
                    var s = 0.0
                    for i in 0..<r { let e = Foundation.exp(src[i * c + j] - mx); dst[i * c + j] = e; s += e }
                    for i in 0..<r { dst[i * c + j] /= s }
                }
            case .opaque(let f, let d, let a):
                guard case .opaque(let inst) = functions[f] else { throw RicciError(.usage, "no instance of the function \(f)") }
                try store(try inst.apply(try tensor(a, p), derivative: d), o, p)
            default:
                throw RicciError(.value, "internal: kernel \(step.kernel.name) has no executor")
            }
        } catch let e as NumericError {
            throw RicciError(.numeric, e.description + " (plan step \(k + 1): \(buffers[o].name) = \(step.formula))")
        }
    }
}
