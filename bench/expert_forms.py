"""Prints the expert-forms table of issue 9: per problem, ricci's printed matrix form (with the
right sides of the definitions it uses), its size, the expert's form and size, and the ratio.

    python3 bench/expert_forms.py [path/to/ricci] [--write]     (default: .build/debug/ricci)

With --write, the table replaces the "## expert forms" section of bench/RESULTS.md.

Size counts names, numbers, operators and function names (parentheses and commas are free), as
Ricci's PrintedSize does; the program's own definitions are not counted on either side. The
value check of every row is Tests/RicciCLITests/ExpertFormsTests.swift.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_common import write_section  # noqa: E402
TOKEN = re.compile(r"\s+|[()\[\],]|(?P<num>\d+(\.\d+)?([eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\.\*|\./|\.\^|.)")


def tokens(text):
    n = 0
    for m in TOKEN.finditer(text):
        if m.group("num") or m.group("name") or m.group("op"):
            n += 1
    return n


def rows(path=HERE / "expert_forms.txt"):
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, wrt, program, expert = [p.strip() for p in line.split(" | ")]
        yield kind, wrt, program, expert


def expert_size(expert):
    parts = [p.strip() for p in expert.split(";")]
    return sum(tokens(p.split("=", 1)[1] if "=" in p and not p.startswith("=") and re.match(r"^[A-Za-z_]\w*\s*=[^=]", p) else p) for p in parts)


def main():
    args = [a for a in sys.argv[1:] if a != "--write"]
    ricci = args[0] if args else str(HERE.parent / ".build/debug/ricci")
    total = good = 0
    lines = ["| # | kind | wrt | program | ricci | size | expert | size | ratio |", "|---|---|---|---|---|---|---|---|---|"]
    over = []
    for k, (kind, wrt, program, expert) in enumerate(rows(), 1):
        src = program.replace("; ", "\n")
        out = subprocess.run([ricci, "grad" if kind == "grad" else kind, "-", "--wrt", wrt, "--format", "json"],
                             input=src, capture_output=True, text=True)
        total += 1
        try:
            r = json.loads(out.stdout)
        except json.JSONDecodeError:
            r = {"matrix": None, "where": []}
        m = r.get("matrix")
        program_defs = {s.split("=", 1)[0].strip() for s in program.split(";") if re.match(r"^\s*[A-Za-z_]\w*\s*=[^=]", s)}
        defs = [(n, v) for n, v in r.get("where", []) if n not in program_defs] if m else []
        ours = tokens(m) + sum(tokens(v) for _, v in defs) if m else None
        theirs = expert_size(expert)
        ratio = ours / theirs if ours else None
        if ratio is not None and ratio <= 1.3:
            good += 1
        else:
            over.append((k, program, m, ratio))
        shown = (m or "(no matrix form)") + ("".join(f"; {n} = {v}" for n, v in defs))
        lines.append(f"| {k} | {kind} | {wrt} | `{program}` | `{shown}` | {ours or '-'} | `{expert}` | {theirs} | "
                     + (f"{ratio:.2f}" if ratio else "-") + " |")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
    out = ["## expert forms", "",
           f"- ricci at `{commit}`, binary `{ricci}`; command: `python3 bench/expert_forms.py {ricci} --write`",
           "- Size: names, numbers, operators and function names of the printed matrix form plus the right sides of the "
           "generated `where` definitions it uses (the program's own definitions are not counted on either side); "
           "parentheses and commas are free. Values are checked by `swift test --filter ExpertFormsTests` "
           "(every printed form and every expert form against finite differences).",
           f"- **{good} of {total} within 1.3x of the expert's size ({100.0 * good / total:.0f}%)**", ""]
    if over:
        out += ["Over 1.3x or without a matrix form:", ""]
        out += [f"- #{k} `{program}`: `{m}` ({'no matrix form' if ratio is None else f'{ratio:.2f}x'})" for k, program, m, ratio in over]
        out.append("")
    out += lines
    text = "\n".join(out) + "\n"
    print(text)
    if "--write" in sys.argv[1:]:
        write_section("expert forms", text)


if __name__ == "__main__":
    main()
