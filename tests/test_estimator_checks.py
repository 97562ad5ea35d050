"""scikit-learn's estimator checks, over the main configurations of MLPClassifier."""

import pytest
from sklearn.utils import estimator_checks
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
    # class-weight check's weighted accuracies differ by 1e-8 between epochs:
    # scores within tol tie, and the validation loss picks the epoch.
    MLPClassifier(max_iter=100, early_stopping=True),
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


# scikit-learn's checks give every estimator random_state=0 (set_random_state), so
# the suite above sees one seed. A check can pass on seed 0 by luck: with early
# stopping, check_class_weight_classifiers failed for 7 seeds in 8 (4 in 20 with
# validation_fraction=0.3) before validation scores within tol tied. The same
# checks run again here on other seeds; "lbfgs" (34 s of checks per seed, its seed
# only draws the initial weights) runs its training-quality check only.
MORE_SEEDS = [2, 4]


def _checks_for_more_seeds():
    _, pairs = parametrize_with_checks(CONFIGURATIONS).args
    for seed in MORE_SEEDS:
        for estimator, check in pairs:
            name = getattr(check, "func", check).__name__
            if "array_api" in name:  # equal results across namespaces: not seed-bound
                continue
            if estimator.solver == "lbfgs" and name != "check_class_weight_classifiers":
                continue
            yield pytest.param(estimator, check, seed, id=f"{estimator!r}-{name}-seed{seed}")


@pytest.mark.parametrize("estimator, check, seed", list(_checks_for_more_seeds()))
def test_sklearn_compatible_on_more_seeds(estimator, check, seed, monkeypatch):
    set_random_state = estimator_checks.set_random_state  # what the checks call

    def seeded(estimator, random_state=0):
        set_random_state(estimator, random_state=seed)

    monkeypatch.setattr(estimator_checks, "set_random_state", seeded)
    check(estimator)
