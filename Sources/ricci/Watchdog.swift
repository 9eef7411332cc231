import Foundation
import Ricci

/// The time and memory budgets of one command: a thread that watches the clock and the process's
/// memory, and ends the command with a clear error (JSON under `--format json`, exit status 1) when
/// either runs out — so that no input makes `ricci` hang or die of an allocation failure.
///
/// The budgets are `RICCI_TIME_BUDGET` (seconds of processor time, default 8) and `RICCI_MEMORY_BUDGET` (MiB of
/// resident memory, default 768); `0` turns one off. Under an address-space limit (`ulimit -v`)
/// the memory budget also stops 192 MiB short of it.
enum Watchdog {
    static let defaultSeconds = 8.0
    static let defaultMiB = 768
    static let marginMiB = 192

    /// The budget named by an environment variable, or the default.
    static func budget(_ name: String, _ fallback: Double) -> Double {
        guard let text = ProcessInfo.processInfo.environment[name], let v = Double(text), v >= 0, v.isFinite else { return fallback }
        return v
    }

    /// Whether the budgets watch the command `args`: the symbolic work (parsing, differentiating,
    /// simplifying, raising, deriving, checking, exporting), not the numeric work on data a user
    /// sized (`contract`, `eval`, `grad|hessian ... --eval`), which is bounded by the allocation
    /// guards and the plan's memory limit instead and may rightly take longer.
    static func applies(to args: [String]) -> Bool {
        guard let command = args.first else { return true }
        if command == "contract" || command == "eval" { return false }
        if (command == "grad" || command == "hessian") && args.contains("--eval") { return false }
        return true
    }

    /// Starts watching; `json` chooses the error's form.
    static func start(json: Bool) {
        let seconds = budget("RICCI_TIME_BUDGET", defaultSeconds)
        let memory = budget("RICCI_MEMORY_BUDGET", Double(defaultMiB))
        let limitMiB = memory == 0 ? Double.infinity : memory
        var addressLimit = rlimit()
        let limited = getrlimit(Int32(RLIMIT_AS.rawValue), &addressLimit) == 0 && addressLimit.rlim_cur != rlim_t.max
        let virtualMiB = limited ? Double(addressLimit.rlim_cur >> 20) - Double(marginMiB) : Double.infinity
        let thread = Thread {
            while true {
                usleep(20_000)
                if seconds > 0, cpuSeconds() > seconds {
                    fail("the time budget ran out: more than \(formatted(seconds)) s of processor time (RICCI_TIME_BUDGET)", json: json)
                }
                let (size, resident) = memoryMiB()
                if resident > limitMiB {
                    fail("the memory budget ran out: more than \(formatted(limitMiB)) MiB (RICCI_MEMORY_BUDGET)", json: json)
                }
                if size > virtualMiB {
                    fail("the memory budget ran out: within \(marginMiB) MiB of the address-space limit (ulimit -v)", json: json)
                }
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The processor time the process has used (not the wall clock: a loaded machine does not
    /// make an input fail).
    static func cpuSeconds() -> Double {
        var t = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func formatted(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// The process's virtual size and resident memory in MiB, from /proc/self/statm (0 if unreadable).
    static func memoryMiB() -> (Double, Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return (0, 0) }
        let fields = text.split(separator: " ").compactMap { Double($0) }
        guard fields.count >= 2 else { return (0, 0) }
        let page = Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
        return (fields[0] * page, fields[1] * page)
    }

    /// Prints the error and ends the process at once (the command's thread may be deep in work).
    static func fail(_ message: String, json: Bool) -> Never {
        let e = RicciError(.limit, message)
        let text = json ? JSON.error(e).serialized() + "\n" : "error: \(message)\n"
        let fd: Int32 = json ? 1 : 2
        text.utf8CString.withUnsafeBufferPointer { buf in
            _ = Foundation.write(fd, buf.baseAddress, buf.count - 1)
        }
        _exit(1)
    }
}
