"""tools/reference_env.py fixes seeds and threads, pins no CPU kernels, and uses no private API.

The notebooks must print the same characters whatever kernels OpenBLAS and NumPy pick (issue 17),
so the test environment no longer pins them: a kernel choice the caller makes with the public
variables (OPENBLAS_CORETYPE, NPY_DISABLE_CPU_FEATURES) reaches the kernels unchanged.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tools import reference_env

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, os
import numpy as np
from threadpoolctl import threadpool_info
np.ones((64, 64)) @ np.ones((64, 64))  # load the BLAS
blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
print(json.dumps({"blas": blas, "hashseed": os.environ.get("PYTHONHASHSEED")}))
"""


def probe(env: dict[str, str]) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in reference_env.KERNEL_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=True,
    )
    return json.loads(proc.stdout)


def test_environment_fixes_seed_and_threads_only() -> None:
    env = reference_env.environment()
    assert env == {
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    assert not set(env) & set(reference_env.KERNEL_VARIABLES)  # no kernel pinned


def test_describe_reports_the_callers_kernel_choice() -> None:
    base = reference_env.environment()
    assert "OpenBLAS kernels chosen by CPU" in reference_env.describe(base)
    assert "as built for this CPU" in reference_env.describe(base)
    line = reference_env.describe(
        {**base, "OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": "AVX512F"}
    )
    assert "Sandybridge" in line and "NPY_DISABLE_CPU_FEATURES='AVX512F'" in line


def test_threads_take_effect_in_child_processes() -> None:
    found = probe(reference_env.environment())
    assert found["hashseed"] == "0"
    assert found["blas"], "no OpenBLAS found by threadpoolctl"
    assert all(lib["num_threads"] == 1 for lib in found["blas"]), found["blas"]


def test_a_callers_kernel_choice_passes_through(monkeypatch) -> None:
    """What the robustness runs rely on (e.g. OPENBLAS_CORETYPE=Sandybridge make test)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("Sandybridge is an x86_64 core type")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Sandybridge")
    env = {**os.environ, **reference_env.environment()}  # what run_tests.run() passes on
    assert env["OPENBLAS_CORETYPE"] == "Sandybridge"
    found = probe({k: env[k] for k in ("OPENBLAS_CORETYPE", *reference_env.environment())})
    # an OpenBLAS built with DYNAMIC_ARCH (the manylinux wheels) takes the requested core
    assert all(lib["architecture"].lower() == "sandybridge" for lib in found["blas"]), found["blas"]


def test_no_private_numpy_interface() -> None:
    """Neither the tools nor the tests reach into NumPy's private modules (issue 17)."""
    for path in [*(ROOT / "tools").glob("*.py"), *(ROOT / "tests").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert "_multiarray_umath" not in node.module, path
                assert not node.module.startswith(("numpy._core", "numpy.core")), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("__cpu_features__", "__cpu_dispatch__"), path
