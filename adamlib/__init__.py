"""adamlib: the companion package of the course "Adaptive optimization from scratch".

The package grows with the lectures:

- :mod:`adamlib.functions` -- 2-D test objectives with analytic gradients (lecture 01)
- :mod:`adamlib.run` -- trajectories and vectorized sweeps (lecture 01)
- :mod:`adamlib.plotting` -- contour maps, trajectories, loss curves (lecture 01)
- :mod:`adamlib.data` -- small real datasets (offline, from scikit-learn), minibatches (02, 07)
- :mod:`adamlib.analysis` -- closed-form rates of GD and momentum on quadratics (01, 03)
- :mod:`adamlib.optim` -- torch.optim-compatible optimizers (lectures 01-08)
- :mod:`adamlib.nn` -- a NumPy multilayer perceptron with hand-written backprop (07)
- :mod:`adamlib.schedules` -- learning-rate schedules, torch.optim.lr_scheduler semantics (08)
- :mod:`adamlib.widgets` -- the playground and focused interactive widgets (10)
- :mod:`adamlib.grading` -- checks for the exercises: ``check(exercise_id, fn)``, ``report()``
"""

__version__ = "0.1.0"
