#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the tests: every string literal of Tests/ and every
examples/*.ricci program (symbolic; the first byte selects the derivative kind and variable), and
the .npy/.csv test files and einsum subscripts (readers). Usage: seeds.py OUTDIR"""
import hashlib, os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = sys.argv[1]
for d in ("symbolic", "readers"):
    os.makedirs(os.path.join(out, d), exist_ok=True)

def put(kind, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, kind, name), "wb") as f:
        f.write(data)

literal = re.compile(r'"((?:[^"\\\n]|\\.)*)"|"""(.*?)"""', re.S)
for base, _, files in os.walk(os.path.join(root, "Tests")):
    for fn in files:
        path = os.path.join(base, fn)
        if fn.endswith((".npy", ".csv")):
            put("readers", open(path, "rb").read())
        if not fn.endswith(".swift"):
            continue
        text = open(path, encoding="utf-8").read()
        for m in literal.finditer(text):
            s = (m.group(1) or m.group(2) or "").replace("\\n", "\n").replace('\\"', '"')
            if len(s) < 2 or len(s) > 2000:
                continue
            for sel in (0, 1, 2, 0x80):
                put("symbolic", bytes([sel]) + s.encode())
            if "->" in s or "," in s:
                put("readers", s.encode())
for fn in os.listdir(os.path.join(root, "examples")):
    if fn.endswith(".ricci"):
        data = open(os.path.join(root, "examples", fn), "rb").read()
        for sel in (0, 1, 2, 0x80):
            put("symbolic", bytes([sel]) + data)
def npy(shape, fortran=False, descr="<f8"):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", "".join("%d," % n for n in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    count = 1
    for n in shape:
        count *= n
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\x00" * (8 * count)

for shape in ((), (3,), (2, 3), (2, 2, 2)):
    put("readers", npy(shape))
    put("readers", npy(shape, fortran=True))
put("readers", npy((2, 2), descr="<f4")[:-16])
put("readers", b"1,2,3\n4,5,6\n")
print(out, {d: len(os.listdir(os.path.join(out, d))) for d in ("symbolic", "readers")})
