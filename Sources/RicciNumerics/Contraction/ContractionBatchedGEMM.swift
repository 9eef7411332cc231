import CGSL
import Foundation

/// A batch of equal GEMMs `C_b = op(A_b)·op(B_b)` over batch-major operands, as one contraction
/// step runs it: `cblas_dgemm` (or `cblas_dgemv` for a vector result) straight on the operands'
/// memory, with the leading dimensions of their layout, no copies and no per-entry set-up.
///
/// A single product, or products large enough for OpenBLAS to split well, keep OpenBLAS's own
/// threads. A batch of smaller products is split across ``threads`` workers instead, with OpenBLAS
/// held to one thread meanwhile: OpenBLAS runs a product of up to 2¹⁸ multiply-adds (64³) on one
/// thread whatever its setting, and a somewhat larger one across threads at a hand-off per call;
/// either way one product at a time leaves the other cores idle for a batch of 256 products of 64³.
enum ContractionBatchedGEMM {
    /// Workers a batch is split across: `RICCI_THREADS` when set (1–64), else the processors the process may use.
    static let threads: Int = {
        if let s = ProcessInfo.processInfo.environment["RICCI_THREADS"], let n = Int(s), n >= 1 { return min(n, 64) }
        return max(1, min(AvailableProcessors.count, 64))
    }()
    /// Products of at least this many multiply-adds keep OpenBLAS's threads (and run one after another).
    static let threadedProduct = 1 << 21
    /// A batch is split across workers only when its total work reaches this many multiply-adds.
    static let parallelWork = 1 << 20
    /// Products of at most this many multiply-adds run as plain loops: a BLAS call would cost more.
    static let smallProduct = 4096

    /// Runs the batch; `a`, `b`, `c` hold `batch` consecutive m×k (k×m when `transA`), k×n (n×k
    /// when `transB`) and m×n row-major matrices.
    /// - Throws: ``NumericError/einsum(_:)`` when a dimension is beyond BLAS's 32-bit sizes.
    static func run(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                    batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool) throws {
        guard batch > 0, m > 0, n > 0 else { return }
        guard k > 0 else { c.initialize(repeating: 0, count: batch * m * n); return }
        guard m <= Int(Int32.max), n <= Int(Int32.max), k <= Int(Int32.max) else {
            throw NumericError.einsum("a contraction step of \(m)×\(k) by \(k)×\(n) is beyond BLAS's 32-bit dimensions")
        }
        let product = Double(m) * Double(n) * Double(k)
        let (sa, sb, sc) = (m * k, k * n, m * n)
        // threads for one matrix-vector product: all, unless the batch is split across them
        func one(_ index: Int, threads: Int = 1) {
            let (x, y, z) = (a + index * sa, b + index * sb, c + index * sc)
            if product <= Double(smallProduct) {
                smallGEMM(x, y, z, m: m, n: n, k: k, transA: transA, transB: transB)
            } else {
                multiply(x, y, z, m: m, n: n, k: k, transA: transA, transB: transB, threads: threads)
            }
        }
        if batch == 1 || product >= Double(threadedProduct) {
            for index in 0..<batch { one(index, threads: threads) }
            return
        }
        // Chunks are handed out as workers free up, so a worker slowed by other load takes fewer.
        let chunks = threads > 1 && product * Double(batch) >= Double(parallelWork) ? min(batch, threads * 8) : 1
        OpenBLASThreads.single {
            guard chunks > 1 else { for index in 0..<batch { one(index, threads: threads) }; return }
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in stride(from: chunk * batch / chunks, to: (chunk + 1) * batch / chunks, by: 1) { one(index) }
            }
        }
    }

    /// One product: a matrix times a vector in Ricci's row-band kernels (`RowBandGEMV`), else a GEMM
    /// through CBLAS (OpenBLAS).
    private static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                                  m: Int, n: Int, k: Int, transA: Bool, transB: Bool, threads: Int) {
        let (m32, n32, k32) = (Int32(m), Int32(n), Int32(k))
        if n == 1 {
            // c (m) = op(A)·b: A stored k×m (Aᵀ·b) or m×k (A·b), in bands of A's rows, one per thread
            if transA {
                RowBandGEMV.transposedProduct(a, rows: k, cols: m, b, alpha: 1, accumulate: false, into: c, threads: threads)
            } else {
                RowBandGEMV.product(a, rows: m, cols: k, b, alpha: 1, accumulate: false, into: c, threads: threads)
            }
        } else if m == 1 {
            // c (n) = op(B)ᵀ·a: B stored k×n (Bᵀ·a) or n×k (B·a)
            if transB {
                RowBandGEMV.product(b, rows: n, cols: k, a, alpha: 1, accumulate: false, into: c, threads: threads)
            } else {
                RowBandGEMV.transposedProduct(b, rows: k, cols: n, a, alpha: 1, accumulate: false, into: c, threads: threads)
            }
        } else {
            cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        m32, n32, k32, 1, a, transA ? m32 : k32, b, transB ? k32 : n32, 0, c, n32)
        }
    }

    /// `C = op(A)·op(B)` with plain loops, for products too small to be worth a BLAS call.
    static func smallGEMM(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                          m: Int, n: Int, k: Int, transA: Bool, transB: Bool) {
        let (aRow, aCol) = transA ? (1, m) : (k, 1)
        let (bRow, bCol) = transB ? (1, k) : (n, 1)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                var pa = a + i * aRow, pb = b + j * bCol
                for _ in 0..<k {
                    total += pa.pointee * pb.pointee
                    pa += aCol
                    pb += bRow
                }
                c[i * n + j] = total
            }
        }
    }
}

/// OpenBLAS's thread count, held at one while a batch of small products runs on our own threads
/// (looked up at run time: `openblas_set_num_threads` is not in the CBLAS headers; with another
/// BLAS nothing is changed). Nested and concurrent holds restore the count once, after the last.
enum OpenBLASThreads {
    private typealias Setter = @convention(c) (Int32) -> Void
    private typealias Getter = @convention(c) () -> Int32
    private static let functions: (set: Setter, get: Getter)? = {
        guard let handle = dlopen(nil, RTLD_NOW),
              let set = dlsym(handle, "openblas_set_num_threads"),
              let get = dlsym(handle, "openblas_get_num_threads") else { return nil }
        return (unsafeBitCast(set, to: Setter.self), unsafeBitCast(get, to: Getter.self))
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var holders = 0
    nonisolated(unsafe) private static var saved: Int32 = 1

    /// OpenBLAS's thread count now (nil with another BLAS).
    static var current: Int? { functions.map { Int($0.get()) } }

    /// Runs `body` with OpenBLAS on one thread.
    static func single(_ body: () -> Void) {
        guard let f = functions else { body(); return }
        lock.lock()
        if holders == 0 {
            saved = f.get()
            if saved > 1 { f.set(1) }
        }
        holders += 1
        lock.unlock()
        defer {
            lock.lock()
            holders -= 1
            if holders == 0, saved > 1 { f.set(saved) }
            lock.unlock()
        }
        body()
    }
}
