"""Write constraints.txt: one set of exact package versions for Python 3.10 to 3.13.

nbval compares the committed notebooks' printed numbers digit for digit, and a new release of
NumPy, SciPy or Matplotlib can change a last digit; so can two Pythons that install different
releases (seen: Python 3.10 gets NumPy 2.2, Python 3.11 NumPy 2.4, and 11 lecture cells printed
other digits). ``make`` installs with ``-c constraints.txt``: every machine, on any Python from
3.10 to 3.13, builds the same environment, the one the outputs were made in.

The versions are resolved on the oldest supported Python (``requires-python`` in
pyproject.toml), so that each of them installs there and on the newer ones up to ``BELOW``::

    python3.10 -m tools.lock          # what `make lock` runs; a fresh venv, then pip freeze

After that: ``make notebooks`` and ``make test``, and commit the three together. torch is left
out: it is optional and installed from a local wheel by the Makefile.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"adamlib", "torch"}
# The pins apply below this Python: the lock is tested on 3.10 to 3.13, and an older release
# such as NumPy 2.2 has no wheel for a newer Python (pip would try to compile it). On a newer
# Python pip takes the newest releases, and strict nbval may then differ in last digits.
BELOW = "3.14"


def main() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory(prefix="adamlib-lock-") as tmp:
        venv.create(tmp, with_pip=True)
        py = str(Path(tmp) / "bin" / "python")
        subprocess.run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", f"{ROOT}[test,lab]"], check=True)
        frozen = subprocess.run(
            [py, "-m", "pip", "freeze", "--exclude-editable"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    pins = sorted(
        (ln for ln in frozen if "==" in ln and ln.split("==")[0].lower() not in SKIP), key=str.lower
    )
    header = [
        "# Exact versions for Python 3.10 to 3.13; the committed notebook outputs were made",
        f"# with them. Written by tools/lock.py (make lock), resolved on Python {version};",
        f"# they apply below Python {BELOW} (older releases have no wheels for newer Pythons).",
    ]
    body = [f'{pin} ; python_version < "{BELOW}"' for pin in pins]
    (ROOT / "constraints.txt").write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(pins)} packages pinned (resolved on Python {version})")


if __name__ == "__main__":
    main()
