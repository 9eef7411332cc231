#!/usr/bin/env python3
"""Process-level fuzzing of the ricci CLI: generated programs, mutations of the seed programs and
the adversarial shapes of issue 10 through every subcommand, each run under a time limit and an
address-space limit. A crash is a death by signal (or the exit statuses of a trap); a hang is a run
past the time limit in processor time (RLIMIT_CPU; the wall clock is allowed 30 times as much); with --format json the output must be one valid JSON value.

Usage: cli_fuzz.py [--quick] [--ricci PATH] [--runs N] [--seed S] [--timeout 10] [--memory-mib 1024] [--out DIR]
Prints a summary line 'runs: N, crashes: C, hangs: H, bad json: J' and exits non-zero on any finding
(the inputs are written to DIR)."""
import argparse, json, os, random, resource, signal, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")

ATOMS = ["x", "y", "A", "B", "X", "W", "alpha", "beta", "2", "0.5", "1e19", "n", "I", "eye(3)", "ones(n)"]
UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "abs", "sum", "tr", "norm2", "normF", "inv", "det",
         "logdet", "diag", "Diag", "vec", "softmax", "logsumexp", "trace", "norm", "f", "F", "sin"]
BINARY = ["+", "-", "*", "/", ".*", "./", ":", "^", ".^"]
DECLS = ["x: vector(n)", "y: vector(n)", "A: matrix(n, n)", "B: matrix(n, m)", "X: matrix(m, n)",
         "W: matrix(n, k)", "alpha: scalar", "f: elementwise", "F: function -> matrix(n, n)", "S: matrix(n, n), spd"]
SUBCOMMANDS = [["lower"], ["grad", "--wrt", "x"], ["jacobian", "--wrt", "x"], ["hessian", "--wrt", "x"],
               ["derive", "--wrt", "x"], ["check", "--wrt", "x"], ["eval", "--random", "1", "--dims", "n=3,m=2,k=2"],
               ["grad", "--wrt", "A"], ["derive", "--wrt", "W", "--format", "latex"]]


def expr(r, depth=0):
    if depth > 5 or r.random() < 0.3:
        e = r.choice(ATOMS)
    elif r.random() < 0.35:
        e = "%s(%s)" % (r.choice(UNARY), expr(r, depth + 1))
    else:
        e = "%s %s %s" % (expr(r, depth + 1), r.choice(BINARY), expr(r, depth + 1))
    if r.random() < 0.15:
        e += r.choice(["'", "ᵀ", "^T", "²", "⁻¹", "[i, j]", "[i]"])
    if r.random() < 0.2:
        e = "(" + e + ")"
    return e


def program(r):
    lines = r.sample(DECLS, r.randint(0, 4))
    for k in range(r.randint(0, 2)):
        lines.append("E%d = %s" % (k, expr(r)))
    lines.append(expr(r))
    return "\n".join(lines)


def adversarial():
    n = 10_000
    yield "(" * n + "x" + ")" * n
    yield "X" + "'" * n
    yield "X" + "^T" * n
    yield "A" + "[i, j]" * n
    yield "-" * n + "x"
    yield "*".join(["a"] * n)
    yield "exp(" * n + "x" + ")" * n
    yield "+".join("a%d" % k for k in range(20_000))
    yield "\n".join(("a%d = a%d*2" % (k, k - 1)) if k else "a0 = x" for k in range(20_000)) + "\na19999'*a19999"
    yield "y[i] = " + "*".join(["A[i, i]"] * n)
    yield "F: " + "function -> " * 60_000 + "scalar\nF(x)"
    yield "x'*x'*x'*x"
    yield "alpha^1e19"
    yield "tr(X^-1000)"
    yield "sum(" + "softmax(" * 10 + "x" + ")" * 11
    yield "tr(" + "inv(" * 25 + "X" + ")" * 26
    yield "x'*" + "*".join(["A"] * 100) + "*x"
    yield "exp(" * 250 + "x'*x" + ")" * 250
    yield "\n".join("u%d = x*%d" % (k, k) for k in range(3000)) + "\nx'*x"
    yield "a" * 30_000
    yield "-0*alpha"
    yield "F: function -> matrix(n, n); F'(Q)[i, j, i, a]*Q[j, a]"
    yield "X: frobnicate\nX*y"
    yield "x: vector(n); sum(x.^2)/n"


