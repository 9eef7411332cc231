import Ricci

/// A matrix operand as a kernel reads it: a buffer, possibly transposed by a flag.
struct PlanView {
    var buffer: Int
    var trans: Bool
    var rows: Int, cols: Int
    var rowDim: PlanDim, colDim: PlanDim
}

/// A factor of a flattened product chain.
enum ChainFactor {
    case matrix(Int)
    case diag(Int)
    case scalar(Int)
}

/// Products: chains flattened through single-use products, constants folded into BLAS's alpha,
/// transposes as flags, `Diag(v)` as scaling, `X'*Diag(v)*X` and `A'*A` as one kernel, the chain
/// multiplied in its cheapest order.
extension PlanLowering {
    /// A matrix's rows and columns: `[]` is 1×1, `[n]` is n×1.
    static func matrixShape(_ s: [Int], _ d: [PlanDim]) -> (Int, Int, PlanDim, PlanDim)? {
        switch s.count {
        case 0: return (1, 1, .fixed(1), .fixed(1))
        case 1: return (s[0], 1, d[0], .fixed(1))
        case 2: return (s[0], s[1], d[0], d[1])
        default: return nil
        }
    }

    /// Node `id` as a view of a buffer: transposes and vector reshapes become the flag.
    mutating func view(_ id: Int) throws -> PlanView {
        var base = id, flips = 0
        while true {
            if case .transpose(let x) = graph[base].op { base = x; flips += 1; continue }
            if case .reshape(let x) = graph[base].op, graph[x].sizes.count <= 2 { base = x; continue }
            break
        }
        let n = graph[id]
        guard let (r, c, rd, cd) = Self.matrixShape(n.sizes, n.dims) else {
            throw RicciError(.shape, "internal: a product of a tensor of order \(n.sizes.count)")
        }
        let b = try materialize(base)
        if let (br, bc, _, _) = Self.matrixShape(buffers[b].sizes, buffers[b].shape) {
            let trans: Bool? = br == bc ? (flips % 2 == 1) : (br, bc) == (r, c) ? false : (bc, br) == (r, c) ? true : nil
            if let t = trans { return PlanView(buffer: b, trans: t, rows: r, cols: c, rowDim: rd, colDim: cd) }
        }
        let m = try materialize(id)
        return PlanView(buffer: m, trans: false, rows: r, cols: c, rowDim: rd, colDim: cd)
    }

    /// Flattens a product through single-use products, negations and scalings.
    func flatten(_ id: Int, top: Bool, alpha: inout Double, into out: inout [ChainFactor]) {
        let n = graph[id]
        let open = top || uses[id] == 1
        switch n.op {
        case .matmul(let a, let b) where open:
            flatten(a, top: false, alpha: &alpha, into: &out)
            flatten(b, top: false, alpha: &alpha, into: &out)
        case .negate(let x) where open:
            alpha = -alpha
            flatten(x, top: false, alpha: &alpha, into: &out)
        case .scale(let s, let x) where open && graph[s].count == 1:
            if case .constant(let c) = graph[s].op { alpha *= c } else { out.append(.scalar(s)) }
            flatten(x, top: false, alpha: &alpha, into: &out)
        case .divide(let x, let s) where open:
            if case .constant(let c) = graph[s].op, c != 0 { alpha /= c } else { out.append(.scalar(-s - 1)) }
            flatten(x, top: false, alpha: &alpha, into: &out)
        case .matrixFunction(.Diag, let xs) where xs.count == 1 && graph[xs[0]].sizes.filter({ $0 != 1 }).count <= 1:
            out.append(.diag(xs[0]))
        default:
            if n.count == 1 && n.sizes.count < 2 && !top { out.append(.scalar(id)) } else { out.append(.matrix(id)) }
        }
    }

    /// A scale, negation or division around a product: one product with alpha (nil if none inside).
    mutating func lowerScaledProduct(_ id: Int) throws -> Int? {
        var x = id
        while true {
            switch graph[x].op {
            case .negate(let y): x = y; continue
            case .scale(let s, let y) where graph[s].count == 1: x = y; continue
            case .divide(let y, _): x = y; continue
            default: break
            }
            break
        }
        guard x != id, case .matmul = graph[x].op, uses[x] == 1, graph[id].sizes.count <= 2 else { return nil }
        return try lowerProduct(id)
    }

