#!/usr/bin/env python3
"""Compares the derivation time of two `ricci` binaries on the cases of bench/derive_bench.py (the five
problems and the L-layer loss), in the same run:

    python3 bench/derive_compare.py BASE NEW [--cases P1,P5,L8] [--rounds 3] [--callgrind]

* time: the hidden `ricci grad --repeat N` (in-process time per derivation, printing excluded), the
  two binaries alternated (base, new, base, ...), best of `--rounds` rounds each;
* with --callgrind: instructions per derivation under `valgrind --tool=callgrind` (immune to the load
  of other processes), as (instructions of `--repeat 3` - instructions of `--repeat 1`) / 2, so
  start-up is left out (the CLI's watchdog is switched off for it: RICCI_TIME_BUDGET=0).

Build the base in its own worktree, e.g. `git worktree add /tmp/base 1d39c4c && cd /tmp/base &&
swift build -c release --product ricci`. Prints a markdown table; writes nothing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_bench import PROBLEMS, LAYERS, layer_case  # noqa: E402

TIME_RE = re.compile(r"time per derivation:\s*([0-9.eE+-]+)\s*ms")


def case(key):
    return layer_case(int(key[1:])) if key.startswith("L") else PROBLEMS[key]


def command(ricci, c, repeat):
    cmd = [ricci, "grad", c["program"]]
    for w in c["wrt"]:
        cmd += ["--wrt", w]
    return cmd + ["--format", "json", "--repeat", str(repeat)]


def millis(ricci, c, repeat):
    p = subprocess.run(command(ricci, c, repeat), capture_output=True, text=True, check=True)
    return float(TIME_RE.search(p.stderr).group(1))


def instructions(ricci, c, repeat):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        # the CLI's watchdog (8 s of processor time) would stop a derivation slowed down by valgrind
        env = dict(os.environ, RICCI_TIME_BUDGET="0", RICCI_MEMORY_BUDGET="0")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + command(ricci, c, repeat),
                       capture_output=True, text=True, check=True, env=env)
        for line in open(out):
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no callgrind totals")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--cases", default=",".join(list(PROBLEMS) + [f"L{n}" for n in LAYERS]))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--callgrind", action="store_true")
    a = ap.parse_args()
    head = "| case | base ms | new ms | ratio |" + (" base instr. | new instr. | ratio |" if a.callgrind else "")
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for key in a.cases.split(","):
        c = case(key)
        repeat = 3 if key in ("L32", "L64") else 9
        tb, tn = [], []
        for _ in range(a.rounds):
            tb.append(millis(a.base, c, repeat))
            tn.append(millis(a.new, c, repeat))
        row = f"| {key} | {min(tb):.2f} | {min(tn):.2f} | {min(tn) / min(tb):.2f} |"
        if a.callgrind:
            ib = (instructions(a.base, c, 3) - instructions(a.base, c, 1)) / 2
            inn = (instructions(a.new, c, 3) - instructions(a.new, c, 1)) / 2
            row += f" {ib / 1e6:.2f} M | {inn / 1e6:.2f} M | {inn / ib:.2f} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
