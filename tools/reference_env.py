"""The environment in which notebooks are built and tested: seeds and thread counts, no kernel pins.

nbval compares every printed character of the committed notebooks, so a notebook may print only
what does not depend on the machine. Two things change last bits from one machine to the next
even with identical packages: OpenBLAS picks its kernels by CPU (Haswell, SkylakeX, Zen,
Neoverse, ...), and NumPy dispatches its ufunc loops to the widest SIMD code the CPU has
(AVX-512, AVX2, NEON, ...); new releases of NumPy, SciPy and OpenBLAS change them too. The
notebooks are written so that these last bits never reach a printed character: rounding noise is
printed as a bound ("< 1e-12"), measurements at the precision the experiment supports, chaotic
outcomes (diverging runs, ties between learning rates) as robust summaries. The suite checks it:
``make test`` runs strict nbval with the kernels this machine picks, ``make test-latest`` with the
newest releases of every dependency, and both pass under other kernel choices too, e.g.::

    OPENBLAS_CORETYPE=Sandybridge make test          # another OpenBLAS core type
    NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL" \\
        make test                                    # NumPy 2.2 without its AVX-512 loops

Both are public, documented environment variables (OpenBLAS' README; NumPy's "CPU build options"
page); they pass through to every kernel and pytest process unchanged.

What :func:`environment` does fix is what makes two runs of one machine differ or that is
cheap to fix everywhere: ``PYTHONHASHSEED`` (set iteration order) and one thread for OpenBLAS,
OpenMP and MKL (a multi-threaded BLAS may sum in another order from one run to the next; and two
cores are shared by two test groups). ``tools/build_notebooks.py`` and ``tools/run_tests.py``
apply it; learners' kernels (``make lab``, Binder) run without it.
"""

from __future__ import annotations

import os

# Public environment variables that select CPU kernels. They are never set here; describe()
# reports them when the caller set them.
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")


def environment() -> dict[str, str]:
    """Environment variables for reproducible runs in child processes (kernels, pytest)."""
    return {
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def describe(env: dict[str, str] | None = None) -> str:
    """One line for logs: the fixed settings and any kernel choice the caller made."""
    env = {**os.environ, **environment()} if env is None else env
    blas = env.get("OPENBLAS_CORETYPE", "chosen by CPU")
    chosen = [f"{name}={env[name]!r}" for name in KERNEL_VARIABLES[1:] if env.get(name)]
    return (
        f"reference numerics: PYTHONHASHSEED={env.get('PYTHONHASHSEED')}, 1 BLAS thread, "
        f"OpenBLAS kernels {blas}, NumPy dispatch "
        + (", ".join(chosen) if chosen else "as built for this CPU")
    )
