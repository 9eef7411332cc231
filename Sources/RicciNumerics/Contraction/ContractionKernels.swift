import Foundation

/// The two kinds of work a contraction step does: reducing one operand, and contracting a pair via GEMM.
enum ContractionKernels {
    /// Reduces one operand: takes the diagonal of repeated labels, sums the labels not in `kept`, and
    /// lays the result out in `kept` order. Touches each element of the (diagonal) source once.
    static func reduce(_ tensor: Tensor, labels: [Int], to kept: [Int]) throws -> Tensor {
        let sourceStrides = tensor.strides
        var unique: [Int] = []
        var size: [Int: Int] = [:]
        var stride: [Int: Int] = [:]
        for (axis, label) in labels.enumerated() {
            if stride[label] == nil { unique.append(label); size[label] = tensor.shape[axis] }
            stride[label, default: 0] += sourceStrides[axis]
        }
        let outShape = kept.map { size[$0] ?? 0 }
        let outCount = try Tensor.checkedCount(outShape)
        let summed = unique.filter { !kept.contains($0) }
        if summed.isEmpty {
            return Tensor.gather(tensor.data, shape: outShape, strides: kept.map { stride[$0] ?? 0 })
        }
        var output = Tensor.zeroStorage(count: outCount)
        if outCount == 0 || unique.contains(where: { size[$0] == 0 }) {
            return Tensor(uncheckedShape: outShape, data: output)
        }
        let outStrides = Tensor.strides(of: outShape)
        // Walk the source in memory order (largest source stride outermost).
        let dims: [(size: Int, src: Int, dst: Int)] = unique.map { label in
            (size[label] ?? 1, stride[label] ?? 0, kept.firstIndex(of: label).map { outStrides[$0] } ?? 0)
        }.sorted { $0.src > $1.src }
        tensor.data.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                accumulate(s, d, dims)
            }
        }
        return Tensor(uncheckedShape: outShape, data: output)
    }

    /// `dst[Σ iₖ·dstₖ] += src[Σ iₖ·srcₖ]` over all index tuples.
    private static func accumulate(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>,
                                   _ dims: [(size: Int, src: Int, dst: Int)]) {
        guard let inner = dims.last else { dst[0] += src[0]; return }
        let outer = Array(dims.dropLast())
        var counter = [Int](repeating: 0, count: outer.count)
        var s = 0, d = 0
        while true {
            var sp = src + s, dp = dst + d
            if inner.dst == 0 {
                var total = 0.0
                for _ in 0..<inner.size { total += sp.pointee; sp += inner.src }
                dp.pointee += total
            } else {
                for _ in 0..<inner.size { dp.pointee += sp.pointee; sp += inner.src; dp += inner.dst }
            }
            var axis = outer.count - 1
            while axis >= 0 {
                counter[axis] += 1
                s += outer[axis].src
                d += outer[axis].dst
                if counter[axis] < outer[axis].size { break }
                s -= outer[axis].src * outer[axis].size
                d -= outer[axis].dst * outer[axis].size
                counter[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// Contracts `a` (labels `la`) with `b` (labels `lb`) into a tensor with labels `result`.
    ///
    /// Labels in both and in `result` are batch labels; in both but not in `result` are summed.
    /// Each operand is permuted only when its layout is neither (batch, free, summed) nor
    /// (batch, summed, free) — the second is a transposed GEMM operand — and the batch runs as
    /// ``ContractionBatchedGEMM`` (one CBLAS call per entry on the operands' memory).
    static func pair(_ a: Tensor, _ la: [Int], _ b: Tensor, _ lb: [Int], result: [Int]) throws -> Tensor {
        let keep = Set(result)
        // Labels only in one operand and not kept are summed first (the planner never leaves any).
        let needA = la.filter { keep.contains($0) || lb.contains($0) }
        let needB = lb.filter { keep.contains($0) || la.contains($0) }
        if needA.count < la.count { return try pair(reduce(a, labels: la, to: needA), needA, b, lb, result: result) }
        if needB.count < lb.count { return try pair(a, la, reduce(b, labels: lb, to: needB), needB, result: result) }
        let inA = Set(la), inB = Set(lb)
        let batch = result.filter { inA.contains($0) && inB.contains($0) }
        let freeA = result.filter { inA.contains($0) && !inB.contains($0) }
        let freeB = result.filter { inB.contains($0) && !inA.contains($0) }
        let candidates = [la.filter { inB.contains($0) && !keep.contains($0) },
                          lb.filter { inA.contains($0) && !keep.contains($0) }]
        func copies(_ contracted: [Int]) -> Int {
            let okA = la == batch + freeA + contracted || la == batch + contracted + freeA
            let okB = lb == batch + contracted + freeB || lb == batch + freeB + contracted
            return (okA ? 0 : a.count) + (okB ? 0 : b.count)
        }
        let contracted = copies(candidates[0]) <= copies(candidates[1]) ? candidates[0] : candidates[1]
        var left = a, right = b, transA = false, transB = false
        if la == batch + freeA + contracted {
        } else if la == batch + contracted + freeA {
            transA = true
        } else {
            left = try a.transposed((batch + freeA + contracted).map { la.firstIndex(of: $0) ?? 0 })
        }
        if lb == batch + contracted + freeB {
        } else if lb == batch + freeB + contracted {
            transB = true
        } else {
            right = try b.transposed((batch + contracted + freeB).map { lb.firstIndex(of: $0) ?? 0 })
        }
        let size = { (labels: [Int], t: Tensor, l: [Int]) in labels.reduce(1) { $0 * t.shape[l.firstIndex(of: $1) ?? 0] } }
        let batchCount = size(batch, a, la), m = size(freeA, a, la), n = size(freeB, b, lb), k = size(contracted, a, la)
        let laidOut = batch + freeA + freeB
        let outShape = laidOut.map { label in
            la.firstIndex(of: label).map { a.shape[$0] } ?? lb.firstIndex(of: label).map { b.shape[$0] } ?? 0
        }
        let count = try Tensor.checkedCount(outShape)
        var failure: Error?
        // Every element is written by the GEMMs (beta = 0) or the small loops: no zero-filling first.
        let data = Tensor.makeStorage(count: count) { pc in
            guard let rc = pc.baseAddress else { return }
            left.data.withUnsafeBufferPointer { pa in
                right.data.withUnsafeBufferPointer { pb in
                    guard let ra = pa.baseAddress, let rb = pb.baseAddress else {
                        rc.initialize(repeating: 0, count: count)
                        return
                    }
                    do {
                        try ContractionBatchedGEMM.run(ra, rb, rc, batch: batchCount, m: m, n: n, k: k, transA: transA, transB: transB)
                    } catch {
                        failure = error
                        rc.initialize(repeating: 0, count: count)
                    }
                }
            }
        }
        if let failure { throw failure }
        let out = Tensor(uncheckedShape: outShape, data: data)
        if laidOut == result { return out }
        return try out.transposed(result.map { laidOut.firstIndex(of: $0) ?? 0 })
    }
}
