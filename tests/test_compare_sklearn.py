"""Side by side with scikit-learn's MLPClassifier: the same arguments reach the
same test accuracy (within two points) on three small data sets, per solver.

skmlp is given ``output_activation="softmax"`` and the hidden activation is
set explicitly, so both estimators train the same network; only their
implementations differ.
"""

from __future__ import annotations

import warnings

import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

LOADERS = {"digits": load_digits, "iris": load_iris, "breast_cancer": load_breast_cancer}

SOLVERS = {
    "lbfgs": dict(solver="lbfgs", max_iter=300),
    "sgd": dict(solver="sgd", learning_rate_init=0.01, max_iter=300),
    "adam": dict(solver="adam", learning_rate_init=0.001, max_iter=300),
}


@pytest.fixture(scope="module", params=list(LOADERS))
def split(request):
    X, y = LOADERS[request.param](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_same_test_accuracy_as_sklearn(split, solver):
    X_train, X_test, y_train, y_test = split
    kwargs = dict(hidden_layer_sizes=(32,), activation="relu", random_state=0, **SOLVERS[solver])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SkMLPClassifier(**kwargs).fit(X_train, y_train)
        ours = MLPClassifier(output_activation="softmax", **kwargs).fit(X_train, y_train)
    sk_accuracy = theirs.score(X_test, y_test)
    our_accuracy = ours.score(X_test, y_test)
    assert our_accuracy >= 0.9  # both learned something, not both failed alike
    assert abs(our_accuracy - sk_accuracy) <= 0.02, (our_accuracy, sk_accuracy)
