/// The derivative rule of every factor kind of the index form.
extension Differentiator {
    /// ∂f/∂W as terms whose free indices are f's indices and `k`; summed indices are fresh.
    func derivative(_ f: Factor, by k: [Index]) -> [Term] {
        switch f {
        case .tensor(let name, let ix):
            if name == wrt {
                // ∂X_ij/∂X_kl = δ_ik δ_jl
                return [Term(1, zip(ix, k).map { Factor.delta($0, $1) })]
            }
            return definitionDerivative(name, at: ix, by: k)
        case .delta, .reshape, .ones:
            return []
        case .function(let g, let u):
            // h(u)_ij → h′(u)_ij ∂u_ij/∂W
            guard let outer = EntrywiseDerivatives.derivative(of: g, at: u) else { return [] }
            return derivative(u, by: k).freshened(gen).terms.map {
                Term(outer.coefficient * $0.coefficient, outer.factors + $0.factors)
            }
        case .opaque(let name, let d, let u, let ix):
            // F(U)_ij → F′(U)_ijab ∂U_ab/∂W
            let (a, du) = argumentDerivative(u, by: k)
            if d >= 1 && !du.isEmpty {
                // F'' is not in the language (an opaque function has only its Jacobian F'): refused
                // rather than printed in a form that does not parse back.
                unsupported = unsupported ?? "the second derivative of the opaque function \(name) is needed, and an opaque "
                    + "function has only its Jacobian \(name)' (declare \(name) elementwise, or write its formula)"
                return []
            }
            return du.map { Term($0.coefficient, [.opaque(name, derivative: d + 1, arg: u, indices: ix + a)] + $0.factors) }
        case .matrix(let atom, let args, let ix):
            return derivative(atom, args, ix, by: k)
        }
    }

    /// ∂U/∂W of a function argument with its own scope: new indices `a` for U's axes and the terms
    /// of ∂U_a/∂W_k.
    func argumentDerivative(_ u: IndexExpr, by k: [Index]) -> ([Index], [Term]) {
        let a = u.free.map { gen.fresh($0.hint, $0.dim) }
        var map: [Index: Index] = [:]
        for (x, y) in zip(u.free, a) { map[x] = y }
        return (a, derivative(u, by: k).freshened(gen).renamed(map).terms)
    }

    /// A matrix argument as one factor at the indices `at` (a sum becomes a parenthesized factor).
    func argument(_ u: IndexExpr, at ix: [Index]) -> Term {
        var map: [Index: Index] = [:]
        for (x, y) in zip(u.free, ix) { map[x] = y }
        return u.freshened(gen).renamed(map).asSingleTerm()
    }

    func derivative(_ atom: MatrixAtom, _ args: [IndexExpr], _ ix: [Index], by k: [Index]) -> [Term] {
        let u = args[0]
        switch atom {
        case .inv:
            // d inv(A) = −inv(A) dA inv(A)
            let (a, du) = argumentDerivative(u, by: k)
            guard a.count == 2, ix.count == 2 else { unsupported = "inv of a non-square operand"; return [] }
            return du.map {
                Term(-$0.coefficient, [.matrix(.inv, args: args, indices: [ix[0], a[0]]),
                                       .matrix(.inv, args: args, indices: [a[1], ix[1]])] + $0.factors)
            }
        case .det, .logdet:
            // d det(A) = det(A) tr(inv(A) dA); d logdet(A) = tr(inv(A) dA)
            let (a, du) = argumentDerivative(u, by: k)
            guard a.count == 2 else { unsupported = "\(atom) of a non-square operand"; return [] }
            let lead: [Factor] = atom == .det ? [.matrix(.det, args: args, indices: [])] : []
            return du.map { Term($0.coefficient, lead + [.matrix(.inv, args: args, indices: [a[1], a[0]])] + $0.factors) }
        case .vec:
            // vec(A)_I = A_ij δ_Iij
            let (a, du) = argumentDerivative(u, by: k)
            if a.count == 1 { return du.map { $0.renamed([a[0]: ix[0]]) } }
            guard a.count == 2, let big = ix.first else { unsupported = "vec of this operand"; return [] }
            return du.map { Term($0.coefficient, [.reshape(big, a[0], a[1])] + $0.factors) }
        case .kron:
            return kronDerivative(args, ix, by: k)
        case .softmax:
            return softmaxDerivative(args, ix, by: k)
        }
    }

    /// kron(A, B)_IJ = A_ab B_cd δ_Ica δ_Jdb (column-major pairs: I = c + rows(B)·a). A vector operand
    /// of a matrix result is its n×1 matrix (a unit column index).
    func kronDerivative(_ args: [IndexExpr], _ ix: [Index], by k: [Index]) -> [Term] {
        guard args.count == 2, ix.count >= args[0].free.count, ix.count >= args[1].free.count else {
            unsupported = "kron of operands of order above the result's"
            return []
        }
        let unit = program.typed.dims.fixed(1)
        func padded(_ a: [Index]) -> [Index] { a + (a.count..<ix.count).map { _ in gen.fresh("u", unit) } }
        let (a0, da) = argumentDerivative(args[0], by: k)
        let (b0, db) = argumentDerivative(args[1], by: k)
        let a = padded(a0), b = padded(b0)
        var pairs: [Factor] = []
        for (axis, big) in ix.enumerated() { pairs.append(.reshape(big, b[axis], a[axis])) }
        let aTerm = argument(args[0], at: a0), bTerm = argument(args[1], at: b0)
        return da.map { Term($0.coefficient * bTerm.coefficient, pairs + $0.factors + bTerm.factors) }
            + db.map { Term($0.coefficient * aTerm.coefficient, pairs + aTerm.factors + $0.factors) }
    }

    /// dS_ic = S_ic dU_ic − S_ic Σ_j S_jc dU_jc for S = softmax(U), column by column.
    func softmaxDerivative(_ args: [IndexExpr], _ ix: [Index], by k: [Index]) -> [Term] {
        guard let u = args.first, u.free.count == ix.count, let row = ix.first else {
            unsupported = "softmax of this operand"
            return []
        }
        func du(at target: [Index]) -> [Term] {
            var map: [Index: Index] = [:]
            for (x, y) in zip(u.free, target) { map[x] = y }
            return derivative(u, by: k).freshened(gen).renamed(map).terms
        }
        let s = Factor.matrix(.softmax, args: args, indices: ix)
        let j = gen.fresh("j", row.dim)
        let column = [j] + ix.dropFirst()
        let sj = Factor.matrix(.softmax, args: args, indices: column)
        return du(at: ix).map { Term($0.coefficient, [s] + $0.factors) }
            + du(at: column).map { Term(-$0.coefficient, [s, sj] + $0.factors) }
    }
}
