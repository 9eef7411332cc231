"""ricci_helper — the `ricci` command line, from a notebook, as mathematics.

The notebooks in this folder call the `ricci` CLI (one process per call, always `--format json`)
and show what it returns with IPython's `Math` and `Markdown`, so that a cell reads as the
mathematics it computes rather than as subprocess plumbing:

    import ricci_helper as rh
    P = "X: matrix(n, d); W: matrix(d, k); normF(X*W)^2"
    g = rh.grad(P, "W")                 # the JSON result, as a dict
    rh.show(g)                          # matrix form, Einstein form, where-definitions, vec form
    G = rh.evaluate_result(g, {"X": X, "W": W})     # its value through `ricci eval`, a NumPy array

Which binary runs: the environment variable RICCI if it is set, else `../.build/release/ricci`
next to this folder, else it is built with `swift build -c release --product ricci`.

Cells that depend on subcommands that are still being added (`ricci derive`, `ricci check
--claim`) go through `show_derivation` and `check_claim`, which ask the binary's `--help` whether
the feature exists and fall back to what exists today, saying so in the output.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
import re
import subprocess
import tempfile
from typing import Any, Iterable, Mapping

import numpy as np
from IPython.display import Markdown, Math, display

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent

__all__ = [
    "RicciError", "ricci_path", "run", "has_subcommand", "has_option",
    "grad", "jacobian", "hessian", "lower", "check", "check_claim", "evaluate", "evaluate_result",
    "matrix_program", "einstein_program", "vec_program", "einstein_latex",
    "show", "show_program", "show_latex", "show_derivation", "show_check", "matricize",
    "nonzero_heatmap", "relative_error", "text", "evaluate_inputs",
]


class RicciError(RuntimeError):
    """An error reported by `ricci` (its JSON `error` object), or a failed run."""

    def __init__(self, message: str, error: Mapping[str, Any] | None = None, args=None):
        super().__init__(message)
        self.error = dict(error or {})
        self.cli_args = args


# --------------------------------------------------------------------------------------------
# Finding and running the binary


@functools.lru_cache(maxsize=None)
def ricci_path() -> str:
    """The `ricci` executable: $RICCI, else ../.build/release/ricci, else built now."""
    env = os.environ.get("RICCI")
    if env:
        path = pathlib.Path(env).expanduser()
        if not path.is_absolute():
            path = (pathlib.Path.cwd() / path).resolve()
        if not os.access(path, os.X_OK):
            raise RicciError(f"RICCI={env} is not an executable")
        return str(path)
    default = ROOT / ".build" / "release" / "ricci"
    if not os.access(default, os.X_OK):
        subprocess.run(["swift", "build", "-c", "release", "--product", "ricci"], cwd=ROOT,
                       check=True)
    return str(default)


def _raw(args: list[str], ok: Iterable[int] = (0,)) -> subprocess.CompletedProcess:
    proc = subprocess.run([ricci_path(), *args], capture_output=True, text=True)
    if proc.returncode not in tuple(ok):
        message = proc.stdout.strip() or proc.stderr.strip()
        try:
            error = json.loads(proc.stdout)["error"]
            message = error.get("message", message)
        except (ValueError, KeyError, TypeError):
            error = None
        raise RicciError(f"ricci {args[0]}: {message}", error, args)
    return proc


def run(subcommand: str, program: str | None = None, *options: str,
        ok: Iterable[int] = (0,)) -> dict:
    """Run `ricci SUBCOMMAND [PROGRAM] OPTIONS... --format json` and return the parsed JSON.

    A run whose exit status is not in `ok` raises RicciError with the engine's message.
    The exit status is returned in the dict as `_status`.
    """
    args = [subcommand] + ([program] if program is not None else []) + list(options)
    proc = _raw(args + ["--format", "json"], ok=ok)
    result = json.loads(proc.stdout)
    if isinstance(result, dict):
        result["_status"] = proc.returncode
    return result


def text(subcommand: str, program: str | None = None, *options: str) -> str:
    """Run a subcommand in its text form and return what it prints (stdout and stderr)."""
    args = [subcommand] + ([program] if program is not None else []) + list(options)
    proc = subprocess.run([ricci_path(), *args], capture_output=True, text=True)
    return (proc.stdout + proc.stderr).rstrip()


@functools.lru_cache(maxsize=None)
def _help(subcommand: str | None = None) -> str:
    args = ([subcommand] if subcommand else []) + ["--help"]
    proc = subprocess.run([ricci_path(), *args], capture_output=True, text=True)
    return proc.stdout + proc.stderr


def has_subcommand(name: str) -> bool:
    """Whether this `ricci` has the subcommand NAME (read from `ricci --help`)."""
    block = _help().split("SUBCOMMANDS:", 1)[-1]
    return re.search(rf"^\s+{re.escape(name)}\b", block, re.MULTILINE) is not None


def has_option(subcommand: str, option: str) -> bool:
    """Whether `ricci SUBCOMMAND --help` lists OPTION (e.g. '--claim')."""
    return has_subcommand(subcommand) and re.search(
        rf"(^|\s){re.escape(option)}\b", _help(subcommand)) is not None


# --------------------------------------------------------------------------------------------
# Derivatives


def _derivative(kind: str, program: str, wrt: tuple[str, ...], layout: str | None):
    options = [o for w in wrt for o in ("--wrt", w)]
    if layout:
        options += ["--layout", layout]
    result = run(kind, program, *options)
    return result["results"] if "results" in result else result


def grad(program: str, *wrt: str, layout: str | None = None):
    """`ricci grad`: one result dict, or a list of them for several variables."""
    return _derivative("grad", program, wrt, layout)


def jacobian(program: str, *wrt: str, layout: str | None = None):
    """`ricci jacobian`: the tensor Γ of order p + q (same fields as `grad`)."""
    return _derivative("jacobian", program, wrt, layout)


def hessian(program: str, *wrt: str, layout: str | None = None):
    """`ricci hessian`: n×n by a vector, order 4 by a matrix."""
    return _derivative("hessian", program, wrt, layout)


def lower(program: str) -> dict:
    """`ricci lower`: the program in Einstein notation (fields einstein, latex, types, shape)."""
    return run("lower", program)


# --------------------------------------------------------------------------------------------
# Programs built from a result


def _definitions(result: Mapping[str, Any], field: str = "where") -> list[str]:
    """The definitions a form uses: `where` for the matrix and vec forms, `einstein_where` for the
    Einstein form (its own helpers, in Einstein notation where they need it)."""
    return [f"{name} = {body}" for name, body in result.get(field, result.get("where", []))]


def matrix_program(result: Mapping[str, Any]) -> str:
    """A complete program whose value is the result, in matrix notation where there is one."""
    return result["program"]


def einstein_program(result: Mapping[str, Any]) -> str:
    """Declarations, the `einstein_where` definitions, then the result's Einstein form."""
    return "\n".join(list(result["declarations"]) + _definitions(result, "einstein_where") + [result["einstein"]])


