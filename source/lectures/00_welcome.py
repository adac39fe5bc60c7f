# %% [markdown]
# # 00 — Welcome: adaptive optimization from scratch
#
# Draft.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %%
from adamlib.functions import rosenbrock
from adamlib.plotting import plot_trajectories
from adamlib.run import run

traj = run(rosenbrock, lambda x, g: x - 1e-3 * g, steps=200, label="gradient descent, η = 1e-3")
plot_trajectories(rosenbrock, [traj])
plt.show()
