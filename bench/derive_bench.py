#!/usr/bin/env python3
"""Benchmark `ricci grad` (derive + simplify + raise) against SymPy and tensorgrad.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install -r bench/requirements.txt   # once
    bench/.venv/bin/python bench/derive_bench.py [--quick] [--ricci PATH] [--no-write]
        [--cases P1,P2,...,L8] [--tools ricci,sympy,tensorgrad] [--max-L 64] [--budget SECONDS]

Cases: the five problems of PROBLEMS.md (verbatim programs; P4 also with h = tanh) and the L-layer
loss normF(W_L*tanh(W_{L-1}*...tanh(W_1*X)...) - Y)^2 by every W_i, L = 1, 2, 4, ..., 64, with
X, Y: matrix(n, m) and W_i: matrix(n, n).

For every case and tool, in the same run:
  * time: ricci in-process (the hidden `ricci grad --repeat N`, which prints the mean time per
    derivation; parsing included, printing excluded) and end to end (process launches, from which
    the start-up time of a trivial `ricci grad` is also reported); SymPy (`MatrixSymbol` objective,
    `.diff(W)` per variable, SymPy's default canonicalisation, cache cleared before every run) and
    tensorgrad (`f.grad(W).simplify()` per variable) timed inside a worker process, building the
    expression included, imports excluded. A worker that exceeds the time budget is killed and the
    case is recorded as a timeout; larger L are then skipped for that tool.
  * output size: ricci, characters of the printed result programs less their declarations (the
    `where` definitions, each counted once over all the results, and every `G = ...` line, in
    matrix form when the raiser found one, else in Einstein form); SymPy, `str()` of the gradients;
    tensorgrad, `str()` of the simplified gradients (its own repr);
  * correctness: every tool's gradient evaluated numerically at random inputs (two dimension sets:
    all dimensions distinct, then all equal so that a transposed or mis-shaped answer cannot hide
    behind a shape error) against jax.grad of the same objective in float64. ricci: `ricci eval` of
    the printed result program; SymPy: the gradient expression evaluated with NumPy (entrywise
    functions applied by hand, the rest through lambdify); tensorgrad: its own compiler
    (compile_to_callable, torch CPU).
Growth against L is fitted as a log-log slope (1 = linear) and as ratios between successive L.
Prints markdown and writes it under "## derive" in bench/RESULTS.md. Timings are never pass/fail.
"""
import argparse
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_common import ROOT, BuildSampler, build  # noqa: E402
SELF = Path(__file__).resolve()
TOOLS = ("ricci", "sympy", "tensorgrad")
LAYERS = (1, 2, 4, 8, 16, 32, 64)
REL_TOL = 1e-7
RECURSION_LIMIT = 200_000

# ---------------------------------------------------------------------------------------------
# Cases: the ricci program (verbatim from PROBLEMS.md), the variables to differentiate by, and
# what the numeric check needs (input shapes, two dimension sets, a JAX objective).
# ---------------------------------------------------------------------------------------------

PROBLEMS = {
    "P1": dict(
        title="P1 normF(F(W) - beta*D'*Z)^2, opaque F",
        program="D: matrix(d, m); Z: matrix(d, l); W: matrix(d, n); beta: matrix(n, m)\n"
                "F: function -> matrix(n, l)\n"
                "normF(F(W) - beta*D'*Z)^2",
        wrt=["W"], inputs=None),
    "P2": dict(
        title="P2 (X*W + b)*y",
        program="X: matrix(1, m); W: matrix(m, 10); b: matrix(1, 10); y: vector(10)\n"
                "f = X*W + b\n"
                "f*y",
        wrt=["W"],
        inputs={"X": (1, "m"), "W": ("m", 10), "b": (1, 10), "y": (10, 1)},
        dims=[{"m": 4}, {"m": 10}]),
    "P3": dict(
        title="P3 sum(A .* log(A ./ (B'*X*C)))",
        program="A: matrix(p, q), positive; B: matrix(r, p); X: matrix(r, s); C: matrix(s, q)\n"
                "sum(A .* log(A ./ (B'*X*C)))",
        wrt=["X"], positive=True,
        inputs={"A": ("p", "q"), "B": ("r", "p"), "X": ("r", "s"), "C": ("s", "q")},
        dims=[{"p": 3, "q": 4, "r": 5, "s": 6}, {"p": 4, "q": 4, "r": 4, "s": 4}]),
    "P4": dict(
        title="P4 normF(h(X*W)*alpha - y)^2, user h (checked with h = tanh)",
        program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\n"
                "h: elementwise\n"
                "normF(h(X*W)*alpha - y)^2",
        wrt=["W"], functions={"h": "tanh"},
        inputs={"X": ("n", "d"), "W": ("d", "k"), "alpha": ("k", 1), "y": ("n", 1)},
        dims=[{"n": 5, "d": 3, "k": 4}, {"n": 4, "d": 4, "k": 4}]),
    "P4t": dict(
        title="P4 with h = tanh",
        program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\n"
                "normF(tanh(X*W)*alpha - y)^2",
        wrt=["W"],
        inputs={"X": ("n", "d"), "W": ("d", "k"), "alpha": ("k", 1), "y": ("n", 1)},
        dims=[{"n": 5, "d": 3, "k": 4}, {"n": 4, "d": 4, "k": 4}]),
    "P5": dict(
        title="P5 A*(B*V*relu(W*z)).^2, by V and W",
        program="A: matrix(1, l); B: matrix(l, m); V: matrix(m, k); W: matrix(k, d); z: vector(d)\n"
                "A*(B*V*relu(W*z)).^2",
        wrt=["V", "W"],
        inputs={"A": (1, "l"), "B": ("l", "m"), "V": ("m", "k"), "W": ("k", "d"), "z": ("d", 1)},
        dims=[{"l": 3, "m": 4, "k": 5, "d": 6}, {"l": 4, "m": 4, "k": 4, "d": 4}]),
}


