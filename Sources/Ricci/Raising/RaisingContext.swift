/// The rows and columns of a raised value, with `nil` for a unit axis (the language's view: a scalar
/// is 1×1, a column vector n×1, a row vector 1×n).
struct RaisedShape: Hashable {
    var rows: DimVar?
    var cols: DimVar?

    static let scalar = RaisedShape(rows: nil, cols: nil)
    var isScalar: Bool { rows == nil && cols == nil }
    var transposed: RaisedShape { RaisedShape(rows: cols, cols: rows) }
}

/// State of one ``Raiser/raise(_:)`` call: the dimension table and the shapes of the expressions built
/// so far (atoms are recorded when they are made; composite shapes are inferred from their parts).
final class RaisingContext {
    let dims: DimTable
    private var shapes: [MatrixExpr: RaisedShape] = [:]
    /// Nesting depth of recursive raising (bounded so a pathological input cannot exhaust the stack).
    var depth = 0
    static let maxDepth = 200
    /// Structure known of the program's names (a symmetric matrix is its own transpose).
    var structure = StructureFacts()

    init(dims: DimTable) { self.dims = dims }

    /// A dimension as a shape axis: `nil` for the concrete 1.
    func axis(_ d: DimVar) -> DimVar? { dims.isOne(d) ? nil : d }

    /// The shape of a value over the given indices (order 0, 1 or 2).
    func shape(over ix: [Index]) -> RaisedShape {
        RaisedShape(rows: ix.first.flatMap { axis($0.dim) }, cols: ix.count > 1 ? axis(ix[1].dim) : nil)
    }

    /// Records the shape of `e` and returns `e`.
    @discardableResult
    func note(_ e: MatrixExpr, _ s: RaisedShape) -> MatrixExpr {
        shapes[e] = s
        return e
    }

    /// A dimension as printed inside `eye(...)`/`ones(...)`, or nil when it cannot be written there.
    func printable(_ d: DimVar) -> Dim? {
        let r = dims.resolve(d)
        if case .named(let s) = r {
            guard let f = s.first, f.isLetter || f == "_",
                  s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !Builtins.isReserved(s) else { return nil }
        }
        return r
    }

    /// `ones(n)` over an index's dimension.
    func onesVector(_ d: DimVar) -> MatrixExpr? {
        guard let p = printable(d) else { return nil }
        return note(.ones([p]), RaisedShape(rows: axis(d), cols: nil))
    }

    /// The shape of `e`, when it is known.
    func shape(_ e: MatrixExpr) -> RaisedShape? {
        if let s = shapes[e] { return s }
        switch e {
        case .number, .power: return .scalar
        case .symbol, .identity, .ones, .zeros: return nil
        case .transpose(let x): return shape(x)?.transposed
        case .negate(let x), .entrywisePower(let x, _): return shape(x)
        case .divide(let a, _): return shape(a)
        case .product(let xs):
            var acc = RaisedShape.scalar
            for x in xs {
                guard let s = shape(x) else { return nil }
                if s.isScalar { continue }
                acc = acc.isScalar ? s : RaisedShape(rows: acc.rows, cols: s.cols)
            }
            return acc
        case .hadamard(let xs), .sum(let xs):
            var known = false
            for x in xs {
                guard let s = shape(x) else { continue }
                known = true
                if !s.isScalar { return s }
            }
            return known ? .scalar : nil
        case .hadamardDivide(let a, let b):
            if let s = shape(a), !s.isScalar { return s }
            return shape(b)
        case .doubleDot: return nil
        case .call(let f, _, let args):
            switch f {
            case .entrywise, .user: return args.count == 1 ? shape(args[0]) : nil
            case .opaque: return nil
            case .reduction: return .scalar
            case .matrix(let m):
                guard let a = args.first.flatMap({ shape($0) }) else { return nil }
                switch m {
                case .det, .logdet: return .scalar
                case .inv, .softmax: return a
                case .diag: return a.cols == nil ? RaisedShape(rows: a.rows, cols: a.rows) : RaisedShape(rows: a.rows, cols: nil)
                case .Diag: return RaisedShape(rows: a.rows, cols: a.rows)
                case .kron, .vec: return nil
                }
            }
        }
    }

    /// Whether `e` is known to be a scalar.
    func isScalar(_ e: MatrixExpr) -> Bool { shape(e)?.isScalar ?? false }
}
