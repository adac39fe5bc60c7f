"""adamlib: the companion package of the course "Adaptive optimization from scratch".

The package grows with the lectures:

- :mod:`adamlib.functions` -- 2-D test objectives with analytic gradients (lecture 01)
- :mod:`adamlib.run` -- trajectories and vectorized sweeps (lecture 01)
- :mod:`adamlib.plotting` -- contour maps, trajectories, loss curves (lecture 01)
- :mod:`adamlib.optim` -- torch.optim-compatible optimizers (lectures 01-08)
- :mod:`adamlib.grading` -- checks for the exercises
"""

__version__ = "0.1.0"
