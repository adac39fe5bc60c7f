"""The course's build and test tools: run each from the repository root as a module,
``python -m tools.<name>`` (e.g. ``python -m tools.build_notebooks``); see its docstring."""
