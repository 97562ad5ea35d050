"""
============================
Dropout against over-fitting
============================

A network with many hidden units trained on few rows can learn its training
set by heart, wrong labels included. ``dropout`` switches off each hidden
unit at random in every training step (and scales up the others), so that
the network cannot lean on any particular unit; predictions then use the
whole network.

Here the default sigmoid network, widened to 256 hidden units, learns a
3-class problem from 300 rows, 15% of whose labels are flipped at random.
Every 10 epochs we record the loss that the training steps see
(``loss_curve_``: with dropout, the loss of the masked networks) and the
log-loss and accuracy of the whole network on 1,200 held-out rows. Without
dropout the training loss keeps falling while the held-out loss turns back
up after about 30 epochs: the network fits the flipped labels. With
``dropout=0.5`` the training loss falls more slowly and the held-out loss
levels off instead. The held-out accuracy, on data this noisy, moves much
less than the loss: dropout here mostly keeps the predicted probabilities
from becoming over-confident. The benchmarks page
(:ref:`benchmarks-dropout`) measures the accuracy over several data sets
and seeds, next to scikit-learn's MLP with a tuned ``alpha``.
"""

# %%
# Data: few, noisy training rows
# ------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

X, y = make_classification(
    1500, 40, n_informative=10, n_redundant=5, n_classes=3, flip_y=0.15, class_sep=0.8,
    random_state=0,
)  # fmt: skip
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=300, stratify=y, random_state=0
)

# %%
# Ten epochs at a time
# --------------------
# With ``warm_start=True`` each ``fit`` continues the previous one (weights,
# optimizer and the stream of dropout masks), so 12 fits of 10 epochs train
# as one fit of 120 epochs would, and the held-out loss can be recorded in
# between.
chunks, epochs_per_chunk = 12, 10
warnings.simplefilter("ignore", ConvergenceWarning)  # each fit stops after its 10 epochs
curves = {}
for rate in (0.0, 0.5):
    clf = MLPClassifier(
        hidden_layer_sizes=(256,), dropout=rate, max_iter=epochs_per_chunk, warm_start=True,
        random_state=0,
    )  # fmt: skip
    held_out_loss, held_out_accuracy = [], []
    for _ in range(chunks):
        clf.fit(X_train, y_train)
        held_out_loss.append(log_loss(y_test, clf.predict_proba(X_test)))
        held_out_accuracy.append(clf.score(X_test, y_test))
    curves[rate] = (clf.loss_curve_, held_out_loss, held_out_accuracy)
    print(
        f"dropout={rate}: training accuracy {clf.score(X_train, y_train):.3f}, "
        f"held-out accuracy {held_out_accuracy[-1]:.3f}, held-out log-loss "
        f"{held_out_loss[-1]:.3f} (lowest {min(held_out_loss):.3f})"
    )

# %%
# The curves
# ----------
epochs = epochs_per_chunk * np.arange(1, chunks + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for rate, (train_loss, test_loss, test_acc) in curves.items():
    (line,) = left.plot(
        np.arange(1, len(train_loss) + 1), train_loss, linestyle="--",
        label=f"training steps, dropout={rate}",
    )  # fmt: skip
    left.plot(epochs, test_loss, "o-", color=line.get_color(), label=f"held out, dropout={rate}")
    right.plot(epochs, test_acc, "o-", color=line.get_color(), label=f"dropout={rate}")
left.set(xlabel="epoch", ylabel="log-loss", title="Loss")
left.legend(fontsize=8)
right.set(xlabel="epoch", ylabel="accuracy", title="Held-out accuracy")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
