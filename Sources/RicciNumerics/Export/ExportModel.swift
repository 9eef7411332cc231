import Foundation
import Ricci

/// A size as exported code writes it: an integer, a size variable, or a product of two sizes.
indirect enum ExportDim: Hashable {
    case fixed(Int)
    case size(String)
    case product(ExportDim, ExportDim)
}

/// An array input of the exported function.
struct ExportInput {
    /// The program's name (the keyword argument in Python).
    var name: String
    /// The identifier in generated code.
    var id: String
    var dims: [ExportDim]
    var properties: [Property]
    /// The declared type, as the program writes it (`matrix(n, d), spd`).
    var typeText: String
}

/// A user `elementwise` function or an opaque `function`, with the derivative orders used.
struct ExportFunction {
    var name: String
    var id: String
    var opaque: Bool
    var derivatives: Set<Int>
    /// An opaque function's result and argument sizes.
    var result: [ExportDim] = []
    var argument: [ExportDim] = []

    /// The identifier of the `d`-th derivative: `h`, `h_prime`, `h_prime2`.
    func id(derivative d: Int) -> String { d == 0 ? id : d == 1 ? id + "_prime" : id + "_prime\(d)" }
}

/// One step of the exported computation: a checked statement of one of the model's programs.
struct ExportStep {
    /// The identifier it defines.
    var id: String
    var statement: TypedProgram.Statement
    /// Index into ``ExportModel/programs``.
    var program: Int
    /// The statement as Ricci prints it (a comment in generated code).
    var formula: String
}

/// A returned value: `value`, `grad_W`, `hessian_W`.
struct ExportOutput {
    var key: String
    var id: String
    var dims: [ExportDim]
    var what: String
}

/// The program and its derivatives as a list of steps over named arrays: what every target prints.
///
/// Program 0 is the original program; each derivative adds its printed program (matrix form where
/// one exists, else Einstein form), whose intermediates become steps too (shared ones once).
final class ExportModel {
    let source: String
    let wrt: [String]
    let hessian: Bool
    var programs: [TypedProgram] = []
    /// Per program: program name → identifier in generated code.
    var renames: [[String: String]] = []
    /// Per program: dimension name → export size (through the inputs' declarations).
    var dimAliases: [[String: ExportDim]] = []
    var inputs: [ExportInput] = []
    var functions: [ExportFunction] = []
    var sizes: [String] = []
    /// Size name → identifier.
    var sizeIDs: [String: String] = [:]
    var steps: [ExportStep] = []
    var outputs: [ExportOutput] = []
    var results: [DerivativeResult] = []
    private var taken: Set<String> = []

    init(source: String, wrt: [String], hessian: Bool) throws {
        guard !wrt.isEmpty else { throw RicciError(.usage, "name the variable to differentiate by with --wrt NAME") }
        self.source = source
        self.wrt = wrt
        self.hessian = hessian
        let p0 = try TypeChecker.check(source: source)
        programs.append(p0)
        renames.append([:])
        dimAliases.append([:])
        taken = ExportNames.reserved
        try collectSizes(p0)
        try collectInputs(p0)
        try addSteps(of: p0, formulas: ExportNames.statementTexts(source), program: 0, last: "value")
        guard let valueStep = steps.last else { throw RicciError(.usage, "the program has no objective") }
        outputs.append(ExportOutput(key: "value", id: valueStep.id, dims: try dims(p0.result.shape, in: 0), what: "the objective"))
        let scalar = p0.result.shape.allSatisfy { p0.dims.isOne($0) }
        var kinds: [DerivativeKind] = [scalar ? .gradient : .jacobian]
        if hessian { kinds.append(.hessian) }
        for kind in kinds {
            let rs = try Derivatives.derivatives(of: source, wrt: wrt, kind: kind)
            for r in rs {
                results.append(r)
                let key = (kind == .hessian ? "hessian_" : "grad_") + r.wrt
                try addResult(r, key: key)
            }
        }
        try collectFunctions()
    }

    // MARK: - sizes and inputs

