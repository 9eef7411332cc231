import Foundation

/// Reading and writing NumPy `.npy` files.
///
/// Reads format versions 1.0, 2.0 and 3.0; little-endian (or byte-order-free) `float64` (`<f8`),
/// `float32`, signed and unsigned integers of 1–8 bytes and booleans (`|b1`), all converted to
/// `Double`; C or Fortran order (Fortran data is reordered to row-major). Writes `float64`,
/// version 1.0 (2.0 only for headers over 64 KiB), C order — what `numpy.save` writes.
/// A malformed file is a ``NumericError/file(path:message:)``, never a crash.
public enum NPY {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Reads a `.npy` file.
    public static func read(contentsOf path: String) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw NumericError.file(path: path, message: "cannot read the file (\(FileProblem.describe(error, path: path)))")
        }
        return try decode(data, source: path)
    }

    /// Writes `tensor` as a `float64` C-order `.npy` file (atomically).
    public static func write(_ tensor: Tensor, to path: String) throws {
        do {
            try encode(tensor).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NumericError.file(path: path, message: "cannot write the file (\(FileProblem.describe(error, path: path)))")
        }
    }

    /// The bytes of a `.npy` file holding `tensor` as `<f8`, C order.
    public static func encode(_ tensor: Tensor) -> Data {
        let text = NPYHeader(descr: "<f8", fortranOrder: false, shape: tensor.shape).text
        var headerLength = text.utf8.count + 1  // the final newline
        var preamble = 10
        if (preamble + headerLength + 63) / 64 * 64 - preamble > 65535 { preamble = 12 }
        let padded = (preamble + headerLength + 63) / 64 * 64
        let padding = padded - preamble - headerLength
        headerLength += padding
        var out = Data(magic)
        if preamble == 10 {
            out.append(contentsOf: [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        } else {
            out.append(contentsOf: [2, 0])
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((headerLength >> shift) & 0xFF)) }
        }
        out.append(contentsOf: Array(text.utf8))
        out.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
        out.append(0x0A)
        tensor.data.withUnsafeBufferPointer { buffer in
            for value in buffer {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Decodes the bytes of a `.npy` file; `source` names it in error messages.
    public static func decode(_ data: Data, source: String = "<npy data>") throws -> Tensor {
        func fail(_ message: String) -> NumericError { .file(path: source, message: message) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes.prefix(6)) == magic else {
            throw fail("not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard (1...3).contains(major) else { throw fail("unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are supported)") }
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw fail("the file is truncated inside its preamble") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let dataStart = headerStart + headerLength
        guard data.count >= dataStart else {
            throw fail("the file is truncated: the header needs \(headerLength) bytes, only \(data.count - headerStart) remain")
        }
        let headerBytes = data.subdata(in: data.startIndex + headerStart ..< data.startIndex + dataStart)
        guard let text = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("the header is not valid text")
        }
        let header = try NPYHeader.parse(text, source: source)
        let dtype = try NPYDType(header.descr, fail: fail)
        let count = try Tensor.checkedCount(header.shape)
        let needed = count * dtype.size
        let available = data.count - dataStart
        guard available >= needed else {
            throw fail("the file is truncated: shape \(Tensor.describe(header.shape)) of \(header.descr) needs \(needed) bytes of data, found \(available)")
        }
        guard available == needed else {
            throw fail("\(available - needed) unexpected bytes follow the data of shape \(Tensor.describe(header.shape))")
        }
        let values = data.withUnsafeBytes { raw in dtype.convert(raw, offset: dataStart, count: count) }
        if header.fortranOrder && header.shape.count > 1 {
            let reversed = Tensor(uncheckedShape: Array(header.shape.reversed()), data: values)
            return try reversed.transposed(Array((0..<header.shape.count).reversed()))
        }
        return Tensor(uncheckedShape: header.shape, data: values)
    }
}

/// An element type of a `.npy` file that can be read as `Double`.
struct NPYDType {
    enum Kind { case float, signed, unsigned, bool }
    let kind: Kind
    let size: Int

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
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let at = offset + i * size
            switch (kind, size) {
            case (.float, 8): out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
            case (.float, _): out[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
            case (.signed, 1): out[i] = Double(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
            case (.signed, 2): out[i] = Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
            case (.signed, 4): out[i] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            case (.signed, _): out[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
            case (.unsigned, 1): out[i] = Double(raw.loadUnaligned(fromByteOffset: at, as: UInt8.self))
            case (.unsigned, 2): out[i] = Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
            case (.unsigned, 4): out[i] = Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            case (.unsigned, _): out[i] = Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
            case (.bool, _): out[i] = raw.loadUnaligned(fromByteOffset: at, as: UInt8.self) != 0 ? 1 : 0
            }
        }
        return out
    }
}

/// Short explanations of Foundation file errors.
enum FileProblem {
    static func describe(_ error: Error, path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        return (error as NSError).localizedDescription
    }
}
