import Foundation
import Ricci

/// A chunk of values of a fused expression: a pointer to `len` values, or one value for all.
enum ChunkValue {
    case vector(UnsafePointer<Double>)
    case scalar(Double)
}

/// Runs a fused entrywise expression chunk by chunk (a few hundred elements, so every intermediate
/// stays in the L1 cache), the chunks split across the cores when the output is large.
struct PlanEntrywiseLoop {
    static let chunk = 512
    /// Outputs at least this large are split across threads.
    static let parallelThreshold = 1 << 15
    /// Threads for entrywise loops: `RICCI_THREADS` when set, else every core the process may use (at most 8).
    static let threads: Int = {
        if let s = ProcessInfo.processInfo.environment["RICCI_THREADS"], let n = Int(s), n >= 1 { return min(n, 64) }
        return max(1, min(AvailableProcessors.count, 8))
    }()

    let tree: PlanEntrywise
    let pointers: [UnsafeMutablePointer<Double>]
    /// The output's rows and columns (broadcasts index by them).
    let rows: Int, cols: Int
    let functions: [String: PlanFunction]
    let nodeCount: Int

    init(_ tree: PlanEntrywise, pointers: [UnsafeMutablePointer<Double>], rows: Int, cols: Int, functions: [String: PlanFunction]) {
        self.tree = tree
        self.pointers = pointers
        self.rows = rows
        self.cols = max(cols, 1)
        self.functions = functions
        self.nodeCount = Self.count(tree)
    }

    static func count(_ e: PlanEntrywise) -> Int {
        switch e {
        case .operand, .constant: return 1
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return 1 + count(x)
        case .add(let xs), .multiply(let xs): return xs.reduce(1) { $0 + count($1) }
        case .subtract(let a, let b), .divide(let a, let b): return 1 + count(a) + count(b)
        }
    }

    /// True when an operand is read transposed (then the loop walks tiles, so that the transposed
    /// reads stay within a cache-sized block).
    static func readsTransposed(_ e: PlanEntrywise) -> Bool {
        switch e {
        case .operand(_, let how): return how == .transposed
        case .constant: return false
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return readsTransposed(x)
        case .add(let xs), .multiply(let xs): return xs.contains(where: readsTransposed)
        case .subtract(let a, let b), .divide(let a, let b): return readsTransposed(a) || readsTransposed(b)
        }
    }

