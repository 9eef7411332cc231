import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which kernels the linked OpenBLAS runs, for reports (`--plan --format json` has it as `"blas"`).
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's) picks its kernels from the CPU when it loads,
/// unless the environment forces a family with `OPENBLAS_CORETYPE`. On an AVX-512 CPU the forced
/// `Haswell` (AVX2) kernels measured 1.4–1.8× slower than the detected `Cooperlake`/`SkylakeX` ones
/// at the plan's GEMM and SYRK shapes, so a benchmark should say which ran.
public enum BLASRuntime {
    /// The kernel family OpenBLAS runs (`Cooperlake`, `Haswell`, ...), or nil when the linked BLAS
    /// does not say.
    public static var core: String? {
        guard let f = symbol("openblas_get_corename") else { return nil }
        typealias Name = @convention(c) () -> UnsafePointer<CChar>?
        guard let p = unsafeBitCast(f, to: Name.self)() else { return nil }
        return String(cString: p)
    }

    /// `OpenBLAS Cooperlake kernels`, with `(forced by OPENBLAS_CORETYPE=...)` when the environment
    /// chose them.
    public static var description: String {
        guard let c = core else { return "BLAS kernels not reported" }
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            return "OpenBLAS \(c) kernels (forced by OPENBLAS_CORETYPE=\(forced))"
        }
        return "OpenBLAS \(c) kernels"
    }

    /// A symbol of the process's loaded libraries (nil where it is not defined).
    static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        #if canImport(Glibc)
        return dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)   // RTLD_DEFAULT
        #else
        return nil
        #endif
    }
}
