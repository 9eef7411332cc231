"""Compiled plans (issue 12): evaluating Ricci's gradients and Hessians through `ricci grad|hessian
--eval` against JAX and NumPy on the same inputs, in one run.

    /work/pyenv/bin/python bench/plan_bench.py [--runs 15] [--rounds 3] [--ricci PATH] [--no-write] [--only KEY]
        [--threads 1] [--clock wall|cpu] [--keep-coretype]

Peers (64-bit, CPU, after a warm-up): jax.jit(jax.grad(f)) for gradients, jax.jit(jax.hessian(f))
for Hessians, the same closed forms written by hand in JAX (jit) and in NumPy, and tensorgrad's
compiled Hessians (compile_to_callable on torch CPU) where it runs.

Times: ricci = `--repeat N` (in-process median of N runs of the compiled plan after one warm-up;
value and every derivative; file loading excluded); peers = median of N calls (block_until_ready).
Each side is measured in alternating rounds and its best median is kept. Memory: ricci's plan
peak (temporaries and outputs, inputs excluded) against tracemalloc's peak of the NumPy closed form.
Every ricci output is checked against jax.grad / jax.hessian (relative error).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# OpenBLAS kernels: an OPENBLAS_CORETYPE inherited from the environment (this machine sets Haswell)
# forces AVX2 kernels on NumPy's and ricci's OpenBLAS while XLA uses AVX-512: unset for every side
# unless --keep-coretype (set before NumPy loads OpenBLAS)
INHERITED_CORETYPE = os.environ.get("OPENBLAS_CORETYPE")
if INHERITED_CORETYPE is not None and "--keep-coretype" not in sys.argv:
    del os.environ["OPENBLAS_CORETYPE"]

# --threads 1 pins every side to one thread (set before NumPy and JAX load their thread pools)
if "--threads" in sys.argv:
    _t = sys.argv[sys.argv.index("--threads") + 1]
    for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "RICCI_THREADS"):
        os.environ[_v] = _t
    if _t == "1":
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
        # XLA's CPU runtime still ran its dots on both cores under these flags (the 4-layer network's
        # 2.75 GFLOP in 18.9 ms, above one core's peak): pin the whole process, and the ricci it
        # starts, to one CPU so that every side really has one core
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import ROOT, BuildSampler, build  # noqa: E402

os.environ.setdefault("JAX_ENABLE_X64", "1")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)


def sigmoid_np(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


# ---------------------------------------------------------------------------------------------
# cases: program, wrt, kind, inputs, objective (JAX), closed form (xp = jnp or np)
# ---------------------------------------------------------------------------------------------

def ls_closed(xp, v):
    E = v["X"] @ v["W"] - v["Y"]
    return {"value": xp.sum(E * E), "grad_W": 2 * v["X"].T @ E}


def p4_closed(xp, v):
    T = xp.tanh(v["X"] @ v["W"])
    E = T @ v["alpha"] - v["y"]
    return {"value": xp.sum(E * E), "grad_W": 2 * v["X"].T @ ((E[:, None] * v["alpha"][None, :]) * (1 - T * T))}


def logreg_closed(xp, v):
    z = v["y"] * (v["X"] @ v["w"])
    sig = (lambda t: 0.5 * (1 + xp.tanh(0.5 * t)))
    return {"value": xp.sum(xp.logaddexp(0, -z)), "grad_w": -v["X"].T @ (v["y"] * sig(-z))}


def net_closed(xp, v):
    H1 = xp.tanh(v["X"] @ v["W1"])
    H2 = xp.tanh(H1 @ v["W2"])
    H3 = xp.tanh(H2 @ v["W3"])
    E = H3 @ v["W4"] - v["Y"]
    G4 = 2 * H3.T @ E
    D3 = (2 * E @ v["W4"].T) * (1 - H3 * H3)
    G3 = H2.T @ D3
    D2 = (D3 @ v["W3"].T) * (1 - H2 * H2)
    G2 = H1.T @ D2
    D1 = (D2 @ v["W2"].T) * (1 - H1 * H1)
    G1 = v["X"].T @ D1
    return {"value": xp.sum(E * E), "grad_W1": G1, "grad_W2": G2, "grad_W3": G3, "grad_W4": G4}


def logreg_hess_closed(xp, v):
    z = v["y"] * (v["X"] @ v["w"])
    p = 0.5 * (1 + xp.tanh(0.5 * z))
    s = v["y"] * v["y"] * p * (1 - p)
    return {"value": xp.sum(xp.logaddexp(0, -z)), "hessian_w": v["X"].T @ (v["X"] * s[:, None])}


def quad_hess_closed(xp, v):
    return {"value": v["x"] @ (v["A"] @ v["x"]), "hessian_x": v["A"] + v["A"].T}


def ls_hess_closed(xp, v):
    e = v["X"] @ v["w"] - v["y"]
    return {"value": e @ e, "hessian_w": 2 * v["X"].T @ v["X"]}


def cases():
    r = np.random.default_rng(0)
    g = lambda *s: r.standard_normal(s)
    sign = lambda n: np.where(r.standard_normal(n) > 0, 1.0, -1.0)
    n, d, k = 2000, 500, 200
    net = 500
    return {
        "ls_grad": dict(
            title=f"least squares normF(X*W - Y)^2 by W (n={n}, d={d}, k={k})", kind="grad", wrt=["W"],
            program="X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2",
            inputs=dict(X=g(n, d), W=g(d, k), Y=g(n, k)),
            f=lambda v: jnp.sum((v["X"] @ v["W"] - v["Y"]) ** 2), closed=ls_closed),
        "p4_grad": dict(
            title=f"P4 normF(tanh(X*W)*alpha - y)^2 by W (n={n}, d={d}, k={k})", kind="grad", wrt=["W"],
            program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\nnormF(tanh(X*W)*alpha - y)^2",
            inputs=dict(X=g(n, d), W=g(d, k) / np.sqrt(d), alpha=g(k), y=g(n)),
            f=lambda v: jnp.sum((jnp.tanh(v["X"] @ v["W"]) @ v["alpha"] - v["y"]) ** 2), closed=p4_closed),
        "logreg_grad": dict(
            title="logistic regression sum(log(1 + exp(-y .* (X*w)))) by w (n=4000, d=500)", kind="grad", wrt=["w"],
            program="X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
            inputs=dict(X=g(4000, 500), w=g(500) / np.sqrt(500), y=sign(4000)),
            f=lambda v: jnp.sum(jnp.log(1 + jnp.exp(-v["y"] * (v["X"] @ v["w"])))), closed=logreg_closed),
        "net4_grad": dict(
            title=f"4-layer tanh network normF(tanh(tanh(tanh(X*W1)*W2)*W3)*W4 - Y)^2 by W1..W4 ({net}×{net} each, X {net}×{net})",
            kind="grad", wrt=["W1", "W2", "W3", "W4"],
            program=(f"X: matrix(n, d); W1: matrix(d, d); W2: matrix(d, d); W3: matrix(d, d); W4: matrix(d, d); Y: matrix(n, d)\n"
                     "H1 = tanh(X*W1)\nH2 = tanh(H1*W2)\nH3 = tanh(H2*W3)\nnormF(H3*W4 - Y)^2"),
            inputs=dict(X=g(net, net), W1=g(net, net) / np.sqrt(net), W2=g(net, net) / np.sqrt(net),
                        W3=g(net, net) / np.sqrt(net), W4=g(net, net) / np.sqrt(net), Y=g(net, net)),
            f=lambda v: jnp.sum((jnp.tanh(jnp.tanh(jnp.tanh(v["X"] @ v["W1"]) @ v["W2"]) @ v["W3"]) @ v["W4"] - v["Y"]) ** 2),
            closed=net_closed),
        "logreg_hess": dict(
            title="logistic regression Hessian by w (n=2048, d=256)", kind="hessian", wrt=["w"],
            program="X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
            inputs=dict(X=g(2048, 256), w=g(256) / 16, y=sign(2048)),
            f=lambda v: jnp.sum(jnp.log(1 + jnp.exp(-v["y"] * (v["X"] @ v["w"])))), closed=logreg_hess_closed),
        "quad_hess": dict(
            title="x'*A*x Hessian by x (n=2048)", kind="hessian", wrt=["x"],
            program="A: matrix(n, n); x: vector(n)\nx'*A*x",
            inputs=dict(A=g(2048, 2048), x=g(2048)),
            f=lambda v: v["x"] @ (v["A"] @ v["x"]), closed=quad_hess_closed),
        "ls_hess": dict(
            title="least squares normF(X*w - y)^2 Hessian by w (n=2000, d=1000)", kind="hessian", wrt=["w"],
            program="X: matrix(n, d); w: vector(d); y: vector(n)\nnormF(X*w - y)^2",
            inputs=dict(X=g(2000, 1000), w=g(1000), y=g(2000)),
            f=lambda v: jnp.sum((v["X"] @ v["w"] - v["y"]) ** 2), closed=ls_hess_closed),
        # beyond the list: X (160 MB) larger than the cache, where the plan reads it once
        "logreg_grad_large": dict(
            title="logistic regression gradient, X of 160 MB (n=40000, d=500)", kind="grad", wrt=["w"],
            program="X: matrix(n, d); w: vector(d); y: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
            inputs=dict(X=g(40000, 500), w=g(500) / np.sqrt(500), y=sign(40000)),
            f=lambda v: jnp.sum(jnp.log(1 + jnp.exp(-v["y"] * (v["X"] @ v["w"])))), closed=logreg_closed),
    }


# ---------------------------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------------------------

CLOCK = {"name": "wall"}


def median_time(fn, runs, budget=30.0):
    """Median of `runs` calls after a warm-up (at least 3 when the calls are slow: a budget in seconds).
    With --clock cpu: the mean process CPU time per call (user + system, every thread)."""
    fn()  # warm-up (and compile)
    if CLOCK["name"] == "cpu":
        k, start, c0 = 0, time.perf_counter(), time.process_time()
        while (k < runs or time.process_time() - c0 < 1.0) and (k < 3 or time.perf_counter() - start < budget):
            fn()
            k += 1
        return (time.process_time() - c0) / k * 1e3
    ts = []
    start = time.perf_counter()
    while len(ts) < runs and (len(ts) < 3 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ricci_time(ricci, c, folder, runs):
    """ricci's time per run in ms: the in-process median (wall), or with --clock cpu the CPU time of
    `--repeat runs+1` less that of `--repeat 1` (process start, loading and the warm-up cancel), per run."""
    if CLOCK["name"] != "cpu":
        j = ricci_run(ricci, c, folder, runs)
        return j["timing"]["median_ms"], j["timing"]["compile_ms"]
    c0 = children_cpu()
    j = ricci_run(ricci, c, folder, 1)
    c1 = children_cpu()
    # enough runs for about 2 s of work, so process start-up noise is small against it
    runs = max(runs, min(20000, int(2000 / max(j["timing"]["median_ms"], 0.05))))
    ricci_run(ricci, c, folder, runs + 1)
    c2 = children_cpu()
    return max(0.0, (c2 - c1) - (c1 - c0)) / runs * 1e3, j["timing"]["compile_ms"]


def block(out):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, out)


def ricci_run(ricci, c, folder, runs, save=None, plan=False):
    cmd = [ricci, "grad" if c["kind"] == "grad" else "hessian", c["program"]]
    for w in c["wrt"]:
        cmd += ["--wrt", w]
    cmd += ["--eval", "--repeat", str(runs), "--format", "json"]
    for name in c["inputs"]:
        cmd += ["--set", f"{name}={folder}/{name}.npy"]
    if save:
        cmd += ["--save", save]
    if plan:
        cmd += ["--plan"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def numpy_peak(closed, v):
    tracemalloc.start()
    tracemalloc.reset_peak()
    closed(np, v)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def tensorgrad_hessian(key, c, runs):
    """tensorgrad's Hessian compiled to torch (None when it does not run here)."""
    code = TG_WORKER.format(key=key, folder=c["folder"], runs=runs)
    try:
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "timed out (600 s)"
    lines = [l for l in p.stdout.splitlines() if l.startswith("TG ")]
    if p.returncode != 0 or not lines:
        return None, (p.stderr.strip().splitlines() or ["failed"])[-1][:120]
    return float(lines[-1].split()[1]), None


