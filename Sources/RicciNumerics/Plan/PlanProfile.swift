import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a plan's time goes, step by step: with `RICCI_PLAN_PROFILE=1`, `ricci grad|hessian|eval
/// --eval --repeat N` prints each step's process CPU time per run (all threads; other processes'
/// load inflates it less than wall time), its share and its GFLOP/s to standard error; with
/// `RICCI_PLAN_PROFILE=wall`, each step's wall-clock time instead (threads that spin while they
/// wait count in CPU time, not in wall time).
public enum PlanProfile {
    /// True when `RICCI_PLAN_PROFILE` is set to anything but `0`.
    public static let enabled: Bool = {
        guard let v = ProcessInfo.processInfo.environment["RICCI_PLAN_PROFILE"] else { return false }
        return v != "0" && !v.isEmpty
    }()

    /// Wall-clock times instead of CPU times (`RICCI_PLAN_PROFILE=wall`).
    public static let wall: Bool = ProcessInfo.processInfo.environment["RICCI_PLAN_PROFILE"] == "wall"

    /// CPU time of the whole process (or the wall clock with ``wall``), in seconds.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(wall ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension NumericPlan {
    /// Starts collecting per-step CPU times (from the next run on).
    public func startProfiling() {
        workspace.lock.lock()
        defer { workspace.lock.unlock() }
        workspace.stepSeconds = [Double](repeating: 0, count: steps.count)
        workspace.profiledRuns = 0
    }

    /// Each step's CPU time per run since ``startProfiling()``, with kernel, formula, share and
    /// GFLOP/s, one line each (nil when nothing was profiled).
    public var profileText: String? {
        workspace.lock.lock()
        defer { workspace.lock.unlock() }
        let runs = workspace.profiledRuns
        guard runs > 0, workspace.stepSeconds.count == steps.count else { return nil }
        let per = workspace.stepSeconds.map { $0 / Double(runs) }
        let total = per.reduce(0, +)
        var lines = [String(format: "profile: %d runs, %.3f ms %@ per run", runs, total * 1e3, PlanProfile.wall ? "wall" : "CPU")]
        for (k, s) in steps.enumerated() {
            let share = total > 0 ? 100 * per[k] / total : 0
            let rate = per[k] > 0 ? s.flops / per[k] / 1e9 : 0
            lines.append(String(format: "%3d. %8.3f ms %5.1f%% %7.1f GFLOP/s  %@ [%@] %@", k + 1, per[k] * 1e3, share, rate,
                                buffers[s.output].name, s.kernel.name, s.formula))
        }
        return lines.joined(separator: "\n")
    }
}
