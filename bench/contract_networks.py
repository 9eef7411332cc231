#!/usr/bin/env python3
"""Random tensor networks from opt_einsum's own generator, planned by opt_einsum.

    python3 bench/contract_networks.py [--timeout 30] [--fixture]

The networks are `opt_einsum.testing.rand_equation(n, regularity, n_out=2, d_min=2, d_max=5, seed)`
for the fixed (n, regularity, seed) triples in NETWORKS (3 to 60 operands). Each is planned by
opt_einsum's `optimal` (only up to OPTIMAL_MAX operands: it is exhaustive), `dp` and `greedy`, each
in a child process killed after --timeout seconds. FLOPs are opt_einsum's own count
(`contract_path(...)[1].opt_cost`, i.e. `helpers.flop_count` summed over the path), the largest
intermediate its `largest_intermediate`.

With --fixture, writes Tests/RicciNumericsTests/Fixtures/contract_networks.json (the equations,
shapes and opt_einsum's results), which the Swift tests plan and compare against. bench/contract_bench.py
imports this module to compare `ricci contract --path --plan-only` against opt_einsum in one run.
"""
import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests" / "RicciNumericsTests" / "Fixtures" / "contract_networks.json"
OPTIMAL_MAX = 8
# (operands, regularity, seed): 48 networks of 3 to 60 operands.
NETWORKS = ([(n, r, s) for n in (3, 4, 5, 6, 8, 10) for r in (3, 4) for s in (1, 2)]
            + [(n, r, s) for n in (12, 16, 20, 24) for r in (3, 4) for s in (1, 2)]
            + [(n, r, s) for n in (40, 60) for r in (3, 4) for s in (1, 2)])


def network(n, regularity, seed):
    from opt_einsum.testing import rand_equation
    eq, shapes = rand_equation(n, regularity, n_out=2, d_min=2, d_max=5, seed=seed)
    return eq, [tuple(int(d) for d in s) for s in shapes]


def _plan(eq, shapes, optimize, queue):
    import opt_einsum as oe
    start = time.perf_counter()
    _, info = oe.contract_path(eq, *shapes, shapes=True, optimize=optimize)
    queue.put(dict(flops=int(info.opt_cost), largest=int(info.largest_intermediate),
                   seconds=time.perf_counter() - start))


def plan_with_timeout(eq, shapes, optimize, timeout):
    """opt_einsum's plan in a child process; None when it does not finish within `timeout` seconds."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_plan, args=(eq, shapes, optimize, queue))
    proc.start()
    try:
        result = queue.get(timeout=timeout)
    except Exception:  # queue.Empty: did not finish in time (or failed)
        result = None
    if proc.is_alive():
        proc.terminate()
    proc.join()
    return result


def opt_einsum_results(timeout, log=sys.stderr):
    rows = []
    for n, r, seed in NETWORKS:
        eq, shapes = network(n, r, seed)
        res = {}
        for name in ("optimal", "dp", "greedy"):
            if name == "optimal" and n > OPTIMAL_MAX:
                res[name] = None
                continue
            res[name] = plan_with_timeout(eq, shapes, name, timeout)
        done = [v for v in res.values() if v]
        best = min(done, key=lambda v: v["flops"]) if done else None
        rows.append(dict(n=n, regularity=r, seed=seed, equation=eq, shapes=shapes, opt_einsum=res,
                         best_flops=best["flops"] if best else None))
        print(f"n={n} r={r} seed={seed}: " + ", ".join(
            f"{k} {v['flops']:.4g} ({v['seconds']:.2f} s)" if v else f"{k} -" for k, v in res.items()), file=log)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=30, help="seconds per opt_einsum planner and network")
    parser.add_argument("--fixture", action="store_true", help=f"write {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()
    import opt_einsum
    rows = opt_einsum_results(args.timeout)
    if args.fixture:
        data = dict(generator="opt_einsum.testing.rand_equation(n, regularity, n_out=2, d_min=2, d_max=5, seed)",
                    opt_einsum=opt_einsum.__version__, timeout_seconds=args.timeout,
                    flops="opt_einsum contract_path opt_cost (helpers.flop_count per step)", networks=rows)
        FIXTURE.write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n")
        print(f"wrote {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()
