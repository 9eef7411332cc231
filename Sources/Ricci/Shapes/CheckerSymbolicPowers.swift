/// Powers with a symbolic exponent (`a^b`, `x.^p`, `X.^P`): checked as `exp(b .* log(a))`, the
/// definition of a real power with a positive base, so that lowering, differentiation
/// (∂/∂b = log(a) .* a.^b, ∂/∂a = b .* a.^b ./ a), evaluation and raising need nothing new; the
/// printers write the power back (``SymbolicPowers``).
extension TypeChecker {
    func symbolicPower(_ op: Expr.BinaryOp, _ a: Expr, _ base: TypedExpr, _ b: Expr,
                       at loc: SourceLocation) throws -> TypedExpr {
        let exponent = try checkFactor(b)
        if op == .power && !isScalar(base.shape) {
            throw RicciError(.value, "a matrix power needs an integer exponent written as a number, found \(b.text) "
                + "(use .^ for an entrywise power)", at: b.location)
        }
        if op == .power && !isScalar(exponent.shape) {
            throw RicciError(.shape, "the exponent of ^ must be a scalar; \(b.text) is \(dims.describe(exponent.shape))",
                             at: b.location)
        }
        // exp(b .* log(a)); `.*` with a scalar operand is a scaling, with an operand of a's shape
        // entrywise. Built from the operands already checked: checking the rewritten expression
        // checked a and b a second time, so a tower of d powers took 2^d steps.
        // (Operands with indices go through the term checker, which decides their indices.)
        let indexed = [base, exponent].contains { $0.isIndexed || Self.occurrences($0).count > 0 }
        guard !indexed else {
            let log = Expr(.call(EntrywiseFunction.log.rawValue, [a], derivative: 0), at: a.location)
            let product = Expr(.binary(.hadamard, b, log), at: loc)
            return try checkFactor(Expr(.call(EntrywiseFunction.exp.rawValue, [product], derivative: 0), at: loc))
        }
        var log = TypedExpr(.entrywise(.log, derivative: 0, base), shape: base.shape, at: a.location)
        log.free = base.free
        let product = try binary(.hadamard, exponent, log, at: loc, lhsText: b.render(2), rhsText: "log(\(a.text))")
        var out = TypedExpr(.entrywise(.exp, derivative: 0, product), shape: product.shape, at: loc)
        out.free = product.free
        return out
    }
}
