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
        // Merge adjacent axes that are contiguous in the source too; drop size-1 axes.
        var dims: [(size: Int, stride: Int)] = []
        for (size, stride) in zip(shape, strides) where size != 1 {
            if let last = dims.last, last.stride == stride * size {
                dims[dims.count - 1] = (last.size * size, stride)
            } else {
                dims.append((size, stride))
            }
        }
        let count = shape.reduce(1, *)
        var output = [Double](repeating: 0, count: count)
        if count == 0 { return Tensor(uncheckedShape: shape, data: output) }
        source.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                gatherKernel(s, d, dims)
            }
        }
        return Tensor(uncheckedShape: shape, data: output)
    }

    private static func gatherKernel(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>,
                                     _ dims: [(size: Int, stride: Int)]) {
        guard let inner = dims.last else { dst[0] = src[0]; return }
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
}