    mutating func lowerProduct(_ id: Int) throws -> Int {
        var alpha = 1.0
        var factors: [ChainFactor] = []
        flatten(id, top: true, alpha: &alpha, into: &factors)
        var scalars: [PlanEntrywise] = []
        var chain: [ChainFactor] = []
        for f in factors {
            if case .scalar(let s) = f {
                if s < 0 { scalars.append(.power(.operand(try materialize(-s - 1), .scalar), -1)) }
                else { scalars.append(.operand(try materialize(s), .scalar)) }
            } else { chain.append(f) }
        }
        // Diag at either end: a scaling of the rest's rows or columns afterwards
        var rowScale: Int?, colScale: Int?
        if chain.count > 1, case .diag(let v) = chain[0] { rowScale = try materialize(v); chain.removeFirst() }
        if chain.count > 1, case .diag(let v) = chain[chain.count - 1] { colScale = try materialize(v); chain.removeLast() }
        chain = rewriteKron(chain)
        if let solved = try solveInverse(chain, id: id) { chain = solved }
        var views: [PlanView] = []
        var k = 0
        while k < chain.count {
            switch chain[k] {
            case .matrix(let m):
                views.append(try view(m))
                k += 1
            case .diag(let v):
                // X'*Diag(v)*X: one kernel
                if let left = views.last, k + 1 < chain.count, case .matrix(let r) = chain[k + 1] {
                    let right = try view(r)
                    if left.buffer == right.buffer, left.trans, !right.trans, views.count == 1, k + 2 == chain.count {
                        let vb = try materialize(v)
                        let out = newBuffer(for: id)
                        emit(.scaledGram(x: right.buffer, v: vb, alpha: alpha, accumulate: false), into: out,
                             formula: "\(formatAlpha(alpha))\(nm(right.buffer))'*Diag(\(nm(vb)))*\(nm(right.buffer))")
                        return try finishScaling(out, id: id, scalars: scalars, rowScale: rowScale, colScale: colScale)
                    }
                    // Diag(v) in the middle scales the next factor's rows
                    let vb = try materialize(v)
                    let tree = PlanEntrywise.multiply([.operand(vb, .row), .operand(right.buffer, right.trans ? .transposed : .full)])
                    let b = newTemp(sizes: [right.rows, right.cols], dims: [right.rowDim, right.colDim])
                    emit(.entrywise(tree, inPlaceOf: nil), into: b, formula: render(tree))
                    views.append(PlanView(buffer: b, trans: false, rows: right.rows, cols: right.cols, rowDim: right.rowDim, colDim: right.colDim))
                    k += 2
                } else {
                    views.append(try view(try diagNode(v)))
                    k += 1
                }
            case .scalar:
                k += 1
            }
        }
        guard !views.isEmpty else { return try lowerEntrywise(id) }
        let out = try multiplyChain(views, alpha: alpha, id: id)
        return try finishScaling(out, id: id, scalars: scalars, rowScale: rowScale, colScale: colScale)
    }

    /// A `Diag(v)` nothing absorbed: the dense matrix.
    mutating func diagNode(_ v: Int) throws -> Int {
        let n = graph[v].sizes.reduce(1, *)
        let d = graph[v].dims.first ?? .fixed(1)
        return addNode(.matrixFunction(.Diag, [v]), sizes: [n, n], dims: [d, d])
    }

    mutating func newTemp(sizes: [Int], dims: [PlanDim]) -> Int {
        let b = PlanBuffer(id: buffers.count, name: "t\(buffers.count)", role: .temporary, shape: dims, sizes: sizes, slot: -1)
        buffers.append(b)
        return b.id
    }

    /// Scalar factors and end `Diag`s applied to a product's result, in place.
    mutating func finishScaling(_ b: Int, id: Int, scalars: [PlanEntrywise], rowScale: Int?, colScale: Int?) throws -> Int {
        guard !scalars.isEmpty || rowScale != nil || colScale != nil else { return b }
        var parts: [PlanEntrywise] = [.operand(b, .full)] + scalars
        if let r = rowScale { parts.append(.operand(r, .row)) }
        if let c = colScale { parts.append(.operand(c, .column)) }
        let tree = PlanEntrywise.multiply(parts)
        let out = newBuffer(for: id)
        emit(.entrywise(tree, inPlaceOf: nil), into: out, formula: render(tree))
        return out
    }

    func formatAlpha(_ a: Double) -> String { a == 1 ? "" : a == -1 ? "-" : format(a) + "*" }