def vec_program(result: Mapping[str, Any]) -> str:
    """Declarations, `where` definitions, then the `vec` (matricized) form of an order 3/4 result."""
    if not result.get("vec"):
        raise ValueError("this result has no vec form")
    return "\n".join(list(result["declarations"]) + _definitions(result) + [result["vec"]])


def einstein_latex(result: Mapping[str, Any]) -> list[str]:
    """The Einstein form as LaTeX lines (the where-definitions first), through `ricci lower`."""
    lowered = lower(einstein_program(result))
    return [line for line in lowered["latex"].split("\n") if line.strip()]


# --------------------------------------------------------------------------------------------
# Numbers


def evaluate(program: str, values: Mapping[str, Any] | None = None, *,
             dims: Mapping[str, int] | None = None, seed: int | None = None) -> np.ndarray:
    """The value of PROGRAM through `ricci eval`, as a NumPy array (a 0-d array for a scalar).

    values: NAME -> NumPy array (written to a temporary .npy file), number, or the name of a
    built-in entrywise function for a user `elementwise` function (e.g. {"h": "tanh"}).
    dims: sizes of symbolic dimensions that no value fixes; seed: random values for the rest.
    """
    return _evaluate(program, values, dims, seed)[0]


def _evaluate(program, values, dims, seed):
    options: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ricci-") as tmp:
        for name, value in (values or {}).items():
            if isinstance(value, str):
                options += ["--set", f"{name}={value}"]
            elif np.isscalar(value) or np.ndim(value) == 0:
                options += ["--set", f"{name}={float(value)!r}"]
            else:
                path = os.path.join(tmp, f"{name}.npy")
                np.save(path, np.asarray(value, dtype=np.float64))
                options += ["--set", f"{name}={path}"]
        if dims:
            options += ["--dims", ",".join(f"{k}={v}" for k, v in dims.items())]
        if seed is not None:
            options += ["--random", str(seed)]
        out = run("eval", program, *options)
    value = np.asarray(out["value"], dtype=np.float64).reshape(out["shape"])
    inputs = {k: np.asarray(v, dtype=np.float64) if not isinstance(v, str) else v
              for k, v in out.get("inputs", {}).items()}
    return value, inputs