    /// The plain (non-product) symbolic dimensions of the inputs, in order of appearance.
    private func collectSizes(_ p: TypedProgram) throws {
        for name in p.names {
            guard let s = p.symbols[name], s.definition == nil else { continue }
            var shape: [DimVar] = []
            switch s.kind {
            case .tensor(let sh): shape = sh
            case .function(let r, let a): shape = r + (a ?? [])
            case .elementwise: continue
            }
            for d in shape {
                guard p.dims.productFactors(d) == nil, case .named(let n) = p.dims.resolve(d), !sizes.contains(n) else { continue }
                sizes.append(n)
            }
        }
        for n in sizes {
            let id = ExportNames.identifier(n, avoiding: taken.union(Set(p.names)), suffix: "_size")
            sizeIDs[n] = id
            taken.insert(id)
        }
    }

    private func collectInputs(_ p: TypedProgram) throws {
        for name in p.names {
            guard let s = p.symbols[name], s.definition == nil, case .tensor(let shape) = s.kind else { continue }
            let id = ExportNames.identifier(name, avoiding: taken)
            taken.insert(id)
            renames[0][name] = id
            inputs.append(ExportInput(name: name, id: id, dims: try dims(shape, in: 0), properties: s.properties,
                                      typeText: p.typeText(of: s)))
        }
        for name in p.names {
            guard let s = p.symbols[name], s.definition == nil else { continue }
            switch s.kind {
            case .elementwise:
                let id = ExportNames.identifier(name, avoiding: taken)
                taken.formUnion([id, id + "_prime", id + "_prime2"])
                functions.append(ExportFunction(name: name, id: id, opaque: false, derivatives: []))
            case .function(let r, let a):
                let id = ExportNames.identifier(name, avoiding: taken)
                taken.formUnion([id, id + "_prime"])
                functions.append(ExportFunction(name: name, id: id, opaque: true, derivatives: [],
                                                result: try dims(r, in: 0), argument: try dims(a ?? [], in: 0)))
            case .tensor: continue
            }
        }
    }

    /// An exported size for a dimension of program `p`.
    func dim(_ d: DimVar, in p: Int, depth: Int = 0) throws -> ExportDim {
        let table = programs[p].dims
        guard depth < 16 else { throw RicciError(.limit, "a dimension is a product nested too deeply to export") }
        switch table.resolve(d) {
        case .fixed(let n): return .fixed(n)
        case .named(let n):
            if let a = dimAliases[p][n] { return a }
            if p == 0 || !sizes.contains(n), let (a, b) = table.productFactors(d) {
                return .product(try dim(a, in: p, depth: depth + 1), try dim(b, in: p, depth: depth + 1))
            }
            guard sizes.contains(n) else {
                throw RicciError(.shape, "the size \(n) cannot be read from the inputs' shapes, so it cannot be exported")
            }
            return .size(n)
        }
    }

    /// The size of a dimension of the original program, by its printed name.
    func originalDim(named m: String) throws -> ExportDim? {
        if sizes.contains(m) { return .size(m) }
        let p0 = programs[0]
        for name in p0.names {
            guard let s = p0.symbols[name], case .tensor(let shape) = s.kind else { continue }
            for d in shape where p0.dims.resolve(d) == .named(m) { return try dim(d, in: 0) }
        }
        return nil
    }

    func dims(_ ds: [DimVar], in p: Int) throws -> [ExportDim] { try ds.map { try dim($0, in: p) } }

    // MARK: - steps

    private func addSteps(of p: TypedProgram, formulas: [String], program: Int, last: String) throws {
        let texts = ExportNames.definitionTexts(p.program, formulas)
        for (k, s) in p.statements.enumerated() {
            let isLast = k == p.statements.count - 1
            let formula = k < texts.count ? texts[k] : ""
            var id: String
            if let n = s.name {
                if program > 0, programs[0].symbols[n]?.definition != nil, !isLast {
                    continue   // one of the program's own definitions, already a step
                }
                if program > 0, !isLast, let existing = steps.first(where: { $0.formula == formula && $0.program > 0 }),
                   existing.statement.name == n {
                    renames[program][n] = existing.id   // a shared intermediate of an earlier derivative
                    continue
                }
                id = ExportNames.identifier(isLast && program > 0 ? last : n, avoiding: taken)
                renames[program][n] = id
            } else {
                id = ExportNames.identifier(last, avoiding: taken)
            }
            taken.insert(id)
            steps.append(ExportStep(id: id, statement: s, program: program, formula: formula))
        }
    }

