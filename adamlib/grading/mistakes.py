"""The mistake catalogue (:class:`Mistake`, :class:`Catalogue`) and the generic mistakes.

:class:`Mistake`, the canonical names of generic problems, and the generic mistakes the
framework adds to every exercise's catalogue (:class:`Catalogue`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

# Canonical names of the problems detected without a catalogue; a catalogue entry with one of these
# names is reported through the generic detection (its name appears in the message).
STUB = "not implemented yet"
NO_RETURN = "forgot to return"
MUTATION = "inputs modified in place"
TIMEOUT = "did not finish in time"


@dataclass(frozen=True)
class Mistake:
    """A common mistake: its name, a hint at the fix, and a buggy implementation exhibiting it.

    Parameters
    ----------
    name : str
        Short name shown to the learner, e.g. ``"bias correction missing"``.
    hint : str
        One or two sentences pointing at the fix.
    buggy : callable
        An implementation with exactly this mistake (same signature as the reference). The tests
        check that it fails and that the feedback names the mistake.
    """

    name: str
    hint: str
    buggy: Callable[..., Any]


# --------------------------------------------------------------------------------------------
# Generic mistakes: added to every catalogue by the framework, detected without it
# --------------------------------------------------------------------------------------------


def _forgetting_to_return(reference: Callable[..., Any]) -> Callable[..., Any]:
    """The reference's computation with its result thrown away (returns ``None``)."""

    def forgot_to_return(*args: Any, **kwargs: Any) -> None:
        """Compute the answer, return nothing."""
        reference(*args, **kwargs)

    return forgot_to_return


def _modifying_inputs(reference: Callable[..., Any]) -> Callable[..., Any]:
    """The reference's result, after overwriting every numeric input array in place."""

    def modifies_inputs_in_place(*args: Any, **kwargs: Any) -> Any:
        """The right answer, the caller's arrays overwritten."""
        result = copy.deepcopy(reference(*args, **kwargs))
        for value in (*args, *kwargs.values()):
            if (
                isinstance(value, np.ndarray)
                and value.flags.writeable
                and (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_)
            ):
                # every element changes (0 -> 1, anything else, NaN included, -> 0)
                np.copyto(value, np.where(value == 0, 1, 0), casting="unsafe")
        return result

    return modifies_inputs_in_place


def generic_mistakes(
    reference: Callable[..., Any], returned: str, takes_arrays: bool
) -> list[Mistake]:
    """The mistakes every coded exercise catalogues without writing them.

    ``None`` returned (:data:`NO_RETURN`) and, when the function takes arrays, inputs modified
    in place (:data:`MUTATION`).

    The grading loop detects both without the catalogue (so their hints are never shown: the
    generic message says what is wrong); they are catalogued so that ``tests/test_grading.py``
    checks, for every exercise, that the generic detection names them.

    Parameters
    ----------
    reference : callable
        The exercise's reference; the buggy versions compute its result.
    returned : str
        What the function returns, as in ``return x_new, m_new`` (for the hint).
    takes_arrays : bool
        Whether some case passes a NumPy array (only then can an input be modified in place).

    Returns
    -------
    list of Mistake
    """
    mistakes = []
    if takes_arrays:
        mistakes.append(
            Mistake(
                MUTATION,
                "`x -= ...`, `m *= ...` or `out=` change the caller's arrays; build new ones, "
                "e.g. `x_new = x - ...`.",
                _modifying_inputs(reference),
            )
        )
    mistakes.append(
        Mistake(
            NO_RETURN,
            f"end the function with `return {returned}`.",
            _forgetting_to_return(reference),
        )
    )
    return mistakes


class Catalogue(Sequence[Mistake]):
    """An exercise's mistakes: the author's, then the :func:`generic_mistakes` they do not name.

    The generic ones are worked out on first use, not when the exercise is registered: whether
    a case passes an array is only known from the cases, and a module's case builder may use
    names defined further down the module.
    """

    def __init__(self, specific: Sequence[Mistake], generic: Callable[[], list[Mistake]]):
        self.specific = tuple(specific)
        self._generic = generic
        self._all: tuple[Mistake, ...] | None = None

    def _mistakes(self) -> tuple[Mistake, ...]:
        """Every mistake, the generic ones computed once."""
        if self._all is None:
            named = {m.name for m in self.specific}
            extra = [m for m in self._generic() if m.name not in named]
            self._all = (*self.specific, *extra)
        return self._all

    @overload
    def __getitem__(self, index: int) -> Mistake: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Mistake, ...]: ...

    def __getitem__(self, index: int | slice) -> Mistake | tuple[Mistake, ...]:
        return self._mistakes()[index]

    def __len__(self) -> int:
        return len(self._mistakes())

    def __repr__(self) -> str:
        return f"Catalogue({list(self._mistakes())!r})"