def layer_case(L):
    decls = ["X: matrix(n, m)", "Y: matrix(n, m)"] + [f"W{i}: matrix(n, n)" for i in range(1, L + 1)]
    inner = "X"
    for i in range(1, L):
        inner = f"tanh(W{i}*{inner})"
    inputs = {"X": ("n", "m"), "Y": ("n", "m")}
    inputs.update({f"W{i}": ("n", "n") for i in range(1, L + 1)})
    return dict(title=f"L = {L}", program="\n".join(decls) + f"\nnormF(W{L}*{inner} - Y)^2",
                wrt=[f"W{i}" for i in range(1, L + 1)], inputs=inputs, L=L,
                dims=[{"n": 3, "m": 5}, {"n": 4, "m": 4}], peer_check=L <= 8)


def get_case(key):
    if key.startswith("L"):
        return layer_case(int(key[1:]))
    return PROBLEMS[key]


def jax_objective(key):
    """The objective in jax.numpy on 2-D arrays (vectors are columns), for reference gradients."""
    import jax.numpy as jnp

    relu = lambda u: jnp.maximum(u, 0.0)
    if key == "P2":
        return lambda v: ((v["X"] @ v["W"] + v["b"]) @ v["y"])[0, 0]
    if key == "P3":
        return lambda v: jnp.sum(v["A"] * jnp.log(v["A"] / (v["B"].T @ v["X"] @ v["C"])))
    if key in ("P4", "P4t"):
        return lambda v: jnp.sum((jnp.tanh(v["X"] @ v["W"]) @ v["alpha"] - v["y"]) ** 2)
    if key == "P5":
        return lambda v: (v["A"] @ (v["B"] @ v["V"] @ relu(v["W"] @ v["z"])) ** 2)[0, 0]
    if key.startswith("L"):
        L = int(key[1:])

        def f(v):
            h = v["X"]
            for i in range(1, L):
                h = jnp.tanh(v[f"W{i}"] @ h)
            return jnp.sum((v[f"W{L}"] @ h - v["Y"]) ** 2)
        return f
    return None


def make_data(key, case, tmp, seed=0):
    """Writes inputs and jax.grad references for both dimension sets; returns their folders."""
    if not case.get("inputs"):
        return []
    import jax
    jax.config.update("jax_enable_x64", True)
    f = jax_objective(key)
    rng = np.random.default_rng(seed)
    folders = []
    for k, dims in enumerate(case["dims"]):
        values = {}
        for name, shape in case["inputs"].items():
            concrete = tuple(dims[s] if isinstance(s, str) else s for s in shape)
            if case.get("positive"):
                values[name] = rng.uniform(0.5, 1.5, concrete)
            else:
                values[name] = rng.standard_normal(concrete) / math.sqrt(max(concrete))
        folder = Path(tmp) / key / f"dims{k}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, a in values.items():
            np.save(folder / f"{name}.npy", a)
        grads = jax.grad(f)({n: jax.numpy.asarray(a) for n, a in values.items()})
        for w in case["wrt"]:
            np.save(folder / f"ref_{w}.npy", np.asarray(grads[w]))
        (folder / "dims.json").write_text(json.dumps(dims))
        folders.append(str(folder))
    return folders


def compare(got, ref):
    """'ok', or what is wrong: shape (after squeezing unit axes) or values (relative error)."""
    got = np.asarray(got, dtype=float)
    g, r = np.squeeze(got), np.squeeze(ref)
    if g.shape != r.shape:
        return dict(ok=False, verdict=f"wrong shape {list(got.shape)} (expected {list(ref.shape)})")
    err = float(np.max(np.abs(g - r)) / max(1e-300, float(np.max(np.abs(r)))))
    if not np.isfinite(err) or err > REL_TOL:
        return dict(ok=False, verdict=f"WRONG values (rel. error {err:.2g})", err=err)
    return dict(ok=True, verdict="ok", err=err)


def compress(names):
    """W1, W2, W3, W5 -> W1–W3, W5 (names with a common prefix and a number)."""
    out, run_ = [], []
    def flush():
        if run_:
            out.append(run_[0][1] if len(run_) == 1 else f"{run_[0][1]}–{run_[-1][1]}")
    for name in names:
        m = re.match(r"^(.*?)(\d+)$", name)
        key = (m.group(1), int(m.group(2))) if m else None
        if run_ and key and run_[-1][0] and run_[-1][0][0] == key[0] and run_[-1][0][1] + 1 == key[1]:
            run_.append((key, name))
            continue
        flush()
        run_[:] = [(key, name)]
    flush()
    return ", ".join(out)


