"""Typed use of skmlp's public API, checked by ``mypy --strict`` (tests/test_typing.py).

Nothing here runs under pytest: the file only has to type-check, and the
``reveal_type``-free assignments below fail the check if an annotation of
``MLPClassifier`` turns into ``Any`` or into the wrong type.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

import skmlp
from skmlp import MLPClassifier

X = np.zeros((6, 2))
y = np.array([0, 1, 2, 0, 1, 2])

clf: MLPClassifier = MLPClassifier(
    hidden_layer_sizes=(4,),
    activation="relu",
    output_activation="softmax",
    solver="sgd",
    batch_size="auto",
    learning_rate_init="auto",
    class_weight="balanced",
    verbose="progress",
    random_state=np.random.RandomState(0),
    max_iter=2,
)
fitted: MLPClassifier = clf.fit(X, y, sample_weight=np.ones(6))
again: MLPClassifier = clf.partial_fit(X, y, classes=[0, 1, 2]).reset_optimizer()
labels: NDArray[np.generic] = clf.predict([[0.0, 1.0]])
proba: NDArray[np.generic] = clf.predict_proba(X)
log_proba: NDArray[np.generic] = clf.predict_log_proba(X)
logits: NDArray[np.generic] = clf.decision_function(X)
weights: list[NDArray[np.generic]] = clf.coefs_
curve: list[float] = clf.loss_curve_
rate: float = clf.learning_rate_init_
epochs: int = clf.n_iter_
backend: str = skmlp.kernel_backend()
