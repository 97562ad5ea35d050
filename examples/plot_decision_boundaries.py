"""
==================================================
Decision boundaries of the four hidden activations
==================================================

The same network, two inputs, one hidden layer of 16 units, one sigmoid
output, trained on two interleaved half-moons with each of the hidden
activations that :class:`skmlp.MLPClassifier` offers, with a moderate L2
penalty. The pale background is the predicted probability of the red class
(the black line is 0.5); the points are drawn in stronger colours with white
edges, circles for training points, triangles for test points.

``"identity"`` makes the whole network linear in its input, so its boundary
is a straight line however many hidden units it has; the sigmoid
(``"logistic"``, skmlp's default), ``"tanh"`` and ``"relu"`` bend it, the
ReLU network in straight pieces.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from skmlp import MLPClassifier

X, y = make_moons(n_samples=400, noise=0.25, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

activations = ["identity", "logistic", "tanh", "relu"]
fig, axes = plt.subplots(1, 4, figsize=(16, 4.3), sharex=True, sharey=True)
for ax, activation in zip(axes, activations):
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver="lbfgs",
        alpha=0.1,
        max_iter=1000,
        random_state=0,
    ).fit(X_train, y_train)
    # The background in pale tones, so that the points stand out on it.
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict_proba", cmap="RdBu_r", alpha=0.35, vmin=0, vmax=1, ax=ax
    )
    DecisionBoundaryDisplay.from_estimator(
        clf,
        X,
        response_method="predict_proba",
        plot_method="contour",
        levels=[0.5],
        colors="k",
        linewidths=1,
        ax=ax,
    )
    for rows, labels, marker in ((X_train, y_train, "o"), (X_test, y_test, "^")):
        ax.scatter(
            rows[:, 0],
            rows[:, 1],
            c=np.where(labels == 1, "#b2182b", "#2166ac"),  # dark red / dark blue
            edgecolor="white",
            linewidth=0.7,
            s=30,
            marker=marker,
        )
    accuracy = clf.score(X_test, y_test)
    ax.set_title(f'activation="{activation}"\ntest accuracy {accuracy:.2f}')
    print(f"{activation:>8}: test accuracy {accuracy:.3f} after {clf.n_iter_} L-BFGS iterations")
axes[0].set_ylabel("feature 2")
for ax in axes:
    ax.set_xlabel("feature 1")
fig.tight_layout()
plt.show()
