import Foundation
import Ricci

/// How one target language writes the leaves and operators of a fused entrywise expression
/// (``PlanEntrywise``); ``PlanWalk/render(_:_:)`` does the rest for every target.
protocol PlanEntryDialect {
    /// The model (for the identifiers of user functions).
    var exportModel: ExportModel { get }
    /// An operand read as its broadcast says (`X[rc_q]`, `v[:, None]`).
    mutating func operand(_ b: Int, _ how: PlanBroadcast) throws -> String
    /// A constant.
    func number(_ c: Double) -> String
    /// `base` to the constant power `p`.
    func power(_ base: String, _ p: Double) -> String
    /// A built-in entrywise function or its `d`-th derivative applied to `arg`.
    mutating func function(_ f: EntrywiseFunction, _ d: Int, _ arg: String) throws -> String
}

/// Ricci's compiled numeric plan (``NumericPlan``, issue 12) as every exporter walks it: the plan
/// compiled for the model's outputs, the generated code's name of every buffer, sizes, and the
/// rendering of fused entrywise expressions. NumPy/JAX (``PlanPython``) and C/Swift (``PlanLoops``)
/// translate each kernel; everything else about the walk is here, once.
struct PlanWalk {
    let model: ExportModel
    let plan: NumericPlan
    /// Buffer id → identifier: inputs by the program's names, outputs `value`/`grad_W`/`hessian_W`,
    /// temporaries by the plan's names (the program's own, `H1`, or `t7`), as in the step formulas.
    var names: [Int: String] = [:]

    /// Nominal sizes of the symbolic dimensions when the plan is compiled (the code works at any size):
    /// distinct primes, so that every size of the plan (a derivative's own dimension, a product of
    /// dimensions for `vec` and `kron`) reads back as a product of the inputs' sizes.
    static let nominalSizes = [211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293,
                               307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397]
    /// The size of a dimension name → its nominal size.
    var nominal: [String: Int] = [:]

    init(model: ExportModel) throws {
        self.model = model
        var requests: [PlanRequest] = [.value]
        for o in model.outputs where o.key != "value" {
            if o.key.hasPrefix("hessian_") { requests.append(.hessian(String(o.key.dropFirst(8)))) }
            else { requests.append(.gradient(String(o.key.dropFirst(5)))) }
        }
        // every free size a distinct prime; sizes joined to products (vec, kron) are the products of those
        let table = model.programs[0].dims
        var primes: [String: Int] = [:]
        for (k, n) in table.symbolicNames.enumerated() { primes[n] = PlanWalk.nominalSizes[k % PlanWalk.nominalSizes.count] }
        let sized = try table.sizes(given: [:]) { primes[$0] ?? PlanWalk.nominalSizes[0] }
        var dims: [String: Int] = [:]
        for n in table.symbolicNames {
            dims[n] = table.existing(n).map(sized) ?? primes[n] ?? PlanWalk.nominalSizes[0]
        }
        for n in model.sizes { if let v = table.existing(n) { nominal[n] = sized(v) } }
        // the plan takes one result per request, in request order (gradients, then Hessians)
        let results = model.results.sorted { a, b in
            (a.kind == .hessian ? 1 : 0, model.wrt.firstIndex(of: a.wrt) ?? 0) < (b.kind == .hessian ? 1 : 0, model.wrt.firstIndex(of: b.wrt) ?? 0)
        }
        plan = try NumericPlan(source: model.source, requests: requests, results: results, dims: dims, memoryLimit: .infinity)
        var taken = Set(model.inputs.map(\.id)).union(model.sizeIDs.values).union(model.outputs.map(\.key))
        for f in model.functions { taken.formUnion([f.id, f.id + "_prime", f.id + "_prime2"]) }
        taken.formUnion(ExportNames.reserved)
        for b in plan.buffers {
            switch b.role {
            case .input:
                guard let i = model.inputs.first(where: { $0.name == b.name }) else { throw RicciError(.usage, "plan input \(b.name) unknown") }
                names[b.id] = i.id
            case .output:
                names[b.id] = ExportNames.identifier(b.name, avoiding: [])
            case .temporary:
                let id = ExportNames.identifier(b.name, avoiding: taken)
                taken.insert(id)
                names[b.id] = id
            }
        }
    }

