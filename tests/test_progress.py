"""adamlib.progress: a notebook stores a progress bar as it ended, the same text every run."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from adamlib.progress import progress_bar


def _run(code: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    return nb.cells[0].outputs


def _texts(outputs: list[nbformat.NotebookNode]) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)


def test_a_finished_bar_is_stored_at_100_percent_without_timings():
    code = (
        "from adamlib.progress import progress_bar\n"
        "with progress_bar(total=90, desc='training', unit='epoch') as bar:\n"
        "    for _ in range(90):\n        bar.update()\n"
    )
    text = _texts(_run(code))
    assert text == "training: 100%|██████████| 90/90 epochs\n"


def test_a_bar_stopped_early_is_stored_where_it_stopped():
    code = (
        "from adamlib.progress import progress_bar\n"
        "try:\n    with progress_bar(total=10, desc='run', unit='step') as bar:\n"
        "        for i in range(10):\n            bar.update()\n"
        "            if i == 3:\n                raise RuntimeError('stop')\n"
        "except RuntimeError:\n    pass\n"
    )
    assert _texts(_run(code)) == "run:  40%|████      | 4/10 steps\n"


def test_outside_jupyter_it_is_plain_tqdm(capsys):
    with progress_bar(total=3, desc="plain", unit="step") as bar:
        for _ in range(3):
            bar.update()
    assert "3/3" in capsys.readouterr().err
