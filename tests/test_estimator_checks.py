"""scikit-learn's estimator checks, over the main configurations of MLPClassifier."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmlp import MLPClassifier

CONFIGURATIONS = [
    MLPClassifier(max_iter=100),
    MLPClassifier(max_iter=100, output_activation="softmax"),
    MLPClassifier(max_iter=100, solver="sgd"),
    MLPClassifier(max_iter=100, hidden_layer_sizes=(10, 10), activation="tanh"),
    MLPClassifier(max_iter=100, solver="lbfgs"),
    # The hold-out split groups identical rows, so even sample-weight
    # equivalence (weight k == k copies) holds with early stopping. The
    # class-weight check trains on 50 rows: 0.1 of them (5 rows) would make
    # the choice of the best epoch a coin toss.
    MLPClassifier(max_iter=100, early_stopping=True, validation_fraction=0.3),
]


def _with_listed_checks(mark):
    """The same parametrize mark, its (estimator, check) pairs as a list.

    scikit-learn < 1.7 hands pytest a generator, which pytest >= 8.4 deprecates
    (an error under this project's warnings filter).
    """
    names, pairs = mark.args
    return pytest.mark.parametrize(names, list(pairs), **mark.kwargs)


@_with_listed_checks(parametrize_with_checks(CONFIGURATIONS))
def test_sklearn_compatible(estimator, check):
    check(estimator)
