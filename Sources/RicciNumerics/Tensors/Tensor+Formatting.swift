import Foundation

extension Tensor {
    /// The values as nested JSON lists (a bare number for a scalar). Numbers use Swift's shortest
    /// round-trip form; NaN and infinities, which JSON cannot represent, print as `null`.
    public var json: String {
        var out = ""
        out.reserveCapacity(count * 8)
        appendJSON(axis: 0, offset: 0, strides: strides, to: &out)
        return out
    }

    /// One number as JSON.
    public static func jsonNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private func appendJSON(axis: Int, offset: Int, strides: [Int], to out: inout String) {
        if axis == order { out += Tensor.jsonNumber(data[offset]); return }
        out += "["
        for i in 0..<shape[axis] {
            if i > 0 { out += ", " }
            appendJSON(axis: axis + 1, offset: offset + i * strides[axis], strides: strides, to: &out)
        }
        out += "]"
    }

    /// A readable rendering in NumPy's style: nested brackets, aligned columns, `%.8g` numbers.
    /// Tensors with more than `threshold` elements show only `edgeItems` entries at each end of every axis.
    public func formatted(threshold: Int = 1000, edgeItems: Int = 3) -> String {
        let summarize = count > threshold
        let shown = { (axis: Int) -> [Int?] in
            let n = self.shape[axis]
            guard summarize, n > 2 * edgeItems else { return (0..<n).map { $0 } }
            return Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n)
        }
        // Render every shown number first, to align columns.
        var width = 1
        func visit(_ axis: Int, _ offset: Int, _ body: (Int) -> Void) {
            if axis == order { body(offset); return }
            for i in shown(axis) { if let i { visit(axis + 1, offset + i * strides[axis], body) } }
        }
        let strides = self.strides
        visit(0, 0) { width = max(width, Tensor.textNumber(data[$0]).count) }
        func render(_ axis: Int, _ offset: Int, _ indent: String) -> String {
            if axis == order {
                let text = Tensor.textNumber(data[offset])
                return String(repeating: " ", count: width - text.count) + text
            }
            let separator = axis == order - 1 ? ", " : ",\n" + String(repeating: "\n", count: max(0, order - axis - 2)) + indent + " "
            let parts = shown(axis).map { i in i.map { render(axis + 1, offset + $0 * strides[axis], indent + " ") } ?? "..." }
            return "[" + parts.joined(separator: separator) + "]"
        }
        return render(0, 0, "")
    }

    /// One number for people: integers without a decimal point, otherwise `%.8g`.
    static func textNumber(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.8g", value)
    }
}
