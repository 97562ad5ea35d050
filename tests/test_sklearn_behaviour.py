"""scikit-learn's MLPClassifier behaviours that user code relies on, and the defaults.

Each test states one behaviour of scikit-learn's estimator that skmlp keeps
(or a deliberate, documented difference), next to scikit-learn where both can
run the same thing.
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

import skmlp._training as training
from skmlp import MLPClassifier
from skmlp._backprop import loss
from skmlp._initialization import FULL_RATE, FULL_RATE_STEPS, SKLEARN_RATE, Z_STD


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def quietly(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


def params_of(clf):
    return [p.copy() for p in clf.coefs_ + clf.intercepts_]


# --------------------------------------------------------------------------
# The defaults
# --------------------------------------------------------------------------
def test_relu_softmax_defaults_train_exactly_like_sklearn(iris):
    # With scikit-learn's network, every other default is scikit-learn's: the
    # same initial weights, learning rate and steps (shuffle=False removes the
    # one difference, the shuffling's random draws).
    X, y = iris
    ours = MLPClassifier(activation="relu", output_activation="softmax")
    theirs = SkMLPClassifier()
    for est in (ours, theirs):
        est.set_params(max_iter=15, shuffle=False, random_state=0)
        quietly(est.fit, X, y)
    assert ours.learning_rate_init_ == theirs.learning_rate_init == SKLEARN_RATE
    for p, q in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert_allclose(p, q, rtol=1e-9, atol=1e-12)
    # the losses agree to rounding (scikit-learn computes the log-loss its own way)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-7)


@pytest.mark.parametrize(
    ("activation", "solver", "n_samples", "batch_size", "expected"),
    [
        ("relu", "adam", 60_000, "auto", SKLEARN_RATE),
        ("logistic", "sgd", 150, "auto", SKLEARN_RATE),
        ("logistic", "adam", 150, "auto", FULL_RATE),  # 1 step per epoch
        ("logistic", "adam", 200 * FULL_RATE_STEPS, "auto", FULL_RATE),
        ("logistic", "adam", 60_000, "auto", FULL_RATE * math.sqrt(FULL_RATE_STEPS / 300)),
        ("logistic", "adam", 1000, 10, FULL_RATE * math.sqrt(FULL_RATE_STEPS / 100)),
    ],
)
def test_auto_learning_rate(activation, solver, n_samples, batch_size, expected):
    X = np.random.RandomState(0).normal(size=(n_samples, 2))
    y = np.arange(n_samples) % 2
    clf = MLPClassifier(
        hidden_layer_sizes=(2,), activation=activation, solver=solver, batch_size=batch_size
    )
    # the rate is resolved before the first step: one epoch on the data is enough
    clf.partial_fit(X, y, classes=[0, 1])
    assert clf.learning_rate_init_ == pytest.approx(expected, rel=1e-15)
    assert clf._optimizer.learning_rate_init == clf.learning_rate_init_


def test_a_set_learning_rate_overrides_auto_on_the_next_warm_fit(iris):
    X, y = iris
    clf = quietly(MLPClassifier(max_iter=2, warm_start=True, random_state=0).fit, X, y)
    assert clf.learning_rate_init_ == FULL_RATE
    quietly(clf.set_params(learning_rate_init=0.05).fit, X, y)
    assert clf.learning_rate_init_ == 0.05 and clf._optimizer.learning_rate_init == 0.05


@pytest.mark.parametrize("kind", ["dense", "sparse", "weighted"])
def test_sigmoid_first_layer_starts_centred_with_the_set_spread(kind):
    # Z = X W + b over the training rows: each unit's mean is its (rescaled)
    # random bias, and the spread over units matches Z_STD.
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 1, size=(400, 30)) * rng.uniform(0.1, 10, size=30) + 5  # all positive
    if kind == "sparse":
        X = sparse.random(400, 30, density=0.3, random_state=0, format="csr") * 7 + 0
    sw = rng.uniform(0.5, 2, size=400) if kind == "weighted" else None
    y = rng.randint(0, 3, 400)
    clf = MLPClassifier(hidden_layer_sizes=(200,), max_iter=1, random_state=0)
    # initial weights: one partial_fit step at a rate too small to move them
    clf.set_params(learning_rate_init=1e-300).partial_fit(X, y, classes=[0, 1, 2], sample_weight=sw)
    W, b = clf.coefs_[0], clf.intercepts_[0]
    Xd = X.toarray() if sparse.issparse(X) else X
    w = np.ones(400) if sw is None else sw
    Z = Xd @ W + b
    mean = np.average(Z, axis=0, weights=w)
    centred = Z - mean
    # the biases hold the centring: mean(Z) is the scaled random bias, within
    # its half-width r (the same as W's)
    r = np.abs(W).max()
    assert np.all(np.abs(mean) <= r * (1 + 1e-9))
    # mean over units of Var(Z_k) is Z_STD**2 (in expectation over W: within 15%)
    var = np.average(centred**2, axis=0, weights=w)
    assert var.mean() == pytest.approx(Z_STD**2, rel=0.15)


def test_other_activations_start_from_glorot_alone(iris):
    X, y = iris
    X = X * 100 + 50  # a scale that the sigmoid's first layer would adapt to
    a = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", random_state=0)
    b = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", random_state=0)
    a.set_params(learning_rate_init=1e-300).partial_fit(X, y, classes=[0, 1, 2])
    b.set_params(learning_rate_init=1e-300).partial_fit(X / 100, y, classes=[0, 1, 2])
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(p, q)
    bound = math.sqrt(6 / (4 + 5))
    assert np.abs(a.coefs_[0]).max() <= bound


# --------------------------------------------------------------------------
# n_iter_ counts the latest call's epochs
# --------------------------------------------------------------------------
def test_n_iter_counts_the_latest_call_like_sklearn(iris):
    X, y = iris
    common = dict(max_iter=20, tol=0.0, warm_start=True, random_state=0, hidden_layer_sizes=(5,))
    ours = MLPClassifier(**common)
    theirs = SkMLPClassifier(**common)
    for est in (ours, theirs):
        quietly(est.fit, X, y)
        quietly(est.fit, X, y)  # a warm start: 20 more epochs
    assert ours.n_iter_ == theirs.n_iter_ == 20
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 40
    for est in (ours, theirs):
        est.partial_fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 1
    assert len(ours.loss_curve_) == 41


# --------------------------------------------------------------------------
# partial_fit's arguments
# --------------------------------------------------------------------------
def test_partial_fit_with_other_classes_is_an_error(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = params_of(clf)
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2, 3\] differs .* \[0, 1, 2\]"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    for p, q in zip(before, params_of(clf)):
        assert_array_equal(p, q)
    clf.partial_fit(X, y, classes=[2, 1, 0])  # the same classes in another order
    clf.partial_fit(X, y)  # or none at all


def test_partial_fit_with_early_stopping_is_an_error(iris):
    # scikit-learn raises a ValueError when partial_fit is called; skmlp makes
    # partial_fit unavailable, as both do for lbfgs, so that meta-estimators
    # see no partial_fit (a documented difference)
    X, y = iris
    assert not hasattr(MLPClassifier(early_stopping=True), "partial_fit")
    with pytest.raises(AttributeError) as raised:
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    assert "partial_fit does not support early_stopping=True" in str(raised.value.__cause__)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        SkMLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    # a fitted model is left as it was
    clf = quietly(MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit, X, y)
    before = params_of(clf)
    with pytest.raises(AttributeError):
        clf.set_params(early_stopping=True).partial_fit(X, y)
    for p, q in zip(before, params_of(clf)):
        assert_array_equal(p, q)


# --------------------------------------------------------------------------
# Ctrl-C keeps the training done so far
# --------------------------------------------------------------------------
def interrupt_at(monkeypatch, module_function: str, call: int):
    """Make the ``call``-th call of ``skmlp._training.<name>`` raise KeyboardInterrupt."""
    original = getattr(training, module_function)
    calls = [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(training, module_function, wrapper)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_ctrl_c_in_fit_keeps_the_completed_epochs(iris, monkeypatch, early_stopping):
    X, y = iris
    params = dict(
        hidden_layer_sizes=(5,), batch_size=50, random_state=0, early_stopping=early_stopping
    )
    # data_loss runs once per batch, and once per epoch on the validation rows
    per_epoch = math.ceil((len(y) * (0.9 if early_stopping else 1)) / 50) + early_stopping
    reference = quietly(MLPClassifier(max_iter=4, **params).fit, X, y)
    interrupt_at(monkeypatch, "data_loss", 4 * per_epoch + 1)  # epoch 5's first batch
    clf = MLPClassifier(max_iter=100, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # no "max_iter reached"
        with pytest.warns(UserWarning, match="interrupted by the user after 4 complete epochs"):
            clf.fit(X, y)
    assert clf.n_iter_ == 4 and clf.loss_curve_ == reference.loss_curve_
    for p, q in zip(params_of(clf), params_of(reference)):
        assert_array_equal(p, q)
    assert clf.predict(X).shape == y.shape


def test_ctrl_c_in_partial_fit_keeps_the_steps_done(iris, monkeypatch):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(5,), batch_size=50, shuffle=False, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    one_batch = MLPClassifier(**clf.get_params())
    one_batch.partial_fit(X, y, classes=[0, 1, 2])
    one_batch.partial_fit(X[:50], y[:50])  # the same first step of the second epoch
    interrupt_at(monkeypatch, "data_loss", 2)  # the second batch of the call
    with pytest.warns(UserWarning, match="interrupted by the user"):
        clf.partial_fit(X, y)
    for p, q in zip(params_of(clf), params_of(one_batch)):
        assert_array_equal(p, q)


def test_ctrl_c_in_lbfgs_keeps_the_last_accepted_iterate(iris, monkeypatch):
    X, y = iris
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    interrupt_at(monkeypatch, "loss_and_gradients", 12)
    clf = MLPClassifier(max_iter=200, **params)
    with pytest.warns(UserWarning, match="interrupted by the user after"):
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) >= 1
    assert clf.loss_ == clf.loss_curve_[-1]
    # the kept weights are the iterate whose loss was recorded last
    Y = np.eye(3)[y]
    J = loss(clf._logits(X), Y, clf.out_activation_, clf.coefs_, clf.alpha, None)
    assert J == pytest.approx(clf.loss_, rel=1e-12)


def test_other_exceptions_still_restore_the_model(iris, monkeypatch):
    X, y = iris
    clf = quietly(MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit, X, y)
    before = params_of(clf)
    curve = list(clf.loss_curve_)
    monkeypatch.setattr(
        training,
        "data_loss",
        lambda *a, **k: (_ for _ in ()).throw(MemoryError("boom")),
    )
    with pytest.raises(MemoryError):
        clf.set_params(warm_start=True).fit(X, y)
    assert clf.loss_curve_ == curve
    for p, q in zip(before, params_of(clf)):
        assert_array_equal(p, q)


# --------------------------------------------------------------------------
# A continued fit continues the same network
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        dict(output_activation="softmax"),
        dict(activation="relu"),
        dict(hidden_layer_sizes=(4,)),
    ],
)
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_continued_fit_after_a_network_change_is_an_error(iris, change, how):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0, warm_start=True)
    quietly(clf.fit, X, y)
    before = params_of(clf)
    clf.set_params(**change)
    name = next(iter(change))
    with pytest.raises(ValueError, match=rf"{name}=.* \(fitted: .*\) differs"):
        if how == "warm_start":
            clf.fit(X, y)
        else:
            clf.partial_fit(X, y)
    for p, q in zip(before, params_of(clf)):
        assert_array_equal(p, q)
    quietly(clf.set_params(warm_start=False).fit, X, y)  # a fresh fit builds the new network
    if name == "output_activation":
        assert clf.out_activation_ == "softmax"


# --------------------------------------------------------------------------
# Nothing from one fit leaks into the next
# --------------------------------------------------------------------------
def test_a_scoring_callable_is_not_kept_after_its_fit(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(3,), max_iter=3, early_stopping=True, random_state=0,
        scoring=lambda est, X, y: est.score(X, y),
    )  # fmt: skip
    quietly(clf.fit, X, y)
    state = {k: v for k, v in vars(clf).items() if k not in clf.get_params()}
    assert not any(callable(v) and not isinstance(v, type) for v in state.values())
    quietly(clf.set_params(scoring=None).fit, X, y)
    pickle.loads(pickle.dumps(clf))  # a lambda anywhere on the model would fail here


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_warm_fit_without_early_stopping_drops_the_validation_scores(iris, solver):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, early_stopping=True, random_state=0)
    quietly(clf.fit, X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    quietly(clf.set_params(early_stopping=False, warm_start=True, solver=solver).fit, X, y)
    assert clf.validation_scores_ is None
    assert clf.validation_loss_curve_ is None
    assert clf.best_validation_score_ is None


# --------------------------------------------------------------------------
# Sparse multilabel targets
# --------------------------------------------------------------------------
def test_sparse_multilabel_y_gives_sparse_predictions():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    Y_sparse = sparse.csr_matrix(Y)
    ours = quietly(
        MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0).fit, X, Y_sparse
    )
    theirs = quietly(
        SkMLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0).fit, X, Y_sparse
    )
    dense = quietly(MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0).fit, X, Y)
    assert sparse.issparse(theirs.predict(X))
    predicted = ours.predict(X)
    assert sparse.issparse(predicted) and predicted.format == "csr"
    assert_array_equal(predicted.toarray(), dense.predict(X))
    assert not sparse.issparse(dense.predict(X))


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "y", [np.array([1, 0, 1, 1]), np.array(["b", "a", "c", "a", "c"]), np.array([3, 7, 5, 5, 3])]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_targets_encoded_as_label_binarizer_does(y, dtype):
    from sklearn.preprocessing import LabelBinarizer

    Y = MLPClassifier()._encode_targets(y, None, True, False, dtype)
    assert Y.dtype == dtype
    assert_array_equal(Y, LabelBinarizer().fit_transform(y))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_never_writes_to_X(iris, order, dtype):
    # the sigmoid network's first layer is computed from X, in blocks squared in place
    X = np.array(iris[0], dtype=dtype, order=order)
    before = X.copy()
    quietly(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit, X, iris[1])
    assert_array_equal(X, before)


def test_learning_rate_follows_the_parameter_and_the_solver_on_warm_fits(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, warm_start=True, random_state=0)
    quietly(clf.set_params(learning_rate_init=0.05).fit, X, y)
    assert clf.learning_rate_init_ == 0.05
    quietly(clf.set_params(learning_rate_init="auto").fit, X, y)  # back to "auto"
    assert clf.learning_rate_init_ == FULL_RATE
    quietly(clf.set_params(solver="sgd").fit, X, y)  # "auto" is Adam's rule only
    assert clf.learning_rate_init_ == SKLEARN_RATE
    # partial_fit keeps the rate "auto" chose on its first call, whatever the chunk
    stream = MLPClassifier(hidden_layer_sizes=(3,), batch_size=10, random_state=0)
    stream.partial_fit(X, y, classes=[0, 1, 2])  # 15 batches: the full rate
    stream.partial_fit(np.tile(X, (4, 1)), np.tile(y, 4))  # 60 batches
    assert stream.learning_rate_init_ == FULL_RATE


def test_lbfgs_warm_start_continues_the_loss_curve(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=5, warm_start=True)
    quietly(clf.set_params(random_state=0).fit, X, y)
    first = list(clf.loss_curve_)
    quietly(clf.fit, X, y)
    assert clf.loss_curve_[: len(first)] == first
    assert len(clf.loss_curve_) == len(first) + clf.n_iter_


def test_ctrl_c_during_the_validation_pass_leaves_the_books_whole(iris, monkeypatch):
    X, y = iris
    interrupt_at(monkeypatch, "_validate", 3)  # epoch 3's validation pass
    clf = MLPClassifier(hidden_layer_sizes=(5,), early_stopping=True, random_state=0)
    with pytest.warns(UserWarning, match="after 2 complete epochs"):
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == len(clf.validation_scores_) == 2
    assert len(clf.validation_loss_curve_) == 2