def summarize_checks(checks):
    """One verdict over all dimension sets and variables; the failures by variable."""
    if not checks:
        return "not checked"
    bad = [c for c in checks if not c["ok"]]
    if not bad:
        return f"ok (max rel. error {max(c.get('err', 0) for c in checks):.1e})"
    good = sorted({c["wrt"] for c in checks} - {c["wrt"] for c in bad}, key=lambda w: (len(w), w))
    by = {}
    for c in bad:
        verdict = re.sub(r"rel\. error [0-9.e+-]+", "rel. error up to "
                         + f"{max(b.get('err', 0) for b in bad if b['dims'] == c['dims']):.2g}", c["verdict"])
        by.setdefault((c["dims"], verdict), []).append(c["wrt"])
    parts = [f"{compress(sorted(set(ws), key=lambda w: (len(w), w)))} at {d}: {v}" for (d, v), ws in sorted(by.items())]
    return "; ".join(parts) + (f"; ok: {compress(good)}" if good else "")


# ---------------------------------------------------------------------------------------------
# SymPy
# ---------------------------------------------------------------------------------------------

class Cannot(Exception):
    """The tool has no way to express the objective."""


def sympy_variants(key):
    """[(note, builder)]: builders return (objective, {name: MatrixSymbol}); tried in order."""
    import sympy as sp
    from sympy import HadamardPower, HadamardProduct, Lambda, MatrixSymbol, OneMatrix, Trace
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as EAF

    def dims(names):
        return sp.symbols(names, integer=True, positive=True)

    x = sp.Symbol("x")
    normF2 = lambda E: Trace(E.T * E)
    if key == "P1":
        raise Cannot("no opaque matrix-valued function of a matrix")
    if key == "P2":
        def b():
            m = dims("m")
            v = dict(X=MatrixSymbol("X", 1, m), W=MatrixSymbol("W", m, 10), b=MatrixSymbol("b", 1, 10),
                     y=MatrixSymbol("y", 10, 1))
            return (v["X"] * v["W"] + v["b"]) * v["y"], v
        return [("", b)]
    if key == "P3":
        def sym():
            p, q, r, s = dims("p q r s")
            return dict(A=MatrixSymbol("A", p, q), B=MatrixSymbol("B", r, p), X=MatrixSymbol("X", r, s),
                        C=MatrixSymbol("C", s, q))

        def verbatim():  # sum(A .* log(A ./ M)) with ./ as a Hadamard power -1 and sum as 1ᵀ(·)1
            v = sym()
            M = v["B"].T * v["X"] * v["C"]
            inner = EAF(sp.log, HadamardProduct(v["A"], HadamardPower(M, -1)))
            p, q = v["A"].shape
            return OneMatrix(1, p) * HadamardProduct(v["A"], inner) * OneMatrix(q, 1), v

        def rewritten():  # tr(Aᵀ (log A - log M)): the log split by hand
            v = sym()
            M = v["B"].T * v["X"] * v["C"]
            return Trace(v["A"].T * (EAF(sp.log, v["A"]) - EAF(sp.log, M))), v
        return [("", verbatim), ("rewritten by hand as tr(A'*(log(A) - log(B'*X*C)))", rewritten)]
    if key in ("P4", "P4t"):
        def b():
            n, d, k = dims("n d k")
            v = dict(X=MatrixSymbol("X", n, d), W=MatrixSymbol("W", d, k), alpha=MatrixSymbol("alpha", k, 1),
                     y=MatrixSymbol("y", n, 1))
            h = Lambda(x, sp.Function("h")(x)) if key == "P4" else sp.tanh
            return normF2(EAF(h, v["X"] * v["W"]) * v["alpha"] - v["y"]), v
        return [("", b)]
    if key == "P5":
        def b():
            l, m, k, d = dims("l m k d")
            v = dict(A=MatrixSymbol("A", 1, l), B=MatrixSymbol("B", l, m), V=MatrixSymbol("V", m, k),
                     W=MatrixSymbol("W", k, d), z=MatrixSymbol("z", d, 1))
            relu = Lambda(x, sp.Max(0, x))
            return v["A"] * HadamardPower(v["B"] * v["V"] * EAF(relu, v["W"] * v["z"]), 2), v
        return [("", b)]
    if key.startswith("L"):
        L = int(key[1:])

        def b():
            n, m = dims("n m")
            v = dict(X=MatrixSymbol("X", n, m), Y=MatrixSymbol("Y", n, m))
            v.update({f"W{i}": MatrixSymbol(f"W{i}", n, n) for i in range(1, L + 1)})
            h = v["X"]
            for i in range(1, L):
                h = EAF(sp.tanh, v[f"W{i}"] * h)
            return normF2(v[f"W{L}"] * h - v["Y"]), v
        return [("", b)]
    raise KeyError(key)


