#!/usr/bin/env python3
"""Evaluate ricci's derived gradient through GSL (`ricci eval`) against jax.grad (jit, CPU) at n = 1000.

    bench/.venv/bin/python bench/grad_eval_bench.py [--quick] [--n 1000] [--ricci PATH] [--no-write]
        [--cases lsq,p4,net2] [--runs 5] [--rounds 3]

For every case, `ricci grad PROGRAM --wrt W --format json` prints the gradient as a program (the
"program" field: declarations and G = ..., in matrix form when the raiser found one, else in
Einstein form); that program is evaluated by `ricci eval` with the inputs as .npy files (`--set`,
`h=tanh` for the user function of P4). The same gradient is computed by jax.jit(jax.grad(loss)) in
float64 on the CPU, after a warm-up call (compilation excluded).

Times, medians of repeated runs, alternating the sides in rounds (the best round is kept):
  * ricci end to end: `ricci eval` of the gradient program followed by `sum(G .* R)` (R a random
    matrix), so that the whole gradient is computed but only a scalar is printed;
  * ricci load-subtracted: the above less `ricci eval` of a program with the same declarations and
    inputs whose value is `sum(R)` (process start-up, .npy loading, parsing, printing a scalar);
  * ricci in-process: the hidden `ricci eval --repeat N` when the binary has it (JSON median_seconds
    on stdout, as `ricci contract --repeat` prints, or a 'time per evaluation: X ms' line on stderr);
  * JAX in-process: the jitted gradient call with block_until_ready; JAX end to end: a
    `python -c` process that imports JAX, loads the .npy files, jits, evaluates and saves the result.
Agreement: ricci itself evaluates normF(G - G_jax)/normF(G_jax) with JAX's gradient as an input.
Writes a "## grad eval" section in bench/RESULTS.md. Timings are never pass/fail.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_common import ROOT, BuildSampler, build, write_section  # noqa: E402


def cases(n):
    """key -> program, variables, input shapes (dimension names), dimension sizes, JAX loss."""
    return {
        "lsq": dict(
            title="least squares normF(X*W - Y)^2",
            program="X: matrix(n, d); W: matrix(d, k); Y: matrix(n, k)\nnormF(X*W - Y)^2",
            wrt=["W"], inputs={"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k")},
            dims={"n": n, "d": n, "k": n}),
        "p4": dict(
            title="P4 normF(h(X*W)*alpha - y)^2, h = tanh",
            program="X: matrix(n, d); W: matrix(d, k); alpha: vector(k); y: vector(n)\n"
                    "h: elementwise\n"
                    "normF(h(X*W)*alpha - y)^2",
            wrt=["W"], functions={"h": "tanh"},
            inputs={"X": ("n", "d"), "W": ("d", "k"), "alpha": ("k", 1), "y": ("n", 1)},
            dims={"n": n, "d": n, "k": max(1, n // 10)}),
        **{f"net{L}": net_case(L, n) for L in (2, 4, 8)},
    }


def net_case(L, n):
    """The L-layer loss of derive_bench.py, by every W_i."""
    inner = "X"
    for i in range(1, L):
        inner = f"tanh(W{i}*{inner})"
    inputs = {"X": ("n", "m"), "Y": ("n", "m")}
    inputs.update({f"W{i}": ("n", "n") for i in range(1, L + 1)})
    return dict(title=f"{L}-layer loss normF(W{L}*tanh(...) - Y)^2, by W1…W{L}",
                program="\n".join(f"{k}: matrix({a}, {b})" for k, (a, b) in inputs.items())
                        + f"\nnormF(W{L}*{inner} - Y)^2",
                wrt=[f"W{i}" for i in range(1, L + 1)], inputs=inputs, dims={"n": n, "m": n})


def jax_loss(key):
    import jax.numpy as jnp
    return eval(jax_source(key), {"jnp": jnp})


def jax_source(key):
    """The loss as source text (also run by the end-to-end JAX process); arguments W... first."""
    if key == "lsq":
        return "lambda W, X, Y: jnp.sum((X @ W - Y) ** 2)"
    if key == "p4":
        return "lambda W, X, alpha, y: jnp.sum((jnp.tanh(X @ W) @ alpha - y) ** 2)"
    L = int(key[3:])
    h = "X"
    for i in range(1, L):
        h = f"jnp.tanh(W{i} @ {h})"
    return f"lambda {', '.join(f'W{i}' for i in range(1, L + 1))}, X, Y: jnp.sum((W{L} @ {h} - Y) ** 2)"


def run(cmd, check=True, timeout=None, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout, **kw)


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(s):
    if s is None:
        return "—"
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.2f} s"


def scalar_from_text(out):
    """The value printed by `ricci eval` in text form for a scalar result."""
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    return float(lines[-1])


def ricci_in_process(proc):
    m = re.search(r"time per evaluation:\s*([0-9.eE+-]+)\s*ms", proc.stderr)
    if m:
        return float(m.group(1)) / 1e3
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("{") and "median_seconds" in line:
            return json.loads(line)["median_seconds"]
    return None


def declarations(program):
    """The declaration lines of a ricci program (NAME: TYPE), split on newlines and ';'."""
    parts = [p.strip() for line in program.splitlines() for p in line.split(";")]
    return [p for p in parts if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*:", p)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: n = 200, fewer runs")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--cases", default="lsq,p4,net2,net8", help="lsq, p4, net2, net4, net8")
    parser.add_argument("--runs", type=int, default=5, help="process launches / in-process calls per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; each side's best round is kept")
    parser.add_argument("--jax-e2e-runs", type=int, default=3, help="end-to-end JAX processes per round")
    parser.add_argument("--ricci", help="use this ricci binary instead of building")
    parser.add_argument("--scratch-path", default=".build-D")
    parser.add_argument("--ricci-commit", help="the commit the --ricci binary was built from (for the report)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.n = min(args.n, 200)
        args.runs, args.rounds, args.jax_e2e_runs = 3, 1, 1

    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    ricci = args.ricci or build(args.scratch_path)
    has_repeat = "--repeat" in run([ricci, "eval", "--help"], check=False).stdout  # hidden options are not listed
    probe = run([ricci, "eval", "x: scalar; x", "--set", "x=1", "--repeat", "2"], check=False)
    has_repeat = has_repeat or (probe.returncode == 0 and ricci_in_process(probe) is not None)
    load_start = os.getloadavg()[0]
    builds_start = BuildSampler()
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for key in [k for k in args.cases.split(",") if k]:
            case = cases(args.n)[key]
            dims = case["dims"]
            # inputs scaled so that tanh is not saturated
            values = {}
            for name, shape in case["inputs"].items():
                concrete = tuple(dims[s] if isinstance(s, str) else s for s in shape)
                scale = 1.0 if name in ("X", "Y", "y") else 1.0 / np.sqrt(concrete[0])
                values[name] = rng.standard_normal(concrete) * scale
            files = {}
            for name, a in values.items():
                files[name] = os.path.join(tmp, f"{key}_{name}.npy")
                np.save(files[name], a)

            # JAX: jit(grad) by every variable, warm-up first
            loss = jax_loss(key)
            argnames = list(loss.__code__.co_varnames[:loss.__code__.co_argcount])
            nwrt = len(case["wrt"])
            grad_fn = jax.jit(jax.grad(loss, argnums=tuple(range(nwrt))))
            jargs = [jnp.asarray(values[a]) for a in argnames]
            t = time.perf_counter()
            jax.block_until_ready(grad_fn(*jargs))
            jax_compile = time.perf_counter() - t
            jax_grads = [np.asarray(g) for g in grad_fn(*jargs)]

            # ricci: the gradient programs
            cmd = [ricci, "grad", case["program"], *sum((["--wrt", w] for w in case["wrt"]), []), "--format", "json"]
            report = json.loads(run(cmd).stdout)
            results = report.get("results", [report])
            sets = sum((["--set", f"{n}={f}"] for n, f in files.items()), [])
            sets += sum((["--set", f"{f}={v}"] for f, v in (case.get("functions") or {}).items()), [])
            progs, checks, base_progs, forms = [], [], [], []
            one_decls, one_defs, one_sets, one_terms = [], [], [], []
            for i, (w, r, gj) in enumerate(zip(case["wrt"], results, jax_grads)):
                name = r.get("name", "G")
                shape = r["shape"]
                gfile, rfile = os.path.join(tmp, f"{key}_{w}_jax.npy"), os.path.join(tmp, f"{key}_{w}_R.npy")
                np.save(gfile, gj)
                np.save(rfile, rng.standard_normal(gj.shape))
                decl_r = f"Rproj: matrix({shape[0]}, {shape[1]})"
                decl_g = f"Gjax: matrix({shape[0]}, {shape[1]})"
                extra = ["--set", f"Rproj={rfile}", "--set", f"Gjax={gfile}"]
                body = r["program"]
                forms.append("matrix" if r.get("matrix") else "einstein")
                progs.append(([ricci, "eval", f"{decl_r}\n{decl_g}\n{body}\nsum({name} .* Rproj)", *sets, *extra]))
                base_progs.append([ricci, "eval", "\n".join(declarations(case["program"]) + [decl_r, decl_g, "sum(Rproj)"]),
                                   *sets, *extra])
                check = run([ricci, "eval", f"{decl_r}\n{decl_g}\n{body}\nnormF({name} - Gjax)/normF(Gjax)", *sets, *extra],
                            check=False)
                checks.append(scalar_from_text(check.stdout) if check.returncode == 0 else
                              f"error: {(check.stdout + check.stderr).strip()[:120]}")
                # all the gradients in one program: the where definitions merged, each evaluated once
                one_decls.append(f"Rproj{i}: matrix({shape[0]}, {shape[1]})")
                one_sets += ["--set", f"Rproj{i}={rfile}"]
                one_terms.append(f"sum({name} .* Rproj{i})")
                for line in body.splitlines():
                    if line not in one_defs and line not in declarations(body):
                        one_defs.append(line)
            decls = declarations(case["program"])
            one_prog = [ricci, "eval", "\n".join(decls + one_decls + one_defs + [" + ".join(one_terms)]), *sets, *one_sets]
            one_base = [ricci, "eval", "\n".join(decls + one_decls + ["sum(Rproj0)"]), *sets, *one_sets]
            single = len(results) == 1
            one_value = run(one_prog, check=False)
            if one_value.returncode != 0:
                print(f"{key}: the merged program fails: {(one_value.stdout + one_value.stderr)[:200]}", file=sys.stderr)
                single = True  # fall back to per-gradient programs only
            # the end-to-end JAX process
            out = os.path.join(tmp, f"{key}_out.npy")
            script = ("import jax; jax.config.update('jax_enable_x64', True); import jax.numpy as jnp, numpy as np\n"
                      f"loss = {jax_source(key)}\n"
                      f"a = [jnp.asarray(np.load(f)) for f in {[files[a] for a in argnames]!r}]\n"
                      f"g = jax.jit(jax.grad(loss, argnums={tuple(range(nwrt))!r}))(*a)\n"
                      f"np.save({out!r}, np.stack([np.asarray(x) for x in g]) if {nwrt} > 1 else np.asarray(g[0]))\n")

            jax_in = ricci_e2e = ricci_base = jax_e2e = ricci_inproc = one_e2e = one_base_t = float("inf")
            for _ in range(args.rounds):
                jax_in = min(jax_in, median_time(lambda: jax.block_until_ready(grad_fn(*jargs)), args.runs))
                ricci_e2e = min(ricci_e2e, median_time(lambda: [run(p) for p in progs], args.runs))
                ricci_base = min(ricci_base, median_time(lambda: [run(p) for p in base_progs], args.runs))
                if not single:
                    one_e2e = min(one_e2e, median_time(lambda: run(one_prog), args.runs))
                    one_base_t = min(one_base_t, median_time(lambda: run(one_base), args.runs))
                jax_e2e = min(jax_e2e, median_time(lambda: run([sys.executable, "-c", script]), args.jax_e2e_runs))
                if has_repeat:
                    total = 0.0
                    for p in progs:
                        s = ricci_in_process(run(p + ["--repeat", str(args.runs)], check=False))
                        total = total + s if s is not None else float("nan")
                    ricci_inproc = min(ricci_inproc, total)
            sub = max(ricci_e2e - ricci_base, 1e-9)
            one = sub if single else max(one_e2e - one_base_t, 1e-9)
            if single:
                one_e2e, one_base_t = ricci_e2e, ricci_base
            row = dict(key=key, title=case["title"], dims=dims, forms=forms, checks=checks, jax_in=jax_in,
                       jax_compile=jax_compile, jax_e2e=jax_e2e, ricci_e2e=ricci_e2e, ricci_base=ricci_base,
                       ricci_sub=sub, ricci_inproc=ricci_inproc if has_repeat else None,
                       ricci_one=one, one_e2e=one_e2e, one_base=one_base_t, nres=len(results),
                       programs=[r["program"].splitlines()[-1] for r in results])
            rows.append(row)
            print(f"{key}: jax {fmt(jax_in)} (compile {fmt(jax_compile)}, e2e {fmt(jax_e2e)}); ricci e2e {fmt(ricci_e2e)}, "
                  f"load-only {fmt(ricci_base)}, difference {fmt(sub)}; one program {fmt(one)}; agreement {checks}", file=sys.stderr)

    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load_end = os.getloadavg()[0]
    commit = args.ricci_commit or run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=False).stdout.strip()
    blas = next((l.strip() for l in run(["ldd", ricci]).stdout.splitlines() if "blas" in l.lower()), "?")
    builds, busy = builds_start.stop().describe()
    under_load = load_start > 1.5 or busy
    lines = ["## grad eval", "",
             f"- Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; ricci at `{commit}`, binary `{ricci}` "
             f"(links `{blas.split(' (')[0]}`)",
             f"- Machine: {os.cpu_count()} CPUs, {model}; load average {load_start:.2f} at the start, {load_end:.2f} at the end "
             f"(this run uses 2 threads); {builds}"
             + (" — **measured under load**: absolute times are inflated" if under_load else ""),
             f"- Command: `bench/.venv/bin/python bench/grad_eval_bench.py {' '.join(sys.argv[1:])}`".rstrip(),
             f"- JAX {jax.__version__} on {jax.devices()[0].platform}, float64, jax.jit(jax.grad(loss)) after a warm-up call; "
             "ricci: `ricci grad --format json`, its \"program\" evaluated by `ricci eval` (GSL, OpenBLAS).",
             f"- Medians of {args.runs} runs (JAX end to end: {args.jax_e2e_runs}), best of {args.rounds} alternating rounds. "
             "ricci end to end evaluates the gradient program then `sum(G .* R)` so only a scalar is printed; "
             "load-only is the same declarations and inputs with value `sum(R)`; their difference is the "
             "evaluation of the gradient."
             + ("" if has_repeat else " (No in-process `ricci eval --repeat` in this binary.)"),
             "- Agreement: normF(G_ricci - G_jax)/normF(G_jax), computed by ricci with JAX's gradient as an input.",
             "- With several variables ricci prints one program per gradient. *One program*: the bench merges them "
             "(declarations, the union of the `where` definitions, every G_Wi, value Σ sum(G_Wi .* R_i)) and "
             "evaluates that once, as JAX computes all the gradients in one jitted call; *a program per "
             "gradient*: each printed program evaluated by its own `ricci eval` (the forward pass recomputed "
             "each time), times summed. End to end and load-only columns are for the one program.",
             "",
             "| case | shapes | ricci form | JAX in-process | ricci eval − load, one program | ratio ricci/JAX | ricci eval − load, a program per gradient | ratio | ricci in-process | ricci end to end (load-only) | JAX end to end | JAX compile | agreement |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        shapes = ", ".join(f"{k}={v}" for k, v in r["dims"].items())
        agree = ", ".join(f"{c:.1e}" if isinstance(c, float) else c for c in r["checks"])
        inproc = fmt(r["ricci_inproc"]) if r["ricci_inproc"] is not None else "—"
        ratio_in = f" ({r['ricci_inproc'] / r['jax_in']:.2f})" if r["ricci_inproc"] else ""
        per = (f"{fmt(r['ricci_sub'])} | {r['ricci_sub'] / r['jax_in']:.2f}" if r["nres"] > 1 else "(same) | ")
        lines.append(f"| {r['title']} | {shapes} | {'+'.join(sorted(set(r['forms'])))} | {fmt(r['jax_in'])} | "
                     f"{fmt(r['ricci_one'])} | {r['ricci_one'] / r['jax_in']:.2f} | {per} | {inproc}{ratio_in} | "
                     f"{fmt(r['one_e2e'])} ({fmt(r['one_base'])}) | {fmt(r['jax_e2e'])} | {fmt(r['jax_compile'])} | {agree} |")
    lines += ["", "Gradient programs evaluated (last line):", ""]
    for r in rows:
        for p in r["programs"]:
            lines.append(f"- {r['key']}: `{p if len(p) < 300 else p[:299] + '…'}`")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("grad eval", text)


if __name__ == "__main__":
    main()