    /// The product of views in the cheapest order (matrix-chain dynamic programming), alpha on the last.
    mutating func multiplyChain(_ views: [PlanView], alpha: Double, id: Int) throws -> Int {
        let n = views.count
        if n == 1 {
            let v = views[0]
            if alpha == 1 && !v.trans && buffers[v.buffer].sizes.reduce(1, *) == graph[id].count { return v.buffer }
            let tree = PlanEntrywise.multiply([.constant(alpha), .operand(v.buffer, v.trans ? .transposed : .full)])
            let out = newBuffer(for: id)
            emit(.entrywise(tree, inPlaceOf: nil), into: out, formula: render(tree))
            return out
        }
        // cost[i][j]: cheapest flops for views i...j; split[i][j]: where
        var cost = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var split = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        for len in 1..<n {
            for i in 0..<(n - len) {
                let j = i + len
                cost[i][j] = .infinity
                for s in i..<j {
                    let c = cost[i][s] + cost[s + 1][j] + Double(views[i].rows) * Double(views[s].cols) * Double(views[j].cols)
                    if c < cost[i][j] { cost[i][j] = c; split[i][j] = s }
                }
            }
        }
        func build(_ i: Int, _ j: Int, _ a: Double, _ target: Int?) throws -> PlanView {
            if i == j { return views[i] }
            let s = split[i][j]
            let l = try build(i, s, 1, nil), r = try build(s + 1, j, 1, nil)
            return try pairProduct(l, r, alpha: a, target: target)
        }
        let out = newBuffer(for: id)
        let v = try build(0, n - 1, alpha, out)
        return v.buffer
    }

    /// `alpha·op(A)·op(B)` with the kernel its shapes call for: dot, gemv, ger or gemm.
    mutating func pairProduct(_ a: PlanView, _ b: PlanView, alpha: Double, target: Int?) throws -> PlanView {
        let (m, k, nn) = (a.rows, a.cols, b.cols)
        let out = target ?? newTemp(sizes: nn == 1 ? [m] : m == 1 ? [nn] : [m, nn],
                                   dims: nn == 1 ? [a.rowDim] : m == 1 ? [b.colDim] : [a.rowDim, b.colDim])
        let fa = nm(a.buffer) + (a.trans ? "'" : ""), fb = nm(b.buffer) + (b.trans ? "'" : "")
        let f = formatAlpha(alpha) + fa + "*" + fb
        let kernel: PlanKernel
        if m == 1 && nn == 1 {
            kernel = .dot(a: a.buffer, b: b.buffer, transB: false, alpha: alpha)
        } else if nn == 1 {
            kernel = .gemv(a: a.buffer, transA: a.trans, x: b.buffer, alpha: alpha, accumulate: false)
        } else if m == 1 {
            kernel = .gemv(a: b.buffer, transA: !b.trans, x: a.buffer, alpha: alpha, accumulate: false)
        } else if k == 1 {
            kernel = .ger(x: a.buffer, y: b.buffer, alpha: alpha, accumulate: false)
        } else if a.buffer == b.buffer && a.trans != b.trans {
            kernel = .syrk(a: a.buffer, transA: a.trans, alpha: alpha, accumulate: false)
        } else {
            kernel = .gemm(a: a.buffer, transA: a.trans, b: b.buffer, transB: b.trans, alpha: alpha, accumulate: false)
        }
        emit(kernel, into: out, formula: f)
        return PlanView(buffer: out, trans: false, rows: m, cols: nn, rowDim: a.rowDim, colDim: b.colDim)
    }
}

