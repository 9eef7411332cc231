#!/usr/bin/env python3
"""Exported gradients (`ricci export --to jax|numpy`) against JAX's own autodiff, in one run.

    bench/.venv/bin/python bench/export_bench.py [--ricci PATH] [--quick] [--runs 7] [--rounds 10] [--no-write] [--only KEYS] [--stat median|min]

The cases are those of the compiled-evaluation issue (bench/plan_bench.py). Gradients: least squares
normF(X*W - Y)^2 (n=2000, d=500, k=200), P4 with tanh (same sizes), logistic regression
sum(log(1 + exp(-y .* (X*w)))) (n=4000, d=500), and a 4-layer tanh network by all four weights
(500×500, n=500). Hessians: logistic regression by w (n=2048, d=256), x'*A*x by x (n=2048), least
squares normF(X*w - y)^2 by w (n=2000, d=1000). For each, `ricci export` (with --hessian for the
Hessians) writes a JAX and a NumPy module; timed (float64, CPU, after a warm-up call, block_until_ready):

  * exported JAX: jax.jit of the module's evaluate (value and every gradient, and the Hessian, in one call);
  * gradients: jax.jit(jax.value_and_grad(loss)) over the same variables (the peer of evaluate), and
    jax.jit(jax.grad(loss)) (gradients only); Hessians: jax.jit(jax.hessian(loss));
  * exported NumPy: the module's evaluate, called directly.

Times are medians of `runs` calls, alternating the sides in `rounds` (the best round's median is
kept; 10 rounds by default, since XLA's two-thread timings vary by about ±20% between rounds). Agreement: max relative difference of each exported gradient from JAX's. Writes an
"## export" section in bench/RESULTS.md with the machine and the command. Timings are never pass/fail.
"""
import argparse
import datetime
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import ROOT, BuildSampler, write_section  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)


def cases(quick):
    """The cases of the compiled-evaluation issue (bench/plan_bench.py): four gradients, three Hessians."""
    s = 4 if quick else 1
    r = np.random.default_rng(0)
    g = lambda *shape: r.standard_normal(shape)
    sign = lambda n: np.where(r.standard_normal(n) > 0, 1.0, -1.0)
    n, d, k, m = 2000 // s, 500 // s, 200 // s, 500 // s
    ln, ld = 4000 // s, 500 // s
    hn, hd = 2048 // s, 256 // s
    qn = 2048 // s
    sn, sd = 2000 // s, 1000 // s
    return {
        "lsq": dict(title="least squares normF(X*W - Y)^2 by W", kind="grad", wrt=["W"],
                    program="X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2",
                    inputs=dict(X=g(n, d), W=g(d, k), Y=g(n, k)),
                    loss=lambda X, W, Y: jnp.sum((X @ W - Y) ** 2)),
        "p4": dict(title="P4 normF(tanh(X*W)*alpha - y)^2 by W", kind="grad", wrt=["W"],
                   program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); normF(tanh(X*W)*alpha - y)^2",
                   inputs=dict(X=g(n, d), W=g(d, k) / np.sqrt(d), alpha=g(k), y=g(n)),
                   loss=lambda X, W, alpha, y: jnp.sum((jnp.tanh(X @ W) @ alpha - y) ** 2)),
        "logreg": dict(title="logistic regression sum(log(1 + exp(-y .* (X*w)))) by w", kind="grad", wrt=["w"],
                       program="X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))",
                       inputs=dict(X=g(ln, ld), w=g(ld) / np.sqrt(ld), y=sign(ln)),
                       loss=lambda X, w, y: jnp.sum(jnp.log(1 + jnp.exp(-y * (X @ w))))),
        "net4": dict(title="4-layer tanh network by W1..W4", kind="grad", wrt=["W1", "W2", "W3", "W4"],
                     program="X: matrix(n, d); W1: matrix(d, d); W2: matrix(d, d); W3: matrix(d, d); W4: matrix(d, d); "
                             "Y: matrix(n, d); H1 = tanh(X*W1); H2 = tanh(H1*W2); H3 = tanh(H2*W3); normF(H3*W4 - Y)^2",
                     inputs=dict(X=g(m, m), W1=g(m, m) / np.sqrt(m), W2=g(m, m) / np.sqrt(m), W3=g(m, m) / np.sqrt(m),
                                 W4=g(m, m) / np.sqrt(m), Y=g(m, m)),
                     loss=lambda X, W1, W2, W3, W4, Y: jnp.sum((jnp.tanh(jnp.tanh(jnp.tanh(X @ W1) @ W2) @ W3) @ W4 - Y) ** 2)),
        "logreg_hess": dict(title="logistic regression Hessian by w", kind="hessian", wrt=["w"],
                            program="X: matrix(n, d); w: vector(d); y: vector(n); sum(log(1 + exp(-y .* (X*w))))",
                            inputs=dict(X=g(hn, hd), w=g(hd) / 16, y=sign(hn)),
                            loss=lambda X, w, y: jnp.sum(jnp.log(1 + jnp.exp(-y * (X @ w))))),
        "quad_hess": dict(title="x'*A*x Hessian by x", kind="hessian", wrt=["x"],
                          program="A: matrix(n, n); x: vector(n); x'*A*x",
                          inputs=dict(A=g(qn, qn), x=g(qn)),
                          loss=lambda A, x: x @ (A @ x)),
        "ls_hess": dict(title="least squares normF(X*w - y)^2 Hessian by w", kind="hessian", wrt=["w"],
                        program="X: matrix(n, d); w: vector(d); y: vector(n); normF(X*w - y)^2",
                        inputs=dict(X=g(sn, sd), w=g(sd), y=g(sn)),
                        loss=lambda X, w, y: jnp.sum((X @ w - y) ** 2)),
    }