def sympy_numeric(expr, env):
    """Evaluates a SymPy matrix/array expression with NumPy: entrywise functions by hand (lambdify
    cannot print ElementwiseApplyFunction), the rest through lambdify."""
    import sympy as sp
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as EAF

    env = dict(env)
    counter = [0]

    def run(e):
        return np.asarray(sp.lambdify(list(env), e, "numpy")(*env.values()), dtype=float)

    def strip(e):
        if isinstance(e, EAF):
            inner = run(strip(e.expr))
            d = sp.Dummy("d")
            out = np.asarray(sp.lambdify(d, e.function(d), "numpy")(inner), dtype=float)
            out = np.broadcast_to(out, inner.shape).copy()
            counter[0] += 1
            ph = sp.MatrixSymbol(f"_entrywise{counter[0]}", *e.shape)
            env[ph] = out
            return ph
        if not e.args:
            return e
        args = [strip(a) for a in e.args]
        return e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)

    return run(strip(expr))


def sympy_worker(key, repeat, budget, folders):
    from sympy.core.cache import clear_cache

    wrt = get_case(key)["wrt"]
    warm = "L2" if key != "L2" else "P4t"  # warm-up (imports, dispatch tables) on another objective
    try:
        f, v = sympy_variants(warm)[0][1]()
        f.diff(v["W1" if warm == "L2" else "W"])
    except Exception:
        pass
    notes, result = [], {}
    for note, build in sympy_variants(key):
        label = note or "verbatim"

        def derive():
            clear_cache()
            t = time.perf_counter()
            f, v = build()
            grads, failed = {}, {}
            for w in wrt:  # a failure on one variable does not hide the others
                try:
                    grads[w] = f.diff(v[w])
                except Exception as e:
                    failed[w] = f"{type(e).__name__}: {str(e)[:80]}".rstrip(": ")
            return time.perf_counter() - t, v, grads, failed
        t, v, grads, failed = derive()
        if not grads:
            notes.append(f"{label}: " + "; ".join(sorted(set(failed.values()))))
            continue
        times = [t]
        start = time.perf_counter()
        while len(times) < repeat and time.perf_counter() - start < budget / 4 and times[0] < 2:
            times.append(derive()[0])
        text = [str(g) for g in grads.values()]
        result = dict(times=times, size=sum(map(len, text)), form="str()",
                      output=" ; ".join(f"{w}: {g}" for w, g in grads.items()))
        if note:
            notes.append(note)
        if failed:
            result["partial"] = True
            by_msg = {}
            for w, m in failed.items():
                by_msg.setdefault(m, []).append(w)
            notes.append("no gradient by " + "; ".join(f"{compress(ws)} ({m})" for m, ws in by_msg.items())
                         + f"; gradients only by {compress(list(grads))}, the time includes the failed attempts")
        checks = []
        for folder in folders:
            env, dims = {}, json.loads(Path(folder, "dims.json").read_text())
            for name, sym in v.items():
                env[sym] = np.load(Path(folder, f"{name}.npy"))
            for w, g in grads.items():
                ref = np.load(Path(folder, f"ref_{w}.npy"))
                try:
                    c = compare(sympy_numeric(g, env), ref)
                except Exception as e:
                    c = dict(ok=False, verdict=f"does not evaluate ({type(e).__name__}: {str(e)[:100]})")
                checks.append(dict(c, dims=fmt_dims(dims), wrt=w))
        result["checks"] = checks
        break
    else:
        result = dict(error="cannot: " + " / ".join(notes))
        notes = []
    result["notes"] = notes
    return result


# ---------------------------------------------------------------------------------------------
# tensorgrad (named edges: a product contracts the edges its factors share)
# ---------------------------------------------------------------------------------------------

def tensorgrad_build(key):
    """(objective, {name: Variable}, {name: edge order of the Variable}, {size symbol: value})."""
    import sympy as sp
    import tensorgrad as tg
    import tensorgrad.functions as F

    V = tg.Variable
    if key == "P1":
        d, m, l, n = sp.symbols("d m l n")
        v = dict(D=V("D", d=d, m=m), Z=V("Z", d=d, l=l), W=V("W", d=d, n=n), beta=V("beta", n=n, m=m))
        FW = tg.function("F", {"n": n, "l": l}, (v["W"], "d", "n"))
        return F.frobenius2(FW - v["beta"] @ v["D"] @ v["Z"]), v, {}
    if key == "P2":  # the 1×m and 1×10 matrices become vectors: tensorgrad has no unit edges
        m, c = sp.symbols("m c")
        v = dict(X=V("X", m=m), W=V("W", m=m, c=c), b=V("b", c=c), y=V("y", c=c))
        return (v["X"] @ v["W"] + v["b"]) @ v["y"], v, {c: 10}
    if key == "P3":
        p, q, r, s = sp.symbols("p q r s")
        v = dict(A=V("A", p=p, q=q), B=V("B", r=r, p=p), X=V("X", r=r, s=s), C=V("C", s=s, q=q))
        M = v["B"] @ v["X"] @ v["C"]
        return F.sum(v["A"] * F.log(v["A"] * F.pow(M, -1))), v, {}
    if key in ("P4", "P4t"):
        n, d, k = sp.symbols("n d k")
        v = dict(X=V("X", n=n, d=d), W=V("W", d=d, k=k), alpha=V("alpha", k=k), y=V("y", n=n))
        XW = v["X"] @ v["W"]
        H = tg.function("h", {}, (XW,)) if key == "P4" else F.tanh(XW)
        return F.frobenius2(H @ v["alpha"] - v["y"]), v, {}
    if key == "P5":  # A (1×l) and z become vectors
        l, m, k, d = sp.symbols("l m k d")
        v = dict(A=V("A", l=l), B=V("B", l=l, m=m), V=V("V", m=m, k=k), W=V("W", k=k, d=d), z=V("z", d=d))
        r = F.relu(v["W"] @ v["z"])
        return v["A"] @ F.pow(v["B"] @ v["V"] @ r, 2), v, {}
    if key.startswith("L"):
        L = int(key[1:])
        n, m = sp.symbols("n m")
        v = dict(X=V("X", i=n, m=m), Y=V("Y", i=n, m=m))
        v.update({f"W{j}": V(f"W{j}", o=n, i=n) for j in range(1, L + 1)})
        h = v["X"]
        for j in range(1, L):
            h = F.tanh((v[f"W{j}"] @ h).rename(o="i"))
        return F.frobenius2((v[f"W{L}"] @ h).rename(o="i") - v["Y"]), v, {}
    raise KeyError(key)


