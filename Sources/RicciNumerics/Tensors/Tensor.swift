import Foundation

/// A dense tensor of `Double`s stored in row-major (C) order.
///
/// The element at index `(i₀, i₁, …, iₙ₋₁)` lives at `data[Σ iₖ·strideₖ]` with
/// `strideₖ = Π_{m>k} shape[m]`. A scalar has shape `[]` and one element. Every initializer that
/// allocates goes through ``checkedCount(_:)``, so an absurd shape is refused with
/// ``NumericError/tooLarge(shape:bytes:)`` before any memory is touched.
public struct Tensor: Sendable, Equatable {
    /// The size of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order; `data.count == shape.reduce(1, *)`.
    public var data: [Double]

    /// Wraps `data` (row-major) as a tensor of the given shape.
    /// - Throws: ``NumericError/shapeMismatch(_:)`` when the element count does not match the shape,
    ///   ``NumericError/tooLarge(shape:bytes:)`` when the shape is over the allocation limit.
    public init(shape: [Int], data: [Double]) throws {
        let count = try Tensor.checkedCount(shape)
        guard count == data.count else {
            throw NumericError.shapeMismatch(
                "shape \(Tensor.describe(shape)) needs \(count) elements, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    /// A tensor of zeros.
    /// - Throws: ``NumericError/tooLarge(shape:bytes:)`` (before allocating) or a shape error.
    public init(zeros shape: [Int]) throws {
        let count = try Tensor.checkedCount(shape)
        self.shape = shape
        self.data = Tensor.zeroStorage(count: count)
    }

    /// A tensor filled with one value.
    public init(repeating value: Double, shape: [Int]) throws {
        let count = try Tensor.checkedCount(shape)
        self.shape = shape
        self.data = [Double](repeating: value, count: count)
    }

    /// A scalar (order 0, shape `[]`).
    public init(scalar: Double) {
        self.shape = []
        self.data = [scalar]
    }

    /// A vector (order 1) holding `values`.
    public init(vector values: [Double]) {
        self.shape = [values.count]
        self.data = values
    }

    /// A matrix from its rows; all rows must have the same length.
    public init(rows: [[Double]]) throws {
        let columns = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == columns }) else {
            throw NumericError.shapeMismatch("matrix rows have different lengths")
        }
        try self.init(shape: [rows.count, columns], data: rows.flatMap { $0 })
    }

    /// Internal initializer for shapes already checked by the caller.
    init(uncheckedShape shape: [Int], data: [Double]) {
        self.shape = shape
        self.data = data
    }

    /// The `n`×`n` identity matrix.
    public static func identity(_ n: Int) throws -> Tensor {
        var result = try Tensor(zeros: [n, n])
        for i in 0..<n { result.data[i * n + i] = 1 }
        return result
    }

    /// The number of elements (1 for a scalar).
    public var count: Int { data.count }

    /// The number of axes (0 for a scalar, 1 for a vector, 2 for a matrix).
    public var order: Int { shape.count }

    /// The value of a scalar or of any one-element tensor, else `nil`.
    public var scalarValue: Double? { data.count == 1 ? data[0] : nil }

    /// Row-major strides of `shape`, in elements.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running &*= shape[axis]
        }
        return strides
    }

    /// The row-major strides of this tensor.
    public var strides: [Int] { Tensor.strides(of: shape) }

    /// The flat offset of a multi-index, or `nil` when it has the wrong length or is out of range.
    public func offset(of index: [Int]) -> Int? {
        guard index.count == shape.count else { return nil }
        var offset = 0
        for (axis, i) in index.enumerated() {
            guard i >= 0, i < shape[axis] else { return nil }
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// The element at a multi-index. The index must be valid (see ``offset(of:)`` and
    /// ``value(at:)`` for a checked, throwing read); an invalid index is a programming error.
    public subscript(_ index: [Int]) -> Double {
        get { data[offset(of: index) ?? -1] }
        set { data[offset(of: index) ?? -1] = newValue }
    }

    /// The element at a multi-index, throwing when the index does not fit the shape.
    public func value(at index: [Int]) throws -> Double {
        guard let offset = offset(of: index) else {
            throw NumericError.shapeMismatch("index \(index) is out of range for shape \(Tensor.describe(shape))")
        }
        return data[offset]
    }

    /// A shape written as `(2, 3)`, `(4,)` or `()`, as NumPy prints it.
    public static func describe(_ shape: [Int]) -> String {
        if shape.count == 1 { return "(\(shape[0]),)" }
        return "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
