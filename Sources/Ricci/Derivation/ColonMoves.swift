/// Moving factors across the double-dot product, one identity at a time, until the differential
/// stands alone on the right of `:` (the Matrix Cookbook's rules, as a person uses them):
/// A:(BC) = (BᵀA):C = (ACᵀ):B, A:(B⊙C) = (A⊙B):C, A:Bᵀ = Aᵀ:B, A:(Γ:dW) = (A:Γ):dW.
struct ColonMoves {
    let ctx: RaisingContext
    /// Names of differentials (`dW`, `dE`): the right side is reduced until it is one of them.
    let differentials: Set<String>

    /// Whether `e` mentions a differential.
    func holds(_ e: MatrixExpr) -> Bool {
        switch e {
        case .symbol(let s): return differentials.contains(s)
        case .number, .identity, .ones, .zeros: return false
        case .transpose(let x), .negate(let x), .power(let x, _), .entrywisePower(let x, _): return holds(x)
        case .product(let xs), .hadamard(let xs), .sum(let xs), .call(_, _, let xs): return xs.contains(where: holds)
        case .hadamardDivide(let a, let b), .divide(let a, let b), .doubleDot(let a, let b): return holds(a) || holds(b)
        }
    }

    /// One move `G : M = G′ : M′` with its rule, or nil when M is a differential itself or no rule applies.
    func move(_ g: MatrixExpr, _ m: MatrixExpr) -> (MatrixExpr, MatrixExpr, rule: String, latex: String)? {
        switch m {
        case .negate(let x):
            return (ctx.negate(g), x, "A : (−B) = (−A) : B", "A : (-B) = (-A) : B")
        case .transpose(let x):
            return (ctx.transpose(g), x, "A : Bᵀ = Aᵀ : B", "A : B^{\\top} = A^{\\top} : B")
        case .product(let xs):
            let holding = xs.indices.filter { holds(xs[$0]) }
            guard holding.count == 1, let p = holding.first else { return nil }
            let left = Array(xs[..<p]), right = Array(xs[(p + 1)...])
            var parts: [MatrixExpr] = []
            if !left.isEmpty { parts.append(ctx.transpose(ctx.product(left))) }
            parts.append(g)
            if !right.isEmpty { parts.append(ctx.transpose(ctx.product(right))) }
            let moved = ctx.product(parts)
            if (left + right).allSatisfy({ if case .number = $0 { return true } else { return false } }) {
                return (moved, xs[p], "A : (sB) = (sA) : B", "A : (sB) = (sA) : B")
            }
            switch (left.isEmpty, right.isEmpty) {
            case (false, false): return (moved, xs[p], "A : (BCD) = (BᵀADᵀ) : C", "A : (BCD) = (B^{\\top} A D^{\\top}) : C")
            case (false, true): return (moved, xs[p], "A : (BC) = (BᵀA) : C", "A : (BC) = (B^{\\top} A) : C")
            default: return (moved, xs[p], "A : (BC) = (ACᵀ) : B", "A : (BC) = (A C^{\\top}) : B")
            }
        case .hadamard(let xs):
            let holding = xs.indices.filter { holds(xs[$0]) }
            guard holding.count == 1, let p = holding.first else { return nil }
            let others = xs.indices.filter { $0 != p }.map { xs[$0] }
            return (ctx.hadamard([g] + others), xs[p], "A : (B ⊙ C) = (A ⊙ B) : C", "A : (B \\odot C) = (A \\odot B) : C")
        case .hadamardDivide(let x, let y) where holds(x) && !holds(y):
            return (.hadamardDivide(g, y), x, "A : (B ⊘ C) = (A ⊘ C) : B", "A : (B \\oslash C) = (A \\oslash C) : B")
        case .divide(let x, let s) where holds(x) && !holds(s):
            return (.divide(g, s), x, "A : (B/s) = (A/s) : B", "A : (B/s) = (A/s) : B")
        case .doubleDot(let gamma, let x) where holds(x) && !holds(gamma):
            return (.doubleDot(g, gamma), x, "A : (Γ : dW) = (A : Γ) : dW", "A : (\\Gamma : dW) = (A : \\Gamma) : dW")
        case .call(.matrix(.Diag), 0, let args) where args.count == 1:
            return (.call(.matrix(.diag), derivative: 0, [g]), args[0], "A : Diag(x) = diag(A) : x",
                    "A : \\operatorname{Diag}(x) = \\operatorname{diag}(A) : x")
        default:
            return nil
        }
    }
}
