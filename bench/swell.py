#!/usr/bin/env python3
"""Expression swell (issue 10): derivation time and output size against depth 1..64 for nested
softmax, nested inv, definition chains and long products, with the fitted growth exponent (the
slope of log(time) and log(size) against log(depth) over the depths that finished).

Usage: bench/swell.py [--ricci .build/release/ricci] [--cap 10] [--depths 1,2,4,8,16,32,64]
Times are processor time of the ricci process (user + system, so that other load on the machine
does not count); each run is capped at --cap seconds of it (RICCI_TIME_BUDGET); a series stops at
its first run over the cap. Prints a Markdown table."""
import argparse, math, os, resource, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))


def nested(f, inner, d):
    return "(".join([f] * d) + "(" + inner + ")" * d


def softmax(d):
    return "x: vector(n)\nsum(" + nested("softmax", "x", d) + ")"


def inv(d):
    return "X: matrix(n, n)\ntr(" + nested("inv", "X", d) + ")"


def chain(d):
    lines = ["x: vector(n)", "a1 = tanh(x) .* x"]
    lines += ["a%d = tanh(a%d) .* a%d" % (k, k - 1, k - 1) for k in range(2, d + 1)]
    return "\n".join(lines + ["sum(a%d)" % d])


def chain_vector(d):
    return chain(d).rsplit("\n", 1)[0] + "\na%d" % d


def product(d):
    return "x: vector(n); A: matrix(n, n)\nx'*" + "*".join(["A"] * d) + "*x"


SERIES = [
    ("nested softmax", softmax, "grad"), ("nested softmax", softmax, "hessian"),
    ("nested inv", inv, "grad"), ("nested inv", inv, "hessian"),
    ("definition chain", chain, "grad"), ("definition chain", chain, "hessian"),
    ("definition chain", chain_vector, "jacobian"), ("definition chain", chain, "derive"),
    ("definition chain (vector)", chain_vector, "derive"),
    ("long product", product, "grad"), ("long product", product, "hessian"),
]


def fit(points):
    """Least-squares slope of log y against log x."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ricci", default=os.path.join(HERE, "..", ".build", "release", "ricci"))
    ap.add_argument("--cap", type=float, default=10)
    ap.add_argument("--depths", default="1,2,4,8,16,32,64")
    a = ap.parse_args()
    depths = [int(x) for x in a.depths.split(",")]
    env = dict(os.environ, RICCI_TIME_BUDGET=str(a.cap))
    print("| series | command | " + " | ".join("d=%d" % d for d in depths) + " | time exponent | size exponent |")
    print("|---|---|" + "---|" * len(depths) + "---|---|")
    for name, make, cmd in SERIES:
        cells, tpts, spts = [], [], []
        stopped = False
        for d in depths:
            if stopped:
                cells.append("—")
                continue
            src = make(d)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            try:
                p = subprocess.run([a.ricci, cmd, src, "--wrt", "X" if "inv" in name else "x"], capture_output=True,
                                   timeout=a.cap * 30, env=env)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                ok = p.returncode == 0
                size = len(p.stdout)
            except subprocess.TimeoutExpired:
                elapsed, ok, size = a.cap, False, 0
            if not ok:
                msg = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace") if elapsed < a.cap else ""
                cells.append("budget" if "budget" in msg or elapsed >= a.cap else "error")
                stopped = True
                continue
            cells.append("%.2f s, %d B" % (elapsed, size))
            tpts.append((d, elapsed))
            spts.append((d, size))
        # exponents over the depths ≥ 4 (startup dominates below)
        big_t = [p for p in tpts if p[0] >= 4] or tpts
        big_s = [p for p in spts if p[0] >= 4] or spts
        print("| %s | %s | %s | %.2f | %.2f |" % (name, cmd, " | ".join(cells), fit(big_t), fit(big_s)), flush=True)


if __name__ == "__main__":
    main()
