/// The second directional derivative d²f[V] = H : V of a scalar objective by W along a direction V
/// of W's shape: the Hessian applied to V as a linear map (what Newton-CG needs), in W's shape.
/// For `normF(X*W - Y)^2` it is `2*X'*X*V`.
extension Derivatives {
    /// d²f[V]: Σ over W's axes l of H[k, l]·V[l], with free indices k (W's shape).
    ///
    /// - Parameters:
    ///   - source: the program (SYNTAX.md); its last statement is the scalar objective.
    ///   - wrt: the variable W.
    ///   - direction: the name of the direction; a new input of W's shape when the program does not
    ///     use it, else an input of the program with W's shape.
    ///   - symmetric: the convention of a Hessian by a matrix declared `symmetric`/`spd`, applied
    ///     before the direction is contracted.
    /// - Throws: ``RicciError`` when the direction is a definition, a function, or of another shape.
    public static func hessian(of source: String, wrt: String, direction: String,
                               symmetric: SymmetricConvention? = nil) throws -> DerivativeResult {
        var typed = try TypeChecker.check(source: source)
        let shape = try checkVariable(wrt, in: typed)
        try addDirection(direction, shape: shape, wrt: wrt, to: &typed)
        let lowered = try Lowerer.lower(typed)
        var r = try derivatives(of: lowered, wrt: [wrt], kind: .hessian, symmetric: symmetric, direction: direction)[0]
        r.direction = direction
        return r
    }

    /// Declares `name` as an input of the variable's shape, or checks that it is one.
    static func addDirection(_ name: String, shape: [DimVar], wrt: String, to typed: inout TypedProgram) throws {
        guard name != wrt else { throw RicciError(.usage, "--direction \(name): the direction must be another name than the variable") }
        if let s = typed.symbols[name] {
            guard s.definition == nil, case .tensor(let own) = s.kind else {
                throw RicciError(.usage, "--direction \(name): '\(name)' is a definition or a function of the program, not an input", at: s.location)
            }
            let a = own.filter { !typed.dims.isOne($0) }, b = shape.filter { !typed.dims.isOne($0) }
            guard a.count == b.count, zip(a, b).allSatisfy({ typed.dims.resolve($0) == typed.dims.resolve($1) }) else {
                throw RicciError(.shape, "--direction \(name): '\(name)' is \(typed.dims.describe(own)), but the direction "
                    + "must have the shape of \(wrt), \(typed.dims.describe(shape))", at: s.location)
            }
            return
        }
        guard name.first.map({ $0.isLetter || $0 == "_" }) == true,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !Builtins.isReserved(name) else {
            throw RicciError(.usage, "--direction \(name): not a name the language allows for a variable")
        }
        guard !typed.dims.symbolicNames.contains(name) else {
            throw RicciError(.usage, "--direction \(name): '\(name)' is a dimension of the program; name the direction otherwise")
        }
        let location = typed.symbols[wrt]?.location ?? typed.result.location
        typed.symbols[name] = Symbol(name: name, kind: .tensor(shape: shape), properties: [], declared: true,
                                     definition: nil, location: location)
        typed.names.append(name)
    }

    /// The Hessian `h` (free: W's axes twice) contracted with `direction` over its second set of axes.
    static func applied(_ h: IndexExpr, direction: String) -> IndexExpr {
        let q = h.free.count / 2
        let first = Array(h.free.prefix(q)), second = Array(h.free.suffix(q))
        return IndexExpr(free: first, terms: h.terms.map { Term($0.coefficient, $0.factors + [.tensor(direction, second)]) })
    }
}
