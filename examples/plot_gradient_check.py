r"""
=======================================================
Checking skmlp's gradients against finite differences
=======================================================

Every gradient that skmlp trains with comes from the closed forms of
:doc:`/derivation`: ``dW = A.T @ delta``, ``db = delta.sum(axis=0)`` and
``delta_h = (delta @ W.T) * phi'(A)``. A central finite difference,

.. math::

    \frac{\partial J}{\partial w} \approx \frac{J(w + h) - J(w - h)}{2h},

estimates the same numbers from the loss alone, with an error of order
:math:`h^2`. Here both are computed for every weight and bias of a small
two-hidden-layer network, for each hidden activation and both output
layers, with the L2 penalty and sample weights switched on.

.. note::

   This example calls ``skmlp._backprop.loss_and_gradients``, a private
   function (see :doc:`/internals`): fine for a check like this one, but not
   an API to build on.
"""

# %%
# The network and the check
# -------------------------
import matplotlib.pyplot as plt
import numpy as np

from skmlp._backprop import loss_and_gradients

rng = np.random.default_rng(0)
n, units = 20, [5, 6, 4, 3]  # 5 inputs, hidden layers of 6 and 4, 3 outputs
X = rng.normal(size=(n, units[0]))
Y = np.eye(units[-1])[rng.integers(0, units[-1], size=n)]  # one-hot targets
sample_weight = rng.uniform(0.5, 2.0, size=n)
alpha = 0.1


def initial_parameters():
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(units[:-1], units[1:])]
    intercepts = [rng.normal(scale=0.5, size=b) for b in units[1:]]
    return coefs, intercepts


def finite_differences(coefs, intercepts, activation, output, h=1e-6):
    """Central differences of J for every parameter, in the order coefs + intercepts."""

    def J(cs, bs):
        return loss_and_gradients(X, Y, cs, bs, activation, output, alpha, sample_weight)[0]

    estimates = []
    for params in coefs + intercepts:
        estimate = np.empty_like(params)
        for index in np.ndindex(params.shape):
            saved = params[index]
            params[index] = saved + h
            J_plus = J(coefs, intercepts)
            params[index] = saved - h
            J_minus = J(coefs, intercepts)
            params[index] = saved
            estimate[index] = (J_plus - J_minus) / (2 * h)
        estimates.append(estimate)
    return estimates


results = {}
print("output    hidden     parameters   largest |backprop - finite difference|")
for output in ["logistic", "softmax"]:
    for activation in ["identity", "logistic", "tanh", "relu"]:
        coefs, intercepts = initial_parameters()
        _, dW, db = loss_and_gradients(
            X, Y, coefs, intercepts, activation, output, alpha, sample_weight
        )
        analytic = np.concatenate([g.ravel() for g in dW + db])
        numeric = np.concatenate(
            [g.ravel() for g in finite_differences(coefs, intercepts, activation, output)]
        )
        error = np.abs(analytic - numeric).max()
        results[output, activation] = (analytic, numeric)
        print(f"{output:9} {activation:10} {analytic.size:10d}   {error:.1e}")
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)

# %%
# Every point on the diagonal
# ---------------------------
# Each dot is one parameter: its gradient from backpropagation against its
# finite-difference estimate. The right panel shows how far apart they are:
# about :math:`10^{-10}`, the rounding error of a difference quotient with
# :math:`h = 10^{-6}` (machine epsilon times :math:`J / h`), far below the
# gradients themselves.
fig, (ax_scatter, ax_error) = plt.subplots(1, 2, figsize=(11, 4.5))
for (output, activation), (analytic, numeric) in results.items():
    marker = "o" if output == "logistic" else "x"
    label = f"{output} out, {activation}"
    ax_scatter.scatter(numeric, analytic, s=12, marker=marker, label=label)
    ax_error.hist(
        np.log10(np.abs(analytic - numeric) + 1e-18), bins=30, histtype="step", label=label
    )
lim = max(abs(a).max() for a, _ in results.values()) * 1.05
ax_scatter.plot([-lim, lim], [-lim, lim], color="grey", linewidth=0.8)
ax_scatter.set_xlabel("central finite difference")
ax_scatter.set_ylabel("skmlp (backpropagation)")
ax_scatter.set_title("Gradient of every parameter")
ax_error.set_xlabel("log10 |backprop - finite difference|")
ax_error.set_ylabel("number of parameters")
ax_error.set_title("Disagreement")
ax_error.legend(fontsize=7)
fig.tight_layout()
plt.show()