/// Vec identities and solves inside product chains.
extension PlanLowering {
    /// `kron(A, B)*v` as `A*V*B'` and `u'*kron(A, B)` as `(A'*U*B)'` (V, U: the vectors read as
    /// matrices, row-major), so the Kronecker product is never formed.
    mutating func rewriteKron(_ chain: [ChainFactor]) -> [ChainFactor] {
        var out = chain
        var k = 0
        while k + 1 < out.count {
            guard case .matrix(let l) = out[k], case .matrix(let r) = out[k + 1] else { k += 1; continue }
            if case .matrixFunction(.kron, let ab) = graph[l].op, ab.count == 2, uses[l] == 1,
               let (p, q, pd, qd) = Self.matrixShape(graph[ab[0]].sizes, graph[ab[0]].dims),
               let (rr, ss, rd, sd) = Self.matrixShape(graph[ab[1]].sizes, graph[ab[1]].dims),
               let (vr, vc, _, vcd) = Self.matrixShape(graph[r].sizes, graph[r].dims), vr == q * ss {
                // kron(A, B)*V for V with vc columns: only a vector (vc == 1) here
                guard vc == 1 else { k += 1; continue }
                let v = addNode(.reshape(r), sizes: [q, ss], dims: [qd, sd])
                let bt = addNode(.transpose(ab[1]), sizes: [ss, rr], dims: [sd, rd])
                let av = addNode(.matmul(ab[0], v), sizes: [p, ss], dims: [pd, sd])
                let avb = addNode(.matmul(av, bt), sizes: [p, rr], dims: [pd, rd])
                let flat = addNode(.reshape(avb), sizes: [p * rr, 1], dims: [.product([pd, rd]), vcd])
                out.replaceSubrange(k...(k + 1), with: [.matrix(flat)])
                continue
            }
            if case .matrixFunction(.kron, let ab) = graph[r].op, ab.count == 2, uses[r] == 1,
               let (p, q, pd, qd) = Self.matrixShape(graph[ab[0]].sizes, graph[ab[0]].dims),
               let (rr, ss, rd, sd) = Self.matrixShape(graph[ab[1]].sizes, graph[ab[1]].dims),
               let (ur, uc, urd, _) = Self.matrixShape(graph[l].sizes, graph[l].dims), ur == 1, uc == p * rr {
                let u = addNode(.reshape(l), sizes: [p, rr], dims: [pd, rd])
                let at = addNode(.transpose(ab[0]), sizes: [q, p], dims: [qd, pd])
                let au = addNode(.matmul(at, u), sizes: [q, rr], dims: [qd, rd])
                let aub = addNode(.matmul(au, ab[1]), sizes: [q, ss], dims: [qd, sd])
                let flat = addNode(.reshape(aub), sizes: [1, q * ss], dims: [urd, .product([qd, sd])])
                out.replaceSubrange(k...(k + 1), with: [.matrix(flat)])
                continue
            }
            k += 1
        }
        return out
    }

    /// `inv(A)*rest` as a solve with A (LU, or Cholesky for an spd input) instead of the inverse.
    mutating func solveInverse(_ chain: [ChainFactor], id: Int) throws -> [ChainFactor]? {
        guard let k = chain.indices.last(where: { i in
            if case .matrix(let m) = chain[i], uses[m] == 1, case .matrixFunction(.inv, let xs) = graph[m].op,
               xs.count == 1, graph[xs[0]].sizes.count == 2, i + 1 < chain.count { return true }
            return false
        }), case .matrix(let m) = chain[k], case .matrixFunction(.inv, let xs) = graph[m].op else { return nil }
        var rest: [PlanView] = []
        for f in chain[(k + 1)...] {
            guard case .matrix(let x) = f else { return nil }
            rest.append(try view(x))
        }
        guard let first = rest.first, let last = rest.last else { return nil }
        let rhs = rest.count == 1 ? first : try multiplyViews(rest)
        let a = try view(xs[0])
        let rows = a.rows, cols = last.cols
        let out = newTemp(sizes: cols == 1 ? [rows] : [rows, cols], dims: cols == 1 ? [a.rowDim] : [a.rowDim, last.colDim])
        let rb = try plainBuffer(rhs)
        emit(.solve(a: a.buffer, transA: a.trans, b: rb, isSPD(xs[0]) ? .cholesky : .lu), into: out,
             formula: "inv(\(nm(a.buffer))\(a.trans ? "'" : ""))*\(nm(rb))")
        let node = addNode(.input("\u{0}solve\(out)"), sizes: buffers[out].sizes, dims: buffers[out].shape)
        memo[node] = out
        return Array(chain[..<k]) + [.matrix(node)]
    }

    /// A product of views as one buffer (cheapest order), not bound to a graph node.
    mutating func multiplyViews(_ views: [PlanView]) throws -> PlanView {
        var acc = views[0]
        for v in views.dropFirst() { acc = try pairProduct(acc, v, alpha: 1, target: nil) }
        return acc
    }

    /// A view's buffer untransposed (a transpose step when the flag is set).
    mutating func plainBuffer(_ v: PlanView) throws -> Int {
        guard v.trans else { return v.buffer }
        let b = newTemp(sizes: v.cols == 1 ? [v.rows] : [v.rows, v.cols], dims: v.cols == 1 ? [v.rowDim] : [v.rowDim, v.colDim])
        emit(.transpose(v.buffer), into: b, formula: nm(v.buffer) + "'")
        return b
    }
}
