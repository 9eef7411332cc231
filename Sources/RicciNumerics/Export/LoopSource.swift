import Foundation
import Ricci

/// The languages written with explicit loops and sizes: C99 with CBLAS, and Swift.
enum LoopLanguage { case c, swift }

/// A C or Swift source file with one function computing the value and derivatives: sizes as
/// arguments, arrays row-major, every size and array checked before anything is computed.
struct LoopSource {
    let model: ExportModel
    let language: LoopLanguage
    let name: String
    /// C: walk Ricci's compiled plan where it compiles.
    var usePlan = true
    var fromPlan = false
    /// Why the plan was not used (when it failed to compile).
    var planReason: String?

    init(_ model: ExportModel, language: LoopLanguage, name: String, usePlan: Bool = true) {
        self.model = model
        self.language = language
        self.name = name
        self.usePlan = usePlan
    }

    var c: Bool { language == .c }

    /// A size in the program's own names: `n`, `3`, `n*d`.
    static func describe(_ d: ExportDim) -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .size(let n): return n
        case .product(let a, let b): return "\(describe(a))*\(describe(b))"
        }
    }

    func sizeText(_ ds: [ExportDim]) -> String { ds.isEmpty ? "a scalar" : ds.map(LoopSource.describe).joined(separator: "*") + " doubles, row-major (" + ds.map(LoopSource.describe).joined(separator: ", ") + ")" }

    mutating func render() throws -> String {
        var body: [String] = []
        var temps: [String] = []
        var arrays: [(String, String, [String])] = []
        var helpers: Set<String> = []
        var results: [(String, String)] = []
        var planned: PlanLoops?
        var lines: [String] = []
        if usePlan {
            do {
                var p = try PlanLoops(model: model, language: language, function: name)
                lines = try p.lines()
                planned = p
            } catch {
                planReason = "\(error)"
            }
        }
        if let planned {
            // Ricci's compiled plan: one statement per step
            body = lines
            helpers = planned.helpers
            for b in planned.walk.written {
                let id = planned.walk.name(b)
                temps.append(id)
                arrays.append((id, try planned.count(b), try planned.dims(b)))
            }
            for (key, b) in planned.walk.outputs {
                let scalar = model.outputs.first { $0.key == key }?.dims.isEmpty ?? true
                results.append((key, scalar ? "\(planned.walk.name(b))[0]" : planned.walk.name(b)))
            }
            fromPlan = true
        } else {
            // the printed forms, step by step (programs the plan cannot compile)
            var em = LoopEmitter(model: model, language: language)
            for i in model.inputs {
                em.env[i.id] = i.dims.isEmpty ? .scalar(i.id) : LoopValue(code: i.id, dims: i.dims.map(em.size))
            }
            for step in model.steps {
                em.lines = []
                if !step.formula.isEmpty {
                    let own = step.statement.name == step.id
                    body.append("    " + (c ? "/* " : "// ") + (own ? "" : "\(step.id): ") + step.formula + (c ? " */" : ""))
                }
                try em.statement(step.statement, program: step.program, id: step.id)
                body += em.lines
            }
            temps = em.temps
            helpers = em.helpers
            results = model.outputs.map { ($0.key, $0.id) }
        }
        var pending = Array(helpers)
        while let h = pending.popLast() {
            for d in PlanLoopRoutines.dependencies(h, language) where !helpers.contains(d) {
                helpers.insert(d)
                pending.append(d)
            }
        }
        var out: [String] = []
        out.append(header())
        out.append(c ? "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <cblas.h>"
                     : "import Foundation")
        out.append("")
        if c {
            out.append("static double *rc_alloc(long n) { return calloc((size_t)n, sizeof(double)); }")
        } else {
            out.append("fileprivate struct RicciExportError: Error, CustomStringConvertible {\n    let message: String\n    var description: String { message }\n}")
        }
        // the scalar helpers first (derivatives call them), then the derivatives, then the routines
        for h in helpers.sorted(by: { (rank($0), $0) < (rank($1), $1) }) {
            if let def = LoopFunctions.definition(h, language) ?? PlanLoopRoutines.definition(h, language) { out.append(def) }
        }
        out.append("")
        out += try function(body, temps: temps, arrays: arrays, results: results)
        return out.joined(separator: "\n") + "\n"
    }

    func rank(_ helper: String) -> Int {
        if ["rc_solve", "rc_determinant"].contains(helper) { return 3 }
        if ["rc_matpow", "rc_inv", "rc_det"].contains(helper) { return 4 }
        return helper.hasPrefix("rc_d") ? 1 : ["rc_sigmoid", "rc_step", "rc_sign"].contains(helper) ? 0 : 2
    }

    /// The parameters: (declaration, documentation) pairs.
    func parameters() -> [(String, String)] {
        var ps: [(String, String)] = []
        for n in model.sizes {
            let id = model.sizeIDs[n] ?? n
            ps.append((c ? "long \(id)" : "\(id): Int", "the size \(n)"))
        }
        for i in model.inputs {
            let decl = i.dims.isEmpty ? (c ? "double \(i.id)" : "\(i.id): Double") : (c ? "const double *\(i.id)" : "\(i.id): [Double]")
            ps.append((decl, "\(i.name): \(i.typeText), \(sizeText(i.dims))"))
        }
        for f in model.functions {
            for k in f.derivatives.sorted() {
                let id = f.id(derivative: k)
                if f.opaque {
                    let dims = k == 0 ? f.result : f.result + f.argument
                    ps.append((c ? "void (*\(id))(const double *arg, double *out)" : "\(id): ([Double]) -> [Double]",
                               (k == 0 ? "the function \(f.name)" : "its Jacobian \(f.name)'") + ": writes \(sizeText(dims))"))
                } else {
                    ps.append((c ? "double (*\(id))(double)" : "\(id): (Double) -> Double",
                               k == 0 ? "the elementwise function \(f.name)" : "its derivative \(f.name)" + String(repeating: "'", count: k)))
                }
            }
        }
        if c {
            for o in model.outputs {
                ps.append(("double *out_\(o.key)", "out: \(o.what), \(o.dims.isEmpty ? "1 double" : sizeText(o.dims))"))
            }
        }
        return ps
    }

    func header() -> String {
        let cm = "// "
        var h: [String] = []
        h.append(cm + "\(name): value and derivatives of a Ricci program, exported by `ricci export --to \(c ? "c" : "swift")`.")
        h.append(cm.trimmingCharacters(in: .whitespaces))
        h.append(cm + "Program:")
        for line in model.source.split(separator: "\n") { h.append(cm + "    " + line.trimmingCharacters(in: .whitespaces)) }
        h.append(cm + "Derived by Ricci:")
        for r in model.results {
            h.append(cm + "    " + (r.kind == .hessian ? "hessian_" : "grad_") + r.wrt + " = " + (r.matrix ?? r.einstein))
            for def in r.intermediates where !def.fromProgram {
                h.append(cm + "      where \(def.name) = \(def.matrix ?? def.einstein.joined(separator: "; "))")
            }
        }
        h.append(cm.trimmingCharacters(in: .whitespaces))
        h.append(cm + (fromPlan ? "Steps: Ricci's compiled plan (shared subexpressions, product order, fused entrywise loops; planned"
                                  + " at distinct prime sizes, valid at any size), one statement per step."
                                : "Steps: the program's definitions, then each derivative's intermediates and result as printed"
                                  + (planReason.map { " (Ricci's compiled plan does not take this program: \($0))." } ?? ".")))
        h.append(cm.trimmingCharacters(in: .whitespaces))
        h.append(cm + "Signature:")
        let ps = parameters()
        if c {
            h.append(cm + "    int \(name)(")
        } else {
            let ret = model.outputs.map { "\($0.key): \($0.dims.isEmpty ? "Double" : "[Double]")" }.joined(separator: ", ")
            h.append(cm + "    func \(name)(...) throws -> (\(ret))")
        }
        for (k, p) in ps.enumerated() {
            h.append(cm + "        \(p.0)\(k == ps.count - 1 ? (c ? ");" : "") : ",")"
                     + String(repeating: " ", count: max(1, 44 - p.0.count)) + "# \(p.1)")
        }
        if c {
            h.append(cm + "Returns 0; 1 for a bad size or a NULL argument, 2 when out of memory, 3 for a singular matrix")
            h.append(cm + "(or an spd one that is not positive definite, or logdet of det <= 0), each with a message on")
            h.append(cm + "stderr. Arrays are row-major; the caller allocates outputs.")
            h.append(cm + "Build: cc -O2 -std=c99 -c FILE.c, and link with -lopenblas -lm (OpenBLAS's CBLAS and LAPACK).")
        } else {
            for o in model.outputs where !o.dims.isEmpty {
                h.append(cm + "    \(o.key): \(o.what), \(sizeText(o.dims))")
            }
            h.append(cm + "Throws a RicciExportError naming the argument for a bad size or array length, and for a singular matrix.")
        }
        return h.joined(separator: "\n")
    }

    /// The function: checks, allocations (`arrays`: the plan's buffers and their counts), steps, results.
    func function(_ body: [String], temps: [String], arrays: [(String, String, [String])], results: [(String, String)]) throws -> [String] {
        var l: [String] = []
        let ps = parameters().map(\.0)
        if c {
            l.append("int \(name)(" + ps.joined(separator: ", ") + ") {")
            l.append("    int status = 0;")
            if !temps.isEmpty { l.append("    double " + temps.map { "*\($0) = NULL" }.joined(separator: ", ") + ";") }
        } else {
            let ret = model.outputs.map { "\($0.key): \($0.dims.isEmpty ? "Double" : "[Double]")" }.joined(separator: ", ")
            l.append("func \(name)(" + ps.joined(separator: ", ") + ") throws -> (\(ret)) {")
        }
        l += checks()
        // every intermediate too must be countable with int (BLAS and LAPACK), checked before anything is allocated
        for (id, _, dims) in arrays where dims.count > 1 {
            if c {
                let dbl = dims.map { "(double)" + $0 }.joined(separator: " * ")
                l.append("    if (\(dbl) > 2147483647.0) { fprintf(stderr, \"\(name): the intermediate \(id) would have more than 2^31-1 entries\\n\"); return 1; }")
            } else {
                let dbl = dims.map { "Double(\($0))" }.joined(separator: " * ")
                l.append("    guard \(dbl) <= 2147483647.0 else { throw RicciExportError(message: \"\(name): the intermediate \(id) would have more than 2^31-1 entries\") }")
            }
        }
        for (id, n, _) in arrays {
            l.append(c ? "    \(id) = rc_alloc(\(n)); if (!\(id)) goto nomem;" : "    var \(id) = [Double](repeating: 0, count: \(n))")
        }
        l += body
        if c {
            for (key, code) in results {
                if model.outputs.first(where: { $0.key == key })?.dims.isEmpty ?? true {
                    l.append("    *out_\(key) = \(code);")
                } else if let o = model.outputs.first(where: { $0.key == key }) {
                    let n = LoopEmitter.count(o.dims.map { LoopEmitter(model: model, language: language).size($0) })
                    l.append("    memcpy(out_\(key), \(code), (size_t)(\(n)) * sizeof(double));")
                }
            }
            l.append("    goto done;")
            let text = body.joined(separator: "\n")
            if text.contains("goto nomem") || !arrays.isEmpty {
                l.append("nomem:")
                l.append("    fprintf(stderr, \"\(name): out of memory\\n\");")
                l.append("    status = 2;")
                l.append("    goto done;")
            }
            if text.contains("goto singular") {
                l.append("singular:")
                l.append("    fprintf(stderr, \"\(name): \(fromPlan ? PlanLoops.singularMessage : "a matrix to invert is singular")\\n\");")
                l.append("    status = 3;")
            }
            l.append("done:")
            for t in temps { l.append("    free(\(t));") }
            l.append("    return status;")
        } else {
            l.append("    return (" + results.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + ")")
        }
        l.append("}")
        return l
    }

    /// Size and argument checks, before anything is computed.
    func checks() -> [String] {
        var l: [String] = []
        let em = LoopEmitter(model: model, language: language)
        for n in model.sizes {
            let id = model.sizeIDs[n] ?? n
            if c {
                l.append("    if (\(id) < 1 || \(id) > 100000000L) { fprintf(stderr, \"\(name): the size \(n) must be between 1 and 100000000, got %ld\\n\", \(id)); return 1; }")
            } else {
                l.append("    guard \(id) >= 1 && \(id) <= 100_000_000 else { throw RicciExportError(message: \"\(name): the size \(n) must be between 1 and 100000000, got \\(\(id))\") }")
            }
        }
        let counted = model.inputs.filter { !$0.dims.isEmpty }.map { ($0.id, $0.name + ": " + $0.typeText, $0.dims) }
            + model.outputs.filter { !$0.dims.isEmpty }.map { ("out_" + $0.key, $0.key, $0.dims) }
        for (id, what, dims) in counted {
            let n = LoopEmitter.count(dims.map(em.size))
            let d = dims.map(LoopSource.describe).joined(separator: "*")
            if c {
                let dbl = dims.map { "(double)" + em.size($0) }.joined(separator: " * ")
                l.append("    if (\(dbl) > 2147483647.0) { fprintf(stderr, \"\(name): \(what) would have more than 2^31-1 entries (BLAS and LAPACK count with int)\\n\"); return 1; }")
                l.append("    if (!\(id)) { fprintf(stderr, \"\(name): \(what) (\(d) doubles) is NULL\\n\"); return 1; }")
            } else if !id.hasPrefix("out_") {
                l.append("    guard \(id).count == \(n) else { throw RicciExportError(message: \"\(name): \(what) must have \(d) = \\(\(n)) entries (row-major), got \\(\(id).count)\") }")
            }
        }
        if c {
            for f in model.functions {
                for k in f.derivatives.sorted() {
                    l.append("    if (!\(f.id(derivative: k))) { fprintf(stderr, \"\(name): the function \(f.id(derivative: k)) is NULL\\n\"); return 1; }")
                }
            }
        }
        return l
    }
}