TG_WORKER = r'''
import time, statistics, numpy as np, sympy as sp, torch
import tensorgrad as tg, tensorgrad.functions as F
from tensorgrad.compiler import compile_to_callable
torch.set_default_dtype(torch.float64)
if not hasattr(torch.Tensor, "names") or True:
    torch.Tensor.names = property(lambda self: getattr(self, "_tg_names", (None,) * self.dim()))
    torch.Tensor.rename = lambda self, *a, **k: self
    def refine_names(self, *names):
        out = self.view_as(self); out._tg_names = tuple(names); return out
    torch.Tensor.refine_names = refine_names
key, folder = "{key}", "{folder}"
load = lambda n: torch.tensor(np.load(folder + "/" + n + ".npy"))
if key == "logreg_hess":
    n, d = sp.symbols("n d")
    X, w, y = tg.Variable("X", n=n, d=d), tg.Variable("w", d=d), tg.Variable("y", n=n)
    f = F.sum(F.log(1 + F.exp(-y * (X @ w))))
    vals = {{X: load("X"), w: load("w"), y: load("y")}}; sizes = {{n: 2048, d: 256}}; wrt = w
elif key == "quad_hess":
    n = sp.symbols("n")
    A, x = tg.Variable("A", i=n, j=n), tg.Variable("x", i=n)
    f = x.rename(i="i") @ A @ x.rename(i="j")
    vals = {{A: load("A"), x: load("x")}}; sizes = {{n: 2048}}; wrt = x
else:
    n, d = sp.symbols("n d")
    X, w, y = tg.Variable("X", n=n, d=d), tg.Variable("w", d=d), tg.Variable("y", n=n)
    f = F.frobenius2(X @ w - y)
    vals = {{X: load("X"), w: load("w"), y: load("y")}}; sizes = {{n: 2000, d: 1000}}; wrt = w
H = f.grad(wrt).grad(wrt).simplify()
prog = compile_to_callable(H)
prog(vals, sizes)
ts = []
for _ in range({runs}):
    t = time.perf_counter(); prog(vals, sizes); ts.append(time.perf_counter() - t)
print("TG", statistics.median(ts) * 1e3)
'''


