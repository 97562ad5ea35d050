"""Dropout: the masked math against finite differences, and the estimator's contract.

A training step multiplies each hidden A[l] by a mask M[l] (0, or 1 / (1 - p)):
the gradients are those of the masked network's loss; predictions, early
stopping's validation and a dropout of 0 use no mask; the masks come from the
estimator's random state on every kernel path.
"""

import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

import skmlp
from skmlp import MLPClassifier, _kernels, _training
from skmlp._backprop import Masks, Workspace, forward, loss, loss_and_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

KERNELS = ["numpy"] + (["numba"] if _kernels._numba_kernels_or_none() is not None else [])


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


def _same_weights(a, b):
    for W_a, W_b in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(W_a, W_b)


def _differ(a, b) -> bool:
    return not np.array_equal(a.coefs_[0], b.coefs_[0])


# ------------------------------------------------------------------- the math
def _problem(seed, out_act, n=7, units=(4, 6, 5, 3)):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, units[0]))
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(units[:-1], units[1:])]
    intercepts = [rng.normal(scale=0.3, size=b) for b in units[1:]]
    if out_act == "softmax":
        Y = np.eye(units[-1])[rng.randint(units[-1], size=n)]
    else:
        Y = rng.randint(2, size=(n, units[-1])).astype(float)
    # Fixed masks: layer 1 drops with p = 0.5, layer 2 with p = 0.25
    M = [None]
    for u, p in zip(units[1:-1], (0.5, 0.25)):
        M.append((rng.uniform(size=(n, u)) >= p) / (1.0 - p))
    M.append(None)
    assert all((m == 0).any() and (m > 1).any() for m in M[1:-1])  # some dropped, some kept
    return X, Y, coefs, intercepts, M


def _masked_loss(X, Y, coefs, intercepts, act, out_act, alpha, M):
    ws = Workspace.allocate([X.shape[1]] + [W.shape[1] for W in coefs], X.shape[0], X.dtype)
    forward(X, coefs, intercepts, act, out_act, ws, Masks.fixed(M))
    return loss(ws.Z_out, Y, out_act, coefs, alpha, None)


@pytest.mark.parametrize("out_act", ["logistic", "softmax"])
@pytest.mark.parametrize("act", ["logistic", "tanh", "relu", "identity"])
def test_masked_gradients_match_finite_differences(act, out_act):
    """At a fixed mask, dW = (A * M)^T delta and delta[l] = (delta W^T) * M * phi'(A)
    are the gradients of the masked network's loss (float64, central differences)."""
    X, Y, coefs, intercepts, M = _problem(3 if act == "relu" else 0, out_act)
    alpha = 0.3
    J, dW, db = loss_and_gradients(
        X, Y, coefs, intercepts, act, out_act, alpha, None, masks=Masks.fixed(M)
    )
    analytic = [g.copy() for g in dW + db]
    assert J == pytest.approx(_masked_loss(X, Y, coefs, intercepts, act, out_act, alpha, M))
    J_plain, *_ = loss_and_gradients(X, Y, coefs, intercepts, act, out_act, alpha)
    assert abs(J - J_plain) > 1e-3  # the masks change the network

    eps = 1e-6
    for p, g_a in zip(coefs + intercepts, analytic):
        g_f = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + eps
            J_plus = _masked_loss(X, Y, coefs, intercepts, act, out_act, alpha, M)
            p[idx] = saved - eps
            J_minus = _masked_loss(X, Y, coefs, intercepts, act, out_act, alpha, M)
            p[idx] = saved
            g_f[idx] = (J_plus - J_minus) / (2 * eps)
        assert_allclose(g_a, g_f, rtol=1e-5, atol=1e-8)


def test_phi_prime_comes_from_the_unmasked_activations():
    """delta[l] uses phi'(A[l]) of the unmasked A: written out in numpy here."""
    X, Y, coefs, intercepts, M = _problem(1, "logistic", units=(4, 6, 3))
    _, dW, _ = loss_and_gradients(
        X, Y, coefs, intercepts, "logistic", "logistic", 0.0, None, masks=Masks.fixed(M)
    )
    n = X.shape[0]
    A1 = 1 / (1 + np.exp(-(X @ coefs[0] + intercepts[0])))
    A_out = 1 / (1 + np.exp(-((A1 * M[1]) @ coefs[1] + intercepts[1])))
    delta_out = (A_out - Y) / n
    delta_h = (delta_out @ coefs[1].T) * M[1] * A1 * (1 - A1)
    assert_allclose(dW[1], (A1 * M[1]).T @ delta_out, rtol=1e-12)
    assert_allclose(dW[0], X.T @ delta_h, rtol=1e-12)


