import Foundation

/// Prints a parsed expression back in the input notation (parenthesized only where precedence needs it).
extension Expr {
    /// The expression as source text.
    public var text: String { render(0) }

    /// Precedence levels: 1 sum, 2 product, 3 negation, 4 power, 5 postfix/atoms.
    var level: Int {
        switch kind {
        case .sum: return 1
        case .binary(let op, _, _): return op == .power || op == .entrywisePower ? 4 : 2
        case .negate: return 3
        case .number(let v): return v < 0 ? 3 : 5
        default: return 5
        }
    }

    func render(_ context: Int) -> String {
        let s: String
        switch kind {
        case .number(let v): s = formatNumber(v)
        case .name(let n): s = n
        case .call(let f, let args, let d):
            s = f + String(repeating: "'", count: d) + "(" + args.map { $0.render(0) }.joined(separator: ", ") + ")"
        case .negate(let e): s = "-" + e.render(3)
        case .sum(let terms):
            var out = ""
            for (k, t) in terms.enumerated() {
                if k == 0 { out += (t.negated ? "-" : "") + t.expr.render(t.negated ? 3 : 1) }
                else { out += (t.negated ? " - " : " + ") + t.expr.render(2) }
            }
            s = out
        case .binary(let op, let a, let b):
            switch op {
            case .power, .entrywisePower: s = a.render(5) + op.rawValue + b.render(5)
            case .doubleDot: s = a.render(2) + " : " + b.render(3)
            default: s = a.render(2) + op.rawValue + b.render(3)
            }
        case .transpose(let e): s = e.render(5) + "'"
        case .index(let e, let idx): s = e.render(5) + "[" + idx.map(\.name).joined(separator: ", ") + "]"
        case .delta(let i, let j): s = "delta[\(i.name), \(j.name)]"
        case .reshapeDelta(let c, let i, let j): s = "delta[\(c.name), \(i.name), \(j.name)]"
        }
        return level < context ? "(" + s + ")" : s
    }
}

/// A number as the language writes it: integers without a decimal point, others in shortest form,
/// with float noise such as 0.010000000000000002 shown as 0.01 (15 significant digits).
public func formatNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    let full = "\(v)"
    guard v.isFinite else { return full }
    let short = String(format: "%.15g", v)
    return short.count + 3 <= full.count ? short : full
}
