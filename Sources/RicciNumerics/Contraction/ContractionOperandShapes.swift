import Foundation

/// Operand shapes for planning without reading data (`ricci contract --path --plan-only`).
public enum ContractionOperandShapes {
    /// The shape stored in a `.npy` file's header; only the preamble and header are read.
    /// A `.csv` file has no header: it is read in full to learn its shape.
    /// - Throws: ``NumericError/file(path:message:)`` for a missing file or a malformed header.
    public static func shape(ofFile path: String) throws -> [Int] {
        if path.lowercased().hasSuffix(".csv") { return try CSV.read(contentsOf: path).shape }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NumericError.file(path: path, message: "cannot open the file")
        }
        defer { try? handle.close() }
        let input = try FileBytes(handle: handle, path: path)
        func fail(_ message: String) -> NumericError { .file(path: path, message: message) }
        let bytes = try input.bytes(at: 0, count: 12)
        guard bytes.count >= 10, bytes.prefix(6).elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw fail("not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw fail("unsupported .npy format version \(major).\(bytes[7])") }
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw fail("the file is truncated inside its preamble") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard input.size >= headerStart + headerLength else { throw fail("the file is truncated inside its header") }
        let headerBytes = try input.bytes(at: headerStart, count: headerLength)
        guard let text = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("the header is not valid text")
        }
        return try NPYHeader.parse(text, source: path).shape
    }
}
