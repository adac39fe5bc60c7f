"""Check the course's figure rules on every figure a notebook draws.

The rules (docs: the developers' guide, "Quality bar"): every figure has a title, labelled axes,
a label on every colour bar, and a legend wherever several lines appear; a loss (or gap, error)
or a learning rate whose data spans more than three decades is shown on a log scale; a run shown
in several panels has one colour.

:func:`problems` checks one Matplotlib figure. :func:`ipython_dir` prepares an IPython
directory whose startup file calls :func:`install` in every kernel started with
``IPYTHONDIR`` pointing at it: from then on every figure that is rendered (inline PNGs, the
static image of a widget, ``savefig``) is checked first. A figure that breaks a rule prints
``figure lint: ...`` on the cell's stderr, and every check (passed or not) is appended as a JSON
line to the log file, so that the caller can both fail on problems and prove that the check ran.
``tools/build_notebooks.py`` and ``tools/run_tests.py`` (the nbval groups) use it through
:func:`session`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG_ENV = "ADAMLIB_FIGURE_LINT_LOG"

_STARTUP = """\
# Written by tools/figure_lint.py: check every rendered figure against the course's rules.
# (loaded from its file: the kernel's working directory is the notebook's folder)
import importlib.util as _util
import sys as _sys
_spec = _util.spec_from_file_location("_adamlib_figure_lint", {path!r})
_figure_lint = _sys.modules[_spec.name] = _util.module_from_spec(_spec)
_spec.loader.exec_module(_figure_lint)
_figure_lint.install()
del _util, _sys, _spec, _figure_lint
"""


def _has_content(ax: Any) -> bool:
    return bool(ax.lines or ax.collections or ax.patches or ax.images or ax.texts)


def _shows_ticks(axis: Any) -> bool:
    """Whether an axis shows tick labels (an image panel with hidden ticks needs no label)."""
    return len(axis.get_ticklocs()) > 0


def _label(ax: Any, which: str) -> bool:
    get = "get_xlabel" if which == "x" else "get_ylabel"
    if getattr(ax, get)():
        return True
    shared = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    if any(getattr(other, get)() for other in shared.get_siblings(ax)):
        return True
    sup = getattr(ax.figure, "_supxlabel" if which == "x" else "_supylabel", None)
    return bool(sup is not None and sup.get_text())


def _title(ax: Any) -> str:
    text = ax.get_title() or ax.get_title("left") or ax.get_title("right")
    if not text and ax.figure._suptitle is not None:
        text = ax.figure._suptitle.get_text()
    return text


# Quantities the course shows on log scales (the guide: "prefer log scales for losses and
# learning rates"): an axis so labelled, on a linear scale, whose data spans more than
# LOG_SPAN (a factor) is reported.
_LOG_QUANTITIES = {
    "y": re.compile(r"loss|suboptimality|f\(x\)\s*[-−]\s*f|gap|error", re.IGNORECASE),
    "x": re.compile(r"learning rate|\blr\b|η", re.IGNORECASE),
}
LOG_SPAN = 1e3


def _span(ax: Any, which: str) -> float:
    """max/min of the positive finite data of the axes' lines along x or y (1 when none)."""
    import numpy as np

    values = []
    for ln in ax.get_lines():
        data = np.asarray(ln.get_xdata() if which == "x" else ln.get_ydata(), dtype=float)
        values.append(data[np.isfinite(data) & (data > 0)])
    data = np.concatenate(values) if values else np.array([])
    return float(data.max() / data.min()) if data.size > 1 else 1.0


def _log_scale_problem(ax: Any, which: str) -> str:
    label = ax.get_xlabel() if which == "x" else ax.get_ylabel()
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    if scale != "linear" or not _LOG_QUANTITIES[which].search(label):
        return ""
    span = _span(ax, which)
    if span <= LOG_SPAN:
        return ""
    return f"{which}-axis {label!r} spans a factor {span:.0e} on a linear scale: use a log scale"


