"""Execute the notebooks of this folder top to bottom and write the outputs back.

    Notebooks/.venv/bin/python Notebooks/run_notebooks.py [NAME.ipynb ...]

Every notebook (or the ones named) runs in a fresh Python kernel with this folder as its working
directory, through nbclient; a cell that raises (an engine result that disagrees with JAX fails an
`assert`) fails the notebook. Executed notebooks are written back in place, so the committed
outputs are those of the last execution. Prints one line per notebook and a closing
'notebooks: N passed, M failed'; the exit status is 1 when any notebook failed.
`make notebooks` runs this with RICCI set to the release binary.
"""

from __future__ import annotations

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent


def execute(path: pathlib.Path) -> tuple[bool, float, str]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}},
                            record_timing=False)
    start = time.perf_counter()
    try:
        client.execute()
        ok, message = True, ""
    except CellExecutionError as error:
        ok, message = False, str(error)
    elapsed = time.perf_counter() - start
    # Written back either way: a failed notebook shows its traceback in the failing cell.
    nbformat.write(notebook, path)
    return ok, elapsed, message


def main(argv: list[str]) -> int:
    names = argv or sorted(p.name for p in HERE.glob("*.ipynb"))
    passed = failed = 0
    for name in names:
        path = HERE / name
        ok, elapsed, message = execute(path)
        if ok:
            passed += 1
            print(f"notebook ok: {name} ({elapsed:.1f} s)", flush=True)
        else:
            failed += 1
            print(f"notebook FAILED: {name} ({elapsed:.1f} s)\n{message}", flush=True)
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
