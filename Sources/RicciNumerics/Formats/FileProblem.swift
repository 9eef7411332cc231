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

    /// Why a file cannot be written at `path`.
    static func describeWrite(_ error: Error, path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { return "the folder \(folder) does not exist" }
        if isDirectory(path) { return "it is a directory" }
        return (error as NSError).localizedDescription
    }
}
