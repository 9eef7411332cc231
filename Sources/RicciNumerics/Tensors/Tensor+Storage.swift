import Foundation

extension Tensor {
    /// Buffers at least this large (in elements, 8 MB) ask the kernel for transparent huge pages.
    static let hugePageThreshold = 1 << 20

    /// Makes a buffer of `count` doubles whose every element `fill` sets (it must write them all).
    ///
    /// Large buffers are advised `MADV_HUGEPAGE` before their first touch, as NumPy does: with the
    /// kernel's THP mode at `madvise`, first-touch page faults otherwise dominate large copies.
    /// The caller has checked `count` with ``checkedCount(_:)``.
    static func makeStorage(count: Int, _ fill: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count >= hugePageThreshold, let base = buffer.baseAddress { adviseHugePages(base, bytes: count * 8) }
            fill(buffer)
            initialized = count
        }
    }

    /// A zero-filled buffer of `count` doubles (huge pages advised when large).
    static func zeroStorage(count: Int) -> [Double] {
        makeStorage(count: count) { buffer in
            guard let base = buffer.baseAddress else { return }
            base.initialize(repeating: 0, count: buffer.count)
        }
    }

    private static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        let page = 4096
        let start = (Int(bitPattern: pointer) + page - 1) / page * page
        let end = (Int(bitPattern: pointer) + bytes) / page * page
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, 14)  // MADV_HUGEPAGE; advice only, failure is harmless
        #endif
    }
}
