#!/usr/bin/env python3
"""Writes the .npy/.csv fixtures of RicciNumericsTests with NumPy. Run from anywhere:

    python3 Tests/RicciNumericsTests/Fixtures/make_fixtures.py

Every array is a deterministic function of its index, so the Swift tests recompute the expected
values instead of storing them: value(flat row-major index i) = i * 0.5 - 1 for floats, i - 3 for ints.
"""
import io
import os

import numpy as np
from numpy.lib import format as npf

HERE = os.path.dirname(os.path.abspath(__file__))


def values(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n)
    if np.dtype(dtype).kind == "f":
        return (i * 0.5 - 1).astype(dtype).reshape(shape)
    if np.dtype(dtype).kind == "b":
        return (i % 3 == 0).reshape(shape)
    return (i - 3).astype(dtype).reshape(shape)


def save(name, array, version=None):
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            npf.write_array(f, array, version=version)


save("v1_f8_2x3.npy", values((2, 3), "<f8"), version=(1, 0))
save("v2_f8_2x3.npy", values((2, 3), "<f8"), version=(2, 0))
save("v3_f8_2x3.npy", values((2, 3), "<f8"), version=(3, 0))
save("fortran_f8_3x4.npy", np.asfortranarray(values((3, 4), "<f8")))
save("fortran_f8_2x3x4.npy", np.asfortranarray(values((2, 3, 4), "<f8")))
save("f4_2x2.npy", values((2, 2), "<f4"))
save("i8_5.npy", values((5,), "<i8"))
save("i4_2x3.npy", values((2, 3), "<i4"))
save("b1_4.npy", values((4,), "?"))
save("vector_f8_7.npy", values((7,), "<f8"))
save("tensor3_f8_2x3x4.npy", values((2, 3, 4), "<f8"))
save("scalar_f8.npy", np.float64(2.5))
save("bigendian_f8_2.npy", values((2,), ">f8"))
save("complex_c16_2.npy", np.array([1 + 2j, 3 - 1j]))

# Malformed files: a truncated data block, a bad magic string, a header cut short.
buf = io.BytesIO()
np.save(buf, values((4, 4), "<f8"))
raw = buf.getvalue()
with open(os.path.join(HERE, "malformed_truncated.npy"), "wb") as f:
    f.write(raw[:-20])
with open(os.path.join(HERE, "malformed_magic.npy"), "wb") as f:
    f.write(b"\x93NUMPX" + raw[6:])
with open(os.path.join(HERE, "malformed_header.npy"), "wb") as f:
    f.write(raw[:40])

with open(os.path.join(HERE, "matrix_3x2.csv"), "w") as f:
    f.write("# a 3x2 matrix\n1, 2\n3.5,-4e-1  # trailing comment\n\n5 ,6\n")
with open(os.path.join(HERE, "column_3.csv"), "w") as f:
    f.write("1\n2\n3\n")
with open(os.path.join(HERE, "bad_cell.csv"), "w") as f:
    f.write("1,2\n3,x\n")
print("fixtures written to", HERE)
