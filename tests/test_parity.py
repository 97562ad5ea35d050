"""Feature parity with scikit-learn's MLPClassifier, and skmlp's additions.

Every test is seeded and exact where the behaviour is deterministic: weights
are compared with ``assert_array_equal`` where two runs must do the same
arithmetic, and with a tolerance only where a value is recomputed by a
different route (a written formula, a metric on the predictions).
"""

from __future__ import annotations

import math
import numbers
import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_iris,
    make_blobs,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skmlp import MLPClassifier
from skmlp._optimizers import AdamOptimizer, SGDOptimizer

# Short fits hit max_iter on purpose; tests that are about the warning use
# pytest.warns, which records warnings whatever this filter says.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

NEVER_STALL = 10_000  # n_iter_no_change that no test reaches


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def imbalanced():
    """Three classes of 50, 30 and 12 samples."""
    X, y = load_iris(return_X_y=True)
    keep = np.r_[0:50, 50:80, 100:112]
    return StandardScaler().fit_transform(X[keep]), y[keep]


def params_of(clf):
    return clf.coefs_ + clf.intercepts_


def assert_same_weights(a, b):
    assert len(params_of(a)) == len(params_of(b))
    for p, q in zip(params_of(a), params_of(b)):
        assert_array_equal(p, q)


def weights_differ(a, b) -> bool:
    return any(not np.array_equal(p, q) for p, q in zip(params_of(a), params_of(b)))


# --------------------------------------------------------------------- lbfgs
def test_lbfgs_trains(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=500, random_state=0)
    clf.fit(X, y)
    assert clf.score(X, y) >= 0.95
    assert 1 <= clf.n_iter_ <= 500
    # skmlp also records the loss per L-BFGS iteration (scikit-learn does not).
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_)


def test_lbfgs_respects_max_iter(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf.fit(X, y)
    assert clf.n_iter_ <= 3


def test_lbfgs_respects_max_fun(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(10,), solver="lbfgs", max_iter=500, max_fun=5, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="max_fun"):
        clf.fit(X, y)
    assert clf.n_iter_ <= 5  # each iteration evaluates the loss at least once


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_float32_input_gives_float32_model(iris, solver):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(6,), solver=solver, max_iter=20, random_state=0)
    clf.fit(X.astype(np.float32), y)
    assert all(p.dtype == np.float32 for p in params_of(clf))
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_partial_fit_only_for_stochastic_solvers(solver):
    stochastic = solver != "lbfgs"
    assert hasattr(MLPClassifier(solver=solver), "partial_fit") is stochastic
    # the same as scikit-learn, which hides it with available_if as well
    assert hasattr(SkMLPClassifier(solver=solver), "partial_fit") is stochastic


# ----------------------------------------------------------------- schedules
def sgd(**kwargs):
    base = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=0.05,
        batch_size=40,
        shuffle=False,
        random_state=0,
        n_iter_no_change=NEVER_STALL,
    )
    return MLPClassifier(**{**base, **kwargs})


def test_invscaling_after_each_epoch(iris):
    X, y = iris
    clf = sgd(learning_rate="invscaling", power_t=0.4, max_iter=7).fit(X, y)
    assert clf.n_iter_ == 7
    assert clf.t_ == 7 * X.shape[0]
    assert clf._optimizer.learning_rate == pytest.approx(0.05 / (clf.t_ + 1) ** 0.4, rel=1e-12)


def test_invscaling_updated_on_the_epoch_that_stops(iris):
    # scikit-learn updates the rate at the end of every epoch, the one that
    # stops training included; a warm-start continuation starts from it.
    X, y = iris
    clf = sgd(learning_rate="invscaling", max_iter=50, tol=1e6, n_iter_no_change=1)
    clf.fit(X, y)
    assert clf.n_iter_ == 3  # every epoch after the first is a stall
    expected = 0.05 / (clf.t_ + 1) ** 0.5
    assert clf._optimizer.learning_rate == pytest.approx(expected, rel=1e-12)


