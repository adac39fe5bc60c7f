"""Run the whole test suite (what ``make test`` calls) in groups, up to ``--jobs`` at once.

Groups: the unit tests (tests/), nbval in strict mode over lectures/, nbval in strict mode over
solutions/ and in lax mode over exercises/. Inside each group everything runs serially (nbval
must run a notebook's cells in order in one kernel; pytest-xdist would split notebooks across
workers). Each group's output is printed when it finishes, with its wall time; the exit status
is non-zero when any group fails.

    python -m tools.run_tests            # all groups, as many at once as there are CPUs
    python -m tools.run_tests --jobs 1   # strictly one after the other
    python -m tools.run_tests --only nbval   # only the groups whose name contains "nbval"
    python -m tools.run_tests --nbval lectures/03_momentum.ipynb exercises/03_momentum.ipynb
                                             # nbval on these notebooks only (lax for exercises/)

Every command runs with the settings of tools/reference_env.py (PYTHONHASHSEED, one BLAS
thread; no CPU kernels pinned: OPENBLAS_CORETYPE or NPY_DISABLE_CPU_FEATURES set by the caller
pass through), and under nbval every rendered figure is checked by tools/figure_lint.py. The
groups run on the interpreter that runs this script: ``make test`` uses the locked .venv,
``make test-latest`` the newest releases in .venv-latest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools import figure_lint, reference_env

ROOT = Path(__file__).resolve().parent.parent
NBVAL = [
    "--nbval-current-env",
    "--nbval-sanitize-with",
    "tests/nbval_sanitize.cfg",
    "-p",
    "no:cacheprovider",
]


def groups() -> dict[str, list[list[str]]]:
    py = [sys.executable, "-m", "pytest"]
    return {
        "unit tests": [py + ["tests"]],
        "nbval strict: lectures": [py + ["--nbval", *NBVAL, "lectures"]],
        "nbval strict: solutions, lax: exercises": [
            py + ["--nbval", *NBVAL, "solutions"],
            py + ["--nbval-lax", *NBVAL, "exercises"],
        ],
    }


def notebook_groups(paths: list[str]) -> dict[str, list[list[str]]]:
    """nbval over the given notebooks only: strict, except lax for generated exercises."""
    py = [sys.executable, "-m", "pytest"]
    lax = [p for p in paths if Path(p).resolve().parent.name == "exercises"]
    strict = [p for p in paths if p not in lax]
    chosen = {}
    if strict:
        chosen["nbval strict: " + " ".join(strict)] = [py + ["--nbval", *NBVAL, *strict]]
    if lax:
        chosen["nbval lax: " + " ".join(lax)] = [py + ["--nbval-lax", *NBVAL, *lax]]
    return chosen


def run(cmd: list[str]) -> tuple[int, str]:
    """Run one pytest command. Under nbval, every figure the kernels render is checked against
    the course's figure rules (tools/figure_lint.py); a broken rule fails the command, and so
    does a run in which no figure was checked at all (the check would not be working)."""
    env = {**os.environ, **reference_env.environment()}
    if not any(arg.startswith("--nbval") for arg in cmd):
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        return proc.returncode, proc.stdout + proc.stderr
    with figure_lint.session() as lint:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, env={**env, **lint.env}
        )
    checks = lint.checks
    text, code = proc.stdout + proc.stderr, proc.returncode
    bad = figure_lint.failures(checks)
    if bad:
        text += "\nfigure lint: figures break the course's rules:\n" + "\n".join(bad) + "\n"
        code = code or 1
    elif not checks and "--nbval" in cmd:
        # strict groups (lectures, solutions) draw figures; untouched exercises draw none (every
        # cell that plots runs the learner's stub inside demo()), so lax runs may check none
        text += "\nfigure lint: no figure was checked: the check is not working\n"
        code = code or 1
    elif not checks:
        text += "\nfigure lint: no figure rendered (untouched exercises draw none)\n"
    else:
        text += f"\nfigure lint: {len(checks)} rendered figures checked, all pass\n"
    return code, text


def run_group(name: str, commands: list[list[str]]) -> tuple[str, int, float, str]:
    start = time.perf_counter()
    out, code = [], 0
    for cmd in commands:
        rc, text = run(cmd)
        out.append(f"$ {' '.join(cmd[1:])}\n{text}")
        code = code or rc
    return name, code, time.perf_counter() - start, "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="run the course's test suite")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default="", help="run only the groups whose name contains this")
    parser.add_argument(
        "--nbval",
        nargs="+",
        metavar="NOTEBOOK",
        default=[],
        help="run nbval on these notebooks only (strict; lax under exercises/)",
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    print(reference_env.describe({**os.environ, **reference_env.environment()}), flush=True)
    results = []
    chosen = (
        notebook_groups(args.nbval)
        if args.nbval
        else {n: c for n, c in groups().items() if args.only in n}
    )
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_group, n, c) for n, c in chosen.items()]
        for fut in futures:
            name, code, seconds, output = fut.result()
            print(f"\n===== {name}: {'FAILED' if code else 'ok'} in {seconds:.0f} s =====")
            if code:  # the whole output of a failing group
                print(output, flush=True)
            else:  # the commands, the skips (with their reasons) and the counts
                print(
                    "\n".join(
                        ln
                        for ln in output.splitlines()
                        if ln.startswith(("$", "SKIPPED", "figure lint")) or " passed" in ln
                    ),
                    flush=True,
                )
            results.append((name, code, seconds))
    print(f"\n===== summary (wall time {time.perf_counter() - t0:.0f} s, {args.jobs} jobs) =====")
    for name, code, seconds in results:
        print(f"  {'FAILED' if code else 'ok':6}  {seconds:6.0f} s  {name}")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
