#!/usr/bin/env python3
"""Every public symbol of Ricci and RicciNumerics has a summary line.

Reads the symbol graphs that `make docs` extracts (swift-docc-plugin writes them under
.build/*/extracted-symbols/) and lists each public or open symbol declared in Sources/Ricci or
Sources/RicciNumerics whose documentation comment is missing or starts with an empty line. A
comment inherited from a protocol requirement of another module (`description`, `==`) counts, as
DocC shows it; compiler-synthesized members (no source location) are not ours to document.
Exit status 1 when any symbol lacks a summary; 2 when no symbol graph is found.

    python3 docs/tools/check_doc_summaries.py [--list]     # --list: every missing symbol, not only 40
"""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = ["Ricci", "RicciNumerics"]


def graphs(module):
    """The newest extracted symbol graph of a module, with its extension graphs (Module@Other)."""
    pattern = os.path.join(ROOT, ".build", "**", "extracted-symbols", "**", module, module + ".symbols.json")
    found = sorted(glob.glob(pattern, recursive=True), key=os.path.getmtime)
    if not found:
        return []
    main = found[-1]
    return [main] + sorted(glob.glob(os.path.join(os.path.dirname(main), module + "@*.symbols.json")))


def missing(path, module):
    """The number of public symbols of `module` declared in its sources, and (file, line, kind, name) of
    each of them without a summary."""
    sources = os.path.join(ROOT, "Sources", module) + os.sep
    with open(path, encoding="utf-8") as f:
        graph = json.load(f)
    out, declared = [], 0
    for symbol in graph["symbols"]:
        if symbol.get("accessLevel") not in ("public", "open"):
            continue
        uri = symbol.get("location", {}).get("uri", "")
        file = uri[len("file://"):] if uri.startswith("file://") else uri
        if not os.path.abspath(file).startswith(sources):
            continue
        declared += 1
        lines = (symbol.get("docComment") or {}).get("lines", [])
        if lines and lines[0].get("text", "").strip():
            continue
        line = symbol["location"]["position"]["line"] + 1
        kind = symbol["kind"]["displayName"]
        out.append((os.path.relpath(file, ROOT), line, kind, ".".join(symbol["pathComponents"])))
    return declared, out


def main():
    problems, checked = [], 0
    for module in MODULES:
        paths = graphs(module)
        if not paths:
            print(f"check_doc_summaries: no symbol graph for {module}; run `make docs` first", file=sys.stderr)
            sys.exit(2)
        for path in paths:
            declared, found = missing(path, module)
            checked += declared
            problems += found
    problems = sorted(set(problems))
    shown = problems if "--list" in sys.argv[1:] else problems[:40]
    for file, line, kind, name in shown:
        print(f"{file}:{line}: {kind} {name} has no summary line (a /// comment)")
    if len(shown) < len(problems):
        print(f"... and {len(problems) - len(shown)} more (--list shows them all)")
    if problems:
        print(f"check_doc_summaries: {len(problems)} of {checked} public symbols have no summary line")
        sys.exit(1)
    print(f"check_doc_summaries: every public symbol of {' and '.join(MODULES)} has a summary line ({checked} symbols)")


if __name__ == "__main__":
    main()
