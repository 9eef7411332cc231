import Foundation
import Ricci

/// Settings of an evaluation: sizes, given values, and the seed for random ones.
public struct EvaluationSettings: Sendable {
    /// Sizes of symbolic dimensions (`--dims n=3,d=4`).
    public var dims: [String: Int] = [:]
    /// Given values by name (`--set X=x.npy`).
    public var values: [String: Tensor] = [:]
    /// Built-in functions standing in for user `elementwise` functions (`--set h=tanh`).
    public var functions: [String: EntrywiseFunction] = [:]
    /// Seed for random inputs and function instances; `nil` means inputs must all be given.
    public var seed: UInt64?
    /// No sizes, no values, no seed.
    public init() {}
}

/// The value of a program and the inputs it was computed from.
public struct Evaluation: Sendable {
    /// The objective's value.
    public var value: Tensor
    /// Every input (given or drawn), in program order.
    public var inputs: [(String, Tensor)]
    /// The size of every symbolic dimension used.
    public var sizes: [String: Int]
    /// Stand-ins used for user functions, for reports.
    public var functionNotes: [String: String]
}

/// Evaluates a checked program with GSL and OpenBLAS: matrix notation through BLAS and LU,
/// Einstein notation through the contraction planner.
public final class Evaluator {
    let program: TypedProgram
    let settings: EvaluationSettings
    var size: (DimVar) -> Int = { _ in 1 }
    var env: [String: Tensor] = [:]
    var inputs: [(String, Tensor)] = []
    var random: RandomSource?
    var elementwise: [String: ElementwiseInstance] = [:]
    var opaque: [String: OpaqueInstance] = [:]
    /// Per statement: index name → label and index name → dimension.
    var labels: [String: Int] = [:]
    var indexDims: [String: DimVar] = [:]
    /// When set, records the conditioning of inv/det/logdet arguments and log/sqrt domains (checks).
    public var probe: ConditionProbe?

    /// An evaluator of `program` with `settings`; ``run()`` evaluates it.
    public init(_ program: TypedProgram, settings: EvaluationSettings) {
        self.program = program
        self.settings = settings
    }

    /// Parses, checks and evaluates source text.
    public static func evaluate(source: String, settings: EvaluationSettings) throws -> Evaluation {
        try Evaluator(TypeChecker.check(source: source), settings: settings).run()
    }

    /// Evaluates every statement in order and returns the objective's value.
    public func run() throws -> Evaluation {
        try resolveSizes()
        if let s = settings.seed { random = try RandomSource(seed: s) }
        try prepareInputs()
        var last = Tensor(scalar: 0)
        for s in program.statements {
            labels = [:]
            indexDims = s.indexDims
            for (k, n) in s.indexDims.keys.sorted().enumerated() { labels[n] = k }
            let v = try eval(s.value)
            var t = v.tensor
            if let idx = s.indices {
                t = try Einsum.contract([(t, v.labels.map(label))], output: idx.map(label))
            }
            let shape = s.shape.map(size)
            if t.shape != shape { t = try t.reshaped(shape) }
            if let n = s.name { env[n] = t }
            last = t
        }
        var sizes: [String: Int] = [:]
        for n in program.dims.symbolicNames { sizes[n] = size(program.dims.named(n)) }
        return Evaluation(value: last, inputs: inputs, sizes: sizes,
                          functionNotes: elementwise.mapValues { $0.formula }.merging(
                              settings.functions.mapValues { $0.rawValue }) { a, _ in a })
    }

    func label(_ name: String) -> Int {
        if let l = labels[name] { return l }
        let l = labels.count
        labels[name] = l
        return l
    }

