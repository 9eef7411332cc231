/// One identity the matrix simplifier may use, as named data: its name (cited by derivations and
/// reports), its statement, and, for local identities, the rewrite of one node.
public struct MatrixIdentity: Sendable {
    /// A short name: `sigmoid-derivative`, `kron-transpose`, ...
    public let name: String
    /// The identity as a person writes it.
    public let statement: String
    /// The rewrite of one node (nil for identities applied by the entrywise normal form or the sum
    /// factoring, which cite the name when they use it).
    let rewrite: (@Sendable (MatrixExpr) -> MatrixExpr?)?
}

/// Every identity of the matrix simplifier.
public enum MatrixIdentities {
    static func sigmoid(_ u: MatrixExpr) -> MatrixExpr { .call(.entrywise(.sigmoid), u) }

    /// The identities, in the order the simplifier tries the local ones.
    public static let all: [MatrixIdentity] = [
        MatrixIdentity(name: "sigmoid", statement: "1/(1 + exp(-x)) = sigmoid(x)", rewrite: nil),
        MatrixIdentity(name: "sigmoid-exp-ratio", statement: "exp(x)/(1 + exp(x)) = sigmoid(x)", rewrite: nil),
        MatrixIdentity(name: "sigmoid-complement", statement: "1/(1 + exp(x)) = 1 - sigmoid(x)", rewrite: nil),
        MatrixIdentity(name: "sigmoid-reflection", statement: "sigmoid(-x) = 1 - sigmoid(x)", rewrite: nil),
        MatrixIdentity(name: "sigmoid-exp-reflection", statement: "exp(-x) .* sigmoid(x) = 1 - sigmoid(x)", rewrite: nil),
        MatrixIdentity(name: "sigmoid-derivative", statement: "sigmoid'(x) = sigmoid(x) .* (1 - sigmoid(x))") { e in
            guard case .call(.entrywise(.sigmoid), 1, let a) = e, a.count == 1 else { return nil }
            return .hadamard([sigmoid(a[0]), .sum([.number(1), .negate(sigmoid(a[0]))])])
        },
        MatrixIdentity(name: "softplus-derivative", statement: "softplus'(x) = sigmoid(x)") { e in
            guard case .call(.entrywise(.softplus), 1, let a) = e, a.count == 1 else { return nil }
            return sigmoid(a[0])
        },
        MatrixIdentity(name: "tanh-derivative", statement: "tanh'(x) = 1 - tanh(x).^2") { e in
            guard case .call(.entrywise(.tanh), 1, let a) = e, a.count == 1 else { return nil }
            return .sum([.number(1), .negate(.entrywisePower(.call(.entrywise(.tanh), a[0]), 2))])
        },
        MatrixIdentity(name: "log-sigmoid", statement: "log(sigmoid(x)) = -softplus(-x)") { e in
            guard case .call(.entrywise(.log), 0, let a) = e, a.count == 1,
                  case .call(.entrywise(.sigmoid), 0, let u) = a[0], u.count == 1 else { return nil }
            let minus: MatrixExpr = { if case .negate(let v) = u[0] { return v }; return .negate(u[0]) }()
            return .negate(.call(.entrywise(.softplus), minus))
        },
        MatrixIdentity(name: "softmax", statement: "exp(x)/sum(exp(x)) = softmax(x)", rewrite: nil),
        MatrixIdentity(name: "softmax-sum", statement: "sum(softmax(x)) = 1") { e in
            guard case .call(.reduction(.sum), 0, let a) = e, a.count == 1, case .call(.matrix(.softmax), 0, _) = a[0] else { return nil }
            return .number(1)
        },
        MatrixIdentity(name: "transpose-involution", statement: "(A')' = A") { e in
            guard case .transpose(.transpose(let x)) = e else { return nil }
            return x
        },
        MatrixIdentity(name: "symmetric-transpose", statement: "S' = S for a symmetric S (declared, or by the structure rules)", rewrite: nil),
        MatrixIdentity(name: "kron-transpose", statement: "kron(A, B)' = kron(A', B')") { e in
            guard case .transpose(.call(.matrix(.kron), 0, let ab)) = e, ab.count == 2 else { return nil }
            return .call(.matrix(.kron), derivative: 0, ab.map { MatrixExpr.transpose($0) })
        },
        MatrixIdentity(name: "kron-mixed-product", statement: "kron(A, B)*kron(C, D) = kron(A*C, B*D)", rewrite: nil),
        MatrixIdentity(name: "vec-product", statement: "kron(B', A)*vec(X) = vec(A*X*B)", rewrite: nil),
        MatrixIdentity(name: "like-terms", statement: "a*X + b*X = (a + b)*X", rewrite: nil),
        MatrixIdentity(name: "ones-broadcast", statement: "c + a*ones(n) = (c + a)*ones(n)") { e in
            // a constant in a sum that holds ones(...) is broadcast to that shape: it is c*ones(...)
            guard case .sum(let xs) = e else { return nil }
            var constant = 0.0, coefficient = 0.0, numbers = 0, ones = 0
            var dims: [Dim]?
            var rest: [MatrixExpr] = []
            for x in xs {
                switch x {
                case .number(let c):
                    constant += c
                    numbers += 1
                case .ones(let d) where !d.isEmpty && (dims == nil || dims == d):
                    dims = d
                    coefficient += 1
                    ones += 1
                case .product(let f) where f.count == 2:
                    if case .number(let a) = f[0], case .ones(let d) = f[1], !d.isEmpty, dims == nil || dims == d {
                        dims = d
                        coefficient += a
                        ones += 1
                    } else {
                        rest.append(x)
                    }
                default:
                    rest.append(x)
                }
            }
            let total = constant + coefficient
            guard numbers > 0, ones > 0, let d = dims, total != 0, total.isFinite else { return nil }
            let merged: MatrixExpr = total == 1 ? .ones(d) : .product([.number(total), .ones(d)])
            return rest.isEmpty ? merged : .sum([merged] + rest)
        },
        MatrixIdentity(name: "common-left-factor", statement: "A*B + A*C = A*(B + C)", rewrite: nil),
        MatrixIdentity(name: "common-right-factor", statement: "B*A + C*A = (B + C)*A", rewrite: nil),
        MatrixIdentity(name: "diag-sum", statement: "Diag(a) + Diag(b) = Diag(a + b)", rewrite: nil),
        MatrixIdentity(name: "common-scalar-factor", statement: "c*a + c*b = c*(a + b)", rewrite: nil),
        MatrixIdentity(name: "negated-difference", statement: "-A*(a - b) = A*(b - a)", rewrite: nil),
        MatrixIdentity(name: "common-factor", statement: "a .* b + a .* c = a .* (b + c)", rewrite: nil),
        MatrixIdentity(name: "cancellation", statement: "(a .* b) ./ b = a", rewrite: nil),
        MatrixIdentity(name: "dot-cancellation", statement: "(a ./ b)'*b = sum(a) for vectors a, b", rewrite: nil),
    ]

    /// The statement of a named identity.
    public static func statement(of name: String) -> String? { all.first { $0.name == name }?.statement }

    static let local: [MatrixIdentity] = all.filter { $0.rewrite != nil }
}