def install_named_tensor_shim():
    """torch >= 2.1x dropped named tensors, which tensorgrad's runtime still uses to align inputs
    and label outputs. Positional tensors in each Variable's edge order do the same job."""
    import torch
    if hasattr(torch.Tensor, "names"):
        return
    torch.Tensor.names = property(lambda self: getattr(self, "_tg_names", (None,) * self.dim()))
    torch.Tensor.rename = lambda self, *a, **k: self

    def refine_names(self, *names):
        out = self.view_as(self)
        out._tg_names = tuple(names)
        return out
    torch.Tensor.refine_names = refine_names


def tensorgrad_worker(key, repeat, budget, folders):
    import sympy as sp

    def derive():
        f, v, extra = tensorgrad_build(key)
        return [f.grad(v[w]).simplify() for w in get_case(key)["wrt"]], v, extra

    # warm-up on another objective (lazy imports: the first derivation in a process takes seconds)
    warm = "L2" if key != "L2" else "P4t"
    f, v, _ = tensorgrad_build(warm)
    f.grad(v["W1" if warm == "L2" else "W"]).simplify()
    sp.core.cache.clear_cache()
    t = time.perf_counter()
    grads, v, extra = derive()
    times = [time.perf_counter() - t]
    start = time.perf_counter()
    while len(times) < repeat and time.perf_counter() - start < budget / 4 and times[0] < 2:
        sp.core.cache.clear_cache()
        t = time.perf_counter()
        grads, v, extra = derive()
        times.append(time.perf_counter() - t)
    text = [str(g) for g in grads]
    result = dict(times=times, size=sum(map(len, text)), output=" ; ".join(text), form="repr", notes=[])
    if key == "P2":
        result["notes"].append("1×m and 1×10 written as vectors")
    if key == "P5":
        result["notes"].append("A (1×l) written as a vector")
    checks = []
    if folders:
        import torch
        install_named_tensor_shim()
        from tensorgrad.compiler import compile_to_callable
        torch.set_default_dtype(torch.float64)
        program = compile_to_callable(*grads)
        for folder in folders:
            dims = json.loads(Path(folder, "dims.json").read_text())
            values = {var: torch.tensor(np.load(Path(folder, f"{name}.npy")).reshape(
                [dims[str(var.shape[e])] if str(var.shape[e]) in dims else extra[var.shape[e]] for e in var.edges]))
                for name, var in v.items()}
            sizes = {sym: dims[str(sym)] for var in v.values() for sym in var.shape.values() if str(sym) in dims}
            sizes.update(extra)
            try:
                outs = program(values, sizes)
                outs = outs if isinstance(outs, tuple) else (outs,)
            except Exception as e:
                outs = [e] * len(grads)
            for w, out in zip(get_case(key)["wrt"], outs):
                ref = np.load(Path(folder, f"ref_{w}.npy"))
                if isinstance(out, Exception):
                    c = dict(ok=False, verdict=f"does not evaluate ({type(out).__name__}: {str(out)[:60]})")
                else:
                    names = out._tg_names
                    order = [names.index(e) for e in v[w].edges]
                    got = out.permute(order).numpy() if order else out.numpy()
                    c = compare(got, ref)
                checks.append(dict(c, dims=fmt_dims(dims), wrt=w))
    result["checks"] = checks
    return result


# ---------------------------------------------------------------------------------------------
# ricci
# ---------------------------------------------------------------------------------------------

def run(cmd, timeout=None, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout, **kw)


def grad_cmd(ricci, case, extra=()):
    cmd = [ricci, "grad", case["program"]]
    for w in case["wrt"]:
        cmd += ["--wrt", w]
    return cmd + ["--format", "json", *extra]


REPEAT_RE = re.compile(r"time per derivation:\s*([0-9.eE+-]+)\s*ms")


def in_process_seconds(proc):
    """The in-process time printed by `ricci grad --repeat N`: JSON median_seconds on stdout (as
    `ricci contract` prints) or 'time per derivation: X ms' on standard error."""
    m = REPEAT_RE.search(proc.stderr)
    if m:
        return float(m.group(1)) / 1e3
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("{") and "median_seconds" in line:
            return json.loads(line)["median_seconds"]
    return None


def timed(cmd, timeout):
    t = time.perf_counter()
    proc = run(cmd, timeout=timeout, check=False)
    return time.perf_counter() - t, proc