def rel_err(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float).reshape(np.shape(a))
    return float(np.max(np.abs(a - b)) / max(1e-300, np.max(np.abs(b))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--min-seconds", type=float, default=0.3,
                    help="time at least this much of ricci's work per round (every side then times as many calls)")
    ap.add_argument("--ricci")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--no-tensorgrad", action="store_true")
    ap.add_argument("--threads", default="all", help="1: every side on one thread (OpenBLAS, XLA, ricci's loops)")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="cpu: process CPU time per call (a loaded machine inflates it less; with --threads 1 only)")
    ap.add_argument("--keep-coretype", action="store_true",
                    help="keep an inherited OPENBLAS_CORETYPE (by default it is unset for NumPy and ricci)")
    args = ap.parse_args()
    if args.clock == "cpu" and args.threads != "1":
        ap.error("--clock cpu measures one thread's work: use it with --threads 1")
    CLOCK["name"] = args.clock
    load_start = os.getloadavg()
    ricci = args.ricci or build(str(ROOT / ".build-release"))
    sampler = BuildSampler()
    rows = []
    tmp = tempfile.mkdtemp(prefix="plan-bench-")
    for key, c in cases().items():
        if args.only and key not in args.only.split(","):
            continue
        folder = Path(tmp, key)
        folder.mkdir()
        c["folder"] = str(folder)
        for name, a in c["inputs"].items():
            np.save(folder / f"{name}.npy", a)
        vj = {k: jnp.asarray(a) for k, a in c["inputs"].items()}
        names = list(c["inputs"])
        f = lambda *xs, _f=c["f"]: _f(dict(zip(names, xs)))
        argnums = tuple(names.index(w) for w in c["wrt"])
        xs = [vj[n] for n in names]
        if c["kind"] == "grad":
            ad = jax.jit(jax.grad(f, argnums=argnums))
        else:
            ad = jax.jit(jax.hessian(f, argnums=argnums[0]))
        closed_jax = jax.jit(lambda v, _c=c["closed"]: _c(jnp, v))
        # correctness: ricci's saved outputs against jax
        save = folder / "out"
        info = ricci_run(ricci, c, folder, 1, save=str(save), plan=True)
        ref = ad(*xs)
        ref = ref if isinstance(ref, tuple) else (ref,)
        prefix = "grad_" if c["kind"] == "grad" else "hessian_"
        errs = {w: rel_err(np.load(save / f"{prefix}{w}.npy"), np.asarray(r)) for w, r in zip(c["wrt"], ref)}
        errs["value"] = rel_err(np.load(save / "value.npy"), np.asarray(c["f"](vj)))
        best = {}
        # every side times the same number of calls per round: at least --runs, and enough for about
        # --min-seconds of ricci's work (a median of a few sub-millisecond calls right after a warm-up
        # is mostly the machine waking up: threads, caches, the other core)
        t_est, _ = ricci_time(ricci, c, folder, args.runs)
        runs = max(args.runs, min(5000, int(args.min_seconds * 1e3 / max(t_est, 1e-3))))
        c["timed_runs"] = runs
        for _ in range(args.rounds):
            t, compile_ms = ricci_time(ricci, c, folder, runs)
            best["ricci"] = min(best.get("ricci", 1e99), t)
            best["compile"] = min(best.get("compile", 1e99), compile_ms)
            best["ad"] = min(best.get("ad", 1e99), median_time(lambda: block(ad(*xs)), runs))
            best["jax_closed"] = min(best.get("jax_closed", 1e99), median_time(lambda: block(closed_jax(vj)), runs))
            best["numpy_closed"] = min(best.get("numpy_closed", 1e99),
                                       median_time(lambda: c["closed"](np, c["inputs"]), runs))
        input_bytes = sum(a.nbytes for a in c["inputs"].values())
        plan_peak = info["plan"]["peak_bytes"] - input_bytes
        np_peak = numpy_peak(c["closed"], c["inputs"])
        tg = None, "gradients not run"
        if c["kind"] == "hessian" and not args.no_tensorgrad:
            tg = tensorgrad_hessian(key, c, args.runs)
        rows.append(dict(key=key, title=c["title"], kind=c["kind"], errs=errs, best=best, plan_peak=plan_peak,
                         blas=info["plan"].get("blas", "not reported"),
                         np_peak=np_peak, steps=len(info["plan"]["steps"]), tg=tg,
                         kernels=[s["kernel"] for s in info["plan"]["steps"]], runs=runs))
        r = rows[-1]
        print(f"{key}: ricci {best['ricci']:.2f} ms, AD {best['ad']:.2f}, JAX closed {best['jax_closed']:.2f}, "
              f"NumPy closed {best['numpy_closed']:.2f}, compile {best['compile']:.3f} ms, peak {plan_peak / 1e6:.1f} MB "
              f"vs NumPy {np_peak / 1e6:.1f} MB, tensorgrad {tg[0] if tg[0] else tg[1]}, errors {errs}", file=sys.stderr)
    load, busy = sampler.stop().describe()
    load_end = os.getloadavg()
    load += (f"; load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end"
             f" (1 min; {load_end[2]:.1f} over 15 min)")
    text = report(rows, args, load)
    print(text)
    if not args.no_write:
        write_results(text)


