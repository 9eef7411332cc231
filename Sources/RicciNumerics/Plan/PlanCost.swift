import Ricci

/// FLOPs and bytes moved of each kernel at the compiled sizes (for `--plan` and the bench).
extension PlanLowering {
    func cost(_ k: PlanKernel, output: Int) -> (flops: Double, bytes: Double) {
        func c(_ b: Int) -> Double { Double(buffers[b].count) }
        func rc(_ b: Int) -> (Double, Double) {
            let s = buffers[b].sizes
            return (Double(s.first ?? 1), Double(s.count > 1 ? s[1] : 1))
        }
        let bytes = 8 * (k.operands.reduce(c(output)) { $0 + c($1) })
        let out = c(output)
        switch k {
        case .gemm(let a, let ta, _, _, _, _):
            let (r, cc) = rc(a)
            return (2 * out * (ta ? r : cc), bytes)
        case .gemv(let a, _, _, _, _): return (2 * c(a), bytes)
        case .ger: return (2 * out, bytes)
        case .syrk(let a, let ta, _, _):
            let (r, cc) = rc(a)
            return ((ta ? r : cc) * out + out, bytes)
        case .dot(let a, _, _, _): return (2 * c(a), bytes)
        case .scaledGram(let x, _, _, _):
            let (r, _) = rc(x)
            return (r * out + c(x), bytes + 8 * c(x))
        case .entrywise(let e, _): return (out * Double(max(1, e.flopsPerElement)), bytes)
        case .reduce(_, let e):
            let n = e.operands.map(c).max() ?? 1
            return (n * Double(1 + e.flopsPerElement), bytes)
        case .inverse(let a, _): return (2 * c(a) * rc(a).0, bytes)
        case .solve(let a, _, let b, _): return (2.0 / 3 * c(a) * rc(a).0 + 2 * c(a) * rc(b).1, bytes)
        case .determinant(let a, _), .logDeterminant(let a, _): return (2.0 / 3 * c(a) * rc(a).0, bytes)
        case .matrixPower(let a, let p): return (2 * c(a) * rc(a).0 * Double(max(1, abs(p))), bytes)
        case .einsum: return (out, bytes)   // replaced by the contraction plan's count
        case .kron: return (out, bytes)
        case .softmax(let a): return (4 * c(a), bytes)
        case .opaque(_, _, let a): return (2 * out * c(a), bytes)
        case .transpose, .fill, .diagonal, .diagonalMatrix, .vec, .copy: return (0, bytes)
        }
    }
}

extension NumericPlan {
    /// Plans every einsum step with the contraction planner (shapes only) and records its FLOPs.
    mutating func prepareContractions() throws {
        for (k, step) in steps.enumerated() {
            guard case .einsum(let subs, let ops) = step.kernel else { continue }
            let p = try Einsum.plan(subs, shapes: ops.map { buffers[$0].sizes })
            contractions[k] = p
            steps[k].flops = p.flops
        }
    }
}
