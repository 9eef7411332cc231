import Foundation

extension Tensor {
    /// The same elements under a new shape with the same element count (row-major order is kept).
    /// - Throws: ``NumericError/shapeMismatch(_:)`` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let count = try Tensor.checkedCount(newShape)
        guard count == data.count else {
            throw NumericError.shapeMismatch(
                "cannot reshape \(Tensor.describe(shape)) (\(data.count) elements) to \(Tensor.describe(newShape)) (\(count) elements)")
        }
        return Tensor(uncheckedShape: newShape, data: data)
    }

    /// A general axis permutation, as NumPy's `transpose(perm)`: axis `k` of the result is axis
    /// `perm[k]` of `self`, so `result[i₀…] = self[j…]` with `j[perm[k]] = i[k]`.
    /// - Throws: ``NumericError/shapeMismatch(_:)`` when `perm` is not a permutation of the axes.
    public func transposed(_ perm: [Int]) throws -> Tensor {
        guard perm.count == order, Set(perm) == Set(0..<order) else {
            throw NumericError.shapeMismatch("\(perm) is not a permutation of the \(order) axes of \(Tensor.describe(shape))")
        }
        if perm == Array(0..<order) { return self }
        let newShape = perm.map { shape[$0] }
        let sourceStrides = strides
        let gatherStrides = perm.map { sourceStrides[$0] }
        return Tensor.gather(data, shape: newShape, strides: gatherStrides)
    }

    /// The matrix transpose of an order-2 tensor.
    public func transposed() throws -> Tensor {
        guard order == 2 else {
            throw NumericError.shapeMismatch("transpose without a permutation needs a matrix, got shape \(Tensor.describe(shape))")
        }
        return try transposed([1, 0])
    }

    /// Builds a row-major tensor of `shape` whose element `i` is `source[Σ iₖ·strides[k]]`.
    ///
    /// Used for axis permutations (strides permuted) and diagonals (strides of repeated axes added).
    /// The caller guarantees every reached offset is inside `source` and `shape` is within limits.
    static func gather(_ source: [Double], shape: [Int], strides: [Int]) -> Tensor {
        // An empty result first: its other axes may be of any size (a file's header can say so).
        if shape.contains(0) { return Tensor(uncheckedShape: shape, data: []) }
        let count = shape.reduce(1, *)
        // Merge adjacent axes that are contiguous in the source too; drop size-1 axes.
        var dims: [(size: Int, stride: Int)] = []
        for (size, stride) in zip(shape, strides) where size != 1 {
            let (span, overflow) = stride.multipliedReportingOverflow(by: size)
            if let last = dims.last, !overflow, last.stride == span {
                dims[dims.count - 1] = (last.size * size, stride)
            } else {
                dims.append((size, stride))
            }
        }
        let output = makeStorage(count: count) { dst in
            source.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                gatherKernel(s, d, dims)
            }
        }
        return Tensor(uncheckedShape: shape, data: output)
    }

    private static func gatherKernel(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>,
                                     _ dims: [(size: Int, stride: Int)]) {
        guard let inner = dims.last else { dst[0] = src[0]; return }
        if inner.stride != 1, let contiguous = dims.firstIndex(where: { $0.stride == 1 }) {
            tiledGather(src, dst, dims, contiguous: contiguous)
            return
        }
        let outer = Array(dims.dropLast())
        var counter = [Int](repeating: 0, count: outer.count)
        var srcOffset = 0
        var out = dst
        while true {
            let base = src + srcOffset
            if inner.stride == 1 {
                out.update(from: base, count: inner.size)
            } else {
                var p = base
                for i in 0..<inner.size { out[i] = p.pointee; p += inner.stride }
            }
            out += inner.size
            // Advance the odometer over the outer axes.
            var axis = outer.count - 1
            while axis >= 0 {
                counter[axis] += 1
                srcOffset += outer[axis].stride
                if counter[axis] < outer[axis].size { break }
                srcOffset -= outer[axis].stride * outer[axis].size
                counter[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// A gather whose innermost output axis is strided in the source while axis `contiguous` is
    /// contiguous there (a transpose): copies 32×32 tiles of those two axes so both sides stay in cache.
    private static func tiledGather(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>,
                                    _ dims: [(size: Int, stride: Int)], contiguous p: Int) {
        let last = dims.count - 1
        var dstStrides = [Int](repeating: 1, count: dims.count)
        for axis in stride(from: last - 1, through: 0, by: -1) { dstStrides[axis] = dstStrides[axis + 1] * dims[axis + 1].size }
        let outer = (0..<last).filter { $0 != p }
        var counter = [Int](repeating: 0, count: outer.count)
        var s = 0, d = 0
        let (rows, columns, columnStride, rowStride) = (dims[p].size, dims[last].size, dims[last].stride, dstStrides[p])
        let tile = 32
        while true {
            for y0 in stride(from: 0, to: columns, by: tile) {
                let y1 = min(y0 + tile, columns)
                for x0 in stride(from: 0, to: rows, by: tile) {
                    let x1 = min(x0 + tile, rows)
                    for y in y0..<y1 {
                        let from = src + s + y * columnStride
                        let to = dst + d + y
                        for x in x0..<x1 { to[x * rowStride] = from[x] }
                    }
                }
            }
            var k = outer.count - 1
            while k >= 0 {
                let axis = outer[k]
                counter[k] += 1
                s += dims[axis].stride
                d += dstStrides[axis]
                if counter[k] < dims[axis].size { break }
                s -= dims[axis].stride * dims[axis].size
                d -= dstStrides[axis] * dims[axis].size
                counter[k] = 0
                k -= 1
            }
            if k < 0 { return }
        }
    }
}
