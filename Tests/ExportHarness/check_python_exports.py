"""Checks exported NumPy and JAX modules against Ricci's own evaluation (ExportPythonTests.swift).

Usage: python check_python_exports.py MANIFEST.json

For every case of the manifest and both targets: evaluate(**inputs) at Ricci's inputs equals Ricci's
value and derivatives; check_gradient (central finite differences) is small; a wrong rank, a wrong
size, a missing and an unexpected argument each raise an error naming the argument (and, for
shapes, the expected shape); the JAX module gives the same numbers under jax.jit. Prints one JSON
line per case and target: {"case", "target", "problems": [...]}.
"""
import importlib.util
import json
import re
import sys

import numpy as np

import jax
import jax.numpy as jnp

TOL = 1e-8


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size != b.size:
        return float("inf")
    a, b = a.reshape(-1), b.reshape(-1)
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


def functions(case, xp):
    f = {}
    for h in case["elementwise"]:
        f[h] = xp.tanh
        f[h + "_prime"] = lambda x: 1 - xp.tanh(x) ** 2
        f[h + "_prime2"] = lambda x: -2 * xp.tanh(x) * (1 - xp.tanh(x) ** 2)
    for name, o in case["opaque"].items():
        C, b = np.load(o["C"]), np.load(o["b"])
        result, argument = tuple(o["result"]), tuple(o["argument"])

        def F(U, C=C, b=b, result=result):
            return xp.reshape(xp.tanh(xp.asarray(C) @ xp.reshape(U, (-1,)) + xp.asarray(b)), result)

        def F_prime(U, C=C, b=b, result=result, argument=argument):
            v = xp.tanh(xp.asarray(C) @ xp.reshape(U, (-1,)) + xp.asarray(b))
            return xp.reshape((1 - v ** 2)[:, None] * xp.asarray(C), result + argument)

        f[name], f[name + "_prime"] = F, F_prime
    return f


def expect_error(problems, what, call, must_contain):
    try:
        call()
    except (TypeError, ValueError) as e:
        msg = str(e)
        missing = [s for s in must_contain if s not in msg]
        if missing:
            problems.append(f"{what}: the message does not name {missing}: {msg}")
        return
    except Exception as e:  # noqa: BLE001 - any other error is a failure of the check
        problems.append(f"{what}: raised {type(e).__name__} instead of TypeError/ValueError: {e}")
        return
    problems.append(f"{what}: no error")


def check(case, target):
    problems = []
    mod = load(case["modules"][target], f"{case['id']}_{target}")
    xp = jnp if target == "jax" else np
    arrays = {n: np.load(p) for n, p in case["inputs"].items()}
    funcs = {k: v for k, v in functions(case, xp).items() if k in mod.FUNCTIONS}
    funcs.update({n: case["sizes"][n] for n in mod.SIZE_ARGS})
    out = mod.evaluate(**arrays, **funcs)
    for key, path in case["outputs"].items():
        if key not in out:
            problems.append(f"no output {key}")
            continue
        want, got = np.load(path), np.asarray(out[key])
        if not np.all(np.isfinite(want)):
            problems.append(f"{key}: Ricci's own value is not finite at the test inputs (a bad test point)")
            continue
        err = rel(got, want)
        if err > TOL or got.size != want.size:
            problems.append(f"{key}: shape {got.shape}, Ricci {want.shape}; rel. error {err:.2e} against Ricci's evaluation")
    # finite differences of the exported code itself, at the module's own random inputs
    # finite differences of the exported code itself, at the test inputs, then at random ones
    errs = mod.check_gradient(inputs={**arrays, **funcs})
    bad = {k: v for k, v in errs.items() if not v < (1e-4 if k.startswith("hessian") else 1e-5)}
    if bad:
        problems.append(f"check_gradient errors at Ricci's inputs {bad}")
    sizes = {n: v for n, v in case["sizes"].items() if n in mod.SIZES}
    errs = mod.check_gradient(seed=1, **sizes)
    bad = {k: v for k, v in errs.items() if not v < (1e-4 if k.startswith("hessian") else 1e-5)}
    if bad:
        errs2 = mod.check_gradient(seed=2, **sizes)  # a kink (relu, abs) near a random point: one more draw
        bad = {k: (v, errs2.get(k)) for k, v in bad.items() if not errs2.get(k, 1) < (1e-4 if k.startswith("hessian") else 1e-5)}
        if bad and not any(np.isnan(v) for pair in bad.values() for v in pair):
            problems.append(f"check_gradient errors at random inputs {bad}")
    # bad inputs
    names = list(mod.INPUTS)
    for name in names:
        bad_rank = np.zeros(np.shape(arrays[name]) + (2,))
        expect_error(problems, f"{name} of a wrong rank", lambda: mod.evaluate(**{**arrays, name: bad_rank}, **funcs),
                     [repr(name), mod.INPUTS[name][1]])
    # a wrong size is caught where a size is seen twice (in two inputs, or twice in one)
    seen, shared = set(), None
    for name in names:
        tokens = re.findall(r"[A-Za-z_][A-Za-z_0-9]*", mod.INPUTS[name][1])
        if (set(tokens) & seen) or len(set(tokens)) < len(tokens):
            shared = name
        seen |= set(tokens)
    if shared is not None:
        wrong = np.zeros(tuple(n + 1 + k for k, n in enumerate(np.shape(arrays[shared]))))
        expect_error(problems, f"{shared} of a wrong size", lambda: mod.evaluate(**{**arrays, shared: wrong}, **funcs),
                     [repr(shared), "must be", "got an array of shape"])
    if names:
        rest = {k: v for k, v in arrays.items() if k != names[0]}
        expect_error(problems, "a missing argument", lambda: mod.evaluate(**rest, **funcs),
                     [repr(names[0]), mod.INPUTS[names[0]][1]])
    expect_error(problems, "an unexpected argument", lambda: mod.evaluate(**arrays, **funcs, not_an_input=1.0),
                 ["'not_an_input'"])
    if target == "jax":
        jitted = jax.jit(lambda a: mod.evaluate(**a, **funcs))(arrays)
        for key in case["outputs"]:
            if key in out and rel(jitted[key], out[key]) > 1e-10:
                problems.append(f"{key}: jax.jit gives other numbers (rel. error {rel(jitted[key], out[key]):.2e})")
    return problems


def main():
    manifest = json.load(open(sys.argv[1]))
    with jax.enable_x64(True):
        for case in manifest:
            for target in ("numpy", "jax"):
                try:
                    problems = check(case, target)
                except Exception as e:  # noqa: BLE001 - reported per case
                    problems = [f"{type(e).__name__}: {e}"]
                print(json.dumps({"case": case["id"], "target": target, "problems": problems}), flush=True)


if __name__ == "__main__":
    main()
