"""
===================================================
skmlp and scikit-learn's MLPClassifier side by side
===================================================

skmlp's :class:`~skmlp.MLPClassifier` takes scikit-learn's parameters, so the
same settings can be given to both. This example trains three models on the
8x8 digits, each with Adam for the same number of epochs and the same seed,
and compares their test accuracy and fit time. Each keeps its library's
default learning rate: scikit-learn's 0.001, which skmlp's ``"auto"`` also
picks for the relu network, and 0.01 for the sigmoid network (``"auto"`` on
a data set of 7 minibatches per epoch):

* scikit-learn's ``MLPClassifier`` with ReLU hidden units and a softmax
  output (its defaults);
* skmlp with the same ReLU hidden units and ``output_activation="softmax"``:
  the same model and loss, so the accuracies should be close (the weights
  start from different random draws);
* skmlp with its defaults: the derivation's network, sigmoid hidden units
  and one sigmoid output per class.

The times are from the machine that built these pages and only indicative:
they vary from run to run and between machines. Each model is first fitted
once, untimed, as a warm-up: the first fit in a process loads skmlp's
compiled kernels (with the ``fast`` extra) and warms numpy's and BLAS's
caches, which a one-off timing would charge to whichever model runs first.
Each fit is then timed three times and the fastest is kept. For a careful
comparison on MNIST, see :doc:`/benchmarks`.
"""

# %%
# Training the three models
# -------------------------
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP

from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

common = dict(hidden_layer_sizes=(64,), max_iter=60)
common["random_state"] = 0
models = {
    "scikit-learn\n(relu, softmax)": SklearnMLP(activation="relu", **common),
    "skmlp\n(relu, softmax)": MLPClassifier(
        activation="relu", output_activation="softmax", **common
    ),
    "skmlp defaults\n(sigmoid, sigmoid per class)": MLPClassifier(**common),
}


def fit_seconds(model):
    """Fit ``model``; return the wall-clock seconds the fit took."""
    start = time.perf_counter()
    with warnings.catch_warnings():  # 60 epochs is a fixed budget here
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return time.perf_counter() - start


for model in models.values():  # warm-up, not timed
    fit_seconds(model)

names, accuracies, seconds = [], [], []
print(f"{'model':40} {'epochs':>6} {'rate':>6} {'accuracy':>8} {'fit (s)':>8}")
for name, model in models.items():
    # The same seed gives the same fit each time: keep the fastest of three.
    elapsed = min(fit_seconds(model) for _ in range(3))
    accuracy = model.score(X_test, y_test)
    names.append(name)
    accuracies.append(accuracy)
    seconds.append(elapsed)
    label = name.replace("\n", " ").replace("per class", "/class")
    rate = getattr(model, "learning_rate_init_", model.learning_rate_init)
    print(f"{label:40} {model.n_iter_:6d} {rate:6.3f} {accuracy:8.3f} {elapsed:8.2f}")

# %%
# Accuracy and fit time
# ---------------------
fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(11, 4))
colors = ["tab:grey", "tab:blue", "tab:orange"]
ax_acc.bar(names, accuracies, color=colors)
ax_acc.set_ylim(0, 1.08)  # from 0: bar heights compare as the accuracies do
ax_acc.set_ylabel("test accuracy")
for i, accuracy in enumerate(accuracies):
    ax_acc.text(i, accuracy + 0.01, f"{accuracy:.3f}", ha="center")
ax_time.bar(names, seconds, color=colors)
ax_time.set_ylabel("fit time (s), best of 3 after a warm-up")
ax_time.set_ylim(0, 1.15 * max(seconds))
for i, s in enumerate(seconds):
    ax_time.text(i, s, f"{s:.2f}", ha="center", va="bottom")
for ax in (ax_acc, ax_time):
    ax.tick_params(axis="x", labelsize=8)
fig.suptitle("Digits, 64 hidden units, Adam for 60 epochs")
fig.tight_layout()
plt.show()
