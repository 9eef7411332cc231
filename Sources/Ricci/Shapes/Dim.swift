/// A resolved dimension: a concrete size or a symbolic name.
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    /// A concrete size.
    case fixed(Int)
    /// A symbolic dimension, by name.
    case named(String)

    public var description: String {
        switch self {
        case .fixed(let n): return String(n)
        case .named(let s): return s
        }
    }

    /// True for the concrete dimension 1.
    public var isOne: Bool { self == .fixed(1) }
}

/// A dimension variable: an id into a ``DimTable``.
public struct DimVar: Hashable, Sendable {
    /// The variable's id in its table.
    public let id: Int
}

/// The union-find table that unifies dimensions.
///
/// Priority of a class's representative: a concrete integer, then a declared name, then a fresh name.
/// Two different integers, or a declared name forced equal to an integer or to another declared name,
/// do not unify (the caller turns that into a shape error naming both).
public final class DimTable: @unchecked Sendable {
    enum Origin: Hashable { case fixed(Int), declared(String), fresh(String) }

    private var parent: [Int] = []
    private var origin: [Origin] = []
    private var byName: [String: Int] = [:]
    private var byValue: [Int: Int] = [:]
    private var freshCount: [String: Int] = [:]
    /// Dimensions defined as products of two others (kron, vec, reshaping deltas), by variable id.
    private(set) var products: [Int: (DimVar, DimVar)] = [:]
    /// Where each product dimension came from (for error messages).
    private var productOrigins: [Int: (what: String, location: SourceLocation)] = [:]

    /// An empty table.
    public init() {}

    /// The dimension variable of a concrete size.
    public func fixed(_ n: Int) -> DimVar {
        if let id = byValue[n] { return DimVar(id: id) }
        let v = make(.fixed(n))
        byValue[n] = v.id
        return v
    }

    /// The dimension variable of a declared dimension name (shared by every use of the name).
    public func named(_ s: String) -> DimVar {
        if let id = byName[s] { return DimVar(id: id) }
        let v = make(.declared(s))
        byName[s] = v.id
        return v
    }

    /// The dimension already called `s` (declared, or generated such as `x_n`), if there is one.
    public func existing(_ s: String) -> DimVar? { byName[s].map { DimVar(id: $0) } }

    /// A new dimension with a readable generated name such as `X_r` (made unique with a suffix).
    public func fresh(_ hint: String) -> DimVar {
        var name = hint
        if byName[name] != nil || freshCount[name] != nil {
            let k = (freshCount[hint] ?? 1) + 1
            freshCount[hint] = k
            name = "\(hint)\(k)"
        } else {
            freshCount[hint] = 1
        }
        let v = make(.fresh(name))
        byName[name] = v.id
        return v
    }

    /// The dimension a·b (rows of a Kronecker product, length of a vec, the combined index of a
    /// reshaping delta). `what` and `location` name its origin in error messages.
    public func product(_ a: DimVar, _ b: DimVar, what: String = "", at location: SourceLocation = .unknown) -> DimVar {
        if case .fixed(let x) = resolve(a), case .fixed(let y) = resolve(b) {
            let (p, o) = x.multipliedReportingOverflow(by: y)
            if !o { return fixed(p) }
        }
        return relation(a, b, what: what, at: location)
    }

    /// The dimension a·b as a product relation even when a and b are integers, so that it can still
    /// join a declared name (which is then sized as the product at evaluation); see ``settleProducts()``.
    public func relation(_ a: DimVar, _ b: DimVar, what: String = "", at location: SourceLocation = .unknown) -> DimVar {
        let v = fresh("\(resolve(a))*\(resolve(b))")
        products[v.id] = (a, b)
        productOrigins[v.id] = (what, location)
        return v
    }

    private func make(_ o: Origin) -> DimVar {
        parent.append(parent.count)
        origin.append(o)
        return DimVar(id: parent.count - 1)
    }

    func find(_ a: Int) -> Int {
        var r = a
        while parent[r] != r { r = parent[r] }
        var x = a
        while parent[x] != r { let n = parent[x]; parent[x] = r; x = n }
        return r
    }

    /// Makes `a` and `b` the same dimension; returns false (and changes nothing) when they conflict.
    @discardableResult
    public func unify(_ a: DimVar, _ b: DimVar) -> Bool {
        let ra = find(a.id), rb = find(b.id)
        if ra == rb { return true }
        switch (origin[ra], origin[rb]) {
        case (.fixed, .fixed), (.fixed, .declared), (.declared, .fixed), (.declared, .declared):
            return false
        case (.fixed, _), (.declared, .fresh):
            parent[rb] = ra
        case (.fresh, .fresh) where isProductClass(rb) && !isProductClass(ra):
            // keep a plain name as the representative, so that a declaration printed from the type
            // (`v: vector(v_n)`, not `vector(A_r*A_c)`) parses back
            parent[rb] = ra
        default:
            parent[ra] = rb
        }
        return true
    }

