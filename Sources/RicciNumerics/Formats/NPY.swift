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

    /// Reads a `.npy` file. Float64 data is read straight into the tensor's storage (no extra copy).
    public static func read(contentsOf path: String) throws -> Tensor {
        guard !FileProblem.isDirectory(path), let handle = FileHandle(forReadingAtPath: path) else {
            throw NumericError.file(path: path, message: "cannot read the file (\(FileProblem.describe(nil, path: path)))")
        }
        defer { try? handle.close() }
        return try decode(try FileBytes(handle: handle, path: path), source: path)
    }

    /// Writes `tensor` as a `float64` C-order `.npy` file; every byte written is checked, so a full
    /// device or a folder is an error, never a silent success.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try FileProblem.writeChecked(encode(tensor), to: path)
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
        var out = Data(capacity: padded + tensor.count * 8)
        out.append(contentsOf: magic)
        if preamble == 10 {
            out.append(contentsOf: [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        } else {
            out.append(contentsOf: [2, 0])
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((headerLength >> shift) & 0xFF)) }
        }
        out.append(contentsOf: Array(text.utf8))
        out.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
        out.append(0x0A)
        #if _endian(little)
        tensor.data.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for value in tensor.data { withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        #endif
        return out
    }

    /// Decodes the bytes of a `.npy` file; `source` names it in error messages.
    public static func decode(_ data: Data, source: String = "<npy data>") throws -> Tensor {
        try decode(DataBytes(data: data), source: source)
    }

    private static func decode(_ input: some NPYBytes, source: String) throws -> Tensor {
        func fail(_ message: String) -> NumericError { .file(path: source, message: message) }
        let bytes = try input.bytes(at: 0, count: 12)
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
        guard input.size >= dataStart else {
            throw fail("the file is truncated: the header needs \(headerLength) bytes, only \(input.size - headerStart) remain")
        }
        let headerBytes = try input.bytes(at: headerStart, count: headerLength)
        guard let text = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("the header is not valid text")
        }
        let header = try NPYHeader.parse(text, source: source)
        let dtype = try NPYDType(header.descr, fail: fail)
        let count = try Tensor.checkedCount(header.shape)
        let needed = count * dtype.size
        let available = input.size - dataStart
        guard available >= needed else {
            throw fail("the file is truncated: shape \(Tensor.describe(header.shape)) of \(header.descr) needs \(needed) bytes of data, found \(available)")
        }
        guard available == needed else {
            throw fail("\(available - needed) unexpected bytes follow the data of shape \(Tensor.describe(header.shape))")
        }
        let values: [Double]
        if dtype.isNativeDouble {
            var complete = true
            values = Tensor.makeStorage(count: count) { buffer in
                complete = input.copy(at: dataStart, into: UnsafeMutableRawBufferPointer(buffer))
                if !complete, let base = buffer.baseAddress { base.initialize(repeating: 0, count: count) }
            }
            guard complete else { throw fail("the data could not be read completely") }
        } else {
            let raw = try input.bytes(at: dataStart, count: needed)
            guard raw.count == needed else { throw fail("the data could not be read completely") }
            values = raw.withUnsafeBytes { dtype.convert($0, offset: 0, count: count) }
        }
        if header.fortranOrder && header.shape.count > 1 {
            let reversed = Tensor(uncheckedShape: Array(header.shape.reversed()), data: values)
            return try reversed.transposed(Array((0..<header.shape.count).reversed()))
        }
        return Tensor(uncheckedShape: header.shape, data: values)
    }
}