    private func addResult(_ r: DerivativeResult, key: String) throws {
        let form: ResultForm = r.matrix != nil ? .matrix : .einstein
        guard let text = r.program(form) ?? r.program(.einstein) else {
            throw RicciError(.usage, "no printable form of the derivative by \(r.wrt)")
        }
        let p = try TypeChecker.check(source: text)
        programs.append(p)
        let index = programs.count - 1
        renames.append(renames[0].filter { programs[0].symbols[$0.key]?.definition == nil })
        // the derivative program declares the inputs again: its dimension names map to the original's
        var aliases: [String: ExportDim] = [:]
        for input in inputs {
            guard let s = p.symbols[input.name], case .tensor(let shape) = s.kind, shape.count == input.dims.count else { continue }
            for (d, e) in zip(shape, input.dims) {
                if case .named(let n) = p.dims.resolve(d), aliases[n] == nil { aliases[n] = e }
            }
        }
        // the result's own axes are the objective's and the variable's (r.shape, in the original's names)
        if let last = p.statements.last, last.shape.count == r.shape.count {
            for (d, named) in zip(last.shape, r.shape) {
                guard case .named(let n) = p.dims.resolve(d), aliases[n] == nil else { continue }
                switch named {
                case .fixed(let k): aliases[n] = .fixed(k)
                case .named(let m): if let e = try originalDim(named: m) { aliases[n] = e }
                }
            }
        }
        dimAliases.append(aliases)
        for (n, id) in renames[0] where programs[0].symbols[n]?.definition != nil { renames[index][n] = id }
        let before = steps.count
        try addSteps(of: p, formulas: ExportNames.statementTexts(text), program: index, last: key)
        guard steps.count > before, let step = steps.last else { throw RicciError(.usage, "the derivative by \(r.wrt) has no steps") }
        let what = (key.hasPrefix("hessian") ? "the Hessian by " : r.kind == .jacobian ? "the Jacobian by " : "the gradient by ") + r.wrt
        outputs.append(ExportOutput(key: key, id: step.id, dims: try dims(step.statement.shape, in: index), what: what))
    }

    /// The derivative orders of user and opaque functions that the steps call.
    private func collectFunctions() throws {
        var used: [String: Set<Int>] = [:]
        func visit(_ e: TypedExpr, depth: Int) {
            guard depth < 10_000 else { return }
            switch e.kind {
            case .userEntrywise(let f, let d, _), .opaque(let f, let d, _): used[f, default: []].insert(d)
            default: break
            }
            for c in ExportWalk.children(e) { visit(c, depth: depth + 1) }
        }
        for s in steps { visit(s.statement.value, depth: 0) }
        for k in functions.indices {
            functions[k].derivatives = used[functions[k].name] ?? []
            if functions[k].opaque, let d = functions[k].derivatives.first(where: { $0 > 1 }) {
                throw RicciError(.usage, "the export needs the derivative of order \(d) of the opaque function \(functions[k].name), "
                                 + "which an exported function cannot take as an argument (only \(functions[k].name)' is)")
            }
        }
    }

    /// The identifier of a name of program `p`.
    func id(_ name: String, in p: Int) -> String { renames[p][name] ?? renames[0][name] ?? name }

    /// The Python-style shape text of sizes: `(n, d)`, `(k,)`, `()`.
    static func shapeText(_ ds: [ExportDim], _ render: (ExportDim) -> String) -> String {
        ds.count == 1 ? "(\(render(ds[0])),)" : "(" + ds.map(render).joined(separator: ", ") + ")"
    }
}

/// Children of a typed expression, for bounded walks.
enum ExportWalk {
    static func children(_ e: TypedExpr) -> [TypedExpr] {
        switch e.kind {
        case .constant, .variable, .eye, .ones, .zeros, .delta, .reshapeDelta: return []
        case .entrywise(_, _, let x), .userEntrywise(_, _, let x), .opaque(_, _, let x), .reduce(_, let x),
             .negate(let x), .power(let x, _), .matrixPower(let x, _), .entrywisePower(let x, _), .transpose(let x),
             .indexed(let x, _):
            return [x]
        case .matrixFunction(_, let xs): return xs
        case .sum(let ts): return ts.map(\.expr)
        case .matmul(let a, let b), .scale(let a, let b), .divide(let a, let b), .hadamard(let a, let b),
             .hadamardDivide(let a, let b), .doubleDot(let a, let b, _):
            return [a, b]
        case .term(_, let fs): return fs.map(\.expr)
        }
    }
}
