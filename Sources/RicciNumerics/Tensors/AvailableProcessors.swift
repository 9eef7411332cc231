import CRicciKernels
import Foundation

/// How many processors Ricci's own threads may use: the process's affinity mask (`taskset`, a
/// container's cpuset), not the machine's processor count that `ProcessInfo.activeProcessorCount`
/// reports on Linux. A process pinned to one core then runs its loops and matrix-vector products on
/// one thread instead of handing work to threads that can only take turns with it.
enum AvailableProcessors {
    /// The processors of the affinity mask when it can be read, else the active processors (at least 1).
    static func current() -> Int {
        let mask = Int(ricci_available_cpus())
        return max(1, mask > 0 ? min(mask, ProcessInfo.processInfo.activeProcessorCount) : ProcessInfo.processInfo.activeProcessorCount)
    }

    /// ``current()`` at first use (thread counts are fixed for the process).
    static let count = current()
}
