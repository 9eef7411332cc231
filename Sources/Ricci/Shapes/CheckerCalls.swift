/// Function calls: entrywise, user and opaque functions, reductions, matrix functions, constructors.
extension TypeChecker {
    func checkCall(_ f: String, _ args: [Expr], derivative: Int, at loc: SourceLocation) throws -> TypedExpr {
        func arity(_ n: Int) throws {
            guard args.count == n else {
                throw RicciError(.arity, "\(f) takes \(n) argument\(n == 1 ? "" : "s"), found \(args.count)", at: loc)
            }
        }
        func noPrime() throws {
            guard derivative == 0 else {
                throw RicciError(.name, "\(f)' is not defined: only entrywise, elementwise and opaque functions have a derivative "
                    + "written with a prime", at: loc)
            }
        }
        func matrixArg(_ e: Expr) throws -> TypedExpr {
            let x = try check(e, .nested)
            guard !x.isIndexed else {
                throw RicciError(.index, "\(f) needs a matrix or vector, found the indexed entry \(e.text)", at: e.location)
            }
            return x
        }
        if let s = symbols[f] {
            switch s.kind {
            case .elementwise:
                try arity(1)
                let x = try check(args[0], .nested)
                var out = TypedExpr(.userEntrywise(f, derivative: derivative, x), shape: x.shape, at: loc)
                out.free = x.free
                return out
            case .function(let result, let argument):
                try arity(1)
                let x = try matrixArg(args[0])
                if let prev = argument {
                    try unifyShapes(prev, x.shape, what: "\(f) is applied to arguments of different shapes",
                                    left: "an earlier argument", right: args[0].text, at: args[0].location)
                } else {
                    symbols[f]?.kind = .function(result: result, argument: x.shape)
                }
                guard derivative <= 1 else {
                    throw RicciError(.name, "\(f)\(String(repeating: "'", count: derivative)) is not available: an opaque function has "
                        + "only its Jacobian \(f)'", at: loc)
                }
                return TypedExpr(.opaque(f, derivative: derivative, x), shape: derivative == 0 ? result : result + x.shape, at: loc)
            case .tensor(let shape):
                throw RicciError(.name, "\(f) is \(dims.describe(shape)), not a function; index it with \(f)[...]", at: loc)
            }
        }
        if let fn = EntrywiseFunction.named(f) {
            try arity(1)
            let x = try check(args[0], .nested)
            var out = TypedExpr(.entrywise(fn, derivative: derivative, x), shape: x.shape, at: loc)
            out.free = x.free
            return out
        }
        if let r = Reduction(rawValue: f) {
            try noPrime()
            try arity(1)
            let x = try matrixArg(args[0])
            switch r {
            case .tr:
                guard let (a, b) = matrixView(x.shape), dims.unify(a, b) else {
                    throw RicciError(.shape, "tr needs a square matrix; \(args[0].text) is \(dims.describe(x.shape))", at: loc)
                }
            case .norm2, .normF:
                guard x.shape.count <= 2 else {
                    throw RicciError(.shape, "\(f) needs a vector or a matrix; \(args[0].text) is \(dims.describe(x.shape))", at: loc)
                }
            default: break
            }
            return TypedExpr(.reduce(r, x), shape: [], at: loc)
        }
        if let m = MatrixFunction(rawValue: f) {
            try noPrime()
            try arity(m.arity)
            let xs = try args.map(matrixArg)
            return try matrixFunction(m, xs, args, at: loc)
        }
        if let c = Constructor(rawValue: f) {
            try noPrime()
            let ds = try args.map(dimensionArgument)
            switch (c, ds.count) {
            case (.eye, 0):
                let d = dims.fresh("eye_n")
                return TypedExpr(.eye, shape: [d, d], at: loc)
            case (.eye, 1): return TypedExpr(.eye, shape: canonical(ds[0], ds[0]), at: loc)   // eye(1) is a scalar
            case (.ones, 1), (.zeros, 1), (.ones, 2), (.zeros, 2):
                let shape = ds.count == 1 ? ds : canonical(ds[0], ds[1])
                return TypedExpr(c == .ones ? .ones : .zeros, shape: shape, at: loc)
            default:
                throw RicciError(.arity, "\(f) takes \(c == .eye ? "0 or 1" : "1 or 2") dimension arguments, found \(ds.count)", at: loc)
            }
        }
        let candidates = Builtins.allNames + symbols.compactMap { k, v in
            if case .tensor = v.kind { return nil } else { return k }
        }
        if let hint = NameHints.functions[f] {
            throw RicciError(.name, "unknown function '\(f)': \(hint)", at: loc)
        }
        if let near = nearestName(to: f, in: candidates) {
            throw RicciError(.name, "unknown function '\(f)'; did you mean '\(near)'?", at: loc)
        }
        throw RicciError(.name, "unknown function '\(f)'; declare it with '\(f): elementwise' or '\(f): function -> TYPE'", at: loc)
    }

