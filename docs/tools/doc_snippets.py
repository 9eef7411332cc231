#!/usr/bin/env python3
"""Writes Tests/RicciDocTests/DocSnippets.generated.swift from the Swift code of the documentation.

Every fenced block that opens with a line ```swift in README.md and in the DocC articles
(Sources/*/*.docc/**/*.md) becomes one XCTest case: its `import` lines are dropped (the test file
imports Ricci, RicciNumerics and Foundation), the rest is the body of a throwing test function, so
`swift test` compiles and runs every snippet. Each block must therefore be self-contained.
A line that is a bare expression followed by a comment holding one double-quoted string,

    g.matrix        // "2*X'*(X*W - Y)"

states the expression's value: it becomes `XCTAssertEqual(g.matrix, #"2*X'*(X*W - Y)"#)` (the text
between the quotes is taken literally, backslashes included, except `\\n`, which is a line break); `EXPR  // true` (or false, or a
number such as 37 or 0.75) states a Boolean or a number the same way. Other comments are left alone.
The file also records every block's text; DocSnippetsAreCurrentTests fails when the documents
and this file differ, so a snippet cannot change without being compiled again.

    python3 docs/tools/doc_snippets.py          # rewrite the generated file (make snippets)
    python3 docs/tools/doc_snippets.py --check  # exit 1 if it is not current
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join("Tests", "RicciDocTests", "DocSnippets.generated.swift")
IMPORTS = {"Ricci", "RicciNumerics", "Foundation"}


def documents():
    """README.md, then every article of every catalog, by path (the order the Swift test uses)."""
    articles = []
    for catalog in glob.glob(os.path.join(ROOT, "Sources", "*", "*.docc")):
        for folder, _, files in os.walk(catalog):
            articles += [os.path.relpath(os.path.join(folder, f), ROOT).replace(os.sep, "/") for f in files if f.endswith(".md")]
    return ["README.md"] + sorted(articles)


def blocks(text):
    """The ```swift blocks of a document: (first line number, text), fences excluded."""
    out, current, start = [], None, 0
    for number, line in enumerate(text.split("\n"), 1):
        if current is None:
            if line.strip() == "```swift":
                current, start = [], number + 1
        elif line.strip() == "```":
            out.append((start, "\n".join(current)))
            current = None
        else:
            current.append(line)
    if current is not None:
        sys.exit(f"an unterminated ```swift block starts at line {start - 1}")
    return out


def test_name(path, index):
    stem = os.path.splitext(os.path.basename(path))[0]
    parts = path.split("/")
    prefix = parts[1] + "_" if len(parts) > 2 and parts[0] == "Sources" else ""
    return "test_" + re.sub(r"[^A-Za-z0-9_]", "_", prefix + stem) + f"_{index}"


# `EXPR // "VALUE"`: a line that is an expression (no assignment, no keyword first) and a comment
# that is only a double-quoted string, true, false or an integer.
STATED = re.compile(r'^(\s*)(\S.*?)\s*//\s*("(.*)"|true|false|-?\d+(?:\.\d+)?)\s*$')
KEYWORDS = {"let", "var", "print", "try", "return", "if", "for", "while", "guard", "do", "func", "_"}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
ASSIGNMENT = re.compile(r'(?<![=!<>])=(?![=])')


def stated(source_line):
    """The assertion for a line that states a value, else None."""
    m = STATED.match(source_line)
    if not m:
        return None
    code = m.group(2)
    bare = STRING.sub('""', code)
    first = re.match(r"[A-Za-z_]\w*", code)
    if not first or first.group(0) in KEYWORDS or ASSIGNMENT.search(bare) or "//" in bare or code.endswith("{"):
        return None
    if m.group(4) is None:
        return f"{m.group(1)}XCTAssertEqual({code}, {m.group(3)})"
    if '"#' in m.group(4):
        return None
    lines = m.group(4).split("\\n")
    value = f'#"{lines[0]}"#' if len(lines) == 1 else "[" + ", ".join(f'#"{x}"#' for x in lines) + '].joined(separator: "\\n")'
    return f"{m.group(1)}XCTAssertEqual({code}, {value})"


def body(path, line, text):
    kept = []
    for k, source_line in enumerate(text.split("\n")):
        assertion = stated(source_line)
        if assertion:
            kept.append(assertion)
            continue
        m = re.match(r"\s*import\s+(\w+)\s*$", source_line)
        if m:
            if m.group(1) not in IMPORTS:
                sys.exit(f"{path}:{line + k}: a snippet may import only {sorted(IMPORTS)}")
            continue
        kept.append(source_line)
    return "\n".join(("        " + s) if s.strip() else "" for s in kept)


def literal(text):
    if '"""##' in text:
        sys.exit('a snippet contains """##')
    return '##"""\n' + text + '\n"""##'


def generate():
    cases, records = [], []
    for path in documents():
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            found = blocks(f.read())
        for index, (line, text) in enumerate(found, 1):
            cases.append(f"    // {path}, line {line}\n"
                         f"    func {test_name(path, index)}() throws {{\n{body(path, line, text)}\n    }}\n")
            records.append(f"        DocSnippet(file: \"{path}\", line: {line}, text: {literal(text)}),\n")
    return ("// Generated by docs/tools/doc_snippets.py (make snippets) from the ```swift blocks of README.md\n"
            "// and of Sources/*/*.docc; do not edit. Each block runs as one test.\n"
            "import Foundation\nimport Ricci\nimport RicciNumerics\nimport XCTest\n\n"
            "final class DocSnippetTests: XCTestCase {\n" + "\n".join(cases) + "}\n\n"
            "/// The text of every block above, for the check that this file is current.\n"
            "let docSnippets: [DocSnippet] = [\n" + "".join(records) + "]\n")


def main():
    text = generate()
    path = os.path.join(ROOT, OUT)
    if "--check" in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{OUT} is not current: run `make snippets`")
        print(f"{OUT} is current")
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
