"""How values and problems are written in feedback: short reprs, expected vs got, plurals.

Every function here is deterministic and never raises for a learner's odd value, so a message can
always be built. :func:`shown_pair` guarantees that a learner never reads ``expected X, got X``
for two different values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def short_repr(value: Any, max_chars: int = 180) -> str:
    """A compact, deterministic rendering of a value for feedback messages (never raises)."""
    try:
        text = _short_repr(value)
    except Exception:  # noqa: BLE001 - a learner's object with a broken __repr__
        text = f"<{type(value).__name__} object>"
    if len(text) > max_chars:
        text = text[: max_chars - 3] + "..."
    return text


def _short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.ndim == 0:
            text = f"{arr.item():.6g}" if np.issubdtype(arr.dtype, np.number) else repr(arr.item())
        else:
            with np.printoptions(precision=6, threshold=12, edgeitems=3, linewidth=10_000):
                text = np.array2string(arr, separator=", ").replace("\n", "")
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    return text


def _render(value: Any, digits: int) -> str:
    """``value`` with ``digits`` significant digits (numbers, arrays, tuples and lists of them)."""
    if value is None or isinstance(value, bool | np.bool_ | str | bytes | complex):
        return repr(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _render(value[()], digits)
        if not np.issubdtype(value.dtype, np.floating):
            return short_repr(value, 10_000)
        with np.printoptions(precision=digits, threshold=12, edgeitems=3, linewidth=10_000):
            return np.array2string(value, separator=", ").replace("\n", "")
    if isinstance(value, tuple | list):
        items = [_render(v, digits) for v in value]
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return short_repr(value, 10_000)


def _largest_difference(expected: Any, got: Any) -> tuple[int, ...] | None:
    """Index of the element where two arrays of the same shape differ most, or ``None``.

    NaN vs a number counts as the largest difference.
    """
    try:
        if np.iscomplexobj(expected) or np.iscomplexobj(got):
            return None
        e = np.asarray(expected, dtype=np.float64)
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if e.shape != g.shape or e.ndim == 0 or e.size == 0:
        return None
    with np.errstate(all="ignore"):
        err = np.abs(g - e)
        same = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (e == g))
        err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    if not np.any(err > 0):
        return None
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), e.shape))


def shown_pair(
    expected: Any, got: Any, digits: int | None = None, max_chars: int = 180
) -> tuple[str, str, str]:
    """How to show ``expected`` and ``got`` so that a difference is visible.

    Returns ``(expected_text, got_text, index)``. The texts are the usual renderings
    (:func:`short_repr`, or ``digits`` significant digits) when these differ; otherwise they are
    printed with more digits, as many as needed; when even that shows no difference (a long
    array), ``index`` (e.g. ``"1, 2"``) names the element that differs most and the texts are
    that element's values. A learner never sees ``expected X, got X`` for different values.
    """
    if digits is None:
        e_text, g_text = short_repr(expected, max_chars), short_repr(got, max_chars)
    else:
        e_text, g_text = _render(expected, digits), _render(got, digits)
    if e_text != g_text:
        return e_text, g_text, ""
    try:
        for more in range((digits or 6) + 1, 18):
            e_more, g_more = _render(expected, more), _render(got, more)
            if e_more != g_more and max(len(e_more), len(g_more)) <= max_chars:
                return e_more, g_more, ""
        where = _largest_difference(expected, got)
        if where is not None:
            e_item = np.asarray(expected)[where]
            g_item = np.asarray(got)[where]
            e_text, g_text, _ = shown_pair(e_item, g_item, digits, max_chars)
            return e_text, g_text, ", ".join(str(i) for i in where)
    except Exception:  # noqa: BLE001 - a learner's odd object: fall back to its type below
        pass
    if type(expected) is not type(got):
        e_text += f" ({describe_value(expected)})"
        g_text += f" ({describe_value(got)})"
    return e_text, g_text, ""


def expected_got(expected: Any, got: Any, digits: int | None = None) -> str:
    """``"expected 0.1234567, got 0.1234568"``: as many digits as it takes to see the difference.

    See :func:`shown_pair`; for long arrays that look alike, the element that differs most.
    """
    e_text, g_text, where = shown_pair(expected, got, digits)
    if where:
        return f"at index [{where}] (the largest difference): expected {e_text}, got {g_text}"
    return f"expected {e_text}, got {g_text}"


def describe_value(value: Any) -> str:
    """``"float64 array of shape (2, 3)"``, ``"list"``, ``"None"``..."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, np.generic):
        return f"NumPy {value.dtype} scalar"
    if isinstance(value, tuple | list):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _printed_note(printed: str) -> str:
    lines = printed.strip().splitlines()
    first = lines[0] if lines else ""
    if len(first) > 80:
        first = first[:77] + "..."
    return (
        f"Note: your function printed output during the check ({_plural(len(lines), 'line')}, "
        f"first: {first!r}); it was hidden."
    )


def as_float_arrays(got: Any, expected: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """``got`` and ``expected`` as float64 arrays of one shape, the first step of every comparison.

    Parameters
    ----------
    got, expected
        A learner's value and the value it is compared with.

    Returns
    -------
    (ndarray, ndarray) or None
        ``None`` when ``got`` is complex, cannot be read as numbers, or has another shape.
    """
    if np.iscomplexobj(got):
        return None
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if g.shape != e.shape:
        return None
    return g, e