def test_invscaling_partial_fit_matches_fit(iris):
    # Three partial_fit calls on the whole data, unshuffled, are three epochs:
    # the schedule must decay between them as it does within one fit.
    X, y = iris
    clf = sgd(learning_rate="invscaling")
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.t_ == 3 * X.shape[0]
    expected = 0.05 / (clf.t_ + 1) ** 0.5
    assert clf._optimizer.learning_rate == pytest.approx(expected, rel=1e-12)
    assert_same_weights(clf, sgd(learning_rate="invscaling", max_iter=3).fit(X, y))


def test_constant_keeps_learning_rate(iris):
    X, y = iris
    clf = sgd(learning_rate="constant", max_iter=50, tol=1e6, n_iter_no_change=1).fit(X, y)
    assert clf.n_iter_ == 3  # stopped by the stall, not by max_iter
    assert clf._optimizer.learning_rate == 0.05


def adaptive(max_iter):
    # tol=1e6: every epoch after the first counts as a stall, so with
    # n_iter_no_change=1 the stall counter passes 1 at epochs 3, 5, 7, ...
    return sgd(
        learning_rate="adaptive",
        learning_rate_init=0.01,
        tol=1e6,
        n_iter_no_change=1,
        max_iter=max_iter,
    )


def test_adaptive_divides_by_five_per_stall(iris):
    X, y = iris
    # The rate after each epoch, one warm-started epoch at a time.
    clf = adaptive(max_iter=1).fit(X, y)
    rates = [clf._optimizer.learning_rate]
    clf.set_params(warm_start=True)
    for _ in range(7):
        clf.fit(X, y)
        rates.append(clf._optimizer.learning_rate)
    expected = [0.01 / 5 ** ((epoch - 1) // 2) for epoch in range(1, 9)]
    assert_allclose(rates, expected, rtol=1e-12)
    # The same eight epochs in one fit: it continues past each division.
    one_go = adaptive(max_iter=8)
    with pytest.warns(ConvergenceWarning):
        one_go.fit(X, y)
    assert one_go.n_iter_ == 8
    assert one_go._optimizer.learning_rate == pytest.approx(0.01 / 125, rel=1e-12)
    assert_same_weights(one_go, clf)


def test_adaptive_stops_once_rate_is_tiny(iris):
    X, y = iris
    clf = adaptive(max_iter=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopped, not limited
        clf.fit(X, y)
    # 0.01 / 5**6 = 6.4e-7 <= 1e-6: the seventh stall (epoch 15) stops.
    assert clf.n_iter_ == 15
    assert clf._optimizer.learning_rate == pytest.approx(0.01 / 5**6, rel=1e-12)
    # scikit-learn follows the same rule to the same epoch.
    sk = SkMLPClassifier(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.01,
        batch_size=40,
        shuffle=False,
        random_state=0,
        tol=1e6,
        n_iter_no_change=1,
        max_iter=100,
    ).fit(X, y)
    assert sk.n_iter_ == clf.n_iter_
    assert sk._optimizer.learning_rate == pytest.approx(clf._optimizer.learning_rate)


def hand_made():
    rng = np.random.RandomState(42)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    grads = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(3)]
    return params, grads


def test_adam_update_matches_formula():
    params, grads = hand_made()
    lr, b1, b2, eps = 0.01, 0.8, 0.99, 1e-7
    opt = AdamOptimizer([p.copy() for p in params], lr, b1, b2, eps)
    got = [p.copy() for p in params]
    for g in grads:
        opt.update(got, g)

    expected = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, g in enumerate(grads, start=1):
        lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        for i in range(len(params)):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            expected[i] = expected[i] - lr_t * m[i] / (np.sqrt(v[i]) + eps)
    for a, b in zip(got, expected):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert opt.t == len(grads)


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_momentum_update_matches_formula(nesterov):
    params, grads = hand_made()
    lr, mu = 0.1, 0.7
    opt = SGDOptimizer([p.copy() for p in params], lr, "constant", mu, nesterov)
    got = [p.copy() for p in params]
    for g in grads:
        opt.update(got, g)

    expected = [p.copy() for p in params]
    vel = [np.zeros_like(p) for p in params]
    for g in grads:
        for i in range(len(params)):
            vel[i] = mu * vel[i] - lr * g[i]
            if nesterov:
                expected[i] = expected[i] + mu * vel[i] - lr * g[i]
            else:
                expected[i] = expected[i] + vel[i]
    for a, b in zip(got, expected):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_optimizer_update_keeps_float32():
    params = [np.ones((2, 2), np.float32)]
    grads = [np.full((2, 2), 0.5, np.float32)]
    for opt in (AdamOptimizer(params), SGDOptimizer(params)):
        opt.update(params, grads)
        assert params[0].dtype == np.float32


# ------------------------------------------------------------ early stopping
class Recorder:
    """A scorer that records what early stopping hands it.

    It returns the accuracy (the default score), or the scripted ``scores``.
    """

    def __init__(self, scores=None):
        self.scores = scores
        self.calls = []

    def __call__(self, est, X, y, sample_weight=None):
        self.calls.append(
            {
                "X": np.array(X, copy=True),
                "y": np.array(y, copy=True),
                "sw": None if sample_weight is None else np.array(sample_weight, copy=True),
                "params": [p.copy() for p in params_of(est)],
            }
        )
        if self.scores is not None:
            return self.scores[len(self.calls) - 1]
        return accuracy_score(y, est.predict(X), sample_weight=sample_weight)


def stopping_epoch(scores, losses, tol, n_iter_no_change):
    """The epoch at which the validation rule stops, from the score and loss sequences.

    Progress is a score up by tol, or a score within tol of the best while the
    validation loss fell by tol below its minimum so far.
    """
    best, best_loss, count = -np.inf, np.inf, 0
    for epoch, (score, val_loss) in enumerate(zip(scores, losses), start=1):
        progress = score >= best + tol or (score >= best - tol and val_loss <= best_loss - tol)
        count = 0 if progress else count + 1
        best, best_loss = max(best, score), min(best_loss, val_loss)
        if count > n_iter_no_change:
            return epoch
    return None


def early(**kwargs):
    base = dict(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=5,
        max_iter=200,
        random_state=1,
        learning_rate_init=0.01,
    )
    return MLPClassifier(**{**base, **kwargs})


def test_early_stopping_scores_and_restored_weights(iris):
    X, y = iris
    rec = Recorder()
    clf = early(scoring=rec).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == len(rec.calls)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.n_iter_ == stopping_epoch(
        clf.validation_scores_, clf.validation_loss_curve_, clf.tol, clf.n_iter_no_change
    )
    assert clf.best_loss_ is None
    # The held-out rows: ceil(0.2 * 150), the same on every epoch.
    X_val, y_val = rec.calls[0]["X"], rec.calls[0]["y"]
    assert X_val.shape[0] == 30
    assert all(np.array_equal(c["X"], X_val) for c in rec.calls)
    assert np.bincount(y_val).tolist() == [10, 10, 10]  # stratified
    # The restored model scores best_validation_score_ on them.
    assert clf.score(X_val, y_val) == clf.best_validation_score_
    # ... and its weights are those of the last best epoch.
    scores = np.asarray(clf.validation_scores_)
    best = len(scores) - 1 - int(np.argmax(scores[::-1]))
    for p, q in zip(params_of(clf), rec.calls[best]["params"]):
        assert_array_equal(p, q)
    # The recording scorer computes the default score: same run with None.
    default = early().fit(X, y)
    assert default.validation_scores_ == clf.validation_scores_
    assert_same_weights(default, clf)


def test_early_stopping_string_labels_and_sample_weight(iris):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    sw = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    rec = Recorder()
    clf = early(scoring=rec).fit(X, labels, sample_weight=sw)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X)) <= set(labels)
    X_val, y_val, sw_val = rec.calls[0]["X"], rec.calls[0]["y"], rec.calls[0]["sw"]
    assert sw_val is not None and len(sw_val) == len(y_val) == 30
    # every held-out row is a training row with its own label and weight
    for row, label, w in zip(X_val, y_val, sw_val):
        (i,) = np.flatnonzero((X == row).all(axis=1))[:1]
        assert labels[i] == label and sw[i] == w
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X_val, y_val, sample_weight=sw_val) == clf.best_validation_score_


