# %% [markdown]
# # Exercises 03 — Momentum
#
# These exercises go with [lecture 03](../lectures/03_momentum.ipynb). For each one, write the
# function where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line),
# then run the check cell below it. The check runs your function on many cases and tells you
# what is wrong; it never crashes the notebook. `report()` at the end shows your score.
#
# *(In `solutions/` the answers are filled in; in `exercises/` they are for you to write.)*

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup
from adamlib.grading import check, demo, report

setup()

# %% [markdown]
# ## Exercise 1 — one step of momentum (PyTorch's convention)
#
# Write `momentum_step(x, grad, velocity, lr, momentum)` returning the pair
# `(x_new, velocity_new)` with
#
# $$v_{t+1} = \beta\, v_t + g_t, \qquad x_{t+1} = x_t - \eta\, v_{t+1}$$
#
# ($\beta$ = `momentum`, $\eta$ = `lr`). This is `torch.optim.SGD(momentum=β)` and
# `adamlib.optim.SGD`. Arrays of any shape (also 0-d).
#
# *Rules (as for every step function):* return **new** arrays, leave the inputs unchanged (no
# `x -= ...`, no `velocity *= ...`), and keep the input's dtype (float32 in, float32 out).

# %%
def momentum_step(x, grad, velocity, lr, momentum):
    """Heavy-ball momentum, PyTorch's convention; returns (x_new, velocity_new)."""
    ### BEGIN SOLUTION
    velocity_new = momentum * velocity + grad
    x_new = x - lr * velocity_new
    return x_new, velocity_new
    ### END SOLUTION


# %%
check("momentum_step", momentum_step)

# %% [markdown]
# Your step against gradient descent on the narrow valley of the lecture ($\kappa = 100$), both
# with gradient descent's best learning rate:

# %%
from adamlib.functions import quadratic

valley = quadratic(condition_number=100.0, angle=np.pi / 6)
lr = 2 / (1 + 100)
with demo("momentum_step"):
    x_gd = valley.start.copy()
    x_mom, v = valley.start.copy(), np.zeros(2)
    losses = {"gradient descent": [valley.f(x_gd)],
              "your momentum_step, β = 0.9": [valley.f(x_mom)]}
    for _ in range(200):
        x_gd = x_gd - lr * valley.grad(x_gd)
        x_mom, v = momentum_step(x_mom, valley.grad(x_mom), v, lr=lr, momentum=0.9)
        losses["gradient descent"].append(valley.f(x_gd))
        losses["your momentum_step, β = 0.9"].append(valley.f(x_mom))

    fig, ax = plt.subplots()
    for name, values in losses.items():
        ax.semilogy(values, label=name)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("$f(x_t) - f^*$")
    ax.set_title(f"κ = 100 valley, η = {lr:.4f}")
    ax.legend()
    plt.show()
    print("\n".join(f"{name}: f after 200 steps = {values[-1]:.2e}"
                    for name, values in losses.items()))

# %% [markdown]
# Same learning rate, same cost per step: with momentum the loss after 200 steps is orders of
# magnitude lower (printed above).
#
# ## Exercise 2 — Nesterov's variant
#
# Write `nesterov_step(x, grad, velocity, lr, momentum)` in PyTorch's convention
# (`SGD(nesterov=True)`): the velocity is updated as before, but the step uses the look-ahead
# direction $g_t + \beta v_{t+1}$:
#
# $$v_{t+1} = \beta\, v_t + g_t, \qquad x_{t+1} = x_t - \eta\,(g_t + \beta\, v_{t+1}) .$$
#
# *Rules:* return **new** arrays, leave the inputs unchanged, keep the input's dtype.

# %%
def nesterov_step(x, grad, velocity, lr, momentum):
    """Nesterov momentum, PyTorch's convention; returns (x_new, velocity_new)."""
    ### BEGIN SOLUTION
    velocity_new = momentum * velocity + grad
    x_new = x - lr * (grad + momentum * velocity_new)
    return x_new, velocity_new
    ### END SOLUTION


# %%
check("nesterov_step", nesterov_step)

# %% [markdown]
# ## Exercise 3 — the rate of momentum along one eigenvector
#
# On a quadratic, along an eigenvector with eigenvalue $\lambda$, momentum is the linear
# recursion of the lecture's 2×2 matrix. Its error shrinks per step by the larger modulus of the
# two roots of
#
# $$\sigma^2 - (1 + \beta - \eta\lambda)\,\sigma + \beta = 0 .$$
#
# Write `momentum_rate(lr, momentum, lam)` returning that rate, a real number, for scalar
# inputs. The roots may be complex: `np.sqrt(complex(d))` takes the square root of a negative
# number `d`, and `abs()` gives the modulus of a complex number.

# %%
def momentum_rate(lr, momentum, lam):
    """max |σ| over the roots of σ² - (1 + momentum - lr*lam) σ + momentum = 0."""
    ### BEGIN SOLUTION
    trace = 1 + momentum - lr * lam
    root = np.sqrt(complex(trace**2 - 4 * momentum))
    return max(abs((trace + root) / 2), abs((trace - root) / 2))
    ### END SOLUTION


# %%
check("momentum_rate", momentum_rate)

# %% [markdown]
# Your formula against rates measured from runs of your `momentum_step` on the valley: the
# valley's rate is the larger of the rates of its two eigenvalues, 1 and 100.