    /// Sizes from `--dims`, then from the shapes of given values, then distinct defaults 3, 4, 5, ...
    func resolveSizes() throws {
        var given = settings.dims
        for (name, t) in settings.values {
            guard let sym = program.symbols[name] else {
                let near = nearestName(to: name, in: program.names)
                throw RicciError(.name, "--set names '\(name)', which the program does not use" + (near.map { "; did you mean '\($0)'?" } ?? ""))
            }
            guard case .tensor(let shape) = sym.kind else {
                throw RicciError(.usage, "\(name) is a function: give it a built-in stand-in such as --set \(name)=tanh")
            }
            guard sym.definition == nil else { throw RicciError(.usage, "\(name) is defined by the program and cannot be set") }
            let dims = try matchShape(name, shape, t.shape)
            for (d, n) in zip(shape, dims) {
                if case .named(let s) = program.dims.resolve(d) {
                    if let old = given[s], old != n {
                        throw RicciError(.shape, "\(name) has \(s) = \(n), but \(s) = \(old) elsewhere")
                    }
                    given[s] = n
                } else if case .fixed(let f) = program.dims.resolve(d), f != n {
                    throw RicciError(.shape, "\(name) must be \(program.dims.short(shape)), but the given value is \(Tensor.describe(t.shape))")
                }
            }
        }
        var next = 3
        var fallback: [String: Int] = [:]
        size = try program.dims.sizes(given: given) { name in
            if let v = fallback[name] { return v }
            while given.values.contains(next) { next += 1 }
            fallback[name] = next
            next += 1
            return fallback[name] ?? 3
        }
        for name in program.names {
            guard let s = program.symbols[name], case .tensor(let shape) = s.kind else { continue }
            let concrete = shape.map(size)
            _ = try Tensor.checkedCount(concrete)
        }
    }

    /// Accepts a given shape for a symbol of `shape` (vectors as (n,) or (n, 1); scalars as () or (1,) or (1, 1)).
    func matchShape(_ name: String, _ shape: [DimVar], _ given: [Int]) throws -> [Int] {
        let g = given.count == shape.count ? given
            : (shape.count == 1 && given.count == 2 && given[1] == 1) ? [given[0]]
            : (shape.isEmpty && given.reduce(1, *) == 1) ? [] : nil
        guard let ok = g else {
            throw RicciError(.shape, "\(name) is \(program.dims.describe(shape)), but the given value has shape \(Tensor.describe(given))")
        }
        return ok
    }

    func prepareInputs() throws {
        for name in program.names {
            guard let s = program.symbols[name] else { continue }
            switch s.kind {
            case .tensor(let shape):
                guard s.definition == nil else { continue }
                let concrete = shape.map(size)
                var t: Tensor
                if let given = settings.values[name] {
                    t = given.shape == concrete ? given : try given.reshaped(concrete)
                } else if random != nil {
                    t = try draw(concrete, s.properties)
                } else {
                    throw RicciError(.usage, "no value for \(name): give one with --set \(name)=FILE.npy or draw random values with --random SEED",
                                     at: s.location)
                }
                try checkProperties(name, t, s.properties)
                env[name] = t
                inputs.append((name, t))
            case .elementwise:
                if settings.functions[name] == nil {
                    var r = try functionSource(name)
                    elementwise[name] = ElementwiseInstance(random: &r)
                }
            case .function:
                continue
            }
        }
    }

    /// The random source of a user function's stand-in: seeded by the seed and the function's name
    /// alone, so the stand-in does not depend on which inputs are given or on the order of names
    /// (a derivative program evaluated at the inputs of the original sees the same functions).
    func functionSource(_ name: String) throws -> RandomSource {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let seed = settings.seed ?? 0
        return try RandomSource(seed: (seed &* 0x9e37_79b9_7f4a_7c15) ^ hash)
    }

    func draw(_ shape: [Int], _ props: [Property]) throws -> Tensor {
        guard var r = random else { throw RicciError(.usage, "no random source") }
        defer { random = r }
        let kind: RandomKind = props.contains(.spd) ? .spd : props.contains(.symmetric) ? .symmetric
            : props.contains(.positive) ? .positive : .gaussian
        var t = try r.tensor(shape: shape, kind: kind)
        if kind == .symmetric && props.contains(.positive) {
            for k in 0..<t.data.count { t.data[k] = abs(t.data[k]) + 0.5 }
        }
        if props.contains(.diagonal) { t = RandomSource.diagonalPart(t) }
        return t
    }

    func checkProperties(_ name: String, _ t: Tensor, _ props: [Property]) throws {
        if props.contains(.positive), t.data.contains(where: { $0 <= 0 }) {
            throw RicciError(.value, "\(name) is declared positive but has an entry ≤ 0")
        }
        if props.contains(.symmetric) || props.contains(.spd), !Linalg.isSymmetric(t, tolerance: 1e-12) {
            throw RicciError(.value, "\(name) is declared \(props.contains(.spd) ? "spd" : "symmetric") but is not symmetric")
        }
        if props.contains(.diagonal), !RandomSource.isDiagonal(t) {
            throw RicciError(.value, "\(name) is declared diagonal but has a nonzero entry off the diagonal")
        }
        if props.contains(.spd), !Linalg.isPositiveDefinite(t) {
            throw RicciError(.value, "\(name) is declared spd but is not positive definite")
        }
    }
}
