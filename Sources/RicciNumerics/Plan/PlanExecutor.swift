import Foundation
import Ricci

/// The storage of one output of one run (uninitialized: every output is written in full).
final class OutputBox {
    var data: [Double]
    init(count: Int) {
        data = [Double](unsafeUninitializedCapacity: max(count, 0)) { _, n in n = max(count, 0) }
    }
}

/// Storage reused across runs of one plan: one allocation per slot and output, made at the first run.
final class PlanWorkspace: @unchecked Sendable {
    let lock = NSLock()
    var storage: [UnsafeMutablePointer<Double>] = []
    var ready = false
    /// Process CPU seconds spent in each step over ``profiledRuns`` runs (empty: not profiling).
    var stepSeconds: [Double] = []
    var profiledRuns = 0

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
    /// - Throws: ``/Ricci/RicciError`` for a missing input, a size other than the compiled one, or a
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
        GSLRuntime.ensureInitialized()
        FreedMemoryPolicy.apply()
        workspace.lock.lock()
        defer { workspace.lock.unlock() }
        prepareWorkspace()
        // outputs are written straight into the arrays returned (no copy at the end)
        let boxes = outputs.map { o in OutputBox(count: buffers[o.buffer].count) }
        try Self.pin(given, 0, []) { pins in
            try Self.pinOutputs(boxes, 0, []) { outs in
                var ptrs = [UnsafeMutablePointer<Double>](repeating: workspace.storage[0], count: buffers.count)
                for (k, (_, b)) in self.inputs.enumerated() { ptrs[b] = pins[k] }
                for b in buffers where b.role == .temporary { ptrs[b.id] = workspace.storage[b.slot] }
                for (k, o) in outputs.enumerated() { ptrs[o.buffer] = outs[k] }
                let profiling = !workspace.stepSeconds.isEmpty
                var k = 0
                while k < steps.count {
                    let t0 = profiling ? PlanProfile.cpuSeconds() : 0
                    let next: Int
                    if let stream = rowStreams[k] {
                        // a fused run: its time is counted on its first step
                        try executeRowStream(stream, ptrs, functions)
                        next = stream.last + 1
                    } else {
                        try execute(k, steps[k], ptrs, functions)
                        next = k + 1
                    }
                    if profiling { workspace.stepSeconds[k] += PlanProfile.cpuSeconds() - t0 }
                    k = next
                }
                if profiling { workspace.profiledRuns += 1 }
            }
        }
        var out: [String: Tensor] = [:]
        for (k, o) in outputs.enumerated() {
            out[o.name] = try Tensor(shape: buffers[o.buffer].sizes, data: boxes[k].data)
        }
        return out
    }

    /// Output storage pinned for the duration of `body`; each box is its own object, so the
    /// nested accesses never overlap.
    static func pinOutputs<R>(_ boxes: [OutputBox], _ k: Int, _ acc: [UnsafeMutablePointer<Double>],
                              _ body: ([UnsafeMutablePointer<Double>]) throws -> R) throws -> R {
        if k == boxes.count { return try body(acc) }
        return try boxes[k].data.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { throw RicciError(.value, "an output has no storage") }
            return try pinOutputs(boxes, k + 1, acc + [base], body)
        }
    }

    func prepareWorkspace() {
        guard !workspace.ready else { return }
        // the slots, then the scratch block (always present, so storage[0] exists)
        var counts = slotCounts
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
