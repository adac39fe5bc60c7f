"""environment.yml and pyproject.toml name every package the notebooks and adamlib import."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# import name -> distribution name, where they differ
DISTRIBUTION = {
    "sklearn": "scikit-learn",
    "IPython": "ipython",
    "mpl_toolkits": "matplotlib",
    "yaml": "pyyaml",
    "matplotlib_inline": "matplotlib-inline",
    "PIL": "pillow",
}
OWN = {"adamlib"}


def imported_modules(source: str) -> set[str]:
    # IPython magics and shell escapes are not Python
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(names: set[str]) -> set[str]:
    return {
        DISTRIBUTION.get(n, n).lower()
        for n in names
        if n not in sys.stdlib_module_names and n not in OWN
    }


def notebook_imports() -> set[str]:
    names: set[str] = set()
    for folder in ("lectures", "solutions", "exercises"):
        for path in (ROOT / folder).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    names |= imported_modules(cell.source)
    return names


def package_imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "adamlib").rglob("*.py"):
        names |= imported_modules(path.read_text(encoding="utf-8"))
    return names


def requirement_names(specs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", s.strip(), maxsplit=1)[0].lower() for s in specs}


def pyproject_runtime() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return requirement_names(data["project"]["dependencies"])


def environment_yml() -> set[str]:
    specs = []
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)", line)
        if m:
            specs.append(m.group(1))
    return requirement_names(specs)


# torch is optional: only the reference-data tool, live comparisons and benchmarks use it, and
# adamlib may import it lazily inside a function guarded by ImportError.
OPTIONAL = {"torch"}


def test_pyproject_names_every_runtime_import():
    missing = third_party(notebook_imports() | package_imports()) - pyproject_runtime() - OPTIONAL
    assert not missing, f"add to [project].dependencies in pyproject.toml: {sorted(missing)}"


def test_environment_yml_names_every_runtime_import_and_binder_essentials():
    env = environment_yml()
    needed = third_party(notebook_imports() | package_imports()) - OPTIONAL
    needed |= {"python", "pip", "jupyterlab", "ipywidgets", "ipympl"}
    missing = needed - env
    assert not missing, f"add to environment.yml: {sorted(missing)}"


def test_binder_is_a_learners_environment_without_test_or_grading_tools():
    """Binder, like `make lab`, gets what the notebooks run and JupyterLab, not `[test]`."""
    dev_only = {"nbgrader", "playwright", "pytest", "nbval", "ruff", "jupytext", "torch"}
    dev_only |= {"lion-pytorch", "schedulefree"}  # the extra "reference" (lecture 12's tests)
    assert environment_yml().isdisjoint(dev_only), sorted(environment_yml() & dev_only)


def test_the_reference_packages_are_an_extra_installed_only_with_torch():
    """lion-pytorch and schedulefree produce reference data; a learner never installs them."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = data["project"]["optional-dependencies"]
    assert extras["reference"] == ["lion-pytorch==0.2.5", "schedulefree==1.4.1"]
    for extra in ("lab", "test", "nbval"):
        assert not {"lion-pytorch", "schedulefree"} & set(requirement_names(extras[extra]))
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    torch_line = recipe.index("pip install --no-index --no-deps '$(TORCH)'")
    assert recipe.index("'.[reference]'") > torch_line  # inside the torch branch
    assert recipe.count(".[reference]") == 1


def test_environment_yml_requires_ipywidgets_8_and_jupyterlab_4():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"ipywidgets\s*>=\s*8", text)
    assert re.search(r"jupyterlab\s*>=\s*4", text)


def test_postbuild_installs_adamlib_without_dependencies():
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "python -m pip install --no-deps -e ." in post.read_text(encoding="utf-8")


def test_import_scanner_sees_imports_inside_functions_and_skips_magics():
    src = "%matplotlib inline\nimport numpy as np\ndef f():\n    from sklearn import datasets\n"
    assert third_party(imported_modules(src)) == {"numpy", "scikit-learn"}


# ---------------------------------------------------------------------------------------------
# constraints.txt: the lock every `make` install uses (tools/lock.py)
# ---------------------------------------------------------------------------------------------
LOCKED_BELOW = "3.14"  # tools/lock.py: the pins apply to Python 3.10 to 3.13


def normalized(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pin, _, marker = line.partition(";")
            name, _, version = pin.strip().partition("==")
            assert version, f"constraints.txt: not an exact pin: {line!r}"
            assert marker.strip() == f'python_version < "{LOCKED_BELOW}"', line
            pins[normalized(name)] = version
    return pins


def all_declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(data["project"]["dependencies"])
    for extra, extra_specs in data["project"]["optional-dependencies"].items():
        # torch: installed from a local wheel, pinned in the Makefile; reference: pinned in
        # pyproject.toml, installed only with torch (their dependency)
        if extra not in ("torch", "reference"):
            specs += extra_specs
    return {normalized(n) for n in requirement_names(specs)}


def test_makefile_installs_the_torch_extra():
    """The Makefile installs torch from pip's local sources with the pin of the `torch` extra."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (spec,) = data["project"]["optional-dependencies"]["torch"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"TORCH := {spec}\n" in makefile
    assert "--no-index --no-deps '$(TORCH)'" in makefile
    assert "/opt/" not in makefile and "cp311" not in makefile


def test_constraints_pin_every_declared_dependency():
    missing = all_declared() - set(constraints())
    assert not missing, f"run `make lock`: constraints.txt does not pin {sorted(missing)}"


def test_installed_numerics_are_the_locked_versions():
    """The committed outputs were made with these versions; another one changes digits."""
    from importlib.metadata import version

    if sys.version_info >= (3, 14):
        pytest.skip("constraints.txt applies below Python 3.14: the newest releases are installed")
    pins = constraints()
    for dist in ("numpy", "scipy", "matplotlib", "scikit-learn"):
        assert version(dist) == pins[dist], (
            f"{dist} {version(dist)} is installed but constraints.txt pins {pins[dist]}: "
            "install with `make` (pip install -c constraints.txt) or strict nbval may fail"
        )
