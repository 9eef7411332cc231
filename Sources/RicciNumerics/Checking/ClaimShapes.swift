import Foundation
import Ricci

// MARK: - shapes in words

/// What the expected shape is and why, for messages.
struct ShapeContext {
    let original: TypedProgram
    let wrt: String
    let kind: DerivativeKind
    let layout: Layout
    let expected: [Dim]

    var wrtShape: [Dim] {
        guard case .tensor(let s)? = original.symbols[wrt]?.kind else { return [] }
        return original.resolve(s)
    }

    /// "gradient", "Jacobian", "Hessian".
    var what: String { kind == .gradient ? "gradient" : kind == .jacobian ? "Jacobian" : "Hessian" }

    /// Why the result has its shape.
    var expectedSentence: String {
        let w = wrtShape
        let ws = Shapes.short(w)
        switch kind {
        case .gradient:
            if layout == .numerator {
                let t = w.count == 1 ? "a row, 1×\(ws)" : "\(wrt)ᵀ's shape (\(Shapes.short(expected)))"
                return "In the numerator layout the gradient of a scalar by \(wrt) (\(ws)) has \(t)."
            }
            return "The gradient of a scalar by \(wrt) has \(wrt)'s shape (\(ws))."
        case .hessian:
            return "The Hessian of a scalar by \(wrt) (\(ws)) has order \(w.count) + \(w.count) = \(expected.count): "
                + "\(Shapes.short(expected)), the second derivatives by every pair of entries of \(wrt)."
        case .jacobian:
            let p = expected.count - w.count
            return "The derivative of an objective of order \(p) by \(wrt) (\(ws), order \(w.count)) has order "
                + "p + q = \(expected.count): \(Shapes.describe(expected)), the derivative of each entry of the "
                + "objective by each entry of \(wrt) (objective indices first)."
        }
    }

    /// The shape stage's explanation for a claim of the wrong shape.
    func shapeExplanation(claim: [Dim]) -> String {
        var text = ["Your answer is \(Shapes.describe(claim)), but the \(what) is \(Shapes.describe(expected)).",
                    expectedSentence]
        let c = Shapes.normalized(claim), e = Shapes.normalized(expected)
        if c == Shapes.normalized(Shapes.transposed(expected)) {
            if kind == .gradient {
                text.append("Your answer is the transpose of the expected shape; check your layout (denominator layout "
                    + "gives \(wrt)'s shape; numerator layout gives \(wrt)ᵀ)"
                    + (layout == .numerator ? ": this check asks for the numerator layout." : "."))
            } else {
                text.append("Your answer is the transpose of the expected shape; check the order of the indices "
                    + "(the objective's indices come first, then \(wrt)'s).")
            }
        } else if c.count > e.count {
            text.append("It has order \(c.count), more than \(e.count): a derivative tensor, or its product with a "
                + "matrix, is not yet the \(what); contract it with ':' to get back to the \(what)'s shape.")
        } else if c.count < e.count {
            text.append("It has order \(c.count), less than \(e.count).")
        }
        return text.joined(separator: "\n")
    }

    /// Notes on the opaque Jacobians `F'(U)` a claim uses: their order and how to contract them.
    func jacobianNotes(_ claim: Program) -> [String] {
        var notes: [String] = []
        var seen = Set<String>()
        func visit(_ e: Expr) {
            switch e.kind {
            case .call(let f, let args, let d):
                if d >= 1, case .function(let r, let a)? = original.symbols[f]?.kind, args.count == 1 {
                    let argShape: [Dim]
                    var argText = args[0].text
                    if case .name(let u) = args[0].kind, case .tensor(let s)? = original.symbols[u]?.kind {
                        argShape = original.resolve(s)
                        argText = u
                    } else {
                        argShape = a.map(original.resolve) ?? []
                    }
                    let resultShape = original.resolve(r)
                    let key = "\(f)'(\(argText))"
                    if seen.insert(key).inserted {
                        notes.append(jacobianNote(f, argText, resultShape, argShape))
                    }
                }
                args.forEach(visit)
            case .negate(let x), .transpose(let x), .index(let x, _): visit(x)
            case .binary(_, let x, let y): visit(x); visit(y)
            case .sum(let ts): ts.forEach { visit($0.expr) }
            default: break
            }
        }
        for s in claim.statements {
            switch s {
            case .definition(_, _, let v, _): visit(v)
            case .expression(let e): visit(e)
            case .declaration: break
            }
        }
        return notes
    }

    func jacobianNote(_ f: String, _ u: String, _ r: [Dim], _ a: [Dim]) -> String {
        let letters = ["i", "j", "k", "l", "m", "p", "q", "r", "s", "t"]
        let order = r.count + a.count
        let ri = letters.prefix(r.count).joined(), ai = letters.dropFirst(r.count).prefix(a.count).joined()
        let shape = Shapes.short(r + a)
        var text = "\(f)'(\(u)) = ∂\(f)/∂\(u) is an order-\(order) tensor Γ (\(shape)), Γ_\(ri)\(ai) = ∂\(f)_\(ri)/∂\(u)_\(ai)"
        if order > 2 {
            text += ", not a matrix: a product of it with a matrix is not a matrix. Contract it with the outer "
                + "gradient by ':' — A : \(f)'(\(u)) = Σ_\(ri) A_\(ri) Γ_\(ri)\(ai) has \(u)'s shape (\(Shapes.short(a)))"
        }
        return text + "."
    }

