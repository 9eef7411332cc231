import CGSL
import Foundation
import Ricci

/// The executor's kernels: BLAS through OpenBLAS for products, fused loops for entrywise work,
/// GSL factorizations for inverses and determinants, the contraction executor for einsum.
extension NumericPlan {
    /// Rows and columns of a buffer read as a matrix (`[]` 1×1, `[n]` n×1).
    func rc(_ b: Int) -> (Int, Int) {
        let s = buffers[b].sizes
        switch s.count {
        case 0: return (1, 1)
        case 1: return (s[0], 1)
        default: return (s[0], s.dropFirst().reduce(1, *))
        }
    }

    func execute(_ k: Int, _ step: PlanStep, _ p: [UnsafeMutablePointer<Double>], _ functions: [String: PlanFunction]) throws {
        let out = p[step.output], n = buffers[step.output].count
        let (orows, ocols) = rc(step.output)
        switch step.kernel {
        case .gemm(let a, let ta, let b, let tb, let alpha, let acc):
            let (ar, ac) = rc(a), (br, bc) = rc(b)
            let m = ta ? ac : ar, kk = ta ? ar : ac, nn = tb ? br : bc
            guard m > 0, nn > 0 else { return }
            if kk == 0 { if !acc { out.update(repeating: 0, count: n) }; return }
            cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(nn), Int32(kk), alpha, p[a], Int32(max(ac, 1)), p[b], Int32(max(bc, 1)),
                        acc ? 1 : 0, out, Int32(max(nn, 1)))
        case .gemv(let a, let ta, let x, let alpha, let acc):
            let (ar, ac) = rc(a)
            guard ar > 0, ac > 0 else { if !acc { out.update(repeating: 0, count: n) }; return }
            if ta {
                RowBandGEMV.transposedProduct(p[a], rows: ar, cols: ac, p[x], alpha: alpha, accumulate: acc, into: out)
            } else {
                RowBandGEMV.product(p[a], rows: ar, cols: ac, p[x], alpha: alpha, accumulate: acc, into: out)
            }
        case .ger(let x, let y, let alpha, let acc):
            if !acc { out.update(repeating: 0, count: n) }
            guard orows > 0, ocols > 0 else { return }
            cblas_dger(CblasRowMajor, Int32(orows), Int32(ocols), alpha, p[x], 1, p[y], 1, out, Int32(ocols))
        case .syrk(let a, let ta, let alpha, let acc):
            let (ar, ac) = rc(a)
            syrk(p[a], rows: ar, cols: ac, trans: ta, alpha: alpha, accumulate: acc, out)
        case .dot(let a, let b, let tb, let alpha):
            let (br, bc) = rc(b)
            var s = 0.0
            if !tb || br == 1 || bc == 1 {
                s = cblas_ddot(Int32(buffers[a].count), p[a], 1, p[b], 1)
            } else {
                // Σ a[i, j]·b[j, i] with a br... a is bc×br
                let pa = p[a], pb = p[b]
                for i in 0..<bc { for j in 0..<br { s += pa[i * br + j] * pb[j * bc + i] } }
            }
            out[0] = alpha * s
        case .scaledGram(let x, let v, let alpha, let acc):
            try scaledGram(p[x], rc(x), p[v], alpha: alpha, accumulate: acc, out, scratch: workspace.storage[workspace.storage.count - 1])
        case .entrywise(let tree, _):
            PlanEntrywiseLoop(tree, pointers: p, rows: orows, cols: ocols, functions: functions).run(into: out, count: n)
        case .reduce(let r, let tree):
            out[0] = try reduce(r, tree, p, functions)
        case .fill(let f):
            fill(f, out, step.output)
        case .copy(let a):
            out.update(from: p[a], count: n)
        case .transpose(let a):
            let (ar, ac) = rc(a)
            let src = p[a]
            for i in 0..<ar { for j in 0..<ac { out[j * ar + i] = src[i * ac + j] } }
        default:
            try executeTensorKernel(k, step, p, functions)
        }
    }

    /// `alpha·AᵀA` (trans) or `alpha·AAᵀ` with dsyrk, the lower triangle mirrored from the upper.
    func syrk(_ a: UnsafePointer<Double>, rows: Int, cols: Int, trans: Bool, alpha: Double, accumulate: Bool,
              _ out: UnsafeMutablePointer<Double>) {
        let n = trans ? cols : rows, k = trans ? rows : cols
        guard n > 0 else { return }
        if k == 0 { if !accumulate { out.update(repeating: 0, count: n * n) }; return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, trans ? CblasTrans : CblasNoTrans, Int32(n), Int32(k), alpha, a,
                    Int32(cols), accumulate ? 1 : 0, out, Int32(n))
        Self.mirrorUpper(out, n)
    }

    /// Copies the upper triangle of an n×n row-major matrix into the lower, in 64×64 tiles (the
    /// column reads of a plain loop miss the cache on every element at n in the thousands).
    static func mirrorUpper(_ out: UnsafeMutablePointer<Double>, _ n: Int) {
        let tile = 64
        var i0 = 0
        while i0 < n {
            let i1 = min(n, i0 + tile)
            var j0 = 0
            while j0 < i1 {
                let j1 = min(i1, j0 + tile)
                for i in i0..<i1 {
                    let jEnd = min(j1, i)
                    var j = j0
                    while j < jEnd { out[i * n + j] = out[j * n + i]; j += 1 }
                }
                j0 += tile
            }
            i0 += tile
        }
    }

    /// `alpha·XᵀDiag(v)X`: with v ≥ 0, `syrk` of √v-scaled rows (half the FLOPs of a GEMM); else
    /// a GEMM against the v-scaled rows. Either way no n×n matrix.
    func scaledGram(_ x: UnsafePointer<Double>, _ shape: (Int, Int), _ v: UnsafePointer<Double>, alpha: Double,
                    accumulate: Bool, _ out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) throws {
        let (n, d) = shape
        var nonnegative = true
        for i in 0..<n where v[i] < 0 || v[i].isNaN { nonnegative = false; break }
        let rowsPerTask = max(1, (n + PlanEntrywiseLoop.threads - 1) / PlanEntrywiseLoop.threads)
        let tasks = n * d >= PlanEntrywiseLoop.parallelThreshold ? (n + rowsPerTask - 1) / rowsPerTask : 1
        let scale = { (task: Int) in
            let lo = tasks == 1 ? 0 : task * rowsPerTask, hi = tasks == 1 ? n : min(n, lo + rowsPerTask)
            for i in lo..<hi {
                let s = nonnegative ? v[i].squareRoot() : v[i]
                let src = x + i * d, dst = scratch + i * d
                for j in 0..<d { dst[j] = s * src[j] }
            }
        }
        if tasks <= 1 { scale(0) } else { DispatchQueue.concurrentPerform(iterations: tasks, execute: scale) }
        if nonnegative {
            syrk(scratch, rows: n, cols: d, trans: true, alpha: alpha, accumulate: accumulate, out)
        } else if n > 0 && d > 0 {
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), alpha, x, Int32(d),
                        scratch, Int32(d), accumulate ? 1 : 0, out, Int32(d))
        }
    }

    func fill(_ f: PlanFill, _ out: UnsafeMutablePointer<Double>, _ b: Int) {
        let n = buffers[b].count
        switch f {
        case .constant(let c): out.update(repeating: c, count: n)
        case .identity:
            let (r, c) = rc(b)
            out.update(repeating: 0, count: n)
            for i in 0..<min(r, c) { out[i * c + i] = 1 }
        case .reshapeRows:
            let (r, c) = rc(b)
            out.update(repeating: 0, count: n)
            for k in 0..<r where c > 0 { out[k * c + k % c] = 1 }
        case .reshapeColumns(let m):
            let (r, c) = rc(b)
            out.update(repeating: 0, count: n)
            for k in 0..<r where m > 0 && k / m < c { out[k * c + k / m] = 1 }
        }
    }

    func reduce(_ r: Reduction, _ tree: PlanEntrywise, _ p: [UnsafeMutablePointer<Double>],
                _ functions: [String: PlanFunction]) throws -> Double {
        // the reduced expression's shape: that of its full operands
        let big = tree.fullOperands.first ?? tree.operands.max { buffers[$0].count < buffers[$1].count }
        let (rows, cols) = big.map(rc) ?? (1, 1)
        let count = big.map { buffers[$0].count } ?? 1
        let loop = PlanEntrywiseLoop(tree, pointers: p, rows: rows, cols: cols, functions: functions)
        switch r {
        case .sum: return loop.sum(count: count, .value)
        case .norm2, .normF: return loop.sum(count: count, .square).squareRoot()
        case .norm1: return loop.sum(count: count, .magnitude)
        case .tr, .logsumexp:
            let tmp = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            defer { tmp.deallocate() }
            loop.run(into: tmp, count: count)
            if r == .tr { return (0..<min(rows, cols)).reduce(0) { $0 + tmp[$1 * cols + $1] } }
            var m = -Double.infinity
            for k in 0..<count { m = Swift.max(m, tmp[k]) }
            guard m.isFinite else { return m }
            var s = 0.0
            for k in 0..<count { s += Foundation.exp(tmp[k] - m) }
            return m + Foundation.log(s)
        }
    }
}