def evaluate_inputs(program: str, *, dims=None, seed: int = 1) -> dict[str, np.ndarray]:
    """The random inputs `ricci eval --random SEED` draws for PROGRAM (honouring spd, positive)."""
    return _evaluate(program, None, dims, seed)[1]


def evaluate_result(result: Mapping[str, Any], values: Mapping[str, Any], form: str = "matrix",
                    **kw) -> np.ndarray:
    """Evaluate a derivative in one of its printed forms: 'matrix' (the `program` field),
    'einstein' (declarations + where + einstein) or 'vec' (the matricized form)."""
    program = {"matrix": matrix_program, "einstein": einstein_program,
               "vec": vec_program}[form](result)
    declared = {d.split(":", 1)[0].strip() for d in result.get("declarations", [])}
    used = {k: v for k, v in values.items() if not declared or k in declared}
    return evaluate(program, used, **kw)


def matricize(tensor: np.ndarray, rows: int) -> np.ndarray:
    """The Magnus–Neudecker matricization: the first `rows` indices, vec'd column-major, index
    the rows; the rest, vec'd the same way, the columns. For Γ_ijkl = ∂F_ij/∂W_kl with rows=2
    this is ∂vec(F)/∂vec(W)ᵀ, the matrix the `vec` field writes (e.g. kron(C', B'))."""
    tensor = np.asarray(tensor)
    r = int(np.prod(tensor.shape[:rows], dtype=int))
    return tensor.reshape((r, -1), order="F")


# --------------------------------------------------------------------------------------------
# Display


def show_program(program: str, title: str | None = None) -> None:
    """Show a program as a code block."""
    head = f"**{title}**\n\n" if title else ""
    display(Markdown(f"{head}```\n{program.strip()}\n```"))


def show_latex(latex: str | Iterable[str]) -> None:
    """Show one LaTeX formula, or several lines aligned at their first '='."""
    lines = [latex] if isinstance(latex, str) else list(latex)
    lines = [l for line in lines for l in line.split("\n") if l.strip()]
    if lines and lines[0].startswith("\\begin{aligned}"):
        display(Math("\n".join(lines)))
    elif len(lines) == 1:
        display(Math(lines[0]))
    else:
        body = " \\\\\n".join(l.replace(" = ", " &= ", 1) for l in lines)
        display(Math("\\begin{aligned}\n" + body + "\n\\end{aligned}"))


def _shape(result: Mapping[str, Any]) -> str:
    return " \\times ".join(str(s) for s in result.get("shape", [])) or "1"


def show(result: Mapping[str, Any] | list, forms: Iterable[str] = ("matrix", "einstein", "vec"),
         ) -> None:
    """Show a derivative: its matrix form as LaTeX (with the where-definitions), its Einstein
    form (rendered through `ricci lower`), its vec form, and its shape."""
    if isinstance(result, list):
        for r in result:
            show(r, forms)
        return
    forms = tuple(forms)
    what = f"{result.get('kind', 'result')} by {', '.join(result.get('wrt', []))}"
    display(Markdown(f"*{what}: order {result.get('order')}, shape* "
                     f"${_shape(result)}$"))
    if "matrix" in forms:
        if result.get("matrix"):
            show_latex(result["latex"])
        else:
            display(Markdown("*no matrix form (an order "
                             f"{result.get('order')} tensor): the Einstein form is the result*"))
    if "einstein" in forms:
        display(Markdown("Einstein form:"))
        try:
            show_latex(einstein_latex(result))
        except RicciError as error:   # show the text as printed when it does not parse back
            display(Markdown(f"`{result['einstein']}` — *does not parse back: {error}*"))
    if "vec" in forms and result.get("vec"):
        display(Markdown("vec form, $\\partial\\,\\mathrm{vec}/\\partial\\,\\mathrm{vec}^\\top$ "
                         f"(`{result['vec']}`):"))
        show_latex(_matrix_latex(result["vec"], result))