def ricci_size(report):
    """Characters of the printed result programs without their declarations: the `where` definitions
    the matrix form uses (each counted once over all the results) and every G = ... line."""
    results = report.get("results", [report])
    lines, forms = [], set()
    for r in results:
        forms.add("matrix" if r.get("matrix") else "einstein")
        decls = {l for l in r["program"].splitlines() if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*:", l)}
        for line in r["program"].splitlines():
            if line not in decls and line not in lines:
                lines.append(line)
    defs = len(lines) - len(results)
    return sum(map(len, lines)), "+".join(sorted(forms)) + (f" + {defs} where" if defs > 0 else "")


def ricci_case(ricci, key, case, folders, args, startup):
    """Times `ricci grad` on one case; checks every result program with `ricci eval`."""
    cmd = grad_cmd(ricci, case)
    try:
        first, proc = timed(cmd, args.budget)
    except subprocess.TimeoutExpired:
        return dict(error=f"timeout (> {args.budget:.0f} s)")
    if proc.returncode != 0:
        return dict(error=f"error: {(proc.stdout + proc.stderr).strip()[:160]}")
    report = json.loads(proc.stdout)
    e2e = [first]
    while len(e2e) < args.runs and first < 2 and sum(e2e) < args.budget / 4:
        e2e.append(timed(cmd, args.budget)[0])
    inproc = None
    if first < 2 and args.repeat > 1:
        samples = []
        for _ in range(args.rounds):
            try:
                t, p = timed(grad_cmd(ricci, case, ["--repeat", str(args.repeat)]), args.budget)
            except subprocess.TimeoutExpired:
                break
            s = in_process_seconds(p)
            if s is None:
                break
            samples.append(s)
        inproc = min(samples) if samples else None
    e2e_med = statistics.median(e2e)
    size, form = ricci_size(report)
    results = report.get("results", [report])
    text = " ; ".join(f"{r['wrt'][0]}: " + (r.get("matrix") or r.get("einstein") or "")
                      + "".join(f" where {n} = {d}" for n, d in r.get("where") or []) for r in results)
    out = dict(e2e=e2e_med, runs=len(e2e), inproc=inproc, size=size, form=form, output=text, notes=[])
    # the time used in ratios: in-process when measured, else end to end less the start-up time
    out["time"] = inproc if inproc is not None else max(e2e_med - startup, 1e-9)
    out["time_kind"] = "in-process" if inproc is not None else "end-to-end − start-up"
    checks = []
    for folder in folders:
        dims = json.loads(Path(folder, "dims.json").read_text())
        sets = []
        for name in case["inputs"]:
            sets += ["--set", f"{name}={folder}/{name}.npy"]
        for fname, value in (case.get("functions") or {}).items():
            sets += ["--set", f"{fname}={value}"]
        for w, r in zip(case["wrt"], results):
            ref = np.load(Path(folder, f"ref_{w}.npy"))
            try:
                p = run([ricci, "eval", r["program"], *sets, "--format", "json"], timeout=args.budget, check=False)
                value = json.loads(p.stdout)
                c = (compare(np.array(value["value"]), ref) if "value" in value else
                     dict(ok=False, verdict=f"does not evaluate ({value.get('error', {}).get('message', '')[:60]})"))
            except Exception as e:
                c = dict(ok=False, verdict=f"does not evaluate ({type(e).__name__})")
            checks.append(dict(c, dims=fmt_dims(dims), wrt=w))
    out["checks"] = checks
    return out


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

def fmt_dims(dims):
    return ",".join(f"{k}={v}" for k, v in dims.items())


def fmt_t(s):
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def peer_case(tool, key, folders, args):
    if get_case(key).get("functions") or not get_case(key).get("peer_check", True):
        folders = []  # a user function h cannot be evaluated by the peers (their check is on P4t); L > 8: cost
    cmd = [sys.executable, str(SELF), "--worker", tool, "--case", key, "--repeat", str(args.peer_repeat),
           "--budget", str(args.budget), "--folders", json.dumps(folders)]
    try:
        proc = run(cmd, timeout=args.budget, check=False)
    except subprocess.TimeoutExpired:
        return dict(error=f"timeout (> {args.budget:.0f} s)")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return dict(error=f"crash: {tail[:160]}")
    out = json.loads(lines[-1])
    if "times" in out:
        out["time"] = statistics.median(out["times"])
    return out


def slope(points):
    """Least-squares slope of log(y) against log(L)."""
    pts = [(math.log(L), math.log(y)) for L, y in points if y and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: L up to 8, few repetitions, short budget")
    parser.add_argument("--ricci", help="use this ricci binary instead of building")
    parser.add_argument("--scratch-path", default=".build-D", help="swift build scratch path (when building)")
    parser.add_argument("--cases", help="comma-separated subset, e.g. P1,P4,L8")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--max-L", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=9, help="ricci in-process repetitions (--repeat N)")
    parser.add_argument("--runs", type=int, default=5, help="ricci process launches per case")
    parser.add_argument("--rounds", type=int, default=3, help="ricci --repeat rounds; the best is kept")
    parser.add_argument("--peer-repeat", type=int, default=5, help="SymPy/tensorgrad repetitions per case")
    parser.add_argument("--budget", type=float, default=600, help="seconds per tool and case before giving up")
    parser.add_argument("--ricci-commit", help="the commit the --ricci binary was built from (for the report)")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--folders", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        # Deep expressions recurse deeply in both peers: with Python's default limit (1000) tensorgrad
        # raises RecursionError from L = 32, so the worker runs with a high limit on a 512 MB stack.
        import threading
        fn = dict(sympy=sympy_worker, tensorgrad=tensorgrad_worker)[args.worker]
        box = {}

        def work():
            try:
                box["out"] = fn(args.case, args.repeat, args.budget, json.loads(args.folders))
            except Cannot as e:
                box["out"] = dict(error=f"cannot: {e}")
            except RecursionError as e:
                box["out"] = dict(error=f"crash: RecursionError (limit {sys.getrecursionlimit()}): {str(e)[:60]}")
        sys.setrecursionlimit(RECURSION_LIMIT)
        threading.stack_size(512 * 1024 * 1024)
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        print(json.dumps(box.get("out", dict(error="crash: worker thread died"))))
        return

    if args.quick:
        args.max_L = min(args.max_L, 8)
        args.repeat, args.runs, args.rounds, args.peer_repeat = 3, 3, 1, 2
        args.budget = min(args.budget, 60)
    tools = [t for t in args.tools.split(",") if t]
    keys = list(PROBLEMS) + [f"L{L}" for L in LAYERS if L <= args.max_L]
    if args.cases:
        keys = [k for k in args.cases.split(",") if k]
    ricci = None
    if "ricci" in tools:
        ricci = args.ricci or build(args.scratch_path)
    load_start = os.getloadavg()[0]
    builds_start = BuildSampler()

    startup = None
    if ricci:
        trivial = ["ricci", "grad", "x: scalar\nx^2", "--wrt", "x", "--format", "json"]
        startup = statistics.median(timed([ricci] + trivial[1:], 60)[0] for _ in range(max(3, args.runs)))
        print(f"ricci start-up (trivial grad, end to end): {fmt_t(startup)}", file=sys.stderr)

    rows = {}
    skipped = {t: False for t in tools}  # after a timeout at some L, larger L are skipped
    with tempfile.TemporaryDirectory() as tmp:
        for key in keys:
            case = get_case(key)
            folders = make_data(key, case, tmp)
            rows[key] = {}
            for tool in tools:
                if key.startswith("L") and skipped[tool]:
                    rows[key][tool] = dict(error="skipped (a smaller L timed out)")
                    continue
                if tool == "ricci":
                    r = ricci_case(ricci, key, case, folders, args, startup)
                else:
                    r = peer_case(tool, key, folders, args)
                if key.startswith("L") and str(r.get("error", "")).startswith("timeout"):
                    skipped[tool] = True
                rows[key][tool] = r
                status = r.get("error") or f"{fmt_t(r['time'])}, size {r['size']}, {summarize_checks(r.get('checks'))}"
                print(f"{key:4} {tool:10} {status}", file=sys.stderr)

    text = report(rows, keys, tools, ricci, startup, (load_start, builds_start), args)
    print(text)
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        old = path.read_text() if path.exists() else "# Benchmark results\n\n"
        start = old.find("\n## derive\n")
        if start >= 0:  # replaced in place, so that sections written by hand after it stay after it
            end = old.find("\n## ", start + 1)
            rest = old[end:] if end >= 0 else "\n"
            path.write_text(old[:start].rstrip() + "\n\n" + text.rstrip() + "\n" + rest)
        else:
            path.write_text(old.rstrip() + "\n\n" + text)


def cell_time(r):
    if r.get("error"):
        return r["error"]
    return (fmt_t(r.get("time")) + (" (partial)" if r.get("partial") else "")
            + (" †" if r.get("time_kind", "in-process") != "in-process" else ""))


def ratio(r, base):
    if r.get("time") and base.get("time"):
        return f"{r['time'] / base['time']:.3g}"
    return "—"


def short(s, n=140):
    s = " ".join(str(s).split()).replace("|", "\\|")
    return s if len(s) <= n else s[: n - 1] + "…"


def report(rows, keys, tools, ricci, startup, start_state, args):
    load_start, builds_start = start_state
    import importlib.metadata as md

    def version(p):
        try:
            return md.version(p)
        except Exception:
            return "?"
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load_end = os.getloadavg()[0]
    commit = args.ricci_commit or run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=False).stdout.strip()
    builds, busy = builds_start.stop().describe()
    # the start load is before this script's own work; compiler processes are other people's builds
    under_load = load_start > 1.5 or busy
    lines = ["## derive", "",
             f"- Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; ricci at `{commit}`"
             + (f", binary `{ricci}`" if ricci else ""),
             f"- Machine: {os.cpu_count()} CPUs, {model}; load average {load_start:.2f} at the start, {load_end:.2f} at the end "
             f"(this run uses up to 2); {builds}"
             + (" — **measured under load**: absolute times are inflated, ratios less so" if under_load else ""),
             f"- Command: `bench/.venv/bin/python bench/derive_bench.py {' '.join(sys.argv[1:])}`".rstrip(),
             f"- Peers: SymPy {version('sympy')}, tensorgrad {version('tensorgrad')} (torch {version('torch')}), "
             f"references by JAX {version('jax')} (jax.grad, float64)",
             "- Times: ricci in-process = the hidden `ricci grad --repeat "
             f"{args.repeat}` (mean per derivation, best of {args.rounds} rounds; parse + derive + simplify + raise, "
             f"no printing); end to end = median of up to {args.runs} `ricci grad ... --format json` launches"
             + (f"; start-up of a trivial `ricci grad` is {fmt_t(startup)}" if startup else "")
             + f". SymPy and tensorgrad: median of up to {args.peer_repeat} in-process runs (objective built, every "
             "gradient derived; caches cleared). Ratios are peer time / ricci in-process time, from the same run.",
             "- Check: each gradient evaluated at random inputs, dimensions all distinct and then all equal, against "
             f"jax.grad (relative max error ≤ {REL_TOL:g} is ok). ricci via `ricci eval` of the printed program; SymPy via "
             "NumPy; tensorgrad via its own compiler (torch).",
             f"- Budget {args.budget:.0f} s per tool and case; a timeout skips the larger L for that tool. The peers run "
             f"in a worker process with sys.setrecursionlimit({RECURSION_LIMIT}) on a 512 MB thread stack (with "
             "Python's default limit tensorgrad raises RecursionError from L = 32).",
             ""]
    peers = [t for t in tools if t != "ricci"]

    def table(header, body):
        return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + \
               ["| " + " | ".join(str(c) for c in row) + " |" for row in body]

    def check_cell(r):
        return "—" if r.get("error") else summarize_checks(r.get("checks"))
    # the five problems
    pkeys = [k for k in keys if not k.startswith("L")]
    if pkeys:
        header = ["case"] + [f"{t} time" for t in tools] + [f"{t}/ricci" for t in peers] + [f"{t} check" for t in tools] \
            + (["ricci end to end"] if "ricci" in tools else [])
        body = []
        for k in pkeys:
            r = rows[k]
            base = r.get("ricci", {})
            body.append([get_case(k)["title"]] + [cell_time(r[t]) for t in tools] + [ratio(r[t], base) for t in peers]
                        + [check_cell(r[t]) for t in tools] + ([fmt_t(base.get("e2e"))] if "ricci" in tools else []))
        lines += ["### The five problems", ""] + table(header, body)
        lines += ["", "Outputs (size in characters; notes):", ""]
        for k in pkeys:
            for t in tools:
                r = rows[k][t]
                if r.get("error"):
                    continue
                notes = "; ".join(r.get("notes") or [])
                lines.append(f"- {k} {t} ({r['size']} chars, {r['form']}{'; ' + notes if notes else ''}): "
                             f"`{short(r['output'])}`")
        lines.append("")
    lkeys = [k for k in keys if k.startswith("L")]
    if lkeys:
        header = ["L"] + [f"{t} {c}" for t in tools for c in ("time", "size")] + [f"{t}/ricci" for t in peers] \
            + [f"{t} check" for t in tools] + (["ricci end to end"] if "ricci" in tools else [])
        body = []
        for k in lkeys:
            r = rows[k]
            base = r.get("ricci", {})
            body.append([k[1:]] + [c for t in tools for c in (cell_time(r[t]), r[t].get("size", "—"))]
                        + [ratio(r[t], base) for t in peers]
                        + ["—" if r[t].get("error") or not r[t].get("checks") else summarize_checks(r[t]["checks"])
                           for t in tools] + ([fmt_t(base.get("e2e"))] if "ricci" in tools else []))
        lines += ["### L-layer loss normF(W_L*tanh(...tanh(W_1*X)...) - Y)^2 by every W_i", ""] + table(header, body)
        notes = [f"- L{k[1:]} {t}: {'; '.join(rows[k][t]['notes'])}" for k in lkeys for t in peers
                 if rows[k][t].get("notes")]
        if notes:
            lines += ["", "Notes:", ""] + notes
        if any(rows[k].get("ricci", {}).get("time_kind", "in-process") != "in-process" for k in keys):
            lines += ["", "† ricci time end to end less the start-up time (a derivation over 2 s is not repeated in-process)."]
        lines += ["", "Growth against L (log-log slope over L ≥ 2, complete results only; 1 = linear, 2 = quadratic; "
                  "and the ratio between successive L, which double):", "",
                  "| tool | time slope | size slope | time ratios | size ratios |", "|---|---|---|---|---|"]
        for t in tools:
            pts = [(int(k[1:]), rows[k][t]) for k in lkeys
                   if not rows[k][t].get("error") and not rows[k][t].get("partial")]
            tp = [(L, r["time"]) for L, r in pts if L >= 2]
            sp_ = [(L, r["size"]) for L, r in pts if L >= 2]
            ts, ss = slope(tp), slope(sp_)
            tr = ", ".join(f"{b[1] / a[1]:.2f}" for a, b in zip(tp, tp[1:]))
            sr = ", ".join(f"{b[1] / a[1]:.2f}" for a, b in zip(sp_, sp_[1:]))
            lines.append(f"| {t} | {'—' if ts is None else f'{ts:.2f}'} | {'—' if ss is None else f'{ss:.2f}'} | "
                         f"{tr or '—'} | {sr or '—'} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
