import Foundation
import Ricci

/// The fixed parts of exported Python modules: argument and shape checks, random inputs, and the
/// finite-difference check.
enum PythonSupport {
    /// `random_inputs(seed=0, **sizes)`, drawing each input with its declared properties.
    static func randomInputs(_ m: PythonModule) -> String {
        let model = m.model
        var l: [String] = []
        l.append("def random_inputs(seed=0, **sizes):")
        l.append("    \"\"\"Random inputs for evaluate: sizes by name (default: distinct sizes 3, 4, 5, ...), entries")
        l.append("    normal, symmetric, spd (A A^T/n + I) or positive (uniform in [0.5, 1.5)) as declared; stand-ins")
        l.append("    for functions: h(x) = a sin(b x + c) + d x, F(U) = tanh(C vec(U) + b).\"\"\"")
        l.append("    rng = np.random.default_rng(seed)")
        l.append("    s = _sizes(sizes)")
        for n in model.sizes { l.append("    \(model.sizeIDs[n] ?? n) = s[\(PythonModule.quoted(n))]") }
        l.append("    out = {}")
        for i in model.inputs {
            let props = "(" + i.properties.map { PythonModule.quoted($0.rawValue) + "," }.joined(separator: " ") + ")"
            l.append("    out[\(PythonModule.quoted(i.name))] = _draw(rng, \(m.shape(i.dims)), \(props))")
        }
        for n in m.sizeArguments { l.append("    out[\(PythonModule.quoted(n))] = \(model.sizeIDs[n] ?? n)") }
        for f in model.functions where !f.derivatives.isEmpty {
            let orders = "(" + f.derivatives.sorted().map { "\($0)," }.joined(separator: " ") + ")"
            let names = "(" + f.derivatives.sorted().map { PythonModule.quoted(f.id(derivative: $0)) + "," }.joined(separator: " ") + ")"
            if f.opaque {
                l.append("    out.update(_opaque_stand_in(rng, \(m.shape(f.result)), \(m.shape(f.argument)), \(orders), \(names)))")
            } else {
                l.append("    out.update(_elementwise_stand_in(rng, \(orders), \(names)))")
            }
        }
        l.append("    return out")
        return l.joined(separator: "\n")
    }

    /// `check_gradient` and its helper; `symmetric` names the matrix inputs declared symmetric/spd,
    /// whose derivatives follow Ricci's default convention `sym` ((G + G')/2 of the entrywise G).
    static func checkGradient(jax: Bool, symmetric: [String]) -> String {
        let names = "(" + symmetric.map { PythonModule.quoted($0) + "," }.joined(separator: " ") + ")"
        let enter = jax ? "    with jax.enable_x64(True):\n        return _check_gradient(seed, inputs, sizes)\n" : "    return _check_gradient(seed, inputs, sizes)\n"
        return """
        def check_gradient(seed=0, inputs=None, **sizes):
            \"\"\"Central finite differences of evaluate's value against each gradient (and of each gradient
            against its Hessian) at random_inputs(seed, **sizes): the relative error per variable (an
            absolute error where the derivative is smaller than 1). Every entry is perturbed on its own;
            for a symmetric or spd variable the result is then symmetrized over the variable's index pair,
            (G + G')/2, the convention (--symmetric sym) of Ricci's derivatives by a symmetric matrix.
            inputs=DICT checks at given inputs (as evaluate takes them) instead of random ones.\"\"\"
        \(enter)

        def _check_gradient(seed, inputs, sizes):
            if inputs is None:
                inputs = random_inputs(seed, **sizes)
            out = evaluate(**inputs)
            errors = {}
            for name in WRT:
                x = np.array(inputs[name], dtype=float)

                def at(key, xv):
                    return np.asarray(evaluate(**{**inputs, name: xv})[key], dtype=float)

                for key in ("grad_" + name, "hessian_" + name):
                    if key not in out:
                        continue
                    of = "value" if key.startswith("grad_") else "grad_" + name
                    fd = _finite_differences(lambda xv: at(of, xv), x)
                    if name in \(names) and x.ndim == 2:
                        fd = (fd + np.swapaxes(fd, -1, -2)) / 2
                    derived = np.asarray(out[key], dtype=float)
                    errors[key[5:] if key.startswith("grad_") else key] = _relative_error(derived, fd.reshape(derived.shape))
            return errors
        """
    }

    static let common = #"""
    def _describe(name):
        if name in INPUTS:
            kind, shape, _ = INPUTS[name]
            return f"{kind}, an array of shape {shape}"
        if name in SIZE_ARGS:
            return f"the size {name}, an int (no input's shape shows it)"
        return FUNCTIONS[name]


