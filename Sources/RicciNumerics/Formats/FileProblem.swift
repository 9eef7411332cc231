import Foundation

/// Short explanations of file errors.
enum FileProblem {
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func describe(_ error: Error?, path: String) -> String {
        if !FileManager.default.fileExists(atPath: path) { return "no such file" }
        if isDirectory(path) { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return error.map { ($0 as NSError).localizedDescription } ?? "it cannot be opened"
    }

    /// Why a file cannot be written at `path` (`code` is the `errno` of the failed call).
    static func describeWrite(_ code: Int32, path: String) -> String {
        // The folder by plain string slicing (NSString's path methods trap on "." and "~" on Linux).
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { return "the folder \(folder) does not exist" }
        if isDirectory(path) { return "it is a directory" }
        return String(cString: strerror(code))
    }

    /// Writes `data` to `path` with POSIX calls, checking every result: a folder, a missing folder,
    /// a read-only place or a full device (`/dev/full`) is an error naming the path.
    static func writeChecked(_ data: Data, to path: String) throws {
        func fail(_ code: Int32) -> NumericError {
            .file(path: path, message: "cannot write the file (\(describeWrite(code, path: path)))")
        }
        guard !path.isEmpty else { throw NumericError.file(path: path, message: "cannot write the file (an empty path)") }
        if isDirectory(path) { throw fail(EISDIR) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw fail(errno) }
        var failure: Int32 = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count, let base = raw.baseAddress {
                let n = Foundation.write(fd, base + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { failure = ENOSPC; return }
                done += n
            }
        }
        if failure == 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw fail(failure) }
    }
}