def test_early_stopping_drops_zero_weight_rows_before_split(iris):
    X, y = iris
    sw = np.ones(len(y))
    sw[::3] = 0.0  # 50 rows out, 100 left
    rec = Recorder()
    early(scoring=rec, max_iter=3).fit(X, y, sample_weight=sw)
    sw_val = rec.calls[0]["sw"]
    assert len(sw_val) == 20  # ceil(0.2 * 100)
    assert (sw_val > 0).all()


def test_early_stopping_ties_keep_later_weights(iris):
    X, y = iris
    rec = Recorder(scores=[0.1, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2])
    clf = early(scoring=rec, tol=0.0, n_iter_no_change=2).fit(X, y)
    assert clf.n_iter_ == 6  # stalls at epochs 4, 5, 6
    assert clf.best_validation_score_ == 0.5
    for p, q in zip(params_of(clf), rec.calls[2]["params"]):  # epoch 3, not 2
        assert_array_equal(p, q)
    assert any(not np.array_equal(p, q) for p, q in zip(rec.calls[1]["params"], params_of(clf)))


def test_early_stopping_loss_scoring(iris):
    X, y = iris
    kwargs = dict(output_activation="softmax", alpha=1e-3, n_iter_no_change=3, tol=3e-3)
    clf = early(scoring="loss", **kwargs).fit(X, y)
    losses = np.asarray(clf.validation_loss_curve_)
    assert len(losses) == len(clf.loss_curve_) == clf.n_iter_
    assert_array_equal(clf.validation_scores_, -losses)
    assert clf.best_validation_score_ == -losses.min()
    # it stops on the validation loss, not on the training loss
    assert clf.n_iter_ == stopping_epoch(-losses, losses, clf.tol, clf.n_iter_no_change)
    assert clf.n_iter_ < clf.max_iter
    # Recompute the best epoch's validation loss from the restored model, on
    # the held-out rows (same random_state and data: same split).
    rec = Recorder()
    early(scoring=rec, max_iter=1, **kwargs).fit(X, y)
    X_val, y_val = rec.calls[0]["X"], rec.calls[0]["y"]
    penalty = sum(float((W**2).sum()) for W in clf.coefs_)
    recomputed = log_loss(y_val, clf.predict_proba(X_val), labels=clf.classes_)
    # The L2 term is the training loss's: alpha/2 ||W||^2 once per step of the
    # epoch, over the training rows.
    n_train = len(y) - len(y_val)
    n_steps = math.ceil(n_train / min(200, n_train))
    recomputed += n_steps * clf.alpha * penalty / (2 * n_train)
    assert recomputed == pytest.approx(losses.min(), rel=1e-9)
    # with the default scoring the loss curve is recorded as well
    default = early(**kwargs).fit(X, y)
    assert len(default.validation_loss_curve_) == default.n_iter_


