"""Write constraints.txt: the exact package versions of .venv, for the reference Python.

The committed notebook outputs are compared digit for digit by nbval, and a new release of NumPy,
SciPy or Matplotlib can change a last digit (seen: NumPy 2.4.6 moved results of chaotic runs in
lectures 02, 07 and 08). ``make`` installs with ``-c constraints.txt`` so that every machine builds
the environment the outputs were made in. After upgrading on purpose: ``make lock``, then
``make notebooks``, then ``make test``, and commit the three together.

torch is left out (it is optional and installed from a local wheel by the Makefile).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"torch", "adamlib"}


def main() -> None:
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    pins = sorted((ln for ln in frozen if "==" in ln and ln.split("==")[0].lower() not in SKIP),
                  key=str.lower)
    header = [
        "# Exact versions the committed notebook outputs were made with (written by make lock;",
        f"# Python {version} is the reference environment; other Pythons get the newest versions).",
    ]
    body = [f'{pin} ; python_version == "{version}"' for pin in pins]
    (ROOT / "constraints.txt").write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(body)} packages pinned for Python {version}")


if __name__ == "__main__":
    main()
