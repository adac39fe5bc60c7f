"""Run the whole test suite (what ``make test`` calls) in groups, up to ``--jobs`` at once.

Groups: the unit tests (tests/), nbval in strict mode over lectures/, nbval in strict mode over
solutions/ and in lax mode over exercises/. Inside each group everything runs serially (nbval
must run a notebook's cells in order in one kernel; pytest-xdist would split notebooks across
workers). Each group's output is printed when it finishes, with its wall time; the exit status
is non-zero when any group fails.

    python tools/run_tests.py            # all groups, as many at once as there are CPUs
    python tools/run_tests.py --jobs 1   # strictly one after the other
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBVAL = ["--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
         "-p", "no:cacheprovider"]


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


def run_group(name: str, commands: list[list[str]]) -> tuple[str, int, float, str]:
    start = time.perf_counter()
    out, code = [], 0
    for cmd in commands:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                                   **os.environ, "PYTHONHASHSEED": "0"})
        out.append(f"$ {' '.join(cmd[1:])}\n{proc.stdout}{proc.stderr}")
        code = code or proc.returncode
    return name, code, time.perf_counter() - start, "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="run the course's test suite")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_group, n, c) for n, c in groups().items()]
        for fut in futures:
            name, code, seconds, output = fut.result()
            print(f"\n===== {name}: {'FAILED' if code else 'ok'} in {seconds:.0f} s =====")
            if code:  # the whole output of a failing group
                print(output, flush=True)
            else:  # the commands, the skips (with their reasons) and the counts
                print("\n".join(ln for ln in output.splitlines()
                                if ln.startswith(("$", "SKIPPED")) or " passed" in ln),
                      flush=True)
            results.append((name, code, seconds))
    print(f"\n===== summary (wall time {time.perf_counter() - t0:.0f} s, {args.jobs} jobs) =====")
    for name, code, seconds in results:
        print(f"  {'FAILED' if code else 'ok':6}  {seconds:6.0f} s  {name}")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