def _matrix_latex(expression: str, result: Mapping[str, Any]) -> str:
    """A light LaTeX typesetting of a `vec` form (the engine prints LaTeX for results and for
    the index form, not for a free-standing matrix expression)."""
    latex = expression
    latex = re.sub(r"\b(kron|Diag|diag|vec|step|relu|sigmoid|softmax|exp|log|tanh)\(",
                   r"\\operatorname{\1}(", latex)
    latex = re.sub(r"eye\((\w+)\)", r"I_{\1}", latex)
    latex = re.sub(r"(\w+|\))'", r"\1^{\\top}", latex)
    latex = latex.replace("*", " ")
    return latex


def show_derivation(program: str, wrt: str, result: Mapping[str, Any] | None = None) -> None:
    """The step-by-step derivation from `ricci derive` (each row with the identity it uses) when
    this binary has the subcommand; otherwise the result's LaTeX, with a note saying so."""
    if has_subcommand("derive"):
        derivation = run("derive", program, "--wrt", wrt)
        display(Markdown(f"*`ricci derive --wrt {wrt}`: each step with the identity it uses*"))
        show_latex(derivation["latex"])
        return
    display(Markdown("> *`ricci derive` is not in this build yet; the derivation cell shows the "
                     "result. It switches to the step-by-step derivation by itself once the "
                     "subcommand exists.*"))
    if result is None:
        result = grad(program, wrt)
    show_latex(result["latex"])


def check(program: str, wrt: str, *options: str) -> dict:
    """`ricci check`: the engine's derivative against central finite differences. Raises
    AssertionError when the check does not pass."""
    out = run("check", program, "--wrt", wrt, *options, ok=(0, 1, 2, 3))
    show_check(out)
    assert out.get("verdict") == "pass", f"ricci check did not pass: {out}"
    return out


def show_check(out: Mapping[str, Any]) -> None:
    """A summary of a `ricci check` JSON result (with or without --claim), and its message."""
    def shape(value):
        return "×".join(str(v) for v in value) if value else "scalar"
    rows = [f"**verdict: {out.get('verdict')}**"]
    if "claim" in out:
        rows.append(f"expected shape {shape(out.get('expected_shape'))}")
        if out.get("claim_shape") is not None:
            rows.append(f"the claim's shape {shape(out['claim_shape'])}")
        if out.get("diagnosis"):
            rows.append(f"diagnosis: *{out['diagnosis']}*")
    for key, value in out.items():
        if key.endswith("error") and isinstance(value, (int, float)):
            rows.append(f"{key.replace('_', ' ')}: {value:.2e}")
    if "tolerance" in out:
        rows.append(f"tolerance {out['tolerance']:.0e}")
    display(Markdown(" · ".join(rows)))
    if out.get("message"):
        display(Markdown("\n".join(f"> {line}  " for line in str(out["message"]).split("\n"))))


_checked: set = set()


