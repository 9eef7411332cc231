/// Entrywise functions of a value known to be positive (``StructureFacts``: declared `positive`,
/// `exp(...)`, sums and products of positives...) written plainly: `abs(P)` and `relu(P)` are `P`,
/// `sign(P)` and `step(P)` are ones of P's shape.
extension RaisingContext {
    /// The simpler form of `f(a)` for a positive `a`, or nil.
    func positiveCall(_ f: MatrixCallee, derivative d: Int, _ a: MatrixExpr) -> MatrixExpr? {
        guard d == 0, case .entrywise(let g) = f, !structure.isEmpty,
              structure.has(.positive, StructureNode(a, isScalar: isScalar)) else { return nil }
        switch g {
        case .abs, .relu: return a
        case .sign, .step:
            guard let s = shape(a) else { return nil }
            if s.isScalar { return .number(1) }
            guard let r = s.rows.flatMap(printable) else { return nil }
            guard let c = s.cols else { return note(.ones([r]), s) }
            guard let cp = printable(c) else { return nil }
            return note(.ones([r, cp]), s)
        default: return nil
        }
    }
}