def problems(fig: Any) -> list[str]:
    """The course's figure rules that ``fig`` breaks, one message each (empty when it is fine).

    - every axes that shows data has a title (its own, or the figure's ``suptitle``);
    - both of its axes are labelled (its own label, a shared axis' label, or ``supxlabel`` /
      ``supylabel``), unless the axis shows no ticks (an image panel);
    - a colour bar has a label;
    - an axes with two or more lines of data has a legend, or the figure has one (a single
      legend may serve panels that share colours);
    - an axis labelled as a loss, gap or error (y) or a learning rate (x) is on a log scale when
      its lines' positive data spans more than a factor ``LOG_SPAN``;
    - lines with the same label in several panels (the same run) have the same colour.
    """
    out: list[str] = []
    axes = [ax for ax in fig.axes if ax.get_visible()]
    any_legend = bool(fig.legends) or any(ax.get_legend() is not None for ax in axes)
    for i, ax in enumerate(axes):
        if ax.get_label() == "<colorbar>" or hasattr(ax, "_colorbar"):
            if not (ax.get_ylabel() or ax.get_xlabel()):
                out.append(f"axes {i}: colour bar without a label")
            continue
        if not ax.axison or not _has_content(ax):
            continue
        name = _title(ax)
        where = f"axes {i} ({name!r})" if name else f"axes {i}"
        if not name:
            out.append(f"{where}: no title")
        for which, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if _shows_ticks(axis) and not _label(ax, which):
                out.append(f"{where}: no {which}-label")
        lines = [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata()) > 2]
        if len(lines) > 1 and not any_legend:
            out.append(f"{where}: {len(lines)} lines and no legend")
        for which in ("x", "y"):
            problem = _log_scale_problem(ax, which)
            if problem:
                out.append(f"{where}: {problem}")
    out.extend(_colour_problems(axes))
    return out


def _colour_problems(axes: list[Any]) -> list[str]:
    """A run labelled the same in two panels is drawn in the same colour in both."""
    from matplotlib.colors import to_hex

    colours: dict[str, set[str]] = {}
    for ax in axes:
        for ln in ax.get_lines():
            label = ln.get_label()
            if ln.get_visible() and label and not label.startswith("_"):
                colours.setdefault(label, set()).add(to_hex(ln.get_color()))
    return [
        f"the line labelled {label!r} has {len(found)} colours across panels"
        for label, found in colours.items()
        if len(found) > 1
    ]


def _describe(fig: Any) -> str:
    titles = [t for t in (_title(ax) for ax in fig.axes) if t]
    return repr(titles[0]) if titles else repr(fig)


def check(fig: Any) -> list[str]:
    """Check ``fig``; report problems on stderr and log the check (see the module docstring)."""
    found = problems(fig)
    for msg in found:
        print(f"figure lint: {_describe(fig)}: {msg}", file=sys.stderr)
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"cwd": os.getcwd(), "figure": _describe(fig), "problems": found}) + "\n"
            )
    return found


def install() -> None:
    """Check every figure before it is rendered (patches ``FigureCanvasBase.print_figure``)."""
    from matplotlib.backend_bases import FigureCanvasBase

    original = FigureCanvasBase.print_figure
    if getattr(original, "_figure_lint", False):
        return

    def print_figure(self: Any, *args: Any, **kwargs: Any) -> Any:
        check(self.figure)
        return original(self, *args, **kwargs)

    print_figure._figure_lint = True  # type: ignore[attr-defined]
    FigureCanvasBase.print_figure = print_figure  # type: ignore[method-assign]


def ipython_dir(directory: Path) -> Path:
    """Make ``directory`` an IPython directory whose kernels install the figure check."""
    startup = directory / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-figure-lint.py").write_text(
        _STARTUP.format(path=str(Path(__file__).resolve())), encoding="utf-8"
    )
    return directory


def read_log(path: Path) -> list[dict[str, Any]]:
    """The checks logged in ``path`` (none when the file does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def failures(checks: list[dict[str, Any]]) -> list[str]:
    """One line per broken rule in the logged ``checks``: ``"  'figure': problem"``."""
    return [f"  {c['figure']}: {p}" for c in checks for p in c["problems"]]


@dataclass
class Session:
    """What :func:`session` gives: the environment for kernels, then what they logged."""

    env: dict[str, str]
    log: Path
    checks: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def session() -> Iterator[Session]:
    """A temporary IPython directory and log for kernels started inside the block.

    Start the kernels with ``session.env`` added to their environment; when the block ends,
    ``session.checks`` holds every figure they checked (see :func:`failures`).
    """
    with tempfile.TemporaryDirectory(prefix="adamlib-ipython-") as tmp:
        log = Path(tmp) / "figures.jsonl"
        env = {"IPYTHONDIR": str(ipython_dir(Path(tmp) / "ipython")), LOG_ENV: str(log)}
        lint = Session(env=env, log=log)
        yield lint
        lint.checks = read_log(log)