def check_claim(program: str, wrt: str, claim: str, *, expect: str,
                values: Mapping[str, Any] | None = None, seed: int = 3) -> dict:
    """Check a person's claimed derivative CLAIM (an expression over the program's names).

    With `ricci check --claim` (when this binary has it) the engine compares the claim with the
    true derivative, shape first, then values; `expect` ('pass' or 'fail') is asserted. Without
    the flag the cell says TODO, runs plain `ricci check` (the engine's own derivative against
    finite differences) and compares the claim itself by value with `ricci eval`.
    """
    assert expect in ("pass", "fail")
    if has_option("check", "--claim"):
        out = run("check", program, "--wrt", wrt, "--claim", claim, ok=(0, 1, 2, 3))
        display(Markdown(f"`ricci check --wrt {wrt} --claim \"{claim}\"`"))
        show_check(out)
        verdict = "pass" if out["_status"] == 0 else "fail"
        assert verdict == expect, f"claim {claim!r}: expected {expect}, got {out}"
        return out
    display(Markdown("> **TODO (`ricci check --claim`)**: this build has no `--claim` yet, so "
                     "the claim is compared by value, through `ricci eval`, with the engine's "
                     "derivative (itself checked by `ricci check` against finite differences). "
                     "Re-executing the notebook with a newer `ricci` switches this cell to "
                     "`--claim` by itself."))
    if (program, wrt) not in _checked:
        out = run("check", program, "--wrt", wrt, ok=(0, 1, 2, 3))
        display(Markdown("`ricci check` of the engine's derivative:"))
        show_check(out)
        assert out.get("verdict") == "pass", out
        _checked.add((program, wrt))
    truth = grad(program, wrt)
    claim_program = "\n".join(list(truth["declarations"]) + [claim])
    inputs = dict(values) if values is not None else evaluate_inputs(program, seed=seed)
    expected = evaluate(truth["program"], inputs, seed=seed)   # seed: opaque functions
    try:
        claimed = evaluate(claim_program, inputs, seed=seed)
    except RicciError as error:
        verdict, why = "fail", f"the claim does not evaluate: {error}"
    else:
        if claimed.shape != expected.shape:
            verdict = "fail"
            why = (f"shape {tuple(claimed.shape)}, the gradient has shape "
                   f"{tuple(expected.shape)}")
            if claimed.size == expected.size and np.allclose(
                    claimed.reshape(-1, order="F"), expected.reshape(-1, order="F")):
                why += " (the same numbers in column-major order: a vec of the gradient)"
        elif np.allclose(claimed, expected, rtol=1e-8, atol=1e-10):
            verdict, why = "pass", "equal by value at a random point"
        else:
            err = np.linalg.norm(claimed - expected) / max(np.linalg.norm(expected), 1e-300)
            verdict, why = "fail", f"relative error {err:.2e} at a random point"
    display(Markdown(f"claim `{claim}`: **{verdict}** — {why}"))
    assert verdict == expect, f"claim {claim!r}: expected {expect}, got {verdict} ({why})"
    return {"verdict": verdict, "why": why}


def relative_error(actual, expected) -> float:
    """‖actual − expected‖ / ‖expected‖ (Frobenius), after checking that the shapes agree."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    return float(np.linalg.norm(actual - expected) / max(np.linalg.norm(expected), 1e-300))


def nonzero_heatmap(matrix: np.ndarray, title: str = "", *, row_label: str = "",
                    col_label: str = "", ax=None, values: bool = True):
    """Two panels: the matricized tensor's values, and its nonzero pattern."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    matrix = np.asarray(matrix)
    scale = max(np.abs(matrix).max(), 1e-300)
    pattern = np.abs(matrix) > 1e-12 * scale
    panels = 2 if values else 1
    width = min(12.0, 1.5 + 0.35 * matrix.shape[1] * panels)
    height = min(6.0, 1.2 + 0.35 * matrix.shape[0])
    fig, axes = plt.subplots(1, panels, figsize=(max(width, 4.0 * panels), max(height, 2.0)),
                             squeeze=False)
    axes = axes[0]
    if values:
        im = axes[0].imshow(matrix, cmap="RdBu_r", vmin=-scale, vmax=scale,
                            interpolation="nearest", aspect="auto")
        fig.colorbar(im, ax=axes[0], fraction=0.046, pad=0.04)
        axes[0].set_title("values")
    axes[-1].imshow(pattern, cmap="Greys", vmin=0, vmax=1, interpolation="nearest", aspect="auto")
    axes[-1].set_title(f"nonzero pattern ({pattern.sum()} of {pattern.size})")
    for a in axes:
        a.xaxis.set_major_locator(MaxNLocator(integer=True))
        a.yaxis.set_major_locator(MaxNLocator(integer=True))
        a.set_xlabel(col_label)
        a.set_ylabel(row_label)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
    return fig