    /// An argument of eye/ones/zeros: an integer or a dimension name.
    func dimensionArgument(_ e: Expr) throws -> DimVar {
        if case .name(let s) = e.kind { return dims.named(s) }
        guard let v = constantValue(e), v == v.rounded(), v >= 1, v < 9.2e18 else {
            throw RicciError(.value, "a dimension must be a positive integer or a dimension name, found \(e.text)", at: e.location)
        }
        return dims.fixed(Int(v))
    }

    func matrixFunction(_ m: MatrixFunction, _ xs: [TypedExpr], _ args: [Expr], at loc: SourceLocation) throws -> TypedExpr {
        let x = xs[0]
        func square() throws -> DimVar {
            if isScalar(x.shape) { return dims.fixed(1) }
            guard x.shape.count == 2, dims.unify(x.shape[0], x.shape[1]) else {
                throw RicciError(.shape, "\(m.rawValue) needs a square matrix; \(args[0].text) is \(dims.describe(x.shape))", at: loc)
            }
            return x.shape[0]
        }
        switch m {
        case .inv:
            let d = try square()
            return TypedExpr(.matrixFunction(m, xs), shape: x.shape.isEmpty ? [] : [d, d], at: loc)
        case .det, .logdet:
            _ = try square()
            return TypedExpr(.matrixFunction(m, xs), shape: [], at: loc)
        case .diag:
            if x.shape.count == 1 { return TypedExpr(.matrixFunction(.Diag, xs), shape: [x.shape[0], x.shape[0]], at: loc) }
            let d = try square()
            return TypedExpr(.matrixFunction(.diag, xs), shape: [d], at: loc)
        case .Diag:
            guard x.shape.count == 1 else {
                throw RicciError(.shape, "Diag needs a vector; \(args[0].text) is \(dims.describe(x.shape)) (diag(A) reads a diagonal)", at: loc)
            }
            return TypedExpr(.matrixFunction(.Diag, xs), shape: [x.shape[0], x.shape[0]], at: loc)
        case .kron:
            guard let (r1, c1) = matrixView(xs[0].shape), let (r2, c2) = matrixView(xs[1].shape) else {
                throw RicciError(.shape, "kron needs vectors or matrices", at: loc)
            }
            let what = "kron(\(args[0].text), \(args[1].text))"
            return TypedExpr(.matrixFunction(m, xs), shape: canonical(dims.product(r1, r2, what: what, at: loc),
                                                                      dims.product(c1, c2, what: what, at: loc)), at: loc)
        case .vec:
            guard let (r, c) = matrixView(x.shape) else {
                throw RicciError(.shape, "vec needs a vector or a matrix; \(args[0].text) is \(dims.describe(x.shape))", at: loc)
            }
            return TypedExpr(.matrixFunction(m, xs), shape: [dims.product(r, c, what: "vec(\(args[0].text))", at: loc)], at: loc)
        case .softmax:
            guard x.shape.count >= 1, x.shape.count <= 2 else {
                throw RicciError(.shape, "softmax needs a vector or a matrix; \(args[0].text) is \(dims.describe(x.shape))", at: loc)
            }
            return TypedExpr(.matrixFunction(m, xs), shape: x.shape, at: loc)
        }
    }
}
