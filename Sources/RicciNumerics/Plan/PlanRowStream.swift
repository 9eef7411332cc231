import CRicciKernels
import Foundation
import Ricci

/// A run of plan steps that reads a large matrix X twice, fused so that X is read once.
///
/// The pattern is the one a gradient of a sum over the rows of X makes (logistic regression, a
/// generalized linear model): `u = alpha·X*w`, then entrywise steps and sums over n-vectors that
/// only combine entries of the same row, then `g = beta·X'*t`. Entry `i` of every vector in between
/// depends on row `i` of X alone, so the executor walks X once, a block of rows at a time: the
/// block's entries of `u`, of every vector in between and of every partial sum, then the block's
/// contribution to `g`, while the block is still in the cache. Each thread takes a band of rows;
/// the partial sums and partial `g`s are added at the end. The steps themselves are unchanged (the
/// plan as data, and its exporters, do not see the fusion); every vector in between is still
/// written whole, for the steps after the run that read it.
struct PlanRowStream: Sendable {
    /// The first step (`u = alpha·X*w`) and the last (`g = beta·X'*t`).
    let first: Int, last: Int
    /// X and its rows and columns.
    let matrix: Int, rows: Int, cols: Int
    /// The row-local steps between `first` and `last`, run block by block.
    let inner: [Int]
    /// The other steps between them (they read none of the run's blocks half-done), run after it in order.
    let later: [Int]

    /// Matrices with fewer entries (16 MiB) are not fused: two passes over them come from the last-level
    /// cache about as fast as one (the logistic gradient at n = 4000, d = 500: the same time either
    /// way), while a matrix streamed from memory twice takes 1.4–1.8× the time of once (n = 40,000).
    nonisolated(unsafe) static var minimumEntries = 1 << 21
    /// `RICCI_ROW_STREAMS=0` turns the fusion off (to compare against the step-by-step executor).
    static let enabled = ProcessInfo.processInfo.environment["RICCI_ROW_STREAMS"] != "0"

    /// The fusable runs of `plan`, by their first step.
    static func find(in plan: NumericPlan) -> [Int: PlanRowStream] {
        guard enabled else { return [:] }
        var found: [Int: PlanRowStream] = [:]
        var k = 0
        while k < plan.steps.count {
            if let s = stream(startingAt: k, in: plan) {
                found[k] = s
                k = s.last + 1
            } else {
                k += 1
            }
        }
        return found
    }

