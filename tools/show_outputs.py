"""Print a built notebook's text outputs and extract its figures (a review aid).

python -m tools.show_outputs lectures/01_gradient_descent.ipynb [outdir]
"""

import base64
import sys
from pathlib import Path

import nbformat


def main() -> None:
    path = Path(sys.argv[1])
    outdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp") / path.stem
    outdir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    n = 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                print(f"[{i}] {out.text}", end="")
            elif out.output_type == "error":
                print(f"[{i}] ERROR {out.ename}: {out.evalue}")
            data = out.get("data", {})
            if "image/png" in data:
                n += 1
                target = outdir / f"cell{i:03d}_{n}.png"
                target.write_bytes(base64.b64decode(data["image/png"]))
                print(f"[{i}] figure -> {target} ({len(data['image/png']) * 3 // 4 // 1024} KB)")
            elif "text/plain" in data and out.output_type == "execute_result":
                print(f"[{i}] {data['text/plain']}")
    print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
