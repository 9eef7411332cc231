import Foundation

/// Random access to the bytes of a `.npy` file or of an in-memory buffer.
protocol NPYBytes {
    /// The total number of bytes.
    var size: Int { get }
    /// Up to `count` bytes from `offset` (fewer only at the end).
    func bytes(at offset: Int, count: Int) throws -> [UInt8]
    /// Fills `buffer` from `offset`; `false` when fewer bytes could be read.
    func copy(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

/// The bytes of a `Data` value.
struct DataBytes: NPYBytes {
    let data: Data
    var size: Int { data.count }

    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let start = data.startIndex + min(offset, data.count)
        let end = data.startIndex + min(offset + count, data.count)
        return [UInt8](data[start..<end])
    }

    func copy(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard offset + buffer.count <= data.count else { return false }
        let start = data.startIndex + offset
        data.copyBytes(to: buffer, from: start..<(start + buffer.count))
        return true
    }
}

/// The bytes of an open file, read with `pread` straight into the caller's buffers.
struct FileBytes: NPYBytes {
    let handle: FileHandle
    let path: String
    let size: Int

    init(handle: FileHandle, path: String) throws {
        self.handle = handle
        self.path = path
        do {
            self.size = Int(try handle.seekToEnd())
        } catch {
            throw NumericError.file(path: path, message: "cannot read the file (\(FileProblem.describe(error, path: path)))")
        }
    }

    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let wanted = max(0, min(count, size - offset))
        var result = [UInt8](repeating: 0, count: wanted)
        let complete = result.withUnsafeMutableBytes { copy(at: offset, into: $0) }
        guard complete else { throw NumericError.file(path: path, message: "read error") }
        return result
    }

    func copy(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var done = 0
        while done < buffer.count {
            let n = pread(handle.fileDescriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
