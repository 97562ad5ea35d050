"""What mypy must reject (tests/test_typing.py): each line is a wrong use of the API."""

from __future__ import annotations

import numpy as np

from skmlp import MLPClassifier

X = np.zeros((6, 2))
MLPClassifier(activation="sigmoid")  # not one of the activations
MLPClassifier(solver="rmsprop")  # not a solver
MLPClassifier(max_iter="200")  # a string where an int goes
MLPClassifier((100,), "relu", "softmax")  # output_activation is keyword-only
wrong: str = MLPClassifier().fit(X, X[:, 0]).n_iter_  # an int