# ------------------------------------------------------------- the parameter
@pytest.mark.parametrize(
    "dropout, match",
    [
        ((0.1, 0.2, 0.3), "one rate per hidden layer"),
        ((0.5,), "one rate per hidden layer"),
        ((0.2, 1.0), r"a rate of 1 drops every unit"),
        ((0.2, -0.1), r"in \[0, 1\)"),
        ((0.2, "a"), "numbers in"),
        (1.0, r"range \[0.0, 1.0\)"),
        (-0.5, r"range \[0.0, 1.0\)"),
    ],
)
def test_bad_dropout_is_a_clear_error(digits, dropout, match):
    X, y = digits
    with pytest.raises(ValueError, match=match):
        MLPClassifier(hidden_layer_sizes=(8, 6), dropout=dropout, max_iter=1).fit(X, y)


def test_a_failed_fit_keeps_the_fitted_model(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X, y)
    before = [W.copy() for W in clf.coefs_]
    clf.set_params(warm_start=True, dropout=(0.1, 0.2))
    with pytest.raises(ValueError, match="dropout"):
        clf.fit(X, y)
    for W, W_before in zip(clf.coefs_, before):
        assert_array_equal(W, W_before)


def test_lbfgs_refuses_dropout(digits):
    X, y = digits
    with pytest.raises(ValueError, match="dropout=0.2 needs a stochastic solver"):
        MLPClassifier(solver="lbfgs", dropout=0.2, max_iter=2).fit(X, y)
    MLPClassifier(solver="lbfgs", dropout=0.0, max_iter=2).fit(X, y)  # 0 is no dropout


def test_dropout_is_a_parameter():
    clf = MLPClassifier(dropout=(0.1, 0.3), hidden_layer_sizes=(5, 4))
    assert clf.get_params()["dropout"] == (0.1, 0.3)
    assert clone(clf).dropout == (0.1, 0.3)
    assert MLPClassifier().dropout == 0.0


# -------------------------------------------------------- default unchanged
@pytest.mark.parametrize("kernels", KERNELS)
def test_no_dropout_draws_nothing_and_trains_as_before(digits, kernels, monkeypatch):
    """dropout=0 (one rate or per layer) trains the unmasked network bit for bit:
    no mask is drawn and the random state is used exactly as without dropout."""
    X, y = digits
    params = dict(hidden_layer_sizes=(10, 7), max_iter=4, random_state=0)
    with skmlp.config_context(kernels=kernels):
        default = MLPClassifier(**params).fit(X, y)
        _, keys, pos, *_ = default._random_state.get_state()

        def refuse(*args, **kwargs):
            raise AssertionError("no masks without dropout")

        monkeypatch.setattr(_training, "MaskDrawer", refuse)
        for zero in (0.0, 0, (0.0, 0.0)):
            clf = MLPClassifier(dropout=zero, **params).fit(X, y)
            _same_weights(clf, default)
            assert clf.loss_curve_ == default.loss_curve_
            _, clf_keys, clf_pos, *_ = clf._random_state.get_state()
            assert clf_pos == pos and np.array_equal(clf_keys, keys)
        monkeypatch.undo()
        assert _differ(MLPClassifier(dropout=(0.0, 0.1), **params).fit(X, y), default)


