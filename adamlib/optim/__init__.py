"""torch.optim-compatible optimizers in NumPy, built from small named pieces.

Same class names, keyword names, defaults and update conventions as ``torch.optim``, verified
against torch's trajectories (tests/test_optim_reference.py)::

    x = np.array([1.0, -2.0])
    opt = Adam([x], lr=0.1)       # params: a list of float arrays (or one array)
    opt.step([grad(x)])           # updates x in place; returns None

    # parameter groups, as in torch: no weight decay on the biases
    opt = AdamW([{"params": [W1, W2]}, {"params": [b1, b2], "weight_decay": 0.0}], lr=1e-3)
    opt.step([dW1, dW2, db1, db2])  # gradients in the order of the params, group by group

=====================  ======================================  =================================
class                  module                                  derived in
=====================  ======================================  =================================
``SGD``                :mod:`adamlib.optim.sgd`                01_gradient_descent, 03_momentum
``Adagrad``            :mod:`adamlib.optim.adagrad`            04_adagrad
``RMSprop``            :mod:`adamlib.optim.rmsprop`            05_rmsprop
``Adam``               :mod:`adamlib.optim.adam`               06_adam
``AdamW``              :mod:`adamlib.optim.adam`               06_adam, 08_beyond_adam
``NAdam``              :mod:`adamlib.optim.nadam`              08_beyond_adam
``Adamax``             :mod:`adamlib.optim.adamax`             08_beyond_adam
``Adadelta``           :mod:`adamlib.optim.adadelta`           08_beyond_adam
``RAdam``              :mod:`adamlib.optim.radam`              08_beyond_adam
``Muon``               :mod:`adamlib.optim.muon`               11_beyond_the_diagonal
``Adafactor``          :mod:`adamlib.optim.adafactor`          12_lean_and_schedule_free
``Lion``               :mod:`adamlib.optim.lion`               12_lean_and_schedule_free
``ScheduleFreeAdamW``  :mod:`adamlib.optim.schedule_free`      12_lean_and_schedule_free
=====================  ======================================  =================================

AMSGrad is ``Adam(amsgrad=True)``. Learning-rate schedules: :mod:`adamlib.schedules`.

What one step does is one method per optimizer, ``_update``: the group's hyperparameters, then
whole-array NumPy on each of its params, in the lecture's names, in torch's arithmetic order
(start with :mod:`adamlib.optim.adam`).
:mod:`adamlib.optim.parts` holds the lines several share (the EMA, the EMA of squares, the bias
correction, ``+-grad + lambda theta``); :mod:`adamlib.optim.base` holds no algorithm: the checks
(before anything is written), the state arrays, ``state_dict`` / ``load_state_dict`` / ``save``
/ ``load``. Adding an optimizer: adamlib/optim/README.md.
"""

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .lion import Lion
from .muon import Muon
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .schedule_free import ScheduleFreeAdamW
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
    "Muon",
    "Adafactor",
    "Lion",
    "ScheduleFreeAdamW",
]
