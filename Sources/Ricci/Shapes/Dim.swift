/// A resolved dimension: a concrete size or a symbolic name.
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    case fixed(Int)
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
    /// Dimensions defined as products of two others (kron, vec), by variable id.
    private(set) var products: [Int: (DimVar, DimVar)] = [:]

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

    /// The dimension a·b (rows of a Kronecker product, length of a vec).
    public func product(_ a: DimVar, _ b: DimVar) -> DimVar {
        if case .fixed(let x) = resolve(a), case .fixed(let y) = resolve(b) {
            let (p, o) = x.multipliedReportingOverflow(by: y)
            if !o { return fixed(p) }
        }
        let v = fresh("\(resolve(a))*\(resolve(b))")
        products[v.id] = (a, b)
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

    /// Concrete sizes for every dimension: integers as they are, names from `given`, products computed,
    /// the rest from `fallback`. Throws a message when a given size contradicts a fixed one.
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
        func computeProducts() {
            var changed = true
            var rounds = 0
            while changed && rounds < parent.count + 1 {
                changed = false
                rounds += 1
                for (id, (a, b)) in products {
                    let r = find(id)
                    guard size[r] == nil, let x = size[find(a.id)], let y = size[find(b.id)] else { continue }
                    size[r] = x &* y
                    changed = true
                }
            }
        }
        computeProducts()
        let productClasses = Set(products.keys.map { find($0) })
        for i in 0..<parent.count {
            let r = find(i)
            if size[r] == nil, !productClasses.contains(r), case .named(let s) = resolve(DimVar(id: r)) { size[r] = fallback(s) }
        }
        computeProducts()
        for (id, (a, b)) in products {
            if let p = size[find(id)], let x = size[find(a.id)], let y = size[find(b.id)], p != x &* y {
                throw RicciError(.shape, "the dimension \(resolve(DimVar(id: id))) must be \(x)·\(y) = \(x &* y), found \(p)")
            }
        }
        let frozen = size
        return { [self] v in frozen[self.find(v.id)] ?? 1 }
    }
}
