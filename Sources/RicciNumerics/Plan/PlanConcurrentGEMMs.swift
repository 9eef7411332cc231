import Dispatch
import Foundation

/// Independent products side by side: a run of consecutive GEMM steps that read and write disjoint
/// memory (the weight gradients `X'*t21`, `H1'*t19`, ... at the end of a network's backward pass)
/// runs as several single-threaded GEMMs at once, one per core, instead of one after another each
/// split by OpenBLAS. Measured at 500³ on two cores: a transposed-operand GEMM gains about 25% this
/// way; OpenBLAS's own threads split one such product less well than two products split the cores.
extension NumericPlan {
    /// Workers for concurrent products: `RICCI_THREADS` when set, else the active processors.
    static let gemmWorkers: Int = {
        if let s = ProcessInfo.processInfo.environment["RICCI_THREADS"], let n = Int(s), n >= 1 { return min(n, 64) }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 64))
    }()

    /// A GEMM worth a core of its own (at least 2²¹ multiply-adds, as ContractionBatchedGEMM keeps
    /// OpenBLAS's threads from that size on).
    private func isConcurrentGEMM(_ step: PlanStep) -> Bool {
        guard case .gemm = step.kernel else { return false }
        return step.flops >= 2 * Double(ContractionBatchedGEMM.threadedProduct)
    }

    /// The memory a GEMM step reads (`reads`) and writes, as address ranges.
    private func ranges(_ step: PlanStep, _ p: [UnsafeMutablePointer<Double>]) -> (reads: [Range<UInt>], write: Range<UInt>)? {
        guard case .gemm(let a, _, let b, _, _, let acc) = step.kernel else { return nil }
        func range(_ buffer: Int) -> Range<UInt> {
            let start = UInt(bitPattern: p[buffer])
            return start..<(start + UInt(max(buffers[buffer].count, 1) * MemoryLayout<Double>.stride))
        }
        let write = range(step.output)
        return ([range(a), range(b)] + (acc ? [write] : []), write)
    }

    /// The end of the run of concurrent GEMMs starting at step `k` (k + 1 when there is none: the
    /// step runs alone). Steps join while no step writes memory another one of the run reads or writes.
    func concurrentRunEnd(from k: Int, _ p: [UnsafeMutablePointer<Double>]) -> Int {
        guard Self.gemmWorkers > 1, isConcurrentGEMM(steps[k]), let first = ranges(steps[k], p) else { return k + 1 }
        var members = [first]
        var end = k + 1
        while end < steps.count, isConcurrentGEMM(steps[end]), let next = ranges(steps[end], p) {
            let clash = members.contains { m in
                m.write.overlaps(next.write) || next.reads.contains { $0.overlaps(m.write) }
                    || m.reads.contains { $0.overlaps(next.write) }
            }
            if clash { break }
            members.append(next)
            end += 1
        }
        return end
    }

    /// Runs steps `k..<end` at once, each GEMM on one OpenBLAS thread.
    func executeConcurrently(_ k: Int, _ end: Int, _ p: [UnsafeMutablePointer<Double>],
                             _ functions: [String: PlanFunction]) throws {
        let count = end - k
        let errors = ErrorSlots(count)
        OpenBLASThreads.single {
            DispatchQueue.concurrentPerform(iterations: count) { i in
                do { try execute(k + i, steps[k + i], p, functions) } catch { errors.set(i, error) }
            }
        }
        if let e = errors.first { throw e }
    }
}

/// The first error of concurrent steps, in step order.
private final class ErrorSlots: @unchecked Sendable {
    private var slots: [Error?]
    private let lock = NSLock()
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ e: Error) { lock.lock(); slots[i] = e; lock.unlock() }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 }.first }
}