# %%
from adamlib.run import measured_rate

lrs = np.geomspace(1e-3, 0.037, 15)
with demo("momentum_rate", "momentum_step"):
    predicted = [max(momentum_rate(lr, 0.9, 1.0), momentum_rate(lr, 0.9, 100.0)) for lr in lrs]
    measured = []
    for lr in lrs:
        x, v = valley.start.copy(), np.zeros(2)
        dist = [np.linalg.norm(x)]
        for _ in range(600):
            x, v = momentum_step(x, valley.grad(x), v, lr=lr, momentum=0.9)
            dist.append(np.linalg.norm(x))
        measured.append(measured_rate(dist))

    fig, ax = plt.subplots()
    ax.plot(lrs, predicted, "-", label="your momentum_rate")
    ax.plot(lrs, measured, "o", label="measured from runs of your momentum_step")
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel(r"rate $\rho$")
    ax.set_title("Momentum β = 0.9 on the κ = 100 valley")
    ax.legend()
    plt.show()
    print("largest |measured - predicted| = "
          f"{np.max(np.abs(np.subtract(measured, predicted))):.1e}")

# %% [markdown]
# ## Exercise 4 — Polyak's optimal parameters
#
# For a quadratic whose eigenvalues lie in $[\lambda_{\min}, \lambda_{\max}]$, the lecture
# derived the learning rate and momentum that minimise the rate. Write
# `optimal_momentum(lambda_min, lambda_max)` returning the pair `(lr, momentum)`:
#
# $$\eta^* = \frac{4}{(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2}, \qquad
#   \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \quad
#   \kappa = \frac{\lambda_{\max}}{\lambda_{\min}} .$$

# %%
def optimal_momentum(lambda_min, lambda_max):
    """Polyak's optimal (lr, momentum) for eigenvalues in [lambda_min, lambda_max]."""
    ### BEGIN SOLUTION
    s_min, s_max = np.sqrt(lambda_min), np.sqrt(lambda_max)
    lr = 4 / (s_max + s_min) ** 2
    momentum = ((s_max - s_min) / (s_max + s_min)) ** 2
    return lr, momentum
    ### END SOLUTION


# %%
check("optimal_momentum", optimal_momentum)

# %% [markdown]
# All your functions together: run your `momentum_step` with your optimal parameters and
# compare the measured rate with your `momentum_rate` and with $(\sqrt\kappa-1)/(\sqrt\kappa+1)$.

# %%
lines = []
with demo("optimal_momentum", "momentum_step", "momentum_rate"):
    for kappa in [10.0, 100.0, 1000.0]:
        q = quadratic(condition_number=kappa)
        lr, beta = optimal_momentum(1.0, kappa)
        x, v = q.start.copy(), np.zeros(2)
        dist = [np.linalg.norm(x)]
        for _ in range(int(100 * np.sqrt(kappa))):
            x, v = momentum_step(x, q.grad(x), v, lr=lr, momentum=beta)
            dist.append(np.linalg.norm(x))
        lines.append(f"κ = {kappa:6.0f}: η* = {lr:.4f}, β* = {beta:.4f}; rate: measured "
                     f"{measured_rate(dist):.4f}, your momentum_rate "
                     f"{max(momentum_rate(lr, beta, 1.0), momentum_rate(lr, beta, kappa)):.4f}, "
                     f"(√κ-1)/(√κ+1) = {(np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1):.4f}")
    print("\n".join(lines))

# %% [markdown]
# The measured rates sit a hair above the formula: at the optimum the two roots coincide and the
# error decays like $t\rho^t$ (lecture 03, section 5).
#
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** Heavy-ball momentum in PyTorch's convention ($v \leftarrow \beta v + g$,
# $x \leftarrow x - \eta v$) with $\beta = 0.9$ on a quadratic whose largest eigenvalue is 100.
# Below which learning rate does it converge? *(A number; accepted within 1 %.)*

# %%
def q03_largest_stable_lr():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Per eigenvalue, momentum is the 2x2 linear recursion with characteristic polynomial
    # s^2 - (1 + beta - lr*lam) s + beta. Both roots lie inside the unit circle iff
    # 0 < lr*lam < 2 + 2*beta (at lr*lam = 2 + 2*beta a root reaches -1). The largest eigenvalue
    # breaks first: lr < (2 + 2*0.9)/100 = 0.038, almost twice gradient descent's 2/100.
    return (2 + 2 * 0.9) / 100
    ### END SOLUTION


# %%
check("q03_largest_stable_lr", q03_largest_stable_lr)

# %% [markdown]
# **Question 2.** Momentum with $\beta = 0.81$, along an eigenvector where the two roots of
# $\sigma^2 - (1 + \beta - \eta\lambda)\sigma + \beta = 0$ are complex. By what factor does the
# error shrink per step (the modulus of the roots)? *(A number; accepted within ±0.001.)*

# %%
def q03_complex_rate():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Complex roots of a real quadratic are conjugate, so they have the same modulus, and their
    # product is the constant term beta: |sigma|^2 = beta, |sigma| = sqrt(0.81) = 0.9, whatever
    # lr*lam is inside the complex region. That is why too much momentum is slow: the rate
    # cannot drop below sqrt(beta).
    return np.sqrt(0.81)
    ### END SOLUTION


# %%
check("q03_complex_rate", q03_complex_rate)

# %% [markdown]
# ## Your score

# %%
report()
