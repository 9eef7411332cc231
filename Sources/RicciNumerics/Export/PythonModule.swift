import Foundation
import Ricci

/// A NumPy or JAX module: `evaluate(**inputs)`, `random_inputs(seed=0, **sizes)` and
/// `check_gradient(seed=0, **sizes)`, with the derivation's results in its docstring.
struct PythonModule {
    let model: ExportModel
    let jax: Bool
    /// Whether evaluate walks Ricci's compiled plan (else the printed forms, step by step).
    var usePlan = true
    /// Set when the plan was used.
    var fromPlan = false

    init(_ model: ExportModel, jax: Bool, usePlan: Bool = true) {
        self.model = model
        self.jax = jax
        self.usePlan = usePlan
    }

    func dim(_ d: ExportDim) -> String { PythonExpr.render(d, model) }

    /// Sizes that no input's shape shows (only an opaque function's result): keyword arguments.
    var sizeArguments: [String] {
        var bound: Set<String> = []
        for i in model.inputs { for d in i.dims { if case .size(let n) = d { bound.insert(n) } } }
        return model.sizes.filter { !bound.contains($0) }
    }
    func shape(_ ds: [ExportDim]) -> String { ExportModel.shapeText(ds, dim) }
    /// The shape with the program's own size names (for messages and docs).
    func shapeNames(_ ds: [ExportDim]) -> String {
        ExportModel.shapeText(ds) { d in
            switch d {
            case .fixed(let n): return String(n)
            case .size(let n): return n
            case .product: return LoopSource.describe(d)
            }
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    mutating func render() throws -> String {
        var taken = Set(model.steps.map(\.id)).union(model.inputs.map(\.id)).union(model.sizeIDs.values)
        for f in model.functions { taken.formUnion([f.id, f.id + "_prime", f.id + "_prime2"]) }
        let cse = PythonCSE(taken: taken.union(ExportNames.reserved))
        for _ in 0..<8 {
            _ = try steps(cse)
            if cse.promote() == 0 { break }
        }
        cse.counting = false
        var (stepLines, helpers) = try steps(cse)
        var body = cse.renumbered(stepLines, avoiding: taken)
        var returns = model.outputs.map { ($0.key, $0.id) }
        // the compiled plan's steps, where the plan compiles (else the printed forms' steps above)
        if usePlan, var planned = try? PlanPython(model: model, jax: jax), let lines = try? planned.lines() {
            body = lines
            helpers = planned.helpers
            returns = planned.plan.outputs.map { ($0.name, planned.name($0.buffer)) }
            fromPlan = true
        }
        var lines: [String] = []
        lines.append(docstring())
        lines.append("import numpy as np")
        if jax {
            lines += ["import jax", "import jax.numpy as jnp", "", "xp = jnp  # the array namespace of every step"]
        } else {
            lines += ["", "xp = np  # the array namespace of every step"]
        }
        lines.append("")
        lines += tables()
        lines.append("")
        lines.append("")
        lines += evaluateFunction(body, returns: returns)
        lines.append("")
        lines.append("")
        lines.append(PythonSupport.randomInputs(self))
        lines.append("")
        lines.append("")
        let symmetric = model.inputs.filter { $0.dims.count == 2 && $0.properties.contains { $0 == .symmetric || $0 == .spd } }
        lines.append(PythonSupport.checkGradient(jax: jax, symmetric: symmetric.map(\.name)))
        lines.append("")
        lines.append("")
        lines.append(PythonSupport.common)
        for h in helpers.sorted() {
            guard let def = PythonFunctions.definition(h) else { continue }
            lines.append("")
            lines.append("")
            lines.append(def)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines of evaluate's steps, and the helpers they call.
    func steps(_ cse: PythonCSE) throws -> ([String], Set<String>) {
        var body: [String] = []
        var helpers: Set<String> = []
        var ranks: [String: Int] = [:]
        for i in model.inputs { ranks[i.id] = i.dims.count }
        for step in model.steps {
            var py = try PythonExpr(model: model, program: step.program, statement: step.statement, varRanks: ranks)
            py.cse = cse
            cse.pending = []
            let code = try py.statement(step.statement)
            helpers.formUnion(py.helpers)
            ranks[step.id] = step.statement.shape.count
            for line in cse.pending { body.append("    " + line) }
            if !step.formula.isEmpty {
                let own = step.statement.name == step.id
                body.append("    # " + (own ? "" : "\(step.id): ") + step.formula)
            }
            body.append("    \(step.id) = \(code.text)")
        }
        return (body, helpers)
    }

    func docstring() -> String {
        var d: [String] = []
        d.append("\"\"\"Value and derivatives of a Ricci program, exported by `ricci export --to \(jax ? "jax" : "numpy")`.")
        d.append("")
        d.append("Program:")
        for line in model.source.split(separator: "\n") { d.append("    " + line.trimmingCharacters(in: .whitespaces)) }
        d.append("")
        d.append("Derived by Ricci:")
        for r in model.results {
            let key = (r.kind == .hessian ? "hessian_" : "grad_") + r.wrt
            d.append("    \(key) = \(r.matrix ?? r.einstein)")
            for def in r.intermediates where !def.fromProgram {
                d.append("      where \(def.name) = \(def.matrix ?? def.einstein.joined(separator: "; "))")
            }
            if r.matrix != nil { d.append("      (Einstein: \(r.einstein))") }
        }
        d.append("")
        d.append(fromPlan
                 ? "evaluate's steps are those of Ricci's compiled plan (shared subexpressions, product order, fused entrywise\nexpressions; planned at distinct prime sizes for the dimensions, valid at any size), one line per step."
                 : "evaluate's steps are the program's definitions, then each derivative's intermediates and result as printed.")
        d.append("")
        d.append("evaluate(**inputs) takes, by keyword:")
        for i in model.inputs {
            d.append("    \(i.name): \(i.typeText) -- an array of shape \(shapeNames(i.dims))")
        }
        for f in model.functions {
            for k in f.derivatives.sorted() {
                let what = f.opaque ? (k == 0 ? "the function \(f.name) (an array in, an array of shape \(shapeNames(f.result)) out)"
                                       : "its Jacobian \(f.name)' (an array of shape \(shapeNames(f.result + f.argument)))")
                                    : (k == 0 ? "a callable applied entry by entry" : "its derivative \(f.name)\(String(repeating: "'", count: k))")
                d.append("    \(f.id(derivative: k)): \(what)")
            }
        }
        d.append("and returns a dict:")
        for o in model.outputs {
            d.append("    \(o.key): \(o.what), shape \(shapeNames(o.dims))")
        }
        if jax {
            d.append("")
            d.append("The steps have no Python-side data-dependent control flow: `jax.jit(lambda **a: evaluate(**a, **functions))`")
            d.append("compiles them, and they run sharded when the inputs are sharded. For float64, enable")
            d.append("`jax.config.update(\"jax_enable_x64\", True)` before creating arrays.")
        }
        d.append("\"\"\"")
        return d.joined(separator: "\n")
    }

    func tables() -> [String] {
        var t: [String] = []
        t.append("# input name -> (declared type, shape in the program's sizes, properties)")
        t.append("INPUTS = {")
        for i in model.inputs {
            let props = i.properties.map { Self.quoted($0.rawValue) + "," }.joined(separator: " ")
            t.append("    \(Self.quoted(i.name)): (\(Self.quoted(i.typeText)), \(Self.quoted(shapeNames(i.dims))), (\(props))),")
        }
        t.append("}")
        t.append("# function argument -> what it is")
        t.append("FUNCTIONS = {")
        for f in model.functions {
            for k in f.derivatives.sorted() {
                let what = f.opaque ? (k == 0 ? "the opaque function \(f.name), returning an array of shape \(shapeNames(f.result))"
                                       : "the Jacobian \(f.name)', returning an array of shape \(shapeNames(f.result + f.argument))")
                                    : (k == 0 ? "the elementwise function \(f.name) (a callable applied entry by entry)"
                                       : "the derivative \(f.name)\(String(repeating: "'", count: k)) (a callable applied entry by entry)")
                t.append("    \(Self.quoted(f.id(derivative: k))): \(Self.quoted(what)),")
            }
        }
        t.append("}")
        t.append("# sizes that no input shows, given by keyword (an int each)")
        t.append("SIZE_ARGS = (" + sizeArguments.map { Self.quoted($0) + "," }.joined(separator: " ") + ")")
        t.append("SIZES = (" + model.sizes.map { Self.quoted($0) + "," }.joined(separator: " ") + ")")
        t.append("WRT = (" + model.wrt.map { Self.quoted($0) + "," }.joined(separator: " ") + ")")
        return t
    }

    func evaluateFunction(_ body: [String], returns: [(String, String)]) -> [String] {
        var l: [String] = []
        l.append("def evaluate(*args, **inputs):")
        l.append("    \"\"\"The value" + (model.hessian ? ", gradients and Hessians" : " and derivatives")
                 + " (see the module's docstring); inputs by keyword.\"\"\"")
        l.append("    _check_arguments(args, inputs)")
        for i in model.inputs { l.append("    \(i.id) = _array(inputs, \(Self.quoted(i.name)), \(i.dims.count))") }
        var bound: Set<String> = []
        for i in model.inputs {
            for (a, d) in i.dims.enumerated() {
                guard case .size(let n) = d, !bound.contains(n) else { continue }
                bound.insert(n)
                l.append("    \(model.sizeIDs[n] ?? n) = \(i.id).shape[\(a)]")
            }
        }
        for n in sizeArguments { l.append("    \(model.sizeIDs[n] ?? n) = _size(inputs, \(Self.quoted(n)))") }
        for i in model.inputs { l.append("    _check_shape(\(Self.quoted(i.name)), \(i.id), \(shape(i.dims)))") }
        for f in model.functions {
            for k in f.derivatives.sorted() {
                l.append("    \(f.id(derivative: k)) = _function(inputs, \(Self.quoted(f.id(derivative: k))))")
            }
        }
        l += body
        let dict = returns.map { "\(Self.quoted($0.0)): \($0.1)" }.joined(separator: ", ")
        l.append("    return {\(dict)}")
        return l
    }
}