def test_early_stopping_needs_a_training_sample():
    X, y = make_classification(
        n_samples=6, n_features=3, n_informative=2, n_redundant=0, random_state=0
    )
    clf = MLPClassifier(hidden_layer_sizes=(3,), early_stopping=True, validation_fraction=0.9)
    with pytest.raises(ValueError, match="validation_fraction"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


# --------------------------------------------------------------- class_weight
CLASS_WEIGHT_CONFIGS = [
    dict(solver="adam", max_iter=30),
    dict(solver="lbfgs", max_iter=50),
    dict(solver="sgd", max_iter=30, early_stopping=True, learning_rate_init=0.05),
]


@pytest.mark.parametrize("config", CLASS_WEIGHT_CONFIGS)
def test_balanced_equals_sample_weight(imbalanced, config):
    X, y = imbalanced
    base = MLPClassifier(hidden_layer_sizes=(6,), random_state=0, **config)
    balanced = clone(base).set_params(class_weight="balanced").fit(X, y)
    weighted = clone(base).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    assert_same_weights(balanced, weighted)


@pytest.mark.parametrize("config", CLASS_WEIGHT_CONFIGS)
def test_dict_class_weight_multiplies_sample_weight(imbalanced, config):
    X, y = imbalanced
    class_weight = {0: 0.5, 1: 2.0, 2: 3.0}
    sw = np.random.RandomState(1).uniform(0.2, 2.0, size=len(y))
    base = MLPClassifier(hidden_layer_sizes=(6,), random_state=0, **config)
    both = clone(base).set_params(class_weight=class_weight).fit(X, y, sample_weight=sw)
    product = sw * np.array([class_weight[label] for label in y])
    weighted = clone(base).fit(X, y, sample_weight=product)
    assert_same_weights(both, weighted)


def test_class_weight_errors(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match="class_weight"):
        MLPClassifier(class_weight={0: 1.0, 7: 2.0}, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="balanced"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    X_ml, Y_ml = make_multilabel_classification(n_samples=40, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="class_weight"):
        MLPClassifier(class_weight={0: 2.0}, max_iter=2).fit(X_ml, Y_ml)


def test_failed_fit_leaves_model_unchanged(imbalanced):
    X, y = imbalanced
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    before = [p.copy() for p in params_of(clf)]
    state = {k: v for k, v in vars(clf).items() if k.endswith("_")}
    clf.set_params(class_weight={0: 1.0, 9: 1.0})
    with pytest.raises(ValueError, match="class_weight"):
        clf.fit(X, y)
    for p, q in zip(params_of(clf), before):
        assert_array_equal(p, q)
    assert set(state) == {k for k in vars(clf) if k.endswith("_")}
    assert clf.n_iter_ == state["n_iter_"] and clf.loss_curve_ == state["loss_curve_"]


# ------------------------------------------------- warm start and kept state
WARM_CONFIGS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05, momentum=0.9),
    "sgd-momentum": dict(
        solver="sgd", learning_rate_init=0.05, momentum=0.9, nesterovs_momentum=False
    ),
    "sgd-invscaling": dict(solver="sgd", learning_rate_init=0.05, learning_rate="invscaling"),
}


