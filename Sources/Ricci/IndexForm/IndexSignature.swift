/// Compact structural descriptions of index forms, for sorting and comparing (much faster than
/// reflection-based `String(describing:)`). Indices in `hidden` are written `_`.
extension Index {
    func signature(_ hidden: Set<Index>) -> String { hidden.contains(self) ? "_" : String(id) }
}

extension ScalarFunction {
    var signature: String {
        switch self {
        case .builtin(let f, let d): return f.rawValue + String(repeating: "'", count: d)
        case .user(let n, let d): return "u:" + n + String(repeating: "'", count: d)
        case .power(let p): return "^" + String(p)
        case .identity: return "()"
        }
    }
}

extension Factor {
    /// The factor's structure; nested arguments are described in full.
    func signature(_ hidden: Set<Index> = []) -> String {
        func ix(_ xs: [Index]) -> String { xs.map { $0.signature(hidden) }.joined(separator: ",") }
        switch self {
        case .tensor(let n, let i): return "t:\(n)[\(ix(i))]"
        case .delta(let a, let b): return "d[\(ix([a, b]))]"
        case .reshape(let c, let a, let b): return "r[\(ix([c, a, b]))]"
        case .ones(let i): return "1[\(ix(i))]"
        case .function(let g, let a): return "f:\(g.signature){\(a.signature(hidden))}"
        case .opaque(let n, let d, let a, let i): return "o:\(n)\(d)[\(ix(i))]{\(a.signature())}"
        case .matrix(let m, let args, let i): return "m:\(m.rawValue)[\(ix(i))]{\(args.map { $0.signature() }.joined(separator: ";"))}"
        }
    }
}

extension Term {
    func signature(_ hidden: Set<Index> = []) -> String {
        String(coefficient) + "*" + factors.map { $0.signature(hidden) }.joined(separator: "*")
    }
}

extension IndexExpr {
    func signature(_ hidden: Set<Index> = []) -> String {
        "[" + free.map { $0.signature(hidden) }.joined(separator: ",") + "]" + terms.map { $0.signature(hidden) }.joined(separator: "+")
    }
}