    /// The run that starts at step `k`, if the steps from there fit the pattern.
    private static func stream(startingAt k: Int, in plan: NumericPlan) -> PlanRowStream? {
        guard case .gemv(let x, false, let w, _, false) = plan.steps[k].kernel else { return nil }
        let (rows, cols) = plan.rc(x)
        guard plan.buffers[x].sizes.count == 2, rows >= 1, cols >= 1, rows * cols >= minimumEntries,
              isVector(plan.steps[k].output, rows, plan) else { return nil }
        // buffers written in the run entry by entry (n-vectors), read whole (X, w, scalars from
        // before the run), the run's sums (complete only at its end: nothing in the run reads them),
        // and the outputs of steps in between that are not row-local (run after the fused run)
        var written: Set<Int> = [plan.steps[k].output]
        var whole: Set<Int> = [w, x]
        var sums: Set<Int> = []
        var later: [Int] = [], laterOutputs: Set<Int> = [], laterReads: Set<Int> = []
        var inner: [Int] = []
        var j = k + 1
        while j < plan.steps.count {
            let step = plan.steps[j]
            let fresh = !written.contains(step.output) && !whole.contains(step.output) && !sums.contains(step.output)
                && !laterOutputs.contains(step.output)
            var readsLater = false
            for b in step.kernel.operands where laterOutputs.contains(b) { readsLater = true }
            if case .gemv(x, true, let t, _, _) = step.kernel, written.contains(t) {
                guard fresh, !readsLater else { return nil }
                // storage: what the run writes block by block must not hold what it reads whole; the
                // steps moved after the run must not overwrite what the run wrote, nor read what it
                // overwrote (their operands, unless the run computed them)
                // (the product X'*t is written last, after those steps, as in the plan's order)
                let wrote = written.union(sums)
                let wroteSlots = slots(wrote, plan)
                // and what those steps read of the run's results must not share storage with another
                // result of the run (a sum, or a vector overwritten in place, written since)
                let shared = laterReads.intersection(wrote).contains { b in
                    plan.buffers[b].role == .temporary
                        && wrote.contains { $0 != b && plan.buffers[$0].role == .temporary && plan.buffers[$0].slot == plan.buffers[b].slot }
                }
                guard !shared, slots(written, plan).isDisjoint(with: slots(whole, plan)),
                      slots(laterOutputs, plan).isDisjoint(with: wroteSlots.union(slots(whole, plan))),
                      slots(laterReads.subtracting(wrote), plan).isDisjoint(with: wroteSlots)
                else { return nil }
                return PlanRowStream(first: k, last: j, matrix: x, rows: rows, cols: cols, inner: inner, later: later)
            }
            var local = whole
            switch step.kernel {
            case .entrywise(let tree, _) where fresh && !readsLater && isVector(step.output, rows, plan)
                && rowLocal(tree, rows, sums, &local, plan):
                whole = local
                written.insert(step.output)
                inner.append(j)
            case .reduce(let r, let tree) where fresh && !readsLater
                && (r == .sum || r == .norm2 || r == .normF || r == .norm1)
                && !tree.fullOperands.isEmpty && tree.fullOperands.allSatisfy({ isVector($0, rows, plan) })
                && rowLocal(tree, rows, sums, &local, plan):
                whole = local
                sums.insert(step.output)
                inner.append(j)
            default:
                // not row-local: run after the fused run, which must then not read its output
                guard fresh else { return nil }
                later.append(j)
                laterOutputs.insert(step.output)
                laterReads.formUnion(step.kernel.operands)
            }
            j += 1
        }
        return nil
    }

    /// The storage slots of the temporaries among `ids` (inputs and outputs have storage of their own).
    private static func slots(_ ids: Set<Int>, _ plan: NumericPlan) -> Set<Int> {
        Set(ids.filter { plan.buffers[$0].role == .temporary }.map { plan.buffers[$0].slot })
    }

    /// A vector of `n` entries (`[n]` or `[n, 1]`).
    private static func isVector(_ b: Int, _ n: Int, _ plan: NumericPlan) -> Bool {
        plan.buffers[b].count == n && plan.rc(b) == (n, 1)
    }

    /// Every operand is an n-vector read at the output's entry, or a scalar computed before the run
    /// (not one of its `sums`); the scalars join `whole`.
    private static func rowLocal(_ tree: PlanEntrywise, _ n: Int, _ sums: Set<Int>, _ whole: inout Set<Int>,
                                 _ plan: NumericPlan) -> Bool {
        var ok = true
        func visit(_ e: PlanEntrywise) {
            switch e {
            case .operand(let b, let how):
                if (how == .full || how == .row) && isVector(b, n, plan) { return }
                if how == .scalar && plan.buffers[b].count == 1 && !sums.contains(b) { whole.insert(b); return }
                ok = false
            case .constant: return
            case .negate(let a), .power(let a, _), .function(_, _, let a), .user(_, _, let a): visit(a)
            case .add(let xs), .multiply(let xs): xs.forEach(visit)
            case .subtract(let a, let b), .divide(let a, let b): visit(a); visit(b)
            }
        }
        visit(tree)
        return ok
    }

}

