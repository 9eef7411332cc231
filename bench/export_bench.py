#!/usr/bin/env python3
"""Exported gradients (`ricci export --to jax|numpy`) against JAX's own autodiff, in one run.

    bench/.venv/bin/python bench/export_bench.py [--ricci PATH] [--quick] [--runs 7] [--rounds 3] [--no-write]

The cases are the gradients of the compiled-evaluation issue: least squares normF(X*W - Y)^2
(n=2000, d=500, k=200), P4 with tanh (same sizes), logistic regression (n=4000, d=500), and a
4-layer tanh network by all four weights (500×500, n=500). For each, `ricci export` writes a JAX and
a NumPy module; timed (float64, CPU, after a warm-up call, block_until_ready):

  * exported JAX: jax.jit of the module's evaluate (value and every gradient in one call);
  * jax.jit(jax.value_and_grad(loss)) over the same variables (the peer of evaluate), and
    jax.jit(jax.grad(loss)) (gradients only);
  * exported NumPy: the module's evaluate, called directly.

Times are medians of `runs` calls, alternating the sides in `rounds` (the best round's median is
kept). Agreement: max relative difference of each exported gradient from JAX's. Writes an
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
    s = 4 if quick else 1
    n, d, k = 2000 // s, 500 // s, 200 // s
    m = 500 // s
    return {
        "lsq": dict(title="least squares normF(X*W - Y)^2",
                    program="X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k); normF(X*W - Y)^2", wrt=["W"],
                    shapes={"X": (n, d), "W": (d, k), "Y": (n, k)},
                    loss=lambda X, W, Y: jnp.sum((X @ W - Y) ** 2)),
        "p4": dict(title="P4 with tanh: normF(tanh(X*W)*alpha - y)^2",
                   program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n); normF(tanh(X*W)*alpha - y)^2",
                   wrt=["W"], shapes={"X": (n, d), "W": (d, k), "alpha": (k,), "y": (n,)},
                   loss=lambda X, W, alpha, y: jnp.sum((jnp.tanh(X @ W) @ alpha - y) ** 2)),
        "logreg": dict(title="logistic regression sum(softplus(X*w) - y .* (X*w))",
                       program="X: matrix(n, d); w: vector(d); y: vector(n); sum(softplus(X*w) - y .* (X*w))",
                       wrt=["w"], shapes={"X": (2 * n, d), "w": (d,), "y": (2 * n,)},
                       loss=lambda X, w, y: jnp.sum(jax.nn.softplus(X @ w) - y * (X @ w))),
        "net4": dict(title="4-layer tanh network, by W1..W4",
                     program="X: matrix(n, d); W1: matrix(d, d); W2: matrix(d, d); W3: matrix(d, d); W4: matrix(d, d); "
                             "Y: matrix(n, d); normF(tanh(tanh(tanh(X*W1)*W2)*W3)*W4 - Y)^2",
                     wrt=["W1", "W2", "W3", "W4"],
                     shapes={"X": (m, m), "W1": (m, m), "W2": (m, m), "W3": (m, m), "W4": (m, m), "Y": (m, m)},
                     loss=lambda X, W1, W2, W3, W4, Y: jnp.sum((jnp.tanh(jnp.tanh(jnp.tanh(X @ W1) @ W2) @ W3) @ W4 - Y) ** 2)),
    }


def export(ricci, program, wrt, target, path):
    args = [ricci, "export", program, "--to", target, "-o", str(path)]
    for w in wrt:
        args += ["--wrt", w]
    subprocess.run(args, check=True)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


def median_ms(f, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        block(f())
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ricci", default=str(ROOT / ".build" / "release" / "ricci"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ricci-export-bench-"))
    sampler = BuildSampler()
    rng = np.random.default_rng(0)
    rows = []
    for key, c in cases(args.quick).items():
        jmod = export(args.ricci, c["program"], c["wrt"], "jax", work / f"{key}_jax.py")
        nmod = export(args.ricci, c["program"], c["wrt"], "numpy", work / f"{key}_numpy.py")
        arrays = {name: rng.standard_normal(shape) / (np.sqrt(shape[0]) if name.startswith("W") else 1)
                  for name, shape in c["shapes"].items()}
        jarrays = {k: jnp.asarray(v) for k, v in arrays.items()}
        names = list(c["shapes"])
        argnums = tuple(names.index(w) for w in c["wrt"])
        exported = jax.jit(lambda a, mod=jmod: mod.evaluate(**a))
        vg = jax.jit(jax.value_and_grad(c["loss"], argnums=argnums))
        g = jax.jit(jax.grad(c["loss"], argnums=argnums))
        sides = {
            "exported JAX": lambda: exported(jarrays),
            "jax value_and_grad": lambda: vg(*[jarrays[n] for n in names]),
            "jax grad": lambda: g(*[jarrays[n] for n in names]),
            "exported NumPy": lambda: nmod.evaluate(**arrays),
        }
        for f in sides.values():
            block(f())  # warm-up and compilation
        best = {s: float("inf") for s in sides}
        for _ in range(args.rounds):
            for s, f in sides.items():
                best[s] = min(best[s], median_ms(f, args.runs))
        out, ref = exported(jarrays), g(*[jarrays[n] for n in names])
        nout = nmod.evaluate(**arrays)
        agree = max(float(np.max(np.abs(np.asarray(out["grad_" + w]) - np.asarray(r))) / np.max(np.abs(np.asarray(r))))
                    for w, r in zip(c["wrt"], ref))
        nagree = max(float(np.max(np.abs(np.asarray(nout["grad_" + w]) - np.asarray(r))) / np.max(np.abs(np.asarray(r))))
                     for w, r in zip(c["wrt"], ref))
        rows.append(dict(key=key, title=c["title"], shapes=c["shapes"], best=best, agree=agree, nagree=nagree))
        print(key, {s: round(v, 2) for s, v in best.items()}, f"agree {agree:.1e} / {nagree:.1e}", flush=True)
    load = sampler.stop().describe()[0]
    shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = ["## export", "",
             f"`{' '.join([Path(sys.executable).name, 'bench/export_bench.py'] + sys.argv[1:])}` — ricci {commit}, "
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
             f"{os.cpu_count()} cores (shared), jax {jax.__version__}, numpy {np.__version__}, float64 on CPU. "
             f"Medians of {args.runs} calls after a warm-up, best of {args.rounds} alternating rounds. "
             f"Other builds on the machine during the run: {load}.",
             "",
             "| case | sizes | exported JAX (ms) | jax.jit(value_and_grad) (ms) | ratio | jax.jit(grad) (ms) | ratio | exported NumPy (ms) | ratio to value_and_grad | max rel. diff JAX / NumPy |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["best"]
        sizes = ", ".join(f"{k} {'×'.join(map(str, v))}" for k, v in r["shapes"].items())
        lines.append(f"| {r['title']} | {sizes} | {b['exported JAX']:.2f} | {b['jax value_and_grad']:.2f} | "
                     f"{b['exported JAX'] / b['jax value_and_grad']:.2f} | {b['jax grad']:.2f} | "
                     f"{b['exported JAX'] / b['jax grad']:.2f} | {b['exported NumPy']:.2f} | "
                     f"{b['exported NumPy'] / b['jax value_and_grad']:.2f} | {r['agree']:.1e} / {r['nagree']:.1e} |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("export", text)


if __name__ == "__main__":
    main()
