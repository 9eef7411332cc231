/// The last pass over a raised expression: names for the forms a person recognizes.
///
/// - `sqrt(x'*x)`, `sqrt(sum(x.^2))` → `norm2(x)`, `sqrt(x'*A'*A*x)` → `norm2(A*x)`, `sqrt(A : A)` → `normF(A)`;
/// - `log(sum(exp(x)))` → `logsumexp(x)`, `sum(abs(A))` → `norm1(A)`, `exp(x)/sum(exp(x))` → `softmax(x)`;
/// - `relu'(x)` → `step(x)`, `exp'(x)` → `exp(x)`;
/// - `ones(r)*ones(c)'` → `ones(r, c)`.
extension RaisingContext {
    func polish(_ e: MatrixExpr) -> MatrixExpr {
        var x = rebuild(e)
        if case .transpose(let inner) = x, !structure.isEmpty, structure.has(.symmetric, StructureNode(inner, isScalar: isScalar)) {
            x = inner   // S' = S for a symmetric S
        }
        if let d = diagonalPart(x) { x = d }
        if case .product(let xs) = x { x = joinOnes(xs, shape(e)) }
        if case .power(let base, 0.5) = x { x = polish(.call(.entrywise(.sqrt), base)) }   // (x'*x)^0.5 = norm2(x)
        if case .divide(let a, let b) = x, let s = softmax(a, over: b) { x = s }
        guard case .call(let f, let d, let args) = x, args.count == 1 else { return x }
        let a = args[0]
        if let p = positiveCall(f, derivative: d, a) { return p }
        switch (f, d) {
        case (.entrywise(.relu), 1): return note(.call(.entrywise(.step), a), shape(x) ?? .scalar)
        case (.entrywise(.exp), _) where d > 0: return note(.call(.entrywise(.exp), a), shape(x) ?? .scalar)
        case (.entrywise(.sqrt), 0):
            if case .product(let xs) = a, xs.count == 2, case .transpose(let u) = xs[0], u == xs[1] {
                return .call(.reduction(.norm2), u)
            }
            if case .doubleDot(let p, let q) = a, p == q { return .call(.reduction(.normF), p) }
            if case .call(.reduction(.sum), 0, let s) = a, s.count == 1, case .entrywisePower(let u, 2) = s[0], let su = shape(u) {
                return .call(.reduction(su.cols == nil || su.rows == nil ? .norm2 : .normF), u)   // sqrt(sum(u.^2))
            }
            if case .product(let xs) = a, xs.count >= 4, xs.count % 2 == 0 {   // sqrt(x'*A'*A*x) = norm2(A*x)
                let right = product(Array(xs[(xs.count / 2)...]))
                if transpose(right) == product(Array(xs[..<(xs.count / 2)])), shape(right)?.cols == nil {
                    return .call(.reduction(.norm2), right)
                }
            }
            return x
        case (.entrywise(.log), 0):
            if case .call(.reduction(.sum), 0, let s) = a, s.count == 1, case .call(.entrywise(.exp), 0, let y) = s[0], y.count == 1 {
                return .call(.reduction(.logsumexp), y[0])
            }
            return x
        case (.reduction(.sum), 0):
            if case .call(.entrywise(.abs), 0, let y) = a, y.count == 1 { return .call(.reduction(.norm1), y[0]) }
            return x
        default:
            return x
        }
    }

    /// `exp(v)/sum(exp(v))` (times other factors) as `softmax(v)`, for a column vector v.
    private func softmax(_ a: MatrixExpr, over b: MatrixExpr) -> MatrixExpr? {
        guard case .call(.reduction(.sum), 0, let s) = b, s.count == 1, case .call(.entrywise(.exp), 0, let v) = s[0], v.count == 1,
              let sv = shape(v[0]), sv.rows != nil, sv.cols == nil else { return nil }
        let e = s[0]
        let soft = note(.call(.matrix(.softmax), v[0]), sv)
        switch a {
        case e: return soft
        case .hadamard(let xs) where xs.contains(e):
            var rest = xs
            rest.removeAll { $0 == e }
            return hadamard([soft] + rest)
        case .product(let xs) where xs.last == e && xs.dropLast().allSatisfy(isScalar):
            return product(Array(xs.dropLast()) + [soft])
        default: return nil
        }
    }

    /// `eye(n) .* A` (or `A' .* eye(n)`) as `Diag(diag(A))`, the Matrix Cookbook's spelling.
    private func diagonalPart(_ x: MatrixExpr) -> MatrixExpr? {
        guard case .hadamard(let xs) = x, xs.count == 2, let k = xs.firstIndex(where: { if case .identity = $0 { return true } else { return false } }),
              let s = shape(x), s.rows != nil, s.rows == s.cols else { return nil }
        var a = xs[1 - k]
        if case .transpose(let y) = a { a = y }   // diag(A') = diag(A)
        let d = note(.call(.matrix(.diag), a), RaisedShape(rows: s.rows, cols: nil))
        return note(.call(.matrix(.Diag), d), s)
    }

    /// A product with `ones(r)*ones(c)'` written `ones(r, c)`.
    private func joinOnes(_ xs: [MatrixExpr], _ s: RaisedShape?) -> MatrixExpr {
        var out: [MatrixExpr] = []
        for x in xs {
            if case .transpose(.ones(let c)) = x, c.count == 1, case .ones(let r)? = out.last, r.count == 1 {
                out[out.count - 1] = .ones(r + c)
            } else {
                out.append(x)
            }
        }
        let p: MatrixExpr = out.count == 1 ? out[0] : .product(out)
        if let s { note(p, s) }
        return p
    }

    /// `e` with its children polished (shapes carried over to the rebuilt node).
    private func rebuild(_ e: MatrixExpr) -> MatrixExpr {
        let out: MatrixExpr
        switch e {
        case .number, .symbol, .identity, .ones, .zeros: return e
        case .transpose(let x): out = .transpose(polish(x))
        case .negate(let x): out = .negate(polish(x))
        case .product(let xs): out = .product(xs.map(polish))
        case .hadamard(let xs): out = .hadamard(xs.map(polish))
        case .sum(let xs): out = .sum(xs.map(polish))
        case .hadamardDivide(let a, let b): out = .hadamardDivide(polish(a), polish(b))
        case .divide(let a, let b): out = .divide(polish(a), polish(b))
        case .doubleDot(let a, let b): out = .doubleDot(polish(a), polish(b))
        case .power(let x, let p): out = .power(polish(x), p)
        case .entrywisePower(let x, let p): out = .entrywisePower(polish(x), p)
        case .call(let f, let d, let xs): out = .call(f, derivative: d, xs.map(polish))
        }
        if out != e, let s = shape(e) { note(out, s) }
        return out
    }
}
