"""
=====================================
Dropout against over-fitting
=====================================

A network with many hidden units trained on few rows can learn its training
set by heart. ``dropout`` switches off each hidden unit at random in every
training step (and scales up the others), so that the network cannot lean on
any particular unit; predictions then use the whole network.

Here a 256-unit network learns the 8x8 digits from 150 training rows. For a
few dropout rates we record, after every epoch, the training loss that the
steps see (``loss_curve_``: the loss of the masked networks) and the loss and
accuracy of the whole network on held-out rows. Without dropout the training
loss falls towards zero and the held-out loss turns back up: the network
over-fits. With dropout the training loss stays higher, since the masked
networks are harder to fit, and the held-out loss stays lower for longer.
How much it helps depends on the data: the benchmarks page
(:ref:`benchmarks-dropout`) compares it with a tuned weight decay.
"""

# %%
# Data: few training rows, many held out
# --------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=150, stratify=y, random_state=0
)

# %%
# One epoch at a time
# -------------------
# ``partial_fit`` runs one epoch per call and keeps the optimizer's state, so
# the held-out curves can be recorded after each epoch; the masks continue
# from call to call as in one ``fit``.
rates = [0.0, 0.3, 0.6]
epochs = 120
curves = {}
for rate in rates:
    clf = MLPClassifier(hidden_layer_sizes=(256,), dropout=rate, random_state=0)
    held_out_loss, held_out_accuracy = [], []
    for _ in range(epochs):
        clf.partial_fit(X_train, y_train, classes=np.unique(y))
        held_out_loss.append(log_loss(y_test, clf.predict_proba(X_test)))
        held_out_accuracy.append(clf.score(X_test, y_test))
    curves[rate] = (clf.loss_curve_, held_out_loss, held_out_accuracy)
    print(
        f"dropout={rate}: training accuracy {clf.score(X_train, y_train):.3f}, "
        f"held-out accuracy {held_out_accuracy[-1]:.3f}, "
        f"held-out log-loss {held_out_loss[-1]:.3f} (lowest {min(held_out_loss):.3f})"
    )

# %%
# The curves
# ----------
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for rate, (train_loss, test_loss, test_acc) in curves.items():
    (line,) = left.plot(train_loss, linestyle="--", label=f"training (masked), p={rate}")
    left.plot(test_loss, color=line.get_color(), label=f"held out, p={rate}")
    right.plot(test_acc, color=line.get_color(), label=f"p={rate}")
left.set(xlabel="epoch", ylabel="log-loss", yscale="log", title="Loss")
left.legend(fontsize=7)
right.set(xlabel="epoch", ylabel="accuracy", title="Held-out accuracy", ylim=(0.6, 1.0))
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
