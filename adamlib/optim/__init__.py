"""torch.optim-compatible optimizers in NumPy, built from small named pieces.

Same class names, keyword names, defaults and update conventions as ``torch.optim``, verified
against torch's trajectories (tests/test_optim_reference.py)::

    x = np.array([1.0, -2.0])
    opt = Adam([x], lr=0.1)       # params: a list of float arrays (or one array)
    opt.step([grad(x)])           # updates x in place; returns None

=============  ====================================  =========================================
class          module                                derived in
=============  ====================================  =========================================
``SGD``        :mod:`adamlib.optim.sgd`              01_gradient_descent, 03_momentum
``Adagrad``    :mod:`adamlib.optim.adagrad`          04_adagrad
``RMSprop``    :mod:`adamlib.optim.rmsprop`          05_rmsprop
``Adam``       :mod:`adamlib.optim.adam`             06_adam
``AdamW``      :mod:`adamlib.optim.adam`             06_adam, 08_beyond_adam
``NAdam``      :mod:`adamlib.optim.nadam`            08_beyond_adam
``Adamax``     :mod:`adamlib.optim.adamax`           08_beyond_adam
``Adadelta``   :mod:`adamlib.optim.adadelta`         08_beyond_adam
``RAdam``      :mod:`adamlib.optim.radam`            08_beyond_adam
=============  ====================================  =========================================

AMSGrad is ``Adam(amsgrad=True)``. Learning-rate schedules: :mod:`adamlib.schedules`.

The update of each is written with the pieces in :mod:`adamlib.optim.parts` (an EMA of the
gradient, an EMA of its square, bias correction, a scaled step); :mod:`adamlib.optim.base`
holds what they share: input checks before any write, state arrays, chunked in-place steps
without per-step allocation, ``state_dict`` / ``load_state_dict`` / ``save`` / ``load``.
"""

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "NAdam",
    "Adamax",
    "Adadelta",
    "RAdam",
]