    func name(_ b: Int) -> String { names[b] ?? "b\(b)" }
    func rank(_ b: Int) -> Int { plan.buffers[b].shape.count }

    /// A plan size as code: `size` writes an input's size (`n`, `(n * d)`); `fixed` an integer.
    func dim(_ d: PlanDim, size: (ExportDim) -> String, fixed: (Int) -> String) throws -> String {
        switch d {
        case .fixed(let n): return fixed(n)
        case .named(let s):
            if let id = model.sizeIDs[s] { return id }
            if let e = try model.originalDim(named: s) { return size(e) }
            // a derivative's own name for a size, or a product: read back from its nominal size
            if let n = plan.sizes[s], let f = factors(n) {
                let parts = f.map { model.sizeIDs[$0] ?? $0 } + []
                return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " * ") + ")"
            }
            throw RicciError(.shape, "the plan's size \(s) is not an input's")
        case .product(let ds): return "(" + (try ds.map { try dim($0, size: size, fixed: fixed) }).joined(separator: " * ") + ")"
        }
    }

    /// A nominal size as a product of the inputs' sizes (their names, each factor once per power), or nil.
    func factors(_ size: Int) -> [String]? {
        var rest = size, out: [String] = []
        for (name, p) in nominal.sorted(by: { $0.key < $1.key }) where p > 1 {
            var k = 0
            while rest % p == 0 && k < 8 { rest /= p; out.append(name); k += 1 }
        }
        guard rest == 1, !out.isEmpty else { return nil }
        return out
    }

    /// The buffers the code allocates (every buffer but the inputs), in order.
    var written: [Int] { plan.buffers.filter { $0.role != .input }.map(\.id) }

    /// The plan's outputs: key (`value`, `grad_W`) and buffer.
    var outputs: [(key: String, buffer: Int)] { plan.outputs.map { ($0.name, $0.buffer) } }

    /// A step's formula for a comment (without the nominal sizes the plan was compiled at).
    static func formula(_ step: PlanStep) -> String {
        step.formula.replacingOccurrences(of: #"\(m: [0-9]+\)"#, with: "", options: .regularExpression)
    }

    /// Whether a kernel adds into its output (`C += …`).
    static func accumulates(_ k: PlanKernel) -> Bool {
        switch k {
        case .gemm(_, _, _, _, _, let a), .gemv(_, _, _, _, let a), .ger(_, _, _, let a), .syrk(_, _, _, let a),
             .scaledGram(_, _, _, let a):
            return a
        default: return false
        }
    }

    /// A fused entrywise expression in a target's dialect (every operation parenthesized).
    static func render<D: PlanEntryDialect>(_ e: PlanEntrywise, _ d: inout D) throws -> String {
        switch e {
        case .operand(let b, let how): return try d.operand(b, how)
        case .constant(let c): return d.number(c)
        case .negate(let x): return "(-\(try render(x, &d)))"
        case .add(let xs): return "(" + (try xs.map { try render($0, &d) }).joined(separator: " + ") + ")"
        case .subtract(let a, let b): return "(\(try render(a, &d)) - \(try render(b, &d)))"
        case .multiply(let xs): return "(" + (try xs.map { try render($0, &d) }).joined(separator: " * ") + ")"
        case .divide(let a, let b): return "(\(try render(a, &d)) / \(try render(b, &d)))"
        case .power(let x, let p): return d.power(try render(x, &d), p)
        case .function(let f, let k, let x): return try d.function(f, k, try render(x, &d))
        case .user(let f, let k, let x):
            let id = d.exportModel.functions.first { $0.name == f }?.id(derivative: k) ?? f
            return "\(id)(\(try render(x, &d)))"
        }
    }
}
