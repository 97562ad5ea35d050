"""Bad input gets a clear error; awkward but valid input trains cleanly."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from skmlp import MLPClassifier

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 4))
y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)  # classes 0, 1, 2


def _est(**params):
    return MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0, **params)


def _with(value, where):
    out = X.copy()
    out[where] = value
    return out


def _fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _est().fit(X, y)


BAD_INPUT = {
    "nan_in_X": (lambda: _est().fit(_with(np.nan, (3, 1)), y), ValueError, "X contains NaN"),
    "inf_in_X": (lambda: _est().fit(_with(np.inf, (0, 2)), y), ValueError, "X contains inf"),
    "nan_in_X_predict": (
        lambda: _fitted().predict(_with(np.nan, (3, 1))),
        ValueError,
        "X contains NaN",
    ),
    "inf_in_X_predict_proba": (
        lambda: _fitted().predict_proba(_with(-np.inf, (7, 0))),
        ValueError,
        "X contains infinity",
    ),
    "nan_in_X_decision_function_float32": (
        lambda: _fitted().decision_function(_with(np.nan, (0, 3)).astype(np.float32)),
        ValueError,
        "X contains NaN",
    ),
    "nan_in_sparse_X_predict": (
        lambda: _fitted().predict(sparse.csr_matrix(_with(np.nan, (3, 1)))),
        ValueError,
        "X contains NaN",
    ),
    "wrong_n_features_predict": (
        lambda: _fitted().predict(X[:, :3]),
        ValueError,
        "X has 3 features",
    ),
    "wrong_n_features_partial_fit": (
        lambda: _est().partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X[:, :3], y),
        ValueError,
        "X has 3 features",
    ),
    "partial_fit_label_not_in_classes": (
        lambda: _est().partial_fit(X, y, classes=[0, 1]),
        ValueError,
        "classes",
    ),
    "partial_fit_new_label_later": (
        lambda: _est().partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y + 1),
        ValueError,
        "classes",
    ),
    "partial_fit_first_call_without_classes": (
        lambda: _est().partial_fit(X, y),
        ValueError,
        "classes must be passed",
    ),
    "sample_weight_all_zero": (
        lambda: _est().fit(X, y, sample_weight=np.zeros(len(y))),
        ValueError,
        "sample_weight",
    ),
    "sample_weight_negative": (
        lambda: _est().fit(X, y, sample_weight=np.r_[-1.0, np.ones(len(y) - 1)]),
        ValueError,
        "sample_weight",
    ),
    "sample_weight_wrong_length": (
        lambda: _est().fit(X, y, sample_weight=np.ones(len(y) - 1)),
        ValueError,
        "sample_weight",
    ),
    "sample_weight_nan": (
        lambda: _est().fit(X, y, sample_weight=np.r_[np.nan, np.ones(len(y) - 1)]),
        ValueError,
        "sample_weight",
    ),
    "alpha_negative": (lambda: _est(alpha=-1).fit(X, y), InvalidParameterError, "'alpha'"),
    "activation_bogus": (
        lambda: _est(activation="bogus").fit(X, y),
        InvalidParameterError,
        "'activation'",
    ),
    "output_activation_bogus": (
        lambda: _est(output_activation="x").fit(X, y),
        InvalidParameterError,
        "'output_activation'",
    ),
    "solver_bogus": (lambda: _est(solver="x").fit(X, y), InvalidParameterError, "'solver'"),
    "hidden_layer_sizes_zero": (
        lambda: MLPClassifier(hidden_layer_sizes=0).fit(X, y),
        InvalidParameterError,
        "'hidden_layer_sizes'",
    ),
    "hidden_layer_sizes_zero_in_tuple": (
        lambda: MLPClassifier(hidden_layer_sizes=(4, 0), max_iter=5).fit(X, y),
        ValueError,
        "hidden_layer_sizes",
    ),
    "hidden_layer_sizes_negative_in_tuple": (
        lambda: MLPClassifier(hidden_layer_sizes=(5, -1), max_iter=5).fit(X, y),
        ValueError,
        "hidden_layer_sizes",
    ),
    "learning_rate_init_zero": (
        lambda: _est(learning_rate_init=0.0).fit(X, y),
        InvalidParameterError,
        "'learning_rate_init'",
    ),
    "max_iter_zero": (
        lambda: MLPClassifier(max_iter=0).fit(X, y),
        InvalidParameterError,
        "'max_iter'",
    ),
    "y_one_class": (lambda: _est().fit(X, np.zeros(len(X))), ValueError, "y has one class"),
    "y_continuous": (
        lambda: _est().fit(X, X[:, 0]),
        ValueError,
        "Unknown label type: continuous",
    ),
    "softmax_multilabel": (
        lambda: _est(output_activation="softmax").fit(X, np.column_stack([y > 0, y > 1])),
        ValueError,
        "output_activation",
    ),
    "warm_start_other_architecture": (
        lambda: _fitted().set_params(warm_start=True, hidden_layer_sizes=(4,)).fit(X, y),
        ValueError,
        "hidden_layer_sizes",
    ),
    "predict_before_fit": (lambda: _est().predict(X), NotFittedError, "not fitted"),
}


@pytest.mark.parametrize(
    ("call", "error", "fragment"), list(BAD_INPUT.values()), ids=list(BAD_INPUT)
)
def test_bad_input_raises_a_clear_error(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


def test_partial_fit_is_not_offered_by_lbfgs():
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


# --------------------------------------------------------------------------
# Awkward but valid input
# --------------------------------------------------------------------------
def test_a_minibatch_of_zero_weights_is_skipped():
    Xw, yw = X[:12], np.arange(12) % 2
    sw = np.ones(12)
    sw[[0, 1, 6, 7]] = 0.0  # the first and fourth batches of two weigh nothing
    keep = sw > 0
    params = dict(
        hidden_layer_sizes=(3,), solver="sgd", batch_size=2, shuffle=False, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = MLPClassifier(**params).partial_fit(Xw, yw, sample_weight=sw, classes=[0, 1])
        proba = clf.predict_proba(Xw)
    assert np.isfinite(proba).all()
    # Skipping them is training on the other batches only.
    ref = MLPClassifier(**params).partial_fit(Xw[keep], yw[keep], classes=[0, 1])
    for u, v in zip(clf.coefs_ + clf.intercepts_, ref.coefs_ + ref.intercepts_):
        assert_allclose(u, v, rtol=1e-12, atol=1e-14)
    assert clf.loss_ == pytest.approx(ref.loss_, rel=1e-12)


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_huge_inputs_train_without_runtime_warnings(activation):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(
            hidden_layer_sizes=(5,), activation=activation, max_iter=20, random_state=0
        ).fit(X * 1e6, y)
        proba = clf.predict_proba(X * 1e6)
        log_proba = clf.predict_log_proba(X * 1e6)
    assert np.isfinite(clf.loss_)
    assert np.isfinite(proba).all()
    assert np.isfinite(log_proba).all()


# Reliably diverges: a learning rate of 1e10 with momentum on unscaled data,
# with no early stop for a stalled loss.
DIVERGING = dict(
    solver="sgd",
    learning_rate_init=1e10,
    momentum=0.9,
    activation="relu",
    max_iter=200,
    n_iter_no_change=np.inf,
)


def test_divergence_raises_and_leaves_an_unfitted_estimator_unfitted():
    clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=0, **DIVERGING)
    with pytest.raises(ValueError, match="learning_rate_init"):
        clf.fit(X * 1e3, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


@pytest.mark.parametrize("second_fit", ["warm_start", "fresh_fit", "partial_fit"])
def test_divergence_keeps_the_previous_model(second_fit):
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), solver="sgd", activation="relu", max_iter=20, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    clf.set_params(warm_start=second_fit == "warm_start", **DIVERGING)

    def snapshot():
        state = [W.copy() for W in clf.coefs_ + clf.intercepts_]
        with np.errstate(all="ignore"):  # the last one before divergence is extreme
            proba = clf.predict_proba(X)
        return state, clf.n_iter_, list(clf.loss_curve_), proba

    before = snapshot()
    with pytest.raises(ValueError, match="learning_rate_init"):
        if second_fit == "partial_fit":
            for _ in range(200):  # one epoch per call, until one diverges
                before = snapshot()
                clf.partial_fit(X * 1e3, y)
        else:
            clf.fit(X * 1e3, y)

    params, n_iter, curve, proba = before
    for got, want in zip(clf.coefs_ + clf.intercepts_, params):
        assert_array_equal(got, want)
    assert clf.n_iter_ == n_iter
    assert clf.loss_curve_ == curve
    with np.errstate(all="ignore"):
        assert_array_equal(clf.predict_proba(X), proba)


def test_a_fit_that_returns_has_not_diverged():
    # The divergence must be caught even when it happens in the very last
    # update: whatever max_iter, fit either raises or leaves a usable model.
    for max_iter in range(1, 40):
        clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=0, **DIVERGING)
        clf.set_params(max_iter=max_iter)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf.fit(X * 1e3, y)
        except ValueError as exc:
            assert "learning_rate_init" in str(exc)
            break
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            proba = clf.predict_proba(X * 1e3)
        assert np.isfinite(proba).all(), f"max_iter={max_iter}"
    else:
        pytest.fail("the diverging settings did not diverge")


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float32")])
def test_load_mnist_takes_any_dtype_spelling(tmp_path, dtype):
    from skmlp.datasets import load_mnist

    path = tmp_path / "mnist.npz"
    pixels = np.arange(8 * 784, dtype=np.int64).reshape(8, 784) % 256
    np.savez(
        path, X_train=pixels[:6].astype(np.uint8), y_train=np.arange(6),
        X_test=pixels[6:].astype(np.uint8), y_test=np.arange(2),
    )  # fmt: skip
    X_train, _, X_test, _ = load_mnist(path, dtype=dtype)
    assert X_train.dtype == np.float32 and X_test.dtype == np.float32
    assert X_train.max() <= 1.0


def test_finite_but_overflowing_X_predicts_without_error_or_warning():
    """Finite X whose first-layer products overflow: the scan of X runs, finds
    nothing wrong, and prediction goes on (saturated probabilities)."""
    clf = _fitted()
    huge = _with(1e308, (2, 0))
    huge[2, 1] = 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.predict_proba(huge)
    assert proba.shape == (len(X), 3)
    assert_allclose(np.delete(proba, 2, axis=0), np.delete(clf.predict_proba(X), 2, axis=0))


def test_overflow_to_nan_is_an_error_not_nan_probabilities():
    """Finite X so large that a layer meets inf - inf: a clear error, not NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((2,), activation="identity", max_iter=5, random_state=0).fit(X, y)
    clf.coefs_[0][...] = [[2, 0], [0, 2], [0, 0], [0, 0]]  # Z[1] = 2 x[:2]
    clf.coefs_[1][...] = 1.0  # every output adds both hidden units
    huge = X.copy()
    huge[4, :2] = [1e308, -1e308]  # Z[1] = (inf, -inf), so Z_out = inf - inf = NaN
    with pytest.raises(ValueError, match="overflowed. Scale X"):
        clf.predict_proba(huge)
    clf.predict_proba(X)  # ordinary X still predicts


@pytest.mark.parametrize("method", ["predict_proba", "predict_log_proba", "predict"])
def test_infinite_logits_are_an_error_not_nan(method):
    """Finite X that drives a logit to +inf (relu, softmax output): a clear
    error, not NaN probabilities and a numpy warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(
            (2,), activation="relu", output_activation="softmax", max_iter=5, random_state=0
        ).fit(X, y)
    clf.coefs_[0][...] = [[2, 0], [0, 0], [0, 0], [0, 0]]  # Z[1] = 2 x_0: inf for 1e308
    clf.intercepts_[0][...] = 0
    clf.coefs_[1][...] = [[1, -1, 0.5], [0, 0, 0]]  # logits +inf, -inf, +inf
    huge = X.copy()
    huge[0, 0] = 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way to the error
        with pytest.raises(ValueError, match="overflowed. Scale X"):
            getattr(clf, method)(huge)


def test_float64_X_beyond_float32_range_for_a_float32_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((3,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    beyond = X.copy()
    beyond[0, 0] = 1e39  # finite in float64, infinite in float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="beyond the range of float32, the dtype this"):
            clf.predict(beyond)
