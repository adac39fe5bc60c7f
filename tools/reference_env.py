"""The numerical environment in which notebooks are built and tested, the same on every machine.

nbval compares every printed number of the committed notebooks digit for digit, and some of the
course's experiments are chaotic (a diverging SGD run, a tie between two learning rates): a
last-bit difference in a matrix product grows into a different printed digit. Two things change
last bits from one x86_64 machine to the next even with identical packages:

- OpenBLAS picks its kernels by CPU (seen: the "SkylakeX" AVX-512 kernels on an Intel Xeon gave
  different digits in lectures 02, 07, 08 and 09 than the "Haswell"/"Zen" kernels on an AMD EPYC);
- NumPy dispatches its ufunc loops to AVX-512 code where the CPU has it.

:func:`environment` pins both to the AVX2 level that every x86_64 machine of this project has:
OpenBLAS' Haswell kernels and NumPy without its AVX-512 targets. With it, the notebooks built on
the AMD machine pass nbval on the Intel one and vice versa. It also fixes the thread counts and
``PYTHONHASHSEED``. ``tools/build_notebooks.py`` and ``tools/run_tests.py`` apply it; learners'
kernels (``make lab``, Binder) run at full speed without it.
"""

from __future__ import annotations

import platform


def _numpy_cpu() -> tuple[dict[str, bool], list[str]]:
    """NumPy's CPU features on this machine and its build's dispatch targets."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath
    return umath.__cpu_features__, list(umath.__cpu_dispatch__)


def environment() -> dict[str, str]:
    """Environment variables for reproducible numerics in child processes (kernels, pytest)."""
    env = {
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    features, dispatch = _numpy_cpu()
    if platform.machine().lower() in ("x86_64", "amd64") and features.get("AVX2"):
        env["OPENBLAS_CORETYPE"] = "Haswell"
        above = [f for f in dispatch if f.startswith("AVX512") or f == "X86_V4"]
        if above:
            env["NPY_DISABLE_CPU_FEATURES"] = " ".join(above)
    return env


def describe(env: dict[str, str]) -> str:
    """One line for logs: what the pinned environment is."""
    blas = env.get("OPENBLAS_CORETYPE", "chosen by CPU")
    npy = env.get("NPY_DISABLE_CPU_FEATURES")
    return (f"reference numerics: OpenBLAS kernels {blas}, 1 thread; NumPy dispatch "
            + (f"without {npy}" if npy else "as built"))