    /// Whether `a` and `b` are already known to be equal.
    public func same(_ a: DimVar, _ b: DimVar) -> Bool { find(a.id) == find(b.id) }

    /// The dimension as it stands now.
    public func resolve(_ a: DimVar) -> Dim {
        switch origin[find(a.id)] {
        case .fixed(let n): return .fixed(n)
        case .declared(let s), .fresh(let s): return .named(s)
        }
    }

    /// The factors (a, b) of a dimension joined to a product a·b (kron, vec, reshaping deltas), if any
    /// (for code generators that write such a size as the product of its factors).
    public func productFactors(_ v: DimVar) -> (DimVar, DimVar)? {
        let r = find(v.id)
        for id in products.keys.sorted() where find(id) == r { return products[id] }
        return nil
    }

    /// True when the dimension is the concrete 1.
    public func isOne(_ a: DimVar) -> Bool { resolve(a) == .fixed(1) }

    /// Every symbolic dimension name that is still free (not tied to an integer), in creation order.
    public var symbolicNames: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for i in 0..<parent.count {
            if case .named(let s) = resolve(DimVar(id: i)), seen.insert(s).inserted { out.append(s) }
        }
        return out
    }

    /// Concrete sizes for every dimension: integers as they are, names from `given`, every product
    /// p = a·b solved in both directions (p from a and b, a factor from p and the other factor), the
    /// remaining free names from `fallback`.
    ///
    /// Unknown factors of a product take the split of another product of the same dimension whose
    /// factors are known (so `vec(A)[I]*delta[I, i, j]` reads i and j as A's rows and columns). Other
    /// than that, a product that the program or `given` sizes is never split by guessing: when neither
    /// of its factors is known, that is an error naming them (a product sized by defaults only is
    /// computed from its factors' defaults). Throws a shape error when sizes contradict a product.
    public func sizes(given: [String: Int], fallback: (String) -> Int) throws -> (DimVar) -> Int {
        var size: [Int: Int] = [:]
        for i in 0..<parent.count {
            let r = find(i)
            if size[r] != nil { continue }
            switch origin[r] {
            case .fixed(let n): size[r] = n
            case .declared(let s), .fresh(let s): if let n = given[s] { size[r] = n }
            }
        }
        for name in given.keys where byName[name] == nil {
            throw RicciError(.usage, "--dims names '\(name)', which is not a dimension of the program"
                + (symbolicNames.isEmpty ? "" : " (its dimensions: \(symbolicNames.joined(separator: ", ")))"))
        }
        try solveProducts(&size)
        let determined = Set(size.keys)
        let relations = products.keys.sorted()
        let productClasses = Set(relations.map { find($0) })
        func factors(_ id: Int) -> (Int, Int)? { products[id].map { (find($0.0.id), find($0.1.id)) } }
        /// A factor of a product that the program or `given` sizes: only the product can size it.
        func pinned(_ r: Int) -> Bool {
            relations.contains { id in
                guard determined.contains(find(id)), let (a, b) = factors(id) else { return false }
                return a == r || b == r
            }
        }
        /// The size of `r` as a factor of a default-sized product, read off another product of that dimension.
        func siblingSize(_ r: Int) -> Int? {
            for id in relations {
                guard size[find(id)] != nil, let (a, b) = factors(id), a == r || b == r else { continue }
                for other in relations where other != id && find(other) == find(id) {
                    guard let (x, y) = factors(other), let sx = size[x], let sy = size[y] else { continue }
                    return a == r ? sx : sy
                }
            }
            return nil
        }
        for i in 0..<parent.count {
            let r = find(i)
            guard size[r] == nil, !productClasses.contains(r), case .named(let s) = resolve(DimVar(id: r)) else { continue }
            if let n = siblingSize(r) {
                size[r] = n
            } else if !pinned(r) {
                size[r] = fallback(s)
            } else {
                continue
            }
            try solveProducts(&size)
        }
        for id in relations {
            guard determined.contains(find(id)), let (a, b) = factors(id), let p = size[find(id)] else { continue }
            let missing = [a, b].filter { size[$0] == nil }.map { resolve(DimVar(id: $0)).description }
            guard !missing.isEmpty else { continue }
            let (what, loc) = productOrigins[id] ?? ("", .unknown)
            let names = missing.count == 2 && missing[0] == missing[1] ? [missing[0]] : missing
            let subject = names.count == 1 ? "the size of " + names[0] : "the sizes of " + names.joined(separator: " and ")
            let object = names.count == 1 ? "it" : "one of them"
            throw RicciError(.shape, (what.isEmpty ? "" : what + ": ") + subject + " cannot be determined: only the product "
                + "\(resolve(DimVar(id: a)))·\(resolve(DimVar(id: b))) = \(p) is known; give \(object) a size (--dims \(names[0])=N)",
                             at: loc)
        }
        // what is left (a product defined through itself, such as n = 1·n): defaults
        for i in 0..<parent.count {
            let r = find(i)
            guard size[r] == nil, case .named(let s) = resolve(DimVar(id: r)) else { continue }
            size[r] = fallback(s)
            try solveProducts(&size)
        }
        let frozen = size
        return { [self] v in frozen[self.find(v.id)] ?? 1 }
    }

    /// After checking: a product of two integers that is tied to no integer or declared name becomes
    /// that integer; then the products whose sizes the program's integers fix are checked (dim(I) = 10
    /// with dim(i) = 3: 10 is not a multiple of 3), with the place each product came from.
    public func settleProducts() throws {
        var changed = true
        var rounds = 0
        while changed && rounds <= products.count {
            changed = false
            rounds += 1
            for id in products.keys.sorted() {
                guard let (a, b) = products[id], case .fresh = origin[find(id)],
                      case .fixed(let x) = resolve(a), case .fixed(let y) = resolve(b) else { continue }
                let (p, o) = x.multipliedReportingOverflow(by: y)
                if !o, unify(DimVar(id: id), fixed(p)) { changed = true }
            }
        }
        var size: [Int: Int] = [:]
        for i in 0..<parent.count {
            if case .fixed(let n) = origin[find(i)] { size[find(i)] = n }
        }
        try solveProducts(&size)
    }

    /// True when the class of root `r` holds a product dimension.
    private func isProductClass(_ r: Int) -> Bool { products.keys.contains { find($0) == r } }

    /// Solves every product p = a·b as far as `size` allows: p from a and b, a missing factor from p
    /// and the other factor (exact division), or both from p when they are one dimension (an exact
    /// square root). Throws a shape error, at the product's origin, when the sizes contradict one.
    func solveProducts(_ size: inout [Int: Int]) throws {
        let relations = products.keys.sorted()
        var changed = true
        var rounds = 0
        while changed && rounds <= parent.count {
            changed = false
            rounds += 1
            for id in relations {
                guard let (a, b) = products[id] else { continue }
                let rp = find(id), ra = find(a.id), rb = find(b.id)
                switch (size[rp], size[ra], size[rb]) {
                case (nil, let x?, let y?):
                    let (v, o) = x.multipliedReportingOverflow(by: y)
                    if o { throw productError(id, "\(x)·\(y) is too large") }
                    size[rp] = v
                    changed = true
                case (let p?, let x?, nil), (let p?, nil, let x?):
                    guard x > 0, p % x == 0 else {
                        throw productError(id, "\(dimension(id, p)) must be \(describe(id)), but \(p) is not a multiple of \(x)")
                    }
                    size[size[ra] == nil ? ra : rb] = p / x
                    changed = true
                case (let p?, nil, nil) where ra == rb:
                    let root = p >= 0 ? Int(Double(p).squareRoot().rounded()) : -1
                    let (square, o) = root.multipliedReportingOverflow(by: root)
                    guard root >= 0, !o, square == p else {
                        throw productError(id, "\(dimension(id, p)) must be \(describe(id)), but \(p) is not a square")
                    }
                    size[ra] = root
                    changed = true
                case (let p?, let x?, let y?):
                    let (v, o) = x.multipliedReportingOverflow(by: y)
                    if o || v != p {
                        let factors = describe(id) == "\(x)·\(y)" ? describe(id) : "\(describe(id)) = \(x)·\(y)"
                        throw productError(id, "\(dimension(id, p)) must be \(factors)" + (o ? "" : " = \(v)"))
                    }
                default:
                    continue
                }
            }
        }
    }

    /// "the dimension 10", "the dimension N = 10", or "the dimension n·m = 12" for product `id` of size `p`.
    private func dimension(_ id: Int, _ p: Int) -> String {
        let name = resolve(DimVar(id: id)).description
        if name == String(p) { return "the dimension \(p)" }
        // a product that is its own representative goes by its factors
        let shown = products[find(id)] != nil && find(id) == id ? describe(id) : name
        return "the dimension \(shown) = \(p)"
    }

    /// "a·b" for the factors of product `id`.
    private func describe(_ id: Int) -> String {
        guard let (a, b) = products[id] else { return resolve(DimVar(id: id)).description }
        return "\(resolve(a))·\(resolve(b))"
    }

    private func productError(_ id: Int, _ message: String) -> RicciError {
        let (what, loc) = productOrigins[id] ?? ("", .unknown)
        return RicciError(.shape, (what.isEmpty ? "" : "\(what): ") + message, at: loc)
    }
}
