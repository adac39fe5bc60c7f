"""Progress bars that a saved notebook shows as they ended (lecture 07).

``tqdm.auto`` draws a widget in Jupyter, and the text that a saved notebook keeps for it (what
GitHub shows, and what nbval compares) is the bar as it was first *displayed*: ``0%| | 0/90``,
because later updates change only the live widget. :func:`progress_bar` is ``tqdm.auto.tqdm``
whose widget stores no text of its own and, when the bar closes, gives way to one printed line
with its final state::

    training 6 optimizers: 100%|██████████| 90/90 epochs

(no timings, so the line is the same on every run). Outside Jupyter it is plain ``tqdm``.

>>> with progress_bar(total=3, desc="epochs", disable=True) as bar:
...     for _ in range(3):
...         bar.update()
"""

from __future__ import annotations

from typing import Any

from tqdm.auto import tqdm
from tqdm.notebook import tqdm_notebook

__all__ = ["progress_bar"]

FINAL_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} {unit}s"


class _NotebookBar(tqdm_notebook):
    """tqdm's notebook widget, stored without text, replaced by its final line when closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from IPython.display import display

        # display=False: the widget is shown below, without its text. mypy matches no overload
        # of tqdm's stub once *args and **kwargs come with a keyword (here display).
        super().__init__(*args, display=False, **kwargs)  # type: ignore[call-overload]
        if not self.disable:
            bundle = self.container._repr_mimebundle_()
            bundle["text/plain"] = ""  # the live widget only; the final line is printed
            display(bundle, raw=True)
            self.displayed = True

    def close(self) -> None:
        if self.disable or getattr(self, "_final_printed", False):
            return super().close()
        self._final_printed = True
        super().close()
        final = dict(self.format_dict, bar_format=FINAL_FORMAT, ascii=False, ncols=None)
        print(self.format_meter(**final), flush=True)
        if self.n >= (self.total or 0):  # finished: the printed line replaces the widget
            self.container.layout.display = "none"


def progress_bar(*args: Any, **kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(*args, **kwargs)``, stored in a notebook as it ended.

    Use it as a context manager (``with progress_bar(total=n) as bar: ... bar.update()``) so
    that it closes, and prints its final state, even when the loop stops early.
    """
    if isinstance(tqdm, type) and issubclass(tqdm, tqdm_notebook):
        return _NotebookBar(*args, **kwargs)
    return tqdm(*args, **kwargs)
