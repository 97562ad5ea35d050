"""
================================================
Training and validation loss with early stopping
================================================

With ``early_stopping=True``, :class:`skmlp.MLPClassifier` holds out part of
the training data, records the loss on it after every epoch in
``validation_loss_curve_`` (on the same scale as the training loss in
``loss_curve_``), stops once the validation score stalls, and keeps the
weights of the best epoch.

Here the network is large for the data and barely regularised, so the two
curves part: the training loss keeps falling, while the validation loss falls
with it at first and then levels off (near 0.3 in the figure below), wobbling
from one epoch to the next. Past that point more epochs fit the training
rows better without helping new ones. Early stopping with ``scoring="loss"``
stops once ``n_iter_no_change`` epochs bring no new low and keeps the weights
of the lowest validation loss. On a curve this flat, which wobble is lowest
is partly chance: the dashed line marks a good epoch, not a sharp optimum.
"""

# %%
# Data and model
# --------------
# The 8x8 digits bundled with scikit-learn, pixels scaled to [0, 1], with a
# test set kept aside for the final accuracy.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)

clf = MLPClassifier(
    hidden_layer_sizes=(256,),
    alpha=1e-6,
    learning_rate_init=0.01,
    max_iter=300,
    early_stopping=True,
    validation_fraction=0.2,
    scoring="loss",  # stop on the validation loss, not the accuracy
    n_iter_no_change=15,
    random_state=0,
)
clf.fit(X_train, y_train)
best_epoch = int(np.argmax(clf.validation_scores_)) + 1
print(f"stopped after {clf.n_iter_} epochs; best validation loss at epoch {best_epoch}")
print(f"test accuracy with the best epoch's weights: {clf.score(X_test, y_test):.3f}")

# %%
# The curves
# ----------
# ``validation_scores_`` holds the score that early stopping watches: with
# ``scoring="loss"`` it is minus the validation loss.
epochs = np.arange(1, clf.n_iter_ + 1)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(epochs, clf.loss_curve_, label="training loss (loss_curve_)")
ax.plot(epochs, clf.validation_loss_curve_, label="validation loss (validation_loss_curve_)")
ax.axvline(best_epoch, color="grey", linestyle="--", label=f"best epoch ({best_epoch})")
ax.set_xlabel("epoch")
ax.set_ylabel("mean cross-entropy summed over the 10 outputs")
ax.set_yscale("log")
ax.set_title("Early stopping keeps the weights of the best validation epoch")
ax.legend()
fig.tight_layout()
plt.show()
