"""Run All on every untouched exercise notebook (issue 14): no error output, the score table at
the end, and the link to its lecture at the top."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def _text(output: nbformat.NotebookNode) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(data.get("text/html", ""))


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_run_all_untouched_exercise_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = "".join(nb.cells[0].source)
    lecture = re.search(r"\(\.\./lectures/(\d\d_\w+\.ipynb)\)", first)
    assert lecture, f"{path.name}: the first cell links to its lecture"
    assert (ROOT / "lectures" / lecture.group(1)).exists()
    env = {"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()  # a learner's Run All: stops at the first error
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert "Traceback" not in "".join(_text(o) for o in outputs)
    last = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")][-1]
    assert "Score" in "".join(_text(o) for o in last.outputs)
