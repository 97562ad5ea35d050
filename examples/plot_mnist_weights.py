"""
===================================================
What the first layer learns from handwritten digits
===================================================

Each hidden unit of the first layer computes ``z = a_in @ w + b`` with one
weight per pixel, so its weight vector ``coefs_[0][:, k]`` can be drawn as an
image of the same size as the input: positive weights (red) where the unit
wants ink, negative (blue) where ink speaks against it. A unit starts from
random weights, and a few epochs move them only so far: with a weak L2
penalty the random start still shows as speckle after 8 epochs. Here
``alpha=1.0`` shrinks every weight a little at each step, so what the
gradients do not keep fades: the speckle goes, and each unit shows a smooth
pattern of strokes and blobs, at some cost in accuracy (the penalty holds
the weights back).

The example uses MNIST (28x28 pixels) when the ``SKMLP_MNIST`` environment
variable names the ``mnist.npz`` file that :func:`skmlp.datasets.load_mnist`
reads, and otherwise falls back to scikit-learn's bundled digits (8x8
pixels), so that it runs anywhere without a download. To keep it under a
minute it trains on 10,000 MNIST images for a few epochs.
"""

# %%
# Loading the data
# ----------------
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skmlp import MLPClassifier
from skmlp.datasets import load_mnist

try:
    X_train, y_train, X_test, y_test = load_mnist(os.environ["SKMLP_MNIST"])
except (KeyError, FileNotFoundError) as exc:
    reason = "SKMLP_MNIST is not set" if isinstance(exc, KeyError) else str(exc)
    print(f"MNIST is not at hand ({reason}); using scikit-learn's 8x8 digits.")
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=0
    )
    dataset, side, max_iter = "scikit-learn digits (8x8)", 8, 100
else:
    print("Using MNIST from SKMLP_MNIST.")
    X_train, y_train = X_train[:10_000], y_train[:10_000]
    dataset, side, max_iter = "MNIST (28x28), 10,000 training images", 28, 8
print(f"{dataset}: {X_train.shape[0]} training and {X_test.shape[0]} test images")

# %%
# Training
# --------
# The derivation's network: sigmoid hidden units and one sigmoid output per
# digit. A few epochs of Adam with a strong L2 penalty give smooth weight
# images; the training is cut short on purpose, hence the ignored
# ConvergenceWarning.
clf = MLPClassifier(
    hidden_layer_sizes=(32,),
    learning_rate_init=0.01,
    alpha=1.0,
    max_iter=max_iter,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train)
print(f"test accuracy after {clf.n_iter_} epochs: {clf.score(X_test, y_test):.3f}")

# %%
# The weights of the 32 hidden units
# ----------------------------------
# Each panel has its own colour scale, symmetric around zero, so that units
# with small weights show their pattern too.
W = clf.coefs_[0]  # (n_pixels, 32)
fig, axes = plt.subplots(4, 8, figsize=(10, 5.4))
for k, ax in enumerate(axes.ravel()):
    vmax = np.abs(W[:, k]).max()
    ax.imshow(W[:, k].reshape(side, side), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"First-layer weights, one image per hidden unit: {dataset}")
fig.tight_layout()
plt.show()