def warm_base(config, shuffle):
    return MLPClassifier(
        hidden_layer_sizes=(7,),
        batch_size=32,
        shuffle=shuffle,
        random_state=3,
        n_iter_no_change=NEVER_STALL,
        **WARM_CONFIGS[config],
    )


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("config", list(WARM_CONFIGS))
def test_warm_start_continues_exactly(iris, config, shuffle):
    X, y = iris
    base = warm_base(config, shuffle)
    uninterrupted = clone(base).set_params(max_iter=10).fit(X, y)
    resumed = clone(base).set_params(max_iter=5).fit(X, y)
    resumed.set_params(warm_start=True).fit(X, y)
    assert resumed.n_iter_ == 5 and resumed.t_ == uninterrupted.t_
    assert resumed.loss_curve_ == uninterrupted.loss_curve_
    assert_same_weights(resumed, uninterrupted)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("config", list(WARM_CONFIGS))
def test_partial_fit_calls_equal_epochs(iris, config, shuffle):
    # Each partial_fit call on the whole data is one epoch, drawing its
    # shuffle from the same generator as fit does.
    X, y = iris
    base = warm_base(config, shuffle)
    incremental = clone(base)
    for _ in range(3):
        incremental.partial_fit(X, y, classes=np.unique(y))
    assert_same_weights(incremental, clone(base).set_params(max_iter=3).fit(X, y))


