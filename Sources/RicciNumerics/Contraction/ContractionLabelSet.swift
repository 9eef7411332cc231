/// A set of dense label numbers `0..<256` as a 256-bit bitmap (the planners' index sets).
struct ContractionLabelSet: Hashable, Sendable {
    /// The most labels a planner handles (dense numbers `0..<capacity`).
    static let capacity = 256

    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    init() {}

    /// The set of the given dense labels (each in `0..<capacity`).
    init<S: Sequence>(_ labels: S) where S.Element == Int {
        for label in labels { insert(label) }
    }

    /// Adds `label` (ignored outside `0..<capacity`).
    mutating func insert(_ label: Int) {
        guard label >= 0, label < Self.capacity else { return }
        let bit = UInt64(1) << UInt64(label & 63)
        switch label >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    /// Whether `label` is in the set.
    func contains(_ label: Int) -> Bool {
        guard label >= 0, label < Self.capacity else { return false }
        let bit = UInt64(1) << UInt64(label & 63)
        switch label >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }
    var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    static func | (a: Self, b: Self) -> Self {
        var r = a; r.w0 |= b.w0; r.w1 |= b.w1; r.w2 |= b.w2; r.w3 |= b.w3; return r
    }
    static func & (a: Self, b: Self) -> Self {
        var r = a; r.w0 &= b.w0; r.w1 &= b.w1; r.w2 &= b.w2; r.w3 &= b.w3; return r
    }
    /// The labels of `a` not in `b`.
    static func - (a: Self, b: Self) -> Self {
        var r = a; r.w0 &= ~b.w0; r.w1 &= ~b.w1; r.w2 &= ~b.w2; r.w3 &= ~b.w3; return r
    }

    /// Calls `body` with each label, in increasing order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        for (offset, word) in [w0, w1, w2, w3].enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                body(offset * 64 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
    }

    /// The labels, in increasing order.
    var labels: [Int] {
        var out: [Int] = []
        forEach { out.append($0) }
        return out
    }

    /// The product of `sizes[label]` over the set (1 for the empty set).
    @inline(__always)
    func size(_ sizes: [Double]) -> Double {
        var total = 1.0
        var word = w0, base = 0
        for index in 0..<4 {
            switch index {
            case 1: word = w1; base = 64
            case 2: word = w2; base = 128
            case 3: word = w3; base = 192
            default: break
            }
            while word != 0 {
                total *= sizes[base + word.trailingZeroBitCount]
                word &= word - 1
            }
        }
        return total
    }
}