def export(ricci, program, wrt, target, path, hessian=False):
    args = [ricci, "export", program, "--to", target, "-o", str(path)] + (["--hessian"] if hessian else [])
    for w in wrt:
        args += ["--wrt", w]
    subprocess.run(args, check=True)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


def hlo_ops(jitted, *args, **kwargs):
    """Load-independent structure of a jitted function: dots, and transposes/copies (materialized
    layouts) in XLA's optimized HLO."""
    text = jitted.lower(*args, **kwargs).compile().as_text()
    return {"dot": text.count(" dot("), "transpose/copy": text.count(" transpose(") + text.count(" copy(")}


def median_ms(f, runs, stat="median"):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        block(f())
        times.append((time.perf_counter() - t) * 1e3)
    return min(times) if stat == "min" else statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ricci", default=str(ROOT / ".build" / "release" / "ricci"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated case keys (default: all)")
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="per round: the median of the calls (default) or, on a loaded machine, the minimum")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ricci-export-bench-"))
    sampler = BuildSampler()
    rng = np.random.default_rng(0)
    rows = []
    for key, c in cases(args.quick).items():
        if args.only and key not in args.only.split(","):
            continue
        hess = c["kind"] == "hessian"
        jmod = export(args.ricci, c["program"], c["wrt"], "jax", work / f"{key}_jax.py", hess)
        nmod = export(args.ricci, c["program"], c["wrt"], "numpy", work / f"{key}_numpy.py", hess)
        arrays = c["inputs"]
        jarrays = {k: jnp.asarray(v) for k, v in arrays.items()}
        names = list(arrays)
        argnums = tuple(names.index(w) for w in c["wrt"])
        exported = jax.jit(lambda a, mod=jmod: mod.evaluate(**a))
        if hess:
            # the exported module returns the value, the gradient and the Hessian; the peer only the Hessian
            peer = jax.jit(jax.hessian(c["loss"], argnums=argnums[0]))
            peers = {"jax.hessian": lambda: peer(*[jarrays[n] for n in names])}
        else:
            vg = jax.jit(jax.value_and_grad(c["loss"], argnums=argnums))
            peer = jax.jit(jax.grad(c["loss"], argnums=argnums))
            peers = {"jax value_and_grad": lambda: vg(*[jarrays[n] for n in names]),
                     "jax grad": lambda: peer(*[jarrays[n] for n in names])}
        sides = {"exported JAX": lambda: exported(jarrays), **peers, "exported NumPy": lambda: nmod.evaluate(**arrays)}
        for f in sides.values():
            block(f())  # warm-up and compilation
        best = {s: float("inf") for s in sides}
        # JAX sides alternate; the exported NumPy module runs in rounds of its own afterwards: its
        # OpenBLAS threads spin for a while after each call and would slow whichever JAX call came next
        for group in ([s for s in sides if s != "exported NumPy"], ["exported NumPy"]):
            for _ in range(args.rounds):
                for s in group:
                    best[s] = min(best[s], median_ms(sides[s], args.runs, args.stat))
        out, nout = exported(jarrays), nmod.evaluate(**arrays)
        assert all(np.asarray(v).dtype == np.float64 for v in out.values()), "the exported JAX did not run in float64"
        ops = {"exported": hlo_ops(exported, jarrays), "peer": hlo_ops(peer, *[jarrays[n] for n in names])}
        ref = peer(*[jarrays[n] for n in names])
        if hess:
            pairs = [("hessian_" + c["wrt"][0], ref)]
        else:
            pairs = [("grad_" + w, r) for w, r in zip(c["wrt"], ref)]
        rel = lambda got, r: float(np.max(np.abs(np.asarray(got) - np.asarray(r))) / np.max(np.abs(np.asarray(r))))
        agree = max(rel(np.reshape(out[k], np.shape(r)), r) for k, r in pairs)
        nagree = max(rel(np.reshape(nout[k], np.shape(r)), r) for k, r in pairs)
        shapes = {k: v.shape for k, v in arrays.items()}
        rows.append(dict(key=key, title=c["title"], kind=c["kind"], shapes=shapes, best=best, agree=agree, nagree=nagree, ops=ops))
        print(key, {s: round(v, 2) for s, v in best.items()}, f"agree {agree:.1e} / {nagree:.1e}", "HLO", ops, flush=True)
    load = sampler.stop().describe()[0]
    shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = ["## export", "",
             f"`{' '.join([Path(sys.executable).name, 'bench/export_bench.py'] + sys.argv[1:])}` — ricci {commit}, "
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
             f"{os.cpu_count()} cores (shared), jax {jax.__version__}, numpy {np.__version__}, float64 on CPU. "
             f"{'Medians' if args.stat == 'median' else 'Minima'} of {args.runs} calls after a warm-up, best of {args.rounds} alternating rounds. "
             f"Other builds on the machine during the run: {load}.",
             "",
             "Gradients: exported JAX/NumPy `evaluate` (value and every gradient) against jax.jit(jax.value_and_grad) and "
             "jax.jit(jax.grad). Hessians: `ricci export --hessian` (value, gradient and Hessian in one call) against "
             "jax.jit(jax.hessian) (the Hessian alone).",
             "",
             "HLO: dots and transposes/copies in XLA's optimized HLO of the exported JAX / of jax.grad or jax.hessian "
             "(structure, independent of the machine's load).",
             "",
             "| case | sizes | exported JAX (ms) | jax.jit(value_and_grad) (ms) | ratio | jax.jit(grad or hessian) (ms) | ratio | exported NumPy (ms) | NumPy ratio to the JAX peer | max rel. diff JAX / NumPy | HLO dots | HLO transposes/copies |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["best"]
        sizes = ", ".join(f"{k} {'×'.join(map(str, v))}" for k, v in r["shapes"].items())
        peer = b["jax.hessian"] if r["kind"] == "hessian" else b["jax grad"]
        vg = f"{b['jax value_and_grad']:.2f} | {b['exported JAX'] / b['jax value_and_grad']:.2f}" if "jax value_and_grad" in b else "— | —"
        lines.append(f"| {r['title']} | {sizes} | {b['exported JAX']:.2f} | {vg} | {peer:.2f} | "
                     f"{b['exported JAX'] / peer:.2f} | {b['exported NumPy']:.2f} | "
                     f"{b['exported NumPy'] / peer:.2f} | {r['agree']:.1e} / {r['nagree']:.1e} | "
                     f"{r['ops']['exported']['dot']} / {r['ops']['peer']['dot']} | "
                     f"{r['ops']['exported']['transpose/copy']} / {r['ops']['peer']['transpose/copy']} |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("export", text)


if __name__ == "__main__":
    main()
