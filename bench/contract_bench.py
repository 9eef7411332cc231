#!/usr/bin/env python3
"""Benchmark `ricci contract` against numpy.einsum(..., optimize=True) and plain OpenBLAS.

    python3 bench/contract_bench.py [--repeat 9] [--runs 5] [--rounds 3] [--ricci PATH] [--no-write]
                                    [--cases a,b1,b2,c,d] [--skip-networks] [--oe-timeout 30]
                                    [--keep-coretype]

Builds the release binary (`swift build -c release --product ricci`) unless --ricci is given,
writes random inputs to a temporary folder, and measures, as medians of repeated runs:
  * in-process: `ricci contract SUBSCRIPTS files --repeat N` (parse + plan + execute, no file I/O)
    against numpy.einsum(SUBSCRIPTS, *arrays, optimize=True) timed inside Python, in wall time and
    in processor time (all threads; less disturbed by other load on the machine);
  * end to end: the `ricci contract ... -o out.npy` process against a `python3 -c` process that
    loads, contracts and saves with NumPy;
  * a 2000×2000 product: the engine against a C program calling cblas_dgemm from the system
    OpenBLAS (bench/dgemm_openblas.c, the same library the engine links) and numpy.matmul
    (NumPy's own bundled OpenBLAS build).
  * plan quality: the 48 random networks of bench/contract_networks.py (opt_einsum's
    rand_equation, 3 to 60 operands), planned by `ricci contract --path --plan-only` (default
    `--strategy auto --plan-seconds 1`, and `--plan-seconds 10` where auto fell back) against
    opt_einsum's optimal/dp/greedy (each killed after --oe-timeout seconds), FLOPs counted alike
    (opt_einsum's flop_count) and planning times side by side.
Prints markdown tables and writes them under "## contract" in bench/RESULTS.md. Timings are never
pass/fail.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# OpenBLAS kernels: an OPENBLAS_CORETYPE inherited from the environment (this machine sets Haswell)
# forces AVX2 kernels on NumPy's and ricci's OpenBLAS: unset for both sides unless --keep-coretype,
# as bench/plan_bench.py does (set before NumPy loads OpenBLAS)
INHERITED_CORETYPE = os.environ.get("OPENBLAS_CORETYPE")
if INHERITED_CORETYPE is not None and "--keep-coretype" not in sys.argv:
    del os.environ["OPENBLAS_CORETYPE"]

import numpy as np  # noqa: E402

import contract_networks

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    ("a", "matrix chain of 5", "ij,jk,kl,lm,mn->in",
     [(400, 1000), (1000, 50), (50, 800), (800, 300), (300, 600)]),
    ("b1", "Γ 60⁴ double-dot a matrix (A:Γ)", "ij,ijkl->kl", [(60, 60), (60, 60, 60, 60)]),
    ("b2", "Γ 60⁴ with a matrix over j,l", "ijkl,jl->ik", [(60, 60, 60, 60), (60, 60)]),
    ("c", "batched product", "bij,bjk->bik", [(256, 64, 64), (256, 64, 64)]),
    ("d", "2000×2000 matrix product", "ij,jk->ik", [(2000, 2000), (2000, 2000)]),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def build():
    print("building: swift build -c release --product ricci", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--product", "ricci"], cwd=ROOT, check=True)
    bin_dir = run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT).stdout.strip()
    return str(Path(bin_dir) / "ricci")


def median_time(fn, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = run(["nproc"]).stdout.strip()
    blas = "unknown"
    try:
        info = np.__config__.CONFIG["Build Dependencies"]["blas"]
        blas = f"{info.get('name')} {info.get('version')}"
    except Exception:
        pass
    return model, nproc, blas


def fmt(seconds):
    return f"{seconds * 1e3:.2f} ms" if seconds < 10 else f"{seconds:.2f} s"


def ricci_plan(ricci, eq, files, seconds):
    out = run([ricci, "contract", eq, *files, "--path", "--plan-only", "--format", "json", "--plan-seconds", str(seconds)])
    return json.loads(out.stdout)["plan"]


def plan_quality(ricci, timeout):
    """ricci's plans of the random networks against opt_einsum's, as markdown lines."""
    import opt_einsum
    print(f"planning {len(contract_networks.NETWORKS)} networks with opt_einsum (timeout {timeout} s each)", file=sys.stderr)
    nets = contract_networks.opt_einsum_results(timeout)
    lines = ["### Plan quality against opt_einsum", "",
             f"- Networks: `opt_einsum.testing.rand_equation(n, regularity, n_out=2, d_min=2, d_max=5, seed)` for the "
             f"{len(nets)} (n, regularity, seed) of `bench/contract_networks.py` (the same as the Swift test fixture).",
             f"- opt_einsum {opt_einsum.__version__}: `contract_path(eq, *shapes, shapes=True, optimize=...)` for optimal "
             f"(only n ≤ {contract_networks.OPTIMAL_MAX}), dp and greedy, each in a child process killed after {timeout:g} s "
             "(\"—\" = not run or did not finish). FLOPs are opt_einsum's `opt_cost` (its `flop_count`: size of all indices "
             "of a step, ×2 when one is summed), the count ricci's plan also reports.",
             "- ricci: `ricci contract EQ files --path --plan-only --format json` (default `--strategy auto --plan-seconds 1`); "
             "where auto's dp did not finish in its share of the second, also `--plan-seconds 10`. Planning time is the "
             "in-process `plan.planning_seconds`; opt_einsum's is timed around `contract_path` in its process.",
             "- ratio = ricci FLOPs / best FLOPs of opt_einsum's optimal/dp/greedy (≤ 1.00 means ricci's plan is as cheap or cheaper).",
             "",
             "| n | reg. | seed | oe optimal | oe dp | oe greedy | ricci auto (1 s) | ratio | planner | ricci plan time | ricci auto (10 s) | ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    worst = 0.0
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, net in enumerate(nets):
            files = []
            for j, shape in enumerate(net["shapes"]):
                files.append(os.path.join(tmp, f"n{k}_{j}.npy"))
                np.save(files[-1], np.zeros(shape))
            plan = ricci_plan(ricci, net["equation"], files, 1)
            best = net["best_flops"]
            ratio = plan["flops"] / best
            worst = max(worst, ratio)
            ratios.append(ratio)
            long_cols = "— | —"
            if plan.get("note"):
                slow = ricci_plan(ricci, net["equation"], files, 10)
                long_cols = f"{slow['flops']:.4g} ({slow['planner']}, {slow['planning_seconds']:.2f} s) | {slow['flops'] / best:.3f}"
                worst = max(worst, slow["flops"] / best)

            def cell(v):
                return f"{v['flops']:.4g} ({v['seconds']:.3f} s)" if v else "—"

            oe = net["opt_einsum"]
            lines.append(f"| {net['n']} | {net['regularity']} | {net['seed']} | {cell(oe['optimal'])} | {cell(oe['dp'])} | "
                         f"{cell(oe['greedy'])} | {plan['flops']:.4g} | {ratio:.3f} | {plan['planner']} | "
                         f"{plan['planning_seconds']:.3f} s | {long_cols} |")
            print(f"n={net['n']} r={net['regularity']} seed={net['seed']}: ricci/best {ratio:.3f} ({plan['planner']})", file=sys.stderr)
    lines += ["", f"Worst ratio over all {len(nets)} networks and both budgets: {worst:.3f}; "
              f"median ratio at 1 s: {statistics.median(ratios):.3f}.", ""]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9, help="in-process repetitions per case (at least)")
    parser.add_argument("--min-seconds", type=float, default=0.3,
                        help="in-process repetitions enough for about this much of ricci's time per round (both sides)")
    parser.add_argument("--runs", type=int, default=5, help="process launches per case (end to end)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best round's median is kept")
    parser.add_argument("--ricci", help="use this ricci binary instead of building")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--oe-timeout", type=float, default=30, help="seconds per opt_einsum planner and network")
    parser.add_argument("--skip-networks", action="store_true", help="skip the plan-quality comparison")
    parser.add_argument("--keep-coretype", action="store_true",
                        help="keep an inherited OPENBLAS_CORETYPE (by default it is unset for NumPy and ricci)")
    parser.add_argument("--cases", help="only these cases, comma-separated keys (e.g. c,d); default all")
    args = parser.parse_args()
    ricci = args.ricci or build()
    linked = run(["ldd", ricci]).stdout
    blas_line = next((l.strip() for l in linked.splitlines() if "blas" in l.lower()), "no BLAS in ldd output")

    # (d) is also run against plain OpenBLAS and numpy.matmul, in the same rounds.
    exe = os.path.join(tempfile.gettempdir(), "ricci_dgemm_openblas")
    subprocess.run(["cc", "-O2", "-o", exe, str(ROOT / "bench" / "dgemm_openblas.c"), "-lopenblas"], check=True)
    c_blas = np_mm = float("inf")

    rng = np.random.default_rng(0)
    rows = []
    repeats = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, title, subscripts, shapes in CASES:
            if args.cases and key not in args.cases.split(","):
                continue
            arrays = [rng.standard_normal(s) for s in shapes]
            files = []
            for k, a in enumerate(arrays):
                files.append(os.path.join(tmp, f"{key}_{k}.npy"))
                np.save(files[-1], a)
            out = os.path.join(tmp, f"{key}_out.npy")
            expected = np.einsum(subscripts, *arrays, optimize=True)
            script = (f"import numpy as np; a=[np.load(f) for f in {files!r}]; "
                      f"np.save({out!r}, np.einsum({subscripts!r}, *a, optimize=True))")
            # Alternate the two sides in rounds and keep each side's best round (robust to load bursts).
            np_in = rc_in = np_e2e = rc_e2e = np_cpu = rc_cpu = float("inf")
            # both sides time the same number of in-process runs: at least --repeat, and enough for about
            # --min-seconds of ricci's work (a median of 9 millisecond runs is mostly the machine waking up)
            estimate = json.loads(run([ricci, "contract", subscripts, *files, "--repeat", "3"]).stdout)["median_seconds"]
            repeat = max(args.repeat, min(2000, int(args.min_seconds / max(estimate, 1e-6))))
            repeats[key] = repeat
            for _ in range(args.rounds):
                np_in = min(np_in, median_time(lambda: np.einsum(subscripts, *arrays, optimize=True), repeat))
                np_cpu = min(np_cpu, median_time(lambda: np.einsum(subscripts, *arrays, optimize=True), repeat,
                                                 clock=time.process_time))
                timing = json.loads(run([ricci, "contract", subscripts, *files, "--repeat", str(repeat)]).stdout)
                rc_in = min(rc_in, timing["median_seconds"])
                rc_cpu = min(rc_cpu, timing["median_cpu_seconds"])
                rc_e2e = min(rc_e2e, median_time(lambda: run([ricci, "contract", subscripts, *files, "-o", out]), args.runs))
                np_e2e = min(np_e2e, median_time(lambda: run([sys.executable, "-c", script]), args.runs))
                if key == "d":
                    c_blas = min(c_blas, json.loads(run([exe, "2000", str(args.repeat)]).stdout)["median_seconds"])
                    np_mm = min(np_mm, median_time(lambda: arrays[0] @ arrays[1], args.repeat))
            run([ricci, "contract", subscripts, *files, "-o", out])
            got = np.load(out)
            err = float(np.max(np.abs(got - expected)) / max(1e-300, np.max(np.abs(expected))))
            plan = run([ricci, "contract", subscripts, *files, "--path", "--format", "json", "-o", out]).stdout
            plan = json.loads(plan)["plan"]
            rows.append(dict(key=key, title=title, subscripts=subscripts,
                             shapes=" , ".join("×".join(map(str, s)) for s in shapes),
                             np_in=np_in, rc_in=rc_in, np_e2e=np_e2e, rc_e2e=rc_e2e, err=err, np_cpu=np_cpu, rc_cpu=rc_cpu,
                             flops=plan["flops"], naive=plan["naive_flops"]))
            print(f"{key}: numpy {fmt(np_in)}, ricci {fmt(rc_in)} (in-process); cpu numpy {fmt(np_cpu)}, ricci {fmt(rc_cpu)}; "
                  f"numpy {fmt(np_e2e)}, ricci {fmt(rc_e2e)} (end to end); rel. error {err:.1e}", file=sys.stderr)

    network_lines = [] if args.skip_networks else plan_quality(ricci, args.oe_timeout)

    rc_mm = next((r["rc_in"] for r in rows if r["key"] == "d"), None)
    gflop = 2 * 2000 ** 3 / 1e9

    model, nproc, np_blas = machine()
    command = "python3 bench/contract_bench.py " + " ".join(sys.argv[1:])
    lines = ["## contract", "",
             f"- Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
             f"- Machine: {nproc} CPUs (nproc), {model}; load average at the end {os.getloadavg()[0]:.2f} "
             "(other work on the machine slows every column alike)",
             f"- Command: `{command.strip()}` (ricci: `{ricci}`)",
             f"- ricci links: `{blas_line}`; NumPy {np.__version__} uses {np_blas}",
             "- OpenBLAS kernels: " + (f"the environment's OPENBLAS_CORETYPE={INHERITED_CORETYPE} was "
                                       + ("kept (--keep-coretype) for both sides." if args.keep_coretype
                                          else "unset for both sides (each OpenBLAS picks its kernels for this processor).")
                                       if INHERITED_CORETYPE is not None else "no OPENBLAS_CORETYPE in the environment."),
             "- In-process: medians of N runs, the same N for both sides: at least " + str(args.repeat) + ", and enough runs for about "
             f"{args.min_seconds} s of ricci's time per round (N: " + ", ".join(f"{k} {v}" for k, v in repeats.items()) + "; "
             "ricci `--repeat`, planning included, file I/O excluded; "
             f"numpy.einsum(optimize=True) timed in Python). End to end: medians of {args.runs} process launches "
             f"(load .npy, contract, save .npy). Each side is measured in {args.rounds} alternating rounds and its "
             "best round is kept. Processor time: the same in-process runs, the process's CPU time over all its "
             "threads (ricci `median_cpu_seconds`, Python `time.process_time`); less disturbed by other load than "
             "wall time, and it counts the work of every thread (a contraction split over 2 cores costs its CPU "
             "time in half the wall time on a quiet machine).",
             "",
             "| case | subscripts | shapes | numpy in-process | ricci in-process | ricci/numpy | numpy CPU | ricci CPU | ricci/numpy | numpy end-to-end | ricci end-to-end | ricci/numpy | plan FLOPs (naive) | rel. error |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| ({r['key']}) {r['title']} | `{r['subscripts']}` | {r['shapes']} | {fmt(r['np_in'])} | {fmt(r['rc_in'])} | "
                     f"{r['rc_in'] / r['np_in']:.2f} | {fmt(r['np_cpu'])} | {fmt(r['rc_cpu'])} | {r['rc_cpu'] / max(r['np_cpu'], 1e-9):.2f} | "
                     f"{fmt(r['np_e2e'])} | {fmt(r['rc_e2e'])} | {r['rc_e2e'] / r['np_e2e']:.2f} | "
                     f"{r['flops']:.3g} ({r['naive']:.3g}) | {r['err']:.1e} |")
    if rc_mm is None:
        lines.append("")
    else:
        lines += ["", "2000×2000 product (16 GFLOP), in-process medians:", "",
                  "| implementation | time | GFLOP/s | ratio to plain OpenBLAS |", "|---|---|---|---|",
                  f"| plain OpenBLAS, C `cblas_dgemm` (system libopenblas, as linked by ricci) | {fmt(c_blas)} | {gflop / c_blas:.1f} | 1.00 |",
                  f"| ricci contract `ij,jk->ik` (cblas_dgemm → OpenBLAS) | {fmt(rc_mm)} | {gflop / rc_mm:.1f} | {rc_mm / c_blas:.2f} |",
                  f"| numpy `a @ b` ({np_blas}) | {fmt(np_mm)} | {gflop / np_mm:.1f} | {np_mm / c_blas:.2f} |", ""]
    lines += network_lines
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        old = path.read_text() if path.exists() else "# Benchmark results\n\n"
        start = old.find("## contract")
        if start >= 0:
            end = old.find("\n## ", start + 1)
            section = old[start:end if end >= 0 else len(old)]
            old = old[:start] + (old[end + 1:] if end >= 0 else "")
            # --skip-networks keeps the plan-quality tables of the last run that made them
            kept = section.find("### Plan quality")
            if args.skip_networks and kept >= 0:
                text += "\n\n" + section[kept:].rstrip()
        path.write_text(old.rstrip() + "\n\n" + text)


if __name__ == "__main__":
    main()
