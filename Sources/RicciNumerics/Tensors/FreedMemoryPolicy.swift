import CRicciKernels
import Foundation

/// Keeps memory that numeric runs free inside the process, so that the next run of a compiled plan
/// or a contraction reuses it instead of faulting fresh pages in from the kernel.
///
/// glibc's allocator serves blocks over 128 kB with `mmap` and hands freed memory at the top of a
/// heap back to the kernel, so every run of a plan whose outputs are a few megabytes touched them
/// as new pages: about 1,000 page faults per run of the 4-layer network gradient (500×500), a tenth
/// of its time. ``apply()`` raises both thresholds once (`M_MMAP_THRESHOLD` to 32 MB, glibc's
/// largest, and `M_TRIM_THRESHOLD` to 256 MB); the price is that the process keeps up to that
/// much freed memory. It leaves the allocator alone when the environment already sets
/// `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_`, or when `RICCI_KEEP_FREED_MEMORY=0`.
public enum FreedMemoryPolicy {
    /// Whether the thresholds were raised (false: left to the environment, or not glibc).
    public static let applied: Bool = {
        let env = ProcessInfo.processInfo.environment
        if env["RICCI_KEEP_FREED_MEMORY"] == "0" || env["MALLOC_MMAP_THRESHOLD_"] != nil
            || env["MALLOC_TRIM_THRESHOLD_"] != nil { return false }
        return ricci_keep_freed_memory(32 << 20, 256 << 20) == 1
    }()

    /// Raises the thresholds (once; cheap after the first call).
    public static func apply() { _ = applied }
}
