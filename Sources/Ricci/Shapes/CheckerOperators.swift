import Foundation

/// Operators of matrix notation: products, division, Hadamard, `:`, powers, transposes.
extension TypeChecker {
    /// Checks one factor of a chain (anything but the chain operators themselves).
    func checkFactor(_ e: Expr) throws -> TypedExpr {
        switch e.kind {
        case .number(let v): return TypedExpr(.constant(v), shape: [], at: e.location)
        case .name(let n): return try variable(n, at: e.location)
        case .sum: return try check(e, .nested)
        case .negate: return try checkTerm(e, .nested)
        case .binary(let op, let a, let b):
            if op == .power || op == .entrywisePower { return try power(op, a, b, at: e.location) }
            return try checkTerm(e, .nested)
        case .transpose(let inner):
            let x = try checkFactor(inner)
            guard !x.isIndexed else {
                throw RicciError(.index, "an indexed entry is a number and has no transpose; swap its indices instead", at: e.location)
            }
            guard let (r, c) = matrixView(x.shape) else {
                throw RicciError(.shape, "transpose needs a vector or a matrix; \(inner.text) is \(dims.describe(x.shape))", at: e.location)
            }
            return TypedExpr(.transpose(x), shape: canonical(c, r), at: e.location)
        case .index(let base, let idx): return try checkIndex(base, idx, at: e.location)
        case .delta(let i, let j): return try checkDelta(i, j, at: e.location)
        case .reshapeDelta(let c, let i, let j): return try checkReshapeDelta(c, i, j, at: e.location)
        case .call(let f, let args, let d): return try checkCall(f, args, derivative: d, at: e.location)
        }
    }

    /// The value of a constant expression (numbers, signs, arithmetic), if it is one.
    func constantValue(_ e: Expr) -> Double? {
        switch e.kind {
        case .number(let v): return v
        case .negate(let x): return constantValue(x).map { -$0 }
        case .sum(let ts):
            var s = 0.0
            for t in ts {
                guard let v = constantValue(t.expr) else { return nil }
                s += t.negated ? -v : v
            }
            return s
        case .binary(let op, let a, let b):
            guard let x = constantValue(a), let y = constantValue(b) else { return nil }
            switch op {
            case .product, .hadamard: return x * y
            case .divide, .hadamardDivide: return x / y
            case .power, .entrywisePower: return pow(x, y)
            case .doubleDot: return x * y
            }
        default: return nil
        }
    }

    /// The largest |p| of a matrix power `X^p`.
    public static let maxMatrixPower = 64

    func power(_ op: Expr.BinaryOp, _ a: Expr, _ b: Expr, at loc: SourceLocation) throws -> TypedExpr {
        let base = try checkFactor(a)
        guard let p = constantValue(b) else { return try symbolicPower(op, a, base, b, at: loc) }
        guard p.isFinite else {
            throw RicciError(.value, "the exponent of \(op.rawValue) must be a finite number, found \(b.text)", at: b.location)
        }
        var out: TypedExpr
        if op == .entrywisePower {
            out = TypedExpr(.entrywisePower(base, p), shape: base.shape, at: loc)
        } else if isScalar(base.shape) {
            out = TypedExpr(.power(base, p), shape: base.shape, at: loc)
        } else {
            guard base.shape.count == 2, dims.unify(base.shape[0], base.shape[1]) else {
                throw RicciError(.shape, "^ needs a scalar or a square matrix; \(a.text) is \(dims.describe(base.shape)) "
                    + "(use .^ for an entrywise power)", at: loc)
            }
            // A matrix power is lowered as a product of |p| factors, and its derivatives have |p| terms
            // of |p| factors (|p|² for a Hessian): the bound keeps them within the budgets.
            guard p == p.rounded(), abs(p) <= Double(TypeChecker.maxMatrixPower) else {
                throw RicciError(p == p.rounded() ? .limit : .value, "a matrix power needs an integer exponent "
                    + "(|p| ≤ \(TypeChecker.maxMatrixPower)), found \(formatNumber(p))", at: b.location)
            }
            out = TypedExpr(.matrixPower(base, Int(p)), shape: base.shape, at: loc)
        }
        out.free = base.free
        return out
    }