/// The shared state of one fused run while its bands execute.
private final class RowStreamJob {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

extension NumericPlan {
    /// Executes the fused run `s` (steps `s.first...s.last`) on the pointers `p`, then the steps in between
    /// that were not part of it.
    func executeRowStream(_ s: PlanRowStream, _ p: [UnsafeMutablePointer<Double>], _ functions: [String: PlanFunction]) throws {
        let n = s.rows, d = s.cols, x = UnsafePointer(p[s.matrix])
        let bands = RowBandGEMV.bands(rows: n, cols: d, threads: PlanEntrywiseLoop.threads)
        // rows per block: about 256 kB of X, so the second read comes from L2
        let block = Swift.max(4, Swift.min(PlanEntrywiseLoop.chunk, (32_768 / Swift.max(d, 1)) & ~3))
        let inner = s.inner.map { steps[$0] }
        let sums = inner.indices.filter { if case .reduce = inner[$0].kernel { return true }; return false }
        // per band: a partial g (d), a block's g (d), partial sums
        let stride = 2 * d + sums.count
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: bands * stride)
        scratch.initialize(repeating: 0, count: bands * stride)
        defer { scratch.deallocate() }
        guard case .gemv(_, _, let w, let alpha, _) = steps[s.first].kernel,
              case .gemv(_, _, let t, let beta, let accumulate) = steps[s.last].kernel else { return }
        let u = p[steps[s.first].output]
        let nodes = inner.reduce(1) { acc, step in
            switch step.kernel {
            case .entrywise(let tree, _), .reduce(_, let tree): return Swift.max(acc, PlanEntrywiseLoop.count(tree))
            default: return acc
            }
        }
        let loops = inner.map { step -> PlanEntrywiseLoop? in
            switch step.kernel {
            case .entrywise(let tree, _), .reduce(_, let tree):
                return PlanEntrywiseLoop(tree, pointers: p, rows: n, cols: 1, functions: functions)
            default: return nil
            }
        }
        let job = RowStreamJob { band in
            let mine = scratch + band * stride
            let partialG = mine, blockG = mine + d, partialSums = mine + 2 * d
            let values = UnsafeMutablePointer<Double>.allocate(capacity: nodes * PlanEntrywiseLoop.chunk)
            defer { values.deallocate() }
            var r0 = band * n / bands
            let end = (band + 1) * n / bands
            while r0 < end {
                let r1 = Swift.min(end, r0 + block), len = r1 - r0
                ricci_gemv_n_rows(x, d, p[w], r0, r1, u)
                if alpha != 1 { for i in r0..<r1 { u[i] *= alpha } }
                var sumIndex = 0
                for (m, step) in inner.enumerated() {
                    guard let loop = loops[m] else { continue }
                    var slot = 0
                    let v = loop.eval(loop.tree, r0, len, values, &slot)
                    if case .reduce(let r, _) = step.kernel {
                        let what: PlanVectorMath.Summand = r == .sum ? .value : r == .norm1 ? .magnitude : .square
                        switch v {
                        case .vector(let q): partialSums[sumIndex] += PlanVectorMath.sum(q, len, what)
                        case .scalar(let c):
                            partialSums[sumIndex] += Double(len) * (what == .square ? c * c : what == .magnitude ? Swift.abs(c) : c)
                        }
                        sumIndex += 1
                    } else {
                        let out = p[step.output] + r0
                        switch v {
                        case .vector(let q): if q != UnsafePointer(out) { out.update(from: q, count: len) }
                        case .scalar(let c): out.update(repeating: c, count: len)
                        }
                    }
                }
                ricci_gemv_t_rows(x, d, p[t], r0, r1, blockG)
                for j in 0..<d { partialG[j] += blockG[j] }
                r0 = r1
            }
        }
        let context = Unmanaged.passRetained(job)
        ricci_pool_run({ ctx, band in
            guard let ctx else { return }
            Unmanaged<RowStreamJob>.fromOpaque(ctx).takeUnretainedValue().body(Int(band))
        }, context.toOpaque(), bands)
        context.release()
        // the sums, then g
        for (index, m) in sums.enumerated() {
            guard case .reduce(let r, _) = inner[m].kernel else { continue }
            var total = 0.0
            for b in 0..<bands { total += scratch[b * stride + 2 * d + index] }
            p[inner[m].output][0] = r == .norm2 || r == .normF ? total.squareRoot() : total
        }
        // the steps that were not row-local, in their order, then X'*t (the last step)
        for k in s.later { try execute(k, steps[k], p, functions) }
        let g = p[steps[s.last].output]
        for j in 0..<d {
            var total = 0.0
            for b in 0..<bands { total += scratch[b * stride + j] }
            g[j] = accumulate ? g[j] + beta * total : beta * total
        }
    }
}
