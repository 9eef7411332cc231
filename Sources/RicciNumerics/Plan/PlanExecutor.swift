import Foundation
import Ricci

/// Storage reused across runs of one plan: one allocation per slot and output, made at the first run.
final class PlanWorkspace: @unchecked Sendable {
    let lock = NSLock()
    var storage: [UnsafeMutablePointer<Double>] = []
    var ready = false

    deinit { for p in storage { p.deallocate() } }
}

extension NumericPlan {
    /// Runs the plan on inputs of the compiled sizes and returns every requested output by name
    /// (`value`, `grad_W`, `hessian_W`).
    ///
    /// Storage for temporaries is allocated at the first run and reused; runs of one plan are
    /// serialized (a plan may be shared between threads).
    /// - Parameters:
    ///   - inputs: a value for every name in ``inputs`` (vectors as `[n]` or `[n, 1]`).
    ///   - functions: a stand-in for every name in ``elementwiseFunctions`` and ``opaqueFunctions``.
    /// - Throws: ``RicciError`` for a missing input, a size other than the compiled one, or a
    ///   numeric failure (a singular matrix).
    public func run(_ inputs: [String: Tensor], functions: [String: PlanFunction] = [:]) throws -> [String: Tensor] {
        var given: [Tensor] = []
        for (name, b) in self.inputs {
            guard let t = inputs[name] else {
                throw RicciError(.usage, "no value for the input \(name)")
            }
            guard t.count == buffers[b].count,
                  t.shape.filter({ $0 != 1 }) == buffers[b].sizes.filter({ $0 != 1 }) else {
                throw RicciError(.shape, "\(name) was planned as \(Tensor.describe(buffers[b].sizes)), but the given value is \(Tensor.describe(t.shape))")
            }
            given.append(t)
        }
        for f in elementwiseFunctions + opaqueFunctions where functions[f] == nil {
            throw RicciError(.usage, "no stand-in for the function \(f)")
        }
        workspace.lock.lock()
        defer { workspace.lock.unlock() }
        prepareWorkspace()
        return try Self.pin(given, 0, []) { pins in
            var ptrs = [UnsafeMutablePointer<Double>](repeating: workspace.storage[0], count: buffers.count)
            for (k, (_, b)) in self.inputs.enumerated() { ptrs[b] = pins[k] }
            for b in buffers where b.role != .input { ptrs[b.id] = workspace.storage[storageIndex(b)] }
            for (k, step) in steps.enumerated() {
                try execute(k, step, ptrs, functions)
            }
            var out: [String: Tensor] = [:]
            for (name, b) in outputs {
                let p = ptrs[b]
                out[name] = try Tensor(shape: buffers[b].sizes, data: Array(UnsafeBufferPointer(start: p, count: buffers[b].count)))
            }
            return out
        }
    }

    /// Slots first, then one storage block per output; block 0 exists even when nothing else does.
    func storageIndex(_ b: PlanBuffer) -> Int {
        if b.role == .temporary { return b.slot }
        return slotCounts.count + (outputs.firstIndex { $0.buffer == b.id } ?? 0)
    }

    func prepareWorkspace() {
        guard !workspace.ready else { return }
        var counts = slotCounts
        for (_, b) in outputs { counts.append(buffers[b].count) }
        counts.append(max(1, scratchCount))
        workspace.storage = counts.map { n in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        workspace.ready = true
    }

    /// Input tensors' storage pinned for the duration of `body` (no copies).
    static func pin<R>(_ ts: [Tensor], _ k: Int, _ acc: [UnsafeMutablePointer<Double>],
                       _ body: ([UnsafeMutablePointer<Double>]) throws -> R) throws -> R {
        if k == ts.count { return try body(acc) }
        return try ts[k].data.withUnsafeBufferPointer { p in
            // read only: kernels never write input buffers
            guard let base = p.baseAddress else { throw RicciError(.value, "an input has no storage") }
            return try pin(ts, k + 1, acc + [UnsafeMutablePointer(mutating: base)], body)
        }
    }
}
