"""
=====================================================
Tuning a scaled MLP with a pipeline and a grid search
=====================================================

:class:`skmlp.MLPClassifier` is a scikit-learn estimator, so it goes into a
``Pipeline`` after a ``StandardScaler`` and is tuned by ``GridSearchCV`` like
any other: the scaler is fitted on the training folds only, and the grid
addresses the classifier's parameters as ``mlp__<name>``.

The grid crosses the width of the hidden layer with the strength of the L2
penalty ``alpha`` on the 8x8 digits.
"""

# %%
# The pipeline and the search
# ---------------------------
# Each candidate gets 30 epochs of Adam, a fixed budget (hence the ignored
# ConvergenceWarning) that keeps the 27 fits of the search to a few seconds.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("mlp", MLPClassifier(learning_rate_init=0.01, max_iter=30, random_state=0)),
    ]
)
param_grid = {
    "mlp__hidden_layer_sizes": [(8,), (32,), (128,)],
    "mlp__alpha": [1e-4, 1e-1, 1e1],
}
search = GridSearchCV(pipe, param_grid, cv=3, n_jobs=1)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy of the refitted best pipeline: {search.score(X_test, y_test):.3f}")

# %%
# The grid as a heat map
# ----------------------
# Mean accuracy over the three validation folds for each pair of values.
sizes = [s[0] for s in param_grid["mlp__hidden_layer_sizes"]]
alphas = param_grid["mlp__alpha"]
scores = np.empty((len(sizes), len(alphas)))
for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
    i = sizes.index(params["mlp__hidden_layer_sizes"][0])
    j = alphas.index(params["mlp__alpha"])
    scores[i, j] = score

fig, ax = plt.subplots(figsize=(5.5, 4.5))
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1.0)
for i in range(len(sizes)):
    for j in range(len(alphas)):
        ax.text(j, i, f"{scores[i, j]:.3f}", ha="center", va="center", color="w")
ax.set_xticks(range(len(alphas)), [f"{a:g}" for a in alphas])
ax.set_yticks(range(len(sizes)), [str(s) for s in sizes])
ax.set_xlabel("alpha (L2 penalty)")
ax.set_ylabel("hidden units")
ax.set_title("Cross-validated accuracy")
fig.colorbar(image, ax=ax)
fig.tight_layout()
plt.show()