def report(rows, args, load):
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    head = [
        f"## Compiled plans: `ricci grad|hessian --eval` against JAX and NumPy (issue 12), threads: {args.threads}"
        + (", CPU time" if args.clock == "cpu" else ""),
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), shared; {load}.",
        f"- Command: `/work/pyenv/bin/python bench/plan_bench.py --runs {args.runs} --rounds {args.rounds} --min-seconds {args.min_seconds}"
        f"{'' if args.threads == 'all' else ' --threads ' + args.threads}"
        f"{' --clock cpu' if args.clock == 'cpu' else ''}{' --keep-coretype' if args.keep_coretype else ''}` "
        f"(JAX {jax.__version__}, 64-bit, CPU; NumPy {np.__version__}); threads: "
        + ("every side's default (all cores)." if args.threads == "all" else
           f"{args.threads} for every side (OPENBLAS_NUM_THREADS, RICCI_THREADS, XLA_FLAGS single-threaded Eigen, and the process pinned to one CPU with sched_setaffinity, which ricci inherits)."),
        "- ricci: `--eval --repeat N` in-process median of the compiled plan (value and every derivative, after one "
        "warm-up run; file loading excluded). Peers: median of N calls after a warm-up (jit compiled), block_until_ready. "
        "Best median of the alternating rounds for each. N is the same for every side of a case: at least --runs, and "
        "enough calls for about --min-seconds of ricci's work per round (N per case: "
        + ", ".join(f"{r['key']} {r['runs']}" for r in rows) + ")."
        + (" Clock: process CPU time per call (user + system; for ricci the CPU time of `--repeat N+1` less "
           "`--repeat 1`, per run), which other processes' load inflates less than wall time." if args.clock == "cpu" else ""),
        f"- OpenBLAS: ricci {rows[0]['blas'] if rows else '?'}; NumPy {numpy_blas_core()}. "
        + (f"The environment's OPENBLAS_CORETYPE={INHERITED_CORETYPE} was "
           + ("kept (--keep-coretype)." if args.keep_coretype else "unset for every side (XLA does not read it).")
           if INHERITED_CORETYPE is not None else "No OPENBLAS_CORETYPE in the environment."),
        "- Ratios are ricci time / peer time (below 1: ricci is faster). Targets: gradients ≤ 1.0× jax.jit(jax.grad); "
        "Hessians ≤ 1/3 (0.33×) of jax.jit(jax.hessian) and ≤ 1.1× the JAX closed form; peak ≤ 1.5× NumPy's.",
        "- Memory: ricci's plan peak less its inputs (temporaries + outputs, as the plan allocates them) against "
        "tracemalloc's peak during the NumPy closed form (its temporaries + outputs).",
        "",
        "| case | ricci ms | jax AD ms | JAX closed ms | NumPy closed ms | ricci/AD | ricci/JAX closed | ricci/NumPy | compile ms | peak ricci / NumPy | max rel. error vs JAX AD |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = r["best"]
        head.append(f"| {r['title']} | {b['ricci']:.2f} | {b['ad']:.2f} | {b['jax_closed']:.2f} | {b['numpy_closed']:.2f} | "
                    f"{b['ricci'] / b['ad']:.2f} | {b['ricci'] / b['jax_closed']:.2f} | {b['ricci'] / b['numpy_closed']:.2f} | "
                    f"{b['compile']:.3f} | {r['plan_peak'] / 1e6:.1f} / {r['np_peak'] / 1e6:.1f} MB "
                    f"({r['plan_peak'] / max(1, r['np_peak']):.2f}×) | {max(r['errs'].values()):.1e} |")
    head.append("")
    tg = [r for r in rows if r["kind"] == "hessian"]
    if tg:
        head.append("tensorgrad compiled Hessians (compile_to_callable, torch CPU float64, median of N calls): " + "; ".join(
            f"{r['key']}: " + (f"{r['tg'][0]:.2f} ms (ricci/tensorgrad {r['best']['ricci'] / r['tg'][0]:.2f})" if r["tg"][0]
                               else f"does not run ({r['tg'][1]})") for r in tg) + ".")
        head.append("")
    head.append("Plans (kernels in order): " + "; ".join(f"{r['key']}: " + ", ".join(r["kernels"]) for r in rows) + ".")
    return "\n".join(head) + "\n"


def numpy_blas_core():
    """The kernel family of NumPy's OpenBLAS (scipy-openblas), or 'unknown'."""
    try:
        import ctypes
        import glob
        libs = glob.glob(str(Path(np.__file__).parent.parent / "numpy.libs" / "libscipy_openblas*.so"))
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            for lib in libs:
                f = getattr(ctypes.CDLL(lib), name, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    return f"OpenBLAS {f().decode()} kernels"
    except OSError:
        pass
    return "unknown"


def write_results(text):
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text() if path.exists() else ""
    marker = text.splitlines()[0]
    if marker in old:
        start = old.index(marker)
        rest = old[start + len(marker):]
        nxt = rest.find("\n## ")
        old = old[:start] + (rest[nxt + 1:] if nxt >= 0 else "")
    path.write_text(old.rstrip("\n") + "\n\n" + text)


if __name__ == "__main__":
    main()
