import Foundation

/// The process-wide cap on tensor sizes, guarded by a lock so any thread may read or change it.
private final class AllocationLimit: @unchecked Sendable {
    static let shared = AllocationLimit()
    private let lock = NSLock()
    private var value = Tensor.defaultMaxElements

    var maxElements: Int {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

extension Tensor {
    /// The default for ``maxElements``: 400 million doubles (3.2 GB).
    public static let defaultMaxElements = 400_000_000

    /// The largest number of elements any single tensor may have. Every allocation path checks it
    /// (via ``checkedCount(_:)``) and throws ``NumericError/tooLarge(shape:bytes:)`` instead of
    /// allocating. Process-wide; thread-safe.
    public static var maxElements: Int {
        get { AllocationLimit.shared.maxElements }
        set { AllocationLimit.shared.maxElements = newValue }
    }

    /// The element count of `shape`, computed with overflow-checked multiplication.
    ///
    /// - Throws: ``NumericError/shapeMismatch(_:)`` for a negative axis size;
    ///   ``NumericError/tooLarge(shape:bytes:)`` when the product overflows or exceeds
    ///   ``maxElements``. The error names the shape and the memory it would need.
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw NumericError.shapeMismatch("axis size \(negative) in shape \(describe(shape)) is negative")
        }
        var count = 1
        var overflowed = false
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { overflowed = true; break }
            count = product
        }
        if !overflowed, count <= maxElements { return count }
        throw NumericError.tooLarge(shape: shape, bytes: formatBytes(bytesNeeded(for: shape)))
    }

    /// The bytes a `Double` tensor of `shape` would take, as a floating-point number (never overflows).
    public static func bytesNeeded(for shape: [Int]) -> Double {
        shape.reduce(8.0) { $0 * Double($1) }
    }

    /// A byte count for people: `"8.0 GB (8000000000 bytes)"`, or `"8.0e+18 bytes"` style when huge.
    public static func formatBytes(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        var value = bytes
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let exact = bytes < 1e18 ? String(Int64(bytes)) : String(format: "%.3e", bytes)
        if unit == 0 { return "\(exact) bytes" }
        return String(format: "%.1f", value) + " \(units[unit]) (\(exact) bytes)"
    }
}