    def _check_arguments(args, inputs):
        names = list(INPUTS) + list(SIZE_ARGS) + list(FUNCTIONS)
        signature = "; ".join(f"{n}: {_describe(n)}" for n in names)
        if args:
            raise TypeError(f"evaluate takes its inputs by keyword only ({len(args)} positional given): {signature}")
        for name in names:
            if name not in inputs:
                raise TypeError(f"evaluate: missing argument {name!r}: {_describe(name)}")
        for name in inputs:
            if name not in names:
                raise TypeError(f"evaluate: unexpected argument {name!r}; the arguments are {signature}")


    def _array(inputs, name, rank):
        a = xp.asarray(inputs[name])
        if a.dtype.kind not in "fc":
            a = a.astype(xp.result_type(float))
        if a.ndim != rank:
            if rank == 1 and a.ndim == 2 and a.shape[1] == 1:
                a = a[:, 0]  # a column vector given as (n, 1)
            elif rank == 0 and a.size == 1:
                a = xp.reshape(a, ())
            else:
                raise ValueError(f"input {name!r} must be {_describe(name)}; got an array of shape {tuple(a.shape)}")
        return a


    def _check_shape(name, a, expected):
        if tuple(a.shape) != tuple(expected):
            raise ValueError(f"input {name!r} must be {_describe(name)} = {tuple(expected)} (sizes from the other inputs); "
                             f"got an array of shape {tuple(a.shape)}")


    def _size(inputs, name):
        n = inputs[name]
        if isinstance(n, bool) or int(n) != n or n < 1:
            raise ValueError(f"input {name!r} must be {_describe(name)} >= 1; got {n!r}")
        return int(n)


    def _function(inputs, name):
        f = inputs[name]
        if not callable(f):
            raise TypeError(f"input {name!r} must be {FUNCTIONS[name]}; got {type(f).__name__}")
        return f


    def _sizes(given):
        unknown = [n for n in given if n not in SIZES]
        if unknown:
            raise TypeError(f"unknown size {unknown[0]!r}; the sizes are {', '.join(SIZES) or 'none'}")
        out, used, nxt = dict(given), set(given.values()), 3
        for n in SIZES:
            if n not in out:
                while nxt in used:
                    nxt += 1
                out[n] = nxt
                used.add(nxt)
        return out


    def _draw(rng, shape, props):
        if "spd" in props:
            a = rng.standard_normal(shape)
            return a @ a.T / shape[0] + np.eye(shape[0])
        if "positive" in props and "symmetric" not in props:
            return rng.uniform(0.5, 1.5, shape)
        a = rng.standard_normal(shape)
        if "symmetric" in props:
            a = (a + a.T) / 2
            if "positive" in props:
                a = np.abs(a) + 0.5
        return float(a) if shape == () else a


    def _elementwise_stand_in(rng, orders, names):
        a, b, c, d = rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5), rng.uniform(-1, 1), rng.uniform(0.2, 0.8)

        def derivative(k):
            return lambda x: a * b ** k * xp.sin(b * x + c + k * np.pi / 2) + (d * x if k == 0 else d if k == 1 else 0)

        return {name: derivative(k) for k, name in zip(orders, names)}


    def _opaque_stand_in(rng, result, argument, orders, names):
        m, n = int(np.prod(result)), int(np.prod(argument))
        C = rng.standard_normal((m, n)) / np.sqrt(n)
        b = rng.standard_normal(m)

        def F(U):
            return xp.reshape(xp.tanh(C @ xp.reshape(U, (-1,)) + b), result)

        def F_prime(U):
            f = xp.tanh(C @ xp.reshape(U, (-1,)) + b)
            return xp.reshape((1 - f ** 2)[:, None] * C, tuple(result) + tuple(argument))

        return {name: (F if k == 0 else F_prime) for k, name in zip(orders, names)}


    def _finite_differences(f, x, relative_step=1e-6):
        y0 = f(x)
        out = np.zeros(np.shape(y0) + x.shape)
        for idx in np.ndindex(*x.shape):
            h = relative_step * max(1.0, abs(float(x[idx])))
            xp_, xm = x.copy(), x.copy()
            xp_[idx] += h
            xm[idx] -= h
            out[(Ellipsis,) + idx] = (f(xp_) - f(xm)) / (2 * h)
        return out


    def _relative_error(a, b):
        scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1.0)
        return float(np.linalg.norm(a - b)) / scale
    """#
}