    /// A binary operator of level 2 on non-indexed operands.
    func binary(_ op: Expr.BinaryOp, _ a: TypedExpr, _ b: TypedExpr, at loc: SourceLocation,
                lhsText an: String, rhsText bn: String) throws -> TypedExpr {
        switch op {
        case .product:
            if isScalar(a.shape) { return TypedExpr(.scale(a, b), shape: b.shape, at: loc) }
            if isScalar(b.shape) { return TypedExpr(.scale(b, a), shape: a.shape, at: loc) }
            guard let (r, k1) = matrixView(a.shape), let (k2, c) = matrixView(b.shape) else {
                let t = a.shape.count > 2 ? an : bn
                throw RicciError(.shape, "the matrix product * needs vectors or matrices, but \(t) is "
                    + "\(dims.describe(a.shape.count > 2 ? a.shape : b.shape)); use ':' or Einstein notation", at: loc)
            }
            guard dims.unify(k1, k2) else {
                throw RicciError(.shape, "matrix product \(an)*\(bn): \(an) is \(dims.describe(a.shape)) and \(bn) is "
                    + "\(dims.describe(b.shape)); the columns of \(an) (\(dims.resolve(k1))) must equal the rows of \(bn) "
                    + "(\(dims.resolve(k2)))", at: loc)
            }
            return TypedExpr(.matmul(a, b), shape: canonical(r, c), at: loc)
        case .divide:
            guard isScalar(b.shape) else {
                throw RicciError(.shape, "/ divides by a scalar, but \(bn) is \(dims.describe(b.shape)) (use ./ for entrywise division "
                    + "or inv(...) for a matrix inverse)", at: loc)
            }
            return TypedExpr(.divide(a, b), shape: a.shape, at: loc)
        case .hadamard, .hadamardDivide:
            let name = op == .hadamard ? "Hadamard product .*" : "entrywise division ./"
            if isScalar(b.shape) {
                return op == .hadamard ? TypedExpr(.scale(b, a), shape: a.shape, at: loc) : TypedExpr(.divide(a, b), shape: a.shape, at: loc)
            }
            if isScalar(a.shape) {
                return op == .hadamard ? TypedExpr(.scale(a, b), shape: b.shape, at: loc)
                    : TypedExpr(.hadamardDivide(a, b), shape: b.shape, at: loc)
            }
            try unifyShapes(a.shape, b.shape, what: "\(name) needs operands of the same shape", left: an, right: bn, at: loc)
            return TypedExpr(op == .hadamard ? .hadamard(a, b) : .hadamardDivide(a, b), shape: a.shape, at: loc)
        case .doubleDot:
            guard !a.shape.isEmpty, !b.shape.isEmpty else {
                throw RicciError(.shape, "the double-dot product ':' needs vectors, matrices or tensors on both sides; "
                    + "\(a.shape.isEmpty ? an : bn) is a scalar", at: loc)
            }
            let k = (a.shape.count == 1 || b.shape.count == 1) ? 1 : 2
            let left = Array(a.shape.suffix(k)), right = Array(b.shape.prefix(k))
            for (p, q) in zip(left, right) where !dims.unify(p, q) {
                throw RicciError(.shape, "double-dot product ':' contracts the last \(k == 2 ? "two axes" : "axis") of the left side "
                    + "with the first \(k == 2 ? "two" : "one") of the right: \(an) is \(dims.short(a.shape)), \(bn) is "
                    + "\(dims.short(b.shape)); \(dims.resolve(p)) does not match \(dims.resolve(q))", at: loc)
            }
            return TypedExpr(.doubleDot(a, b, count: k), shape: Array(a.shape.dropLast(k)) + Array(b.shape.dropFirst(k)), at: loc)
        case .power, .entrywisePower:
            throw RicciError(.syntax, "internal: power in a product chain", at: loc)
        }
    }
}
