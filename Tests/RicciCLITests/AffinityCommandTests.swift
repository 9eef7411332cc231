import Foundation
import XCTest

/// A `ricci` pinned to one processor (`taskset -c 0`, as a container's cpuset) plans its loops and
/// matrix-vector products for one thread; unpinned, for every processor it may use.
final class AffinityCommandTests: XCTestCase {
    private func planThreads(pinned: Bool) throws -> Int? {
        let taskset = URL(fileURLWithPath: "/usr/bin/taskset")
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary.path) else {
            throw XCTSkip("the ricci executable is not built")
        }
        guard !pinned || FileManager.default.isExecutableFile(atPath: taskset.path) else { throw XCTSkip("no taskset") }
        let p = Process()
        let args = ["eval", "X: matrix(n, d); w: vector(d)\nsum(X*w)", "--random", "1", "--dims", "n=5,d=3", "--plan", "--format", "json"]
        p.executableURL = pinned ? taskset : CommandLineTests.binary
        p.arguments = pinned ? ["-c", "0", CommandLineTests.binary.path] + args : args
        var env = ProcessInfo.processInfo.environment
        env["RICCI_THREADS"] = nil
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: data, as: UTF8.self))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let plan = object?["plan"] as? [String: Any]
        return (plan?["threads"] as? Double).map { Int($0) }
    }

    func testAPinnedProcessPlansForOneThread() throws {
        XCTAssertEqual(try planThreads(pinned: true), 1)
        // unpinned: whatever this process may use, at most 8 (the test runner may itself be confined)
        let free = try XCTUnwrap(try planThreads(pinned: false))
        XCTAssertGreaterThanOrEqual(free, 1)
        XCTAssertLessThanOrEqual(free, min(8, ProcessInfo.processInfo.activeProcessorCount))
    }
}
