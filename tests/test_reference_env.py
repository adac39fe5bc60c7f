"""The pinned numerics notebooks are built and tested with (tools/reference_env.py) take effect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import reference_env  # noqa: E402

PROBE = """
import json
import numpy as np
from threadpoolctl import threadpool_info
try:
    from numpy._core._multiarray_umath import __cpu_features__
except ImportError:
    from numpy.core._multiarray_umath import __cpu_features__
np.ones((64, 64)) @ np.ones((64, 64))  # load the BLAS
blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
print(json.dumps({"features": __cpu_features__, "blas": blas}))
"""


def probe(env: dict[str, str]) -> tuple[dict, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")}
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env={**clean, **env}, check=True)
    return json.loads(proc.stdout), proc.stderr


def test_environment_fixes_seed_and_threads() -> None:
    env = reference_env.environment()
    assert env["PYTHONHASHSEED"] == "0"
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == "1"
    assert "reference numerics" in reference_env.describe(env)


def test_pinned_kernels_are_the_ones_in_use() -> None:
    env = reference_env.environment()
    if "OPENBLAS_CORETYPE" not in env:
        pytest.skip("not an x86_64 machine with AVX2: nothing is pinned")
    pinned, stderr = probe(env)
    assert "cannot disable" not in stderr, stderr  # NumPy accepted every name
    for name in env.get("NPY_DISABLE_CPU_FEATURES", "").split():
        assert pinned["features"][name] is False, f"NumPy still dispatches to {name}"
    assert pinned["features"]["AVX2"] is True  # AVX2 loops stay on
    assert pinned["blas"], "no OpenBLAS found by threadpoolctl"
    for lib in pinned["blas"]:
        assert lib["architecture"].lower() == "haswell", lib
        assert lib["num_threads"] == 1, lib