    /// Walks a rows×cols output in 32×32 tiles, row segment by row segment (transposed reads).
    func forEachTileSegment(_ body: (Int, Int, ChunkValue, Int) -> Void) {
        let tile = 32
        let bands = (rows + tile - 1) / tile
        let tasks = rows * cols >= Self.parallelThreshold ? max(1, min(Self.threads, bands)) : 1
        withoutActuallyEscaping(body) { body in
            let work = { (task: Int) in
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: nodeCount * Self.chunk)
                defer { scratch.deallocate() }
                var band = task
                while band < bands {
                    let i0 = band * tile, i1 = min(rows, i0 + tile)
                    var j0 = 0
                    while j0 < cols {
                        let len = min(tile, cols - j0)
                        for i in i0..<i1 {
                            var slot = 0
                            let start = i * cols + j0
                            body(start, len, eval(tree, start, len, scratch, &slot), task)
                        }
                        j0 += tile
                    }
                    band += tasks
                }
            }
            if tasks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: tasks, execute: work) }
        }
    }

    /// Splits `0..<total` into chunks (in parallel when large) and calls `body(start, len, values)`.
    func forEachChunk(total: Int, _ body: (Int, Int, ChunkValue, Int) -> Void) {
        if rows > 1 && cols > 1 && total == rows * cols && Self.readsTransposed(tree) {
            forEachTileSegment(body)
            return
        }
        let tasks = total >= Self.parallelThreshold ? Self.threads : 1
        let per = (total + tasks - 1) / max(tasks, 1)
        withoutActuallyEscaping(body) { body in
        let work = { (task: Int) in
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: nodeCount * Self.chunk)
            defer { scratch.deallocate() }
            var start = task * per
            let end = min(total, start + per)
            while start < end {
                let len = min(Self.chunk, end - start)
                var slot = 0
                let v = eval(tree, start, len, scratch, &slot)
                body(start, len, v, task)
                start += len
            }
        }
        if tasks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: tasks, execute: work) }
        }
    }

    /// Writes the expression over `count` elements into `out`.
    func run(into out: UnsafeMutablePointer<Double>, count: Int) {
        forEachChunk(total: count) { start, len, v, _ in
            switch v {
            case .vector(let p): if p != UnsafePointer(out + start) { (out + start).update(from: p, count: len) }
            case .scalar(let s): (out + start).update(repeating: s, count: len)
            }
        }
    }

    /// Σ over `count` elements of the value, its square or its magnitude (per-thread partial sums,
    /// added in task order).
    func sum(count: Int, _ what: PlanVectorMath.Summand) -> Double {
        let tasks = Self.threads
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: tasks)
        partial.initialize(repeating: 0, count: tasks)
        defer { partial.deallocate() }
        forEachChunk(total: count) { _, len, v, task in
            switch v {
            case .vector(let p): partial[task] += PlanVectorMath.sum(p, len, what)
            case .scalar(let x):
                let y = what == .square ? x * x : what == .magnitude ? Swift.abs(x) : x
                partial[task] += Double(len) * y
            }
        }
        var total = 0.0
        for t in 0..<tasks { total += partial[t] }
        return total
    }

    func eval(_ e: PlanEntrywise, _ start: Int, _ len: Int, _ scratch: UnsafeMutablePointer<Double>, _ slot: inout Int) -> ChunkValue {
        let out = scratch + slot * Self.chunk
        slot += 1
        switch e {
        case .constant(let c): return .scalar(c)
        case .operand(let b, let how):
            let p = pointers[b]
            switch how {
            case .full: return .vector(UnsafePointer(p + start))
            case .scalar: return .scalar(p[0])
            case .row, .column, .transposed:
                // walk (i, j) from the chunk's start without a division per element
                var i = start / cols, j = start - (start / cols) * cols, t = 0
                while t < len {
                    let run = min(len - t, cols - j)   // the rest of row i within this chunk
                    switch how {
                    case .row: (out + t).update(repeating: p[i], count: run)
                    case .column: (out + t).update(from: p + j, count: run)
                    default: for u in 0..<run { out[t + u] = p[(j + u) * rows + i] }
                    }
                    t += run
                    j = 0
                    i += 1
                }
            }
            return .vector(UnsafePointer(out))
        case .negate(let x): return unary(eval(x, start, len, scratch, &slot), out, len) { -$0 }
        case .power(let x, let p):
            let v = eval(x, start, len, scratch, &slot)
            if p == 2 { return unary(v, out, len) { $0 * $0 } }
            if p == -1 { return unary(v, out, len) { 1 / $0 } }
            if p == 0.5 { return unary(v, out, len) { $0.squareRoot() } }
            return unary(v, out, len) { Foundation.pow($0, p) }
        case .function(let f, let d, let x):
            let v = eval(x, start, len, scratch, &slot)
            // the common functions with the call inlined in the loop (no closure per element)
            if case .vector(let p) = v {
                switch (f, d) {
                case (.tanh, 0): PlanVectorMath.tanh(p, out, len)
                case (.tanh, 1): PlanVectorMath.tanhDerivative(p, out, len)
                case (.exp, 0), (.exp, 1): PlanVectorMath.exp(p, out, len)
                case (.sigmoid, 0): PlanVectorMath.sigmoid(p, out, len)
                case (.log, 0): for t in 0..<len { out[t] = Foundation.log(p[t]) }
                default: return unary(v, out, len, Self.builtin(f, d))
                }
                return .vector(UnsafePointer(out))
            }
            return unary(v, out, len, Self.builtin(f, d))
        case .user(let name, let d, let x):
            let v = eval(x, start, len, scratch, &slot)
            switch functions[name] {
            case .builtin(let f): return unary(v, out, len, Self.builtin(f, d))
            case .elementwise(let inst): return unary(v, out, len) { inst.value(derivative: d, $0) }
            default: return unary(v, out, len) { _ in .nan }
            }
        case .add(let xs): return fold(xs, start, len, scratch, &slot, out, +)
        case .multiply(let xs): return fold(xs, start, len, scratch, &slot, out, *)
        case .subtract(let a, let b):
            let va = eval(a, start, len, scratch, &slot), vb = eval(b, start, len, scratch, &slot)
            return binary(va, vb, out, len, -)
        case .divide(let a, let b):
            let va = eval(a, start, len, scratch, &slot), vb = eval(b, start, len, scratch, &slot)
            return binary(va, vb, out, len, /)
        }
    }

    func fold(_ xs: [PlanEntrywise], _ start: Int, _ len: Int, _ scratch: UnsafeMutablePointer<Double>, _ slot: inout Int,
              _ out: UnsafeMutablePointer<Double>, _ op: (Double, Double) -> Double) -> ChunkValue {
        guard let first = xs.first else { return .scalar(0) }
        var acc = eval(first, start, len, scratch, &slot)
        for x in xs.dropFirst() { acc = binary(acc, eval(x, start, len, scratch, &slot), out, len, op) }
        return acc
    }

    @inline(__always)
    func unary(_ v: ChunkValue, _ out: UnsafeMutablePointer<Double>, _ len: Int, _ f: (Double) -> Double) -> ChunkValue {
        switch v {
        case .scalar(let x): return .scalar(f(x))
        case .vector(let p):
            for t in 0..<len { out[t] = f(p[t]) }
            return .vector(UnsafePointer(out))
        }
    }

    @inline(__always)
    func binary(_ a: ChunkValue, _ b: ChunkValue, _ out: UnsafeMutablePointer<Double>, _ len: Int,
                _ f: (Double, Double) -> Double) -> ChunkValue {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return .scalar(f(x, y))
        case (.vector(let p), .scalar(let y)): for t in 0..<len { out[t] = f(p[t], y) }
        case (.scalar(let x), .vector(let q)): for t in 0..<len { out[t] = f(x, q[t]) }
        case (.vector(let p), .vector(let q)): for t in 0..<len { out[t] = f(p[t], q[t]) }
        }
        return .vector(UnsafePointer(out))
    }

    /// tanh as Cephes computes it (relative error about 2.5e-16): a rational function below 0.625,
    /// `1 - 2/(exp(2|x|) + 1)` above; one `exp` instead of libm's `expm1` and bookkeeping.
    @inline(__always)
    static func fastTanh(_ x: Double) -> Double {
        let z = Swift.abs(x)
        if z < 0.625 {
            let s = x * x
            let p = (-9.64399179425052238628e-1 * s - 9.92877231001918586564e1) * s - 1.61468768441708447952e3
            let q = ((s + 1.12811678491632931402e2) * s + 2.23548839060100448583e3) * s + 4.84406305325125486048e3
            return x + x * s * (p / q)
        }
        guard z.isFinite else { return x.isNaN ? x : (x > 0 ? 1 : -1) }
        let e = Foundation.exp(2 * z)
        let t = 1 - 2 / (e + 1)
        return x < 0 ? -t : t
    }

    /// A built-in function's closure, common cases without the per-element switch.
    static func builtin(_ f: EntrywiseFunction, _ d: Int) -> (Double) -> Double {
        switch (f, d) {
        case (.exp, 0), (.exp, 1): return { Foundation.exp($0) }
        case (.log, 0): return { Foundation.log($0) }
        case (.tanh, 0): return fastTanh
        case (.tanh, 1): return { let t = fastTanh($0); return 1 - t * t }
        case (.relu, 0): return { $0 > 0 ? $0 : 0 }
        case (.step, 0), (.relu, 1): return { $0 > 0 ? 1 : 0 }
        default: return { EntrywiseMath.value(f, derivative: d, $0) ?? .nan }
        }
    }
}
