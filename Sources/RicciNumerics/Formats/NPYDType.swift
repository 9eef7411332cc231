import Foundation

/// An element type of a `.npy` file that can be read as `Double`.
struct NPYDType {
    enum Kind { case float, signed, unsigned, bool }
    let kind: Kind
    let size: Int

    /// Little-endian float64 on a little-endian host: the bytes are the values.
    var isNativeDouble: Bool {
        #if _endian(little)
        return kind == .float && size == 8
        #else
        return false
        #endif
    }

    init(_ descr: String, fail: (String) -> NumericError) throws {
        var text = Substring(descr)
        var order: Character = "|"
        if let first = text.first, "<>|=".contains(first) { order = first; text = text.dropFirst() }
        if text == "?" { (kind, size) = (.bool, 1); return }
        guard let code = text.first, let bytes = Int(text.dropFirst()) else {
            throw fail("unsupported dtype '\(descr)'")
        }
        switch (code, bytes) {
        case ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        case ("c", _): throw fail("complex dtype '\(descr)' is not supported (real numbers only)")
        case ("O", _): throw fail("object dtype '\(descr)' (pickled data) is not supported")
        default: throw fail("unsupported dtype '\(descr)' (float64, float32, integers and booleans are supported)")
        }
        size = bytes
        if order == ">" && size > 1 {
            throw fail("big-endian dtype '\(descr)' is not supported; save with a little-endian dtype, e.g. arr.astype('<f8')")
        }
    }

    /// Reads `count` little-endian elements starting at `offset` and widens them to `Double`.
    func convert(_ raw: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        Tensor.makeStorage(count: count) { out in
            if kind == .float, size == 8, let base = out.baseAddress, let from = raw.baseAddress {
                // Little-endian float64: a plain copy (byte-swapped on a big-endian host).
                UnsafeMutableRawPointer(base).copyMemory(from: from + offset, byteCount: count * 8)
                #if _endian(big)
                for i in 0..<count { out[i] = Double(bitPattern: out[i].bitPattern.byteSwapped) }
                #endif
                return
            }
            for i in 0..<count { out[i] = element(raw, at: offset + i * size) }
        }
    }

    private func element(_ raw: UnsafeRawBufferPointer, at: Int) -> Double {
        switch (kind, size) {
        case (.float, 8): return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        case (.float, _): return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
        case (.signed, 1): return Double(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
        case (.signed, 2): return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
        case (.signed, 4): return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        case (.signed, _): return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
        case (.unsigned, 1): return Double(raw.loadUnaligned(fromByteOffset: at, as: UInt8.self))
        case (.unsigned, 2): return Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        case (.unsigned, 4): return Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        case (.unsigned, _): return Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        case (.bool, _): return raw.loadUnaligned(fromByteOffset: at, as: UInt8.self) != 0 ? 1 : 0
        }
    }
}