    /// The explanation of a diagnosed mistake.
    func explanation(of d: ClaimCheck.Diagnosis) -> String {
        switch d {
        case .transpose:
            let why = expected.count == 2 && expected[0] == expected[1]
                ? " (\(Shapes.short(expected)) is square, so the shapes agree)" : ""
            return "Your answer is the transpose of the correct result\(why); check your layout (denominator layout "
                + "gives \(wrt)'s shape with ∂f/∂\(wrt)_kl at (k, l); numerator layout gives its transpose)."
        case .negative:
            return "Your answer is the negative of the correct result: a sign is wrong (check the sign of each "
                + "difference and of the derivatives of its terms)."
        case .negativeTranspose:
            return "Your answer is minus the transpose of the correct result: a sign is wrong and the layout is transposed."
        case .missingFactor2:
            return "Your answer is half the correct result: a factor 2 is missing (d(A:A) = 2 A:dA, d‖x‖² = 2xᵀdx, "
                + "d(xᵀAx) = xᵀ(A + Aᵀ)dx)."
        case .vec:
            return "Your answer is vec of the correct result (its columns stacked), not the result itself."
        case .extraFactor2:
            return "Your answer is twice the correct result: a factor 2 is too many (only a square or a quadratic form "
                + "brings a factor 2)."
        }
    }
}

/// Shape helpers for the claim check.
enum Shapes {
    /// Trailing 1s dropped: a column n×1 is a vector n, a 1×1 is a scalar.
    static func normalized(_ s: [Dim]) -> [Dim] {
        var r = s
        while let last = r.last, last.isOne { r.removeLast() }
        return r
    }

    /// The transposed shape: a vector n becomes a 1×n row, a row 1×n a vector, a matrix r×c c×r.
    static func transposed(_ s: [Dim]) -> [Dim] {
        let n = normalized(s)
        switch n.count {
        case 1: return [.fixed(1), n[0]]
        case 2: return n[0].isOne ? [n[1]] : [n[1], n[0]]
        default: return n
        }
    }

    /// True when `claim` is one dimension with as many entries as `expected` (order 2 or more): a vec.
    static func isVec(_ claim: [Dim], of expected: [Dim]) -> Bool {
        let c = normalized(claim), e = normalized(expected)
        guard c.count == 1, e.count >= 2 else { return false }
        let sizes = e.compactMap { d -> Int? in if case .fixed(let n) = d { return n } else { return nil } }
        if case .fixed(let n) = c[0], sizes.count == e.count { return sizes.reduce(1, *) == n }
        let factors = c[0].description.split(separator: "*").map(String.init).sorted()
        return factors == e.map(\.description).sorted()
    }

    /// A vector read as vec of a matrix of the reference's shape (column-major).
    static func unvec(_ v: Tensor, _ reference: Tensor) throws -> Tensor {
        guard reference.order == 2, v.count == reference.count else { return v }
        return try v.reshaped([reference.shape[1], reference.shape[0]]).transposed()
    }

    /// A value transposed (order 2; others unchanged — a row becomes a column by reshaping).
    static func transposedValue(_ t: Tensor) throws -> Tensor {
        t.order == 2 ? try t.transposed() : t
    }

    /// The reference as the mistake would make it.
    static func variant(_ d: ClaimCheck.Diagnosis, of r: Tensor) throws -> Tensor {
        func scaled(_ t: Tensor, _ k: Double) -> Tensor {
            var out = t
            for i in out.data.indices { out.data[i] *= k }
            return out
        }
        switch d {
        case .transpose:
            guard r.order == 2, r.shape[0] == r.shape[1] else { throw RicciError(.shape, "not square") }
            return try r.transposed()
        case .negativeTranspose:
            guard r.order == 2, r.shape[0] == r.shape[1] else { throw RicciError(.shape, "not square") }
            return scaled(try r.transposed(), -1)
        case .vec: throw RicciError(.shape, "not a variant of the same shape")
        case .negative: return scaled(r, -1)
        case .missingFactor2: return scaled(r, 0.5)
        case .extraFactor2: return scaled(r, 2)
        }
    }

    /// "d×n" ("1" for a scalar).
    static func short(_ s: [Dim]) -> String {
        s.isEmpty ? "1" : s.map(\.description).joined(separator: "×")
    }

    /// "a d×n matrix", "a vector of length n", "an order-4 tensor n×l×d×n".
    static func describe(_ s: [Dim]) -> String {
        let n = normalized(s)
        switch n.count {
        case 0: return "a scalar"
        case 1: return "a vector of length \(n[0])"
        case 2: return n[0].isOne ? "a 1×\(n[1]) row" : "\(article(n[0])) \(short(n)) matrix"
        default: return "an order-\(n.count) tensor \(short(n))"
        }
    }

    /// "a" or "an" before a dimension read aloud (an n×d matrix, a d×n matrix, an 8×3 matrix).
    static func article(_ d: Dim) -> String {
        guard let c = d.description.lowercased().first else { return "a" }
        if c == "1" { return d.description.hasPrefix("11") || d.description.hasPrefix("18") ? "an" : "a" }
        return "aefhilmnorsx8".contains(c) ? "an" : "a"
    }

    /// A relative error for messages: 3 significant digits.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : "∞" }
        return String(format: "%.3g", x)
    }
}
