# %% [markdown]
# # Exercises 01 — Gradient descent
#
# These exercises go with [lecture 01](../lectures/01_gradient_descent.ipynb). For each one,
# write the function where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`
# line), then run the check cell below it. The check runs your function on many cases and tells
# you what is wrong; it never crashes the notebook. `report()` at the end shows your score.
#
# *(In `solutions/` the answers are filled in; in `exercises/` they are for you to write.)*

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup
from adamlib.grading import check, demo, report

setup()

# %% [markdown]
# ## Exercise 1 — one step
#
# Write `gd_step(x, grad, lr)` returning $x - \eta\,\nabla f(x)$. `x` and `grad` are NumPy arrays
# of any shape (also 0-d).
#
# *Rules (as for every step function):* return a **new** array, leave the inputs unchanged (no
# `x -= ...`), and keep the input's dtype (float32 in, float32 out).

# %%
def gd_step(x, grad, lr):
    """One gradient-descent step: x_new = x - lr * grad."""
    ### BEGIN SOLUTION
    return x - lr * grad
    ### END SOLUTION


# %%
check("gd_step", gd_step)

# %% [markdown]
# ## Exercise 2 — the whole run
#
# Write `gradient_descent(grad_fn, x0, lr, steps)` returning the path: an array of shape
# `(steps + 1, *x0.shape)` whose row `t` is $x_t$ (row 0 is the start `x0`). `grad_fn(x)` returns
# the gradient at `x`.
#
# *Rules:* return a **new** array and leave `x0` unchanged. *Careful:* if you update an array in
# place (`x -= ...`) and append it to a list, every entry of the list is the same array.

# %%
def gradient_descent(grad_fn, x0, lr, steps):
    """Gradient descent from x0; returns the path, shape (steps + 1, *x0.shape)."""
    ### BEGIN SOLUTION
    path = [np.array(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad_fn(path[-1]))
    return np.array(path)
    ### END SOLUTION


# %%
check("gradient_descent", gradient_descent)

# %% [markdown]
# Your function on the ill-conditioned bowl of the lecture:

# %%
from adamlib.functions import quadratic
from adamlib.plotting import plot_trajectories

bowl = quadratic(condition_number=10.0)
with demo("gradient_descent"):
    path = gradient_descent(bowl.grad, bowl.start, lr=0.15, steps=30)
    plot_trajectories(bowl, {"your gradient_descent, η = 0.15": path},
                      title="Exercise 2: your gradient descent on κ = 10")
    plt.show()

# %% [markdown]
# ## Exercise 3 — the best learning rate for a quadratic
#
# For $f(x) = \tfrac12 x^\top A x$ with eigenvalues between $\lambda_{\min}$ and
# $\lambda_{\max}$, lecture 01 derived the learning rate that minimises the worst-case rate
# $\max_i |1-\eta\lambda_i|$, and that rate. Write `gd_optimal(lambda_min, lambda_max)` returning
# the pair `(lr, rate)`.

# %%
def gd_optimal(lambda_min, lambda_max):
    """Optimal learning rate of gradient descent on a quadratic and its convergence rate."""
    ### BEGIN SOLUTION
    lr = 2.0 / (lambda_min + lambda_max)
    rate = (lambda_max - lambda_min) / (lambda_max + lambda_min)
    return lr, rate
    ### END SOLUTION


# %%
check("gd_optimal", gd_optimal)

# %% [markdown]
# ## Exercise 4 — how many steps?
#
# If the error shrinks by the factor `rate` every step, after how many steps is it at most `tol`
# times its initial value? Write `steps_needed(rate, tol)` returning the smallest integer
# $t \ge 0$ with $\text{rate}^t \le \text{tol}$ (for $0 < \text{rate} < 1$ and $0 < \text{tol} \le 1$).

# %%
def steps_needed(rate, tol):
    """Smallest integer t with rate**t <= tol."""
    ### BEGIN SOLUTION
    t = int(np.ceil(np.log(tol) / np.log(rate)))
    # guard against rounding in the logarithms
    while t > 0 and rate ** (t - 1) <= tol:
        t -= 1
    while rate**t > tol:
        t += 1
    return t
    ### END SOLUTION


# %%
check("steps_needed", steps_needed)

# %% [markdown]
# Your two answers together predict how many steps gradient descent needs on a quadratic with
# condition number $\kappa$ — compare with the measurement:

# %%
from adamlib.run import run

with demo("gd_optimal", "steps_needed", "gd_step"):
    for kappa in [10, 100]:
        lr, rate = gd_optimal(1.0, float(kappa))
        predicted = steps_needed(rate, 1e-6)
        traj = run(quadratic(kappa), lambda x, g: gd_step(x, g, lr), steps=5 * predicted)
        dist = np.linalg.norm(traj.path, axis=1)
        measured = int(np.argmax(dist / dist[0] <= 1e-6))
        print(f"kappa = {kappa:4d}: predicted {predicted} steps, measured {measured}")

# %% [markdown]
# The measured number can be a little smaller than the prediction: the prediction assumes the
# worst case, where all the error sits in the slowest eigendirection.
#
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** $f(x, y) = \tfrac12(x^2 + 25y^2)$. Below which learning rate does gradient
# descent converge from every start? *(A number; accepted within 1 %.)*

# %%
def q01_largest_stable_lr():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # The Hessian's eigenvalues are 1 and 25. Along each eigenvector the error is multiplied by
    # 1 - lr*lambda per step, so it shrinks iff |1 - lr*lambda| < 1, i.e. 0 < lr*lambda < 2,
    # for every eigenvalue: lr < 2/lambda_max = 2/25. (2/(1 + 25) is the optimal rate, smaller.)
    return 2 / 25
    ### END SOLUTION


# %%
check("q01_largest_stable_lr", q01_largest_stable_lr)

# %% [markdown]
# **Question 2.** On $f(x, y) = \tfrac12(x^2 + 100y^2)$ from $(1, 1)$, gradient descent with
# $\eta = 0.021$. Which statement is true? *(Return one letter.)*
#
# - **A** It converges: $\eta = 0.021$ is far below $2/\lambda_{\min} = 2$.
# - **B** It diverges: along $y$ the error is multiplied by $1 - 0.021 \cdot 100 = -1.1$ per step.
# - **C** It converges, fast along $x$ and slowly along $y$.
# - **D** It neither converges nor diverges: $y$ oscillates with constant amplitude.

# %%
def q01_which_diverges():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # Along x: 1 - 0.021*1 = 0.979 (slow convergence). Along y: 1 - 0.021*100 = -1.1, and
    # |-1.1| > 1: the y error flips sign and grows by 10 % every step. The steepest direction
    # sets the bound 2/lambda_max = 0.02, which 0.021 exceeds; constant amplitude (D) needs
    # |1 - lr*lambda| = 1 exactly, i.e. lr = 0.02.
    return "B"
    ### END SOLUTION


# %%
check("q01_which_diverges", q01_which_diverges)

# %% [markdown]
# ## Your score

# %%
report()