# ----------------------------------------------------------- reproducibility
@pytest.mark.parametrize("kernels", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_seeded_fit_is_reproducible(digits, kernels, dtype):
    X, y = digits
    X = X.astype(dtype)
    params = dict(hidden_layer_sizes=(12, 9), dropout=(0.3, 0.2), max_iter=4)
    with skmlp.config_context(kernels=kernels):
        a = MLPClassifier(random_state=0, **params).fit(X, y)
        b = MLPClassifier(random_state=0, **params).fit(X, y)
        c = MLPClassifier(random_state=1, **params).fit(X, y)
    _same_weights(a, b)
    assert a.loss_curve_ == b.loss_curve_
    assert a.coefs_[0].dtype == dtype
    assert _differ(a, c)


def test_numpy_and_numba_kernels_agree(digits):
    if len(KERNELS) < 2:
        pytest.skip("numba is not installed")
    X, y = digits
    params = dict(hidden_layer_sizes=(12, 9), dropout=0.3, max_iter=5, random_state=0)
    with skmlp.config_context(kernels="numpy"):
        ref = MLPClassifier(**params).fit(X, y)
    with skmlp.config_context(kernels="numba"):
        fast = MLPClassifier(**params).fit(X, y)
    for W_a, W_b in zip(ref.coefs_ + ref.intercepts_, fast.coefs_ + fast.intercepts_):
        assert_allclose(W_b, W_a, rtol=1e-9, atol=1e-12)
    assert_allclose(fast.loss_curve_, ref.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("shuffle", [True, False])
def test_warm_start_and_partial_fit_continue_the_mask_stream(digits, shuffle):
    X, y = digits
    base = MLPClassifier(
        hidden_layer_sizes=(10,), dropout=0.4, batch_size=64, shuffle=shuffle,
        random_state=3, n_iter_no_change=1000,
    )  # fmt: skip
    uninterrupted = clone(base).set_params(max_iter=6).fit(X, y)
    resumed = clone(base).set_params(max_iter=3).fit(X, y)
    resumed.set_params(warm_start=True).fit(X, y)
    _same_weights(resumed, uninterrupted)
    assert resumed.loss_curve_ == uninterrupted.loss_curve_
    incremental = clone(base)
    for _ in range(6):
        incremental.partial_fit(X, y, classes=np.unique(y))
    _same_weights(incremental, uninterrupted)


# -------------------------------------------- what uses masks, what does not
def test_predictions_use_no_masks(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(12, 9), dropout=0.5, max_iter=5, random_state=0)
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    assert_array_equal(clf.predict_proba(X), proba)  # deterministic
    ws = Workspace.allocate([X.shape[1], 12, 9, 10], X.shape[0], X.dtype)
    A_out = forward(X, clf.coefs_, clf.intercepts_, "logistic", "logistic", ws)  # no masks
    assert_allclose(proba, A_out / A_out.sum(axis=1, keepdims=True), rtol=1e-10)
    assert_array_equal(clf.predict(X), clf.classes_[A_out.argmax(axis=1)])


def test_loss_curve_is_the_masked_networks_loss(digits, monkeypatch):
    """One epoch of one full batch: loss_curve_[0] is J of the masked network at the
    initial weights, with the step's masks (not the unmasked network's J)."""
    X, y = digits
    X, y = X[:100], (y[:100] > 4).astype(int)
    seen = []
    original = _training.forward

    def recording(Xb, coefs, intercepts, act, out_act, ws, masks=None):
        if masks is not None:
            seen.append(
                ([W.copy() for W in coefs], [b.copy() for b in intercepts], masks.M[1].copy())
            )
        return original(Xb, coefs, intercepts, act, out_act, ws, masks)

    monkeypatch.setattr(_training, "forward", recording)
    clf = MLPClassifier(
        hidden_layer_sizes=(16,), dropout=0.5, batch_size=100, shuffle=False, alpha=0.0,
        max_iter=1, random_state=0,
    ).fit(X, y)  # fmt: skip
    assert len(seen) == 1
    coefs, intercepts, M1 = seen[0]
    assert set(np.unique(M1)) == {0.0, 2.0}
    Y = y[:, None].astype(float)
    J_masked, *_ = loss_and_gradients(
        X, Y, coefs, intercepts, "logistic", "logistic", masks=Masks.fixed([None, M1, None])
    )
    J_plain, *_ = loss_and_gradients(X, Y, coefs, intercepts, "logistic", "logistic")
    assert clf.loss_curve_[0] == pytest.approx(J_masked, rel=1e-12)
    assert abs(J_masked - J_plain) > 1e-4


def test_early_stopping_validates_without_masks(digits, monkeypatch):
    X, y = digits
    checked = []
    original = _training._validate

    def checking(est, validation, penalty_term):
        score, val_loss = original(est, validation, penalty_term)
        X_val, _, y_val, _, _ = validation
        assert score == est.score(X_val, y_val)  # the unmasked network's accuracy
        proba = est.predict_proba(X_val)
        checked.append(score)
        assert np.isfinite(proba).all()
        return score, val_loss

    monkeypatch.setattr(_training, "_validate", checking)
    kwargs = dict(hidden_layer_sizes=(20,), dropout=0.5, early_stopping=True, max_iter=6)
    a = MLPClassifier(random_state=0, **kwargs).fit(X, y)
    assert len(checked) == a.n_iter_ > 0
    b = MLPClassifier(random_state=0, **kwargs).fit(X, y)
    assert a.validation_scores_ == b.validation_scores_
    assert a.validation_loss_curve_ == b.validation_loss_curve_


# --------------------------------------------------- Array API and the graph
def _dispatch_or_skip():
    try:
        with sklearn.config_context(array_api_dispatch=True):
            pass
    except (ImportError, RuntimeError) as exc:
        pytest.skip(f"array_api_dispatch unavailable: {exc}")
    return pytest.importorskip("array_api_strict")


def test_array_api_fit_uses_the_numpy_fits_masks(digits):
    xs = _dispatch_or_skip()
    X, y = digits
    params = dict(hidden_layer_sizes=(12, 9), dropout=(0.3, 0.1), max_iter=4, random_state=0)
    ref = MLPClassifier(**params).fit(X, y)
    device = xs.Device("device1")
    with sklearn.config_context(array_api_dispatch=True):
        clf = MLPClassifier(**params).fit(xs.asarray(X, device=device), xs.asarray(y))
    for ours, theirs in zip(ref.coefs_ + ref.intercepts_, clf.coefs_ + clf.intercepts_):
        assert theirs.device == device
        assert_allclose(np.asarray(theirs.to_device(xs.Device("CPU_DEVICE"))), ours, rtol=1e-9)
    assert_allclose(clf.loss_curve_, ref.loss_curve_, rtol=1e-9)


def test_torch_fit_uses_the_numpy_fits_masks(digits):
    _dispatch_or_skip()
    torch = pytest.importorskip("torch")
    X, y = digits
    params = dict(hidden_layer_sizes=(12,), dropout=0.3, max_iter=3, random_state=0)
    ref = MLPClassifier(**params).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        clf = MLPClassifier(**params).fit(torch.asarray(X), torch.asarray(y))
    assert_allclose(clf.coefs_[0].numpy(), ref.coefs_[0], rtol=1e-9, atol=1e-12)


def test_dropout_fits_run_eagerly_instead_of_the_replayed_step(digits, monkeypatch):
    """The replayed (CUDA-graph) step would repeat its captured masks: dropout fits
    fall back to the eager loop. Checked with the static-buffer step the CPU tests
    of _graph_step use."""
    xs = _dispatch_or_skip()
    from skmlp import _graph_step

    monkeypatch.setattr(_graph_step, "STATIC_ON_EVERY_DEVICE", True)
    monkeypatch.setattr(_graph_step, "MIN_REPLAYED_STEPS", 0)
    runs = []
    run = _graph_step.ReplayedStep.run
    monkeypatch.setattr(
        _graph_step.ReplayedStep, "run", lambda self, i: runs.append(1) or run(self, i)
    )
    X, y = digits
    params = dict(hidden_layer_sizes=(12,), max_iter=3, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        MLPClassifier(**params).fit(xs.asarray(X), xs.asarray(y))
        assert len(runs) == 3  # without dropout the replayed step runs each epoch
        clf = MLPClassifier(dropout=0.3, **params).fit(xs.asarray(X), xs.asarray(y))
    assert len(runs) == 3  # and not with dropout
    ref = MLPClassifier(dropout=0.3, **params).fit(X, y)
    cpu = xs.Device("CPU_DEVICE")
    assert_allclose(np.asarray(clf.coefs_[0].to_device(cpu)), ref.coefs_[0], rtol=1e-9)


def test_dropout_regularises_a_wide_network(digits):
    """Dropout makes a difference where it should: the masked training moves the
    weights less far into over-fitting (training log-loss of the unmasked network
    stays higher than without dropout)."""
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = MLPClassifier(hidden_layer_sizes=(64,), max_iter=30, random_state=0).fit(X, y)
        dropped = MLPClassifier(
            hidden_layer_sizes=(64,), dropout=0.5, max_iter=30, random_state=0
        ).fit(X, y)
    from sklearn.metrics import log_loss

    assert log_loss(y, dropped.predict_proba(X)) > log_loss(y, plain.predict_proba(X))
