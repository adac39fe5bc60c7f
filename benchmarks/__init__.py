"""The benchmarks: run each from the repository root as ``python -m benchmarks.<name>``.

Importing this package first pins BLAS and OpenMP to one thread (before NumPy is imported by a
benchmark), so that a step's time does not depend on how many cores are busy.
"""

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