def mutate(r, s):
    s = list(s)
    for _ in range(r.randint(1, 8)):
        op = r.random()
        k = r.randrange(len(s) + 1)
        if op < 0.4 and s:
            del s[min(k, len(s) - 1)]
        elif op < 0.8:
            s.insert(k, r.choice("()[]'*+-^.:,;=\n0123456789xAiT²ᵀ⁻\\\"#δ→"))
        elif s:
            j = r.randrange(len(s))
            s[k:k] = s[j:j + r.randint(1, 20)]
    return "".join(s)


def seeds():
    out = []
    for fn in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if fn.endswith(".ricci"):
            out.append(open(os.path.join(ROOT, "examples", fn), encoding="utf-8").read())
    return out or ["x'*A*x"]


def limit(memory_mib, cpu_seconds):
    def apply():
        b = memory_mib << 20
        resource.setrlimit(resource.RLIMIT_AS, (b, b))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # the time limit is processor time (SIGXCPU), so that a loaded machine does not turn slow runs into hangs
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 1))
    return apply


def run(ricci, args, source, timeout, memory_mib, workdir):
    path = os.path.join(workdir, "program.ricci")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    cmd = [ricci, args[0], "-f", path] + args[1:]
    json_out = "--format" not in args
    if json_out:
        cmd += ["--format", "json"]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout * 30, preexec_fn=limit(memory_mib, timeout))
    except subprocess.TimeoutExpired:
        return "hang"
    if p.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "hang"
    if p.returncode < 0 or p.returncode in (132, 133, 134, 136, 137, 139):
        return "crash"
    if json_out:
        try:
            json.loads(p.stdout.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return "bad json"
    if p.returncode == 0 and args[0] != "lower" and not p.stdout:
        return "bad json"
    return "ok"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ricci", default=os.path.join(ROOT, ".build", "debug", "ricci"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--memory-mib", type=int, default=1024)
    ap.add_argument("--out", default="fuzz-findings")
    ap.add_argument("--quick", action="store_true", help="no adversarial shapes (a short smoke pass)")
    a = ap.parse_args()
    r = random.Random(a.seed)
    base = seeds()
    counts = {"ok": 0, "crash": 0, "hang": 0, "bad json": 0}
    with tempfile.TemporaryDirectory() as work:
        inputs = []
        for s in ([] if a.quick else adversarial()):
            inputs += [(s, sub) for sub in SUBCOMMANDS]
        k = 0
        while len(inputs) < a.runs:
            k += 1
            s = program(r) if k % 2 else mutate(r, r.choice(base))
            inputs.append((s, r.choice(SUBCOMMANDS)))
        for n, (s, sub) in enumerate(inputs[:max(a.runs, 0)] if a.runs < len(inputs) else inputs):
            verdict = run(a.ricci, sub, s, a.timeout, a.memory_mib, work)
            counts[verdict] += 1
            if verdict != "ok":
                os.makedirs(a.out, exist_ok=True)
                name = os.path.join(a.out, "%s-%d.ricci" % (verdict.replace(" ", "-"), n))
                with open(name, "w", encoding="utf-8") as f:
                    f.write(s)
                print("%s: ricci %s (input in %s)" % (verdict, " ".join(sub), name), flush=True)
    total = sum(counts.values())
    print("runs: %d, crashes: %d, hangs: %d, bad json: %d" % (total, counts["crash"], counts["hang"], counts["bad json"]))
    sys.exit(1 if total != counts["ok"] else 0)


if __name__ == "__main__":
    main()