@pytest.mark.parametrize("config", ["adam", "sgd-nesterov"])
def test_pickle_round_trip_mid_training(iris, tmp_path, config):
    X, y = iris
    base = warm_base(config, shuffle=True)
    uninterrupted = clone(base).set_params(max_iter=10).fit(X, y)
    first = clone(base).set_params(max_iter=5).fit(X, y)
    joblib.dump(first, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    loaded.set_params(warm_start=True).fit(X, y)
    assert_same_weights(loaded, uninterrupted)


@pytest.mark.parametrize("config", ["adam", "sgd-nesterov"])
def test_reset_optimizer_starts_a_fresh_optimizer(iris, config):
    X, y = iris
    base = warm_base(config, shuffle=False).set_params(max_iter=5)
    uninterrupted = clone(base).set_params(max_iter=10).fit(X, y)

    resumed = clone(base).fit(X, y)
    halfway = [p.copy() for p in params_of(resumed)]
    resumed.reset_optimizer().set_params(warm_start=True).fit(X, y)
    assert weights_differ(resumed, uninterrupted)

    # A model that never had an optimizer (fitted by lbfgs), given the same
    # weights, continues with a fresh one: unshuffled, the same five epochs.
    fresh = clone(base).set_params(solver="lbfgs", max_iter=1).fit(X, y)
    n_layers = len(fresh.coefs_)
    fresh.coefs_ = [p.copy() for p in halfway[:n_layers]]
    fresh.intercepts_ = [p.copy() for p in halfway[n_layers:]]
    fresh.set_params(solver=base.solver, max_iter=5, warm_start=True).fit(X, y)
    assert_same_weights(resumed, fresh)


# ------------------------------------------------ attributes and multilabel
def kind(value):
    """A comparable description of a fitted attribute's type and shape."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape)
    if isinstance(value, list):
        if all(isinstance(v, np.ndarray) for v in value):
            return ("arrays", [v.shape for v in value])
        return ("list of", {kind(v) for v in value})
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "real"
    return type(value).__name__


ATTRIBUTE_CONFIGS = {
    "adam": dict(solver="adam"),
    "sgd": dict(solver="sgd", learning_rate_init=0.01),
    "lbfgs": dict(solver="lbfgs"),
    "early_stopping": dict(solver="adam", early_stopping=True),
}


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("config", list(ATTRIBUTE_CONFIGS))
def test_fitted_attributes_and_methods_match_sklearn(config, n_classes):
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    kwargs = dict(
        hidden_layer_sizes=(6, 4),
        activation="relu",
        max_iter=20,
        random_state=0,
        **ATTRIBUTE_CONFIGS[config],
    )
    sk = SkMLPClassifier(**kwargs).fit(X, y)
    ours = MLPClassifier(output_activation="softmax", **kwargs).fit(X, y)

    sk_attrs = {k for k in vars(sk) if k.endswith("_") and not k.startswith("_")}
    assert sk_attrs <= set(vars(ours)), sorted(sk_attrs - set(vars(ours)))
    for name in sorted(sk_attrs):
        assert kind(getattr(ours, name)) == kind(getattr(sk, name)), name
    for curve in ("loss_curve_", "validation_scores_"):
        if isinstance(getattr(sk, curve, None), list):
            assert len(getattr(ours, curve)) == ours.n_iter_, curve

    sk_methods = {m for m in dir(sk) if not m.startswith("_") and callable(getattr(sk, m, None))}
    if config == "early_stopping":  # documented: skmlp makes it unavailable, sklearn raises
        sk_methods.discard("partial_fit")
    missing = {m for m in sk_methods if not callable(getattr(ours, m, None))}
    assert not missing, sorted(missing)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        got, want = getattr(ours, method)(X), getattr(sk, method)(X)
        assert got.shape == want.shape and got.dtype.kind == want.dtype.kind, method


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_multilabel_partial_fit(solver):
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=4, random_state=0)
    base = MLPClassifier(
        hidden_layer_sizes=(8,),
        solver=solver,
        shuffle=False,
        random_state=0,
        learning_rate_init=0.01,
        n_iter_no_change=NEVER_STALL,
    )
    clf = clone(base)
    for _ in range(4):
        clf.partial_fit(X, Y)  # no classes needed for an indicator matrix
    assert_array_equal(clf.classes_, np.arange(4))
    assert clf.predict(X).shape == Y.shape
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    assert clf.predict_proba(X).shape == Y.shape
    assert_same_weights(clf, clone(base).set_params(max_iter=4).fit(X, Y))
    # scikit-learn's call, which passes classes on the first call, works too
    sk = SkMLPClassifier(hidden_layer_sizes=(8,), solver=solver, random_state=0)
    sk.partial_fit(X, Y, classes=np.arange(4))
    as_sklearn = clone(base).partial_fit(X, Y, classes=np.arange(4))
    assert as_sklearn.predict(X).shape == sk.predict(X).shape == Y.shape


# --------------------------------------------------------------------------
# The early-stopping split groups identical rows; a flat score defers to the loss
# --------------------------------------------------------------------------
def test_duplicate_rows_never_straddle_the_split():
    rng = np.random.RandomState(0)
    X_unique = rng.normal(size=(40, 3))
    y_unique = rng.randint(0, 2, size=40)
    copies = rng.randint(1, 4, size=40)
    X, y = X_unique.repeat(copies, axis=0), y_unique.repeat(copies)
    rec = Recorder()
    early(scoring=rec, max_iter=3).fit(X, y)
    X_val = rec.calls[0]["X"]
    val_rows = {row.tobytes() for row in X_val}
    # every copy of a held-out sample is held out: its count in validation
    # equals its count in the data
    for row, k in zip(X_unique, copies):
        if row.tobytes() in val_rows:
            assert (X_val == row).all(axis=1).sum() == k


def test_integer_weights_split_like_repeated_rows():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(60, 4))
    y = rng.randint(0, 3, size=60)
    sw = rng.randint(0, 4, size=60)
    weighted, repeated = Recorder(), Recorder()
    early(scoring=weighted, max_iter=2).fit(X, y, sample_weight=sw)
    early(scoring=repeated, max_iter=2).fit(X.repeat(sw, axis=0), y.repeat(sw))
    Xw, sww = weighted.calls[0]["X"], weighted.calls[0]["sw"]
    Xr = repeated.calls[0]["X"]
    # the same distinct samples are held out, with weight = number of copies
    expanded = Xw.repeat(sww.astype(int), axis=0)
    assert_array_equal(np.unique(expanded, axis=0), np.unique(Xr, axis=0))
    assert expanded.shape == Xr.shape


def test_flat_validation_accuracy_does_not_stop_a_falling_loss():
    # Three blobs: at scikit-learn's learning rate a fresh sigmoid network
    # predicts one class for its first epochs, so the validation accuracy is
    # flat while the loss falls.
    X, y = make_blobs(n_samples=300, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = MLPClassifier(max_iter=60, early_stopping=True, learning_rate_init=0.001, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    first = clf.validation_scores_[0]
    flat = next(i for i, s in enumerate(clf.validation_scores_) if s != first)
    assert flat > clf.n_iter_no_change  # accuracy alone would have stopped here
    assert clf.n_iter_ > flat
    assert clf.score(X, y) > 0.85


# --------------------------------------------------------------------------
# Found in review: target kinds, scorers, sparse multilabel y, routing, NaN scores
# --------------------------------------------------------------------------
def _multilabel_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    Y = (rng.uniform(size=(30, 3)) > 0.5).astype(int)
    return X, Y


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_a_multilabel_model_refuses_class_labels(how):
    X, Y = _multilabel_data()
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)
        labels = np.random.RandomState(1).randint(0, 3, size=30)
        with pytest.raises(ValueError, match="multilabel indicator matrix"):
            if how == "partial_fit":
                clf.partial_fit(X, labels)
            else:
                clf.set_params(warm_start=True).fit(X, labels)
    assert clf.predict(X[:2]).shape == (2, 3)  # still a multilabel model


def test_a_callable_scoring_without_sample_weight_works(iris):
    X, y = iris

    def score(estimator, X, y):  # scikit-learn's scorer signature
        return accuracy_score(y, estimator.predict(X))

    clf = early(scoring=score, max_iter=5).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_


def test_sparse_multilabel_targets_in_repeated_partial_fit():
    from scipy import sparse

    X, Y = _multilabel_data()
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    clf.partial_fit(X, sparse.csr_matrix(Y)).partial_fit(X, sparse.csr_matrix(Y))
    assert len(clf.loss_curve_) == 2 and clf.predict(X).shape == Y.shape


def test_a_failed_first_fit_keeps_metadata_requests():
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        clf = MLPClassifier().set_fit_request(sample_weight=True)
        with pytest.raises(ValueError, match="one class"):
            clf.fit(np.zeros((4, 2)), [0, 0, 0, 0])
        assert clf.get_metadata_routing().fit.requests["sample_weight"] is True


def test_a_nan_validation_score_is_an_error(iris):
    X, y = iris
    with pytest.raises(ValueError, match="validation score is nan"):
        early(scoring=lambda est, X, y, sample_weight=None: float("nan")).fit(X, y)


def test_lbfgs_best_loss_is_the_final_loss(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.best_loss_ == min(clf.loss_curve_) == clf.loss_
