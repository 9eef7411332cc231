/// Turns a simplified derivative in index form into a ``DerivativeResult``: the result's name, its
/// Einstein form (with hoisted sub-sums), its matrix form when raising finds a certain one, the
/// program definitions it refers to, and the declarations that make printed programs self-contained.
struct DerivativePrinter {
    let program: LoweredProgram
    let wrt: String
    let kind: DerivativeKind
    let layout: Layout

    var typed: TypedProgram { program.typed }

    func result(_ e: IndexExpr) -> DerivativeResult {
        let names = Set(typed.names)
        var name = kind == .hessian ? "H" : "G"
        var n = 1
        while names.contains(name) { n += 1; name = (kind == .hessian ? "H" : "G") + String(n) }
        let taken = names.union([name])

        var text = EinsteinPrinter(format: .text, dims: typed.dims, taken: taken)
        let einstein = text.statement(name, e)
        var uni = EinsteinPrinter(format: .unicode, dims: typed.dims, taken: taken)
        let unicodeLine = uni.statement(name, e)
        let einsteinUnicode = (uni.hoisted.map(\.line) + [unicodeLine]).joined(separator: "\n")
        var tex = EinsteinPrinter(format: .latex, dims: typed.dims, taken: taken)
        let einsteinLatex = tex.statement(name, e)

        let raised = MatrixForms.raise(e, dims: typed.dims)
        return DerivativeResult(
            wrt: wrt, kind: kind, layout: layout,
            shape: e.free.map { typed.dims.resolve($0.dim) },
            index: e, name: name,
            matrix: raised?.text,
            einstein: einstein,
            vec: nil,
            definitions: definitionsUsed(by: e),
            einsteinDefinitions: text.hoisted.map(\.line),
            declarations: EinsteinPrinter.declarations(typed),
            latex: raised.map { "\(LaTeX.symbol(name)) = \($0.latex)" } ?? einsteinLatex,
            unicode: raised.map { "\(name) = \($0.unicode)" } ?? einsteinUnicode)
    }

    /// The program's definitions that the result refers to (directly or through other definitions),
    /// in program order, as written.
    func definitionsUsed(by e: IndexExpr) -> [(name: String, value: String)] {
        var lowered: [String: IndexExpr] = [:]
        for s in program.statements { if let n = s.name { lowered[n] = s.expr } }
        var needed = Set<String>()
        var stack = Array(e.tensorNames)
        while let n = stack.popLast() {
            guard let def = lowered[n], needed.insert(n).inserted else { continue }
            stack += def.tensorNames
        }
        var out: [(name: String, value: String)] = []
        for s in typed.program.statements {
            guard case .definition(let n, let ix, let value, _) = s, needed.contains(n) else { continue }
            let lhs = ix.map { "\(n)[\($0.map(\.name).joined(separator: ", "))]" } ?? n
            out.append((lhs, value.text))
        }
        return out
    }
}

extension IndexExpr {
    /// Every tensor name the expression mentions, nested arguments included.
    public var tensorNames: Set<String> {
        var out = Set<String>()
        for t in terms {
            for f in t.factors {
                switch f {
                case .tensor(let n, _): out.insert(n)
                case .delta, .reshape, .ones: break
                case .function(_, let a), .opaque(_, _, let a, _): out.formUnion(a.tensorNames)
                case .matrix(_, let args, _): for a in args { out.formUnion(a.tensorNames) }
                }
            }
        }
        return out
    }
}

/// The matrix forms of a result, when raising finds a certain one.
enum MatrixForms {
    static func raise(_ e: IndexExpr, dims: DimTable) -> (text: String, unicode: String, latex: String)? {
        nil
    }
}
