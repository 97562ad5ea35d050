"""Behaviours that mutation testing found unguarded (issue 14), each pinned directly.

Every test below was seen failing with its bug planted in the code. Several
use the same device to state the L2 step by hand: with ``X = 0`` the data
term of the first layer's weight gradient ``dW[1] = X.T @ delta`` is exactly
zero, so one SGD step without momentum changes ``W[1]`` by exactly
``W - (W * (alpha / S_b)) * lr``, in the parameters' dtype.

Every estimator parameter that a test depends on is set explicitly, so that
changes of the defaults do not change what the tests check.
"""

import copy
import math
import warnings

import numpy as np
import pytest
import scipy.optimize
from numpy.testing import assert_array_equal
from scipy import sparse
from scipy.special import expit
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

import skmlp
from skmlp import MLPClassifier, _kernels
from skmlp._backprop import loss_and_gradients
from skmlp._split import duplicate_groups, validation_split

# Both kernel settings where numba loads; the numpy kernels only otherwise.
KERNELS = ["numpy"] + (["numba"] if _kernels._numba_kernels_or_none() is not None else [])


def _quietly(method, *args, **kwargs):
    """Call ``method``, ignoring only the ConvergenceWarning of a deliberately short run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return method(*args, **kwargs)


def _sgd_model(**params):
    """Plain SGD (no momentum, constant rate, no shuffling) unless ``params`` say otherwise."""
    base = dict(
        hidden_layer_sizes=(3,),
        activation="logistic",
        output_activation="logistic",
        solver="sgd",
        learning_rate="constant",
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=False,
        early_stopping=False,
        class_weight=None,
        random_state=0,
    )
    return MLPClassifier(**(base | params))


def _l2_step(W, alpha_over_S, lr):
    """One SGD step without momentum on the L2 term alone: W - (W * (alpha / S)) * lr."""
    dtype = W.dtype.type
    return W - (W * dtype(alpha_over_S)) * dtype(lr)


def _logistic_loss(X, Y, coefs, intercepts, alpha):
    """J of a one-hidden-layer sigmoid network with sigmoid outputs, written out here."""
    (W1, W2), (b1, b2) = coefs, intercepts
    Z_out = expit(X @ W1 + b1) @ W2 + b2
    cross_entropy = (np.logaddexp(0, Z_out) - Y * Z_out).sum()
    return (cross_entropy + alpha / 2 * sum((W**2).sum() for W in coefs)) / X.shape[0]


# --------------------------------------------------------------------------
# 1. The adaptive schedule stops once the learning rate is <= 1e-6.
# --------------------------------------------------------------------------
def test_adaptive_schedule_stops_when_the_rate_reaches_exactly_1e_6():
    lr0 = 1e-6 * 5**2  # 2.4999999999999998e-05, not the literal 2.5e-5
    # Not vacuous: two divisions by 5 land exactly on 1e-6 in float64, so the
    # boundary itself is reached (0.01 / 5**k never equals 1e-6, nor does
    # 2.5e-5 / 5 / 5), and the rate before it is well above 1e-6.
    assert lr0 / 5.0 / 5.0 == 1e-6
    assert lr0 / 5.0 > 1e-6
    X, y = make_blobs(n_samples=20, centers=2, n_features=3, random_state=0)
    clf = _sgd_model(
        learning_rate="adaptive",
        learning_rate_init=lr0,
        alpha=0.0,
        batch_size=20,
        max_iter=50,
        tol=1e9,  # no epoch ever improves by tol: a stall every n_iter_no_change + 1 epochs
        n_iter_no_change=1,
    ).fit(X, y)  # no ConvergenceWarning: stopping is not running out of epochs
    # Epoch 1 sets best_loss_; the count then exceeds 1 at epochs 3 (lr0 -> 5e-6),
    # 5 (5e-6 -> 1e-6) and 7, where the rate is 1e-6 <= 1e-6: stop, not 2e-7.
    assert clf._optimizer.learning_rate == 1e-6
    assert clf.n_iter_ == 7


# --------------------------------------------------------------------------
# 2. loss_ counts the L2 penalty once per minibatch step.
# --------------------------------------------------------------------------
def test_epoch_loss_counts_the_penalty_of_every_minibatch():
    """loss_ is the mean over the epoch's batches of J_b = (CE_b + alpha/2 ||W||^2) / S_b,
    weighted by S_b: (sum CE + n_batches * alpha/2 ||W||^2) / n.

    A learning rate of 1e-300 leaves the weights unchanged (checked), so every
    batch's J is taken at the same weights and the expected loss is exact.
    """
    X, y = make_blobs(n_samples=10, centers=2, n_features=4, random_state=0)
    alpha = 1.0
    clf = _sgd_model(
        hidden_layer_sizes=(5,),
        learning_rate_init=1e-300,
        momentum=0.9,
        nesterovs_momentum=True,
        alpha=alpha,
        batch_size=4,  # batches of 4, 4 and 2 samples: 3 steps
    )
    clf.partial_fit(X, y, classes=[0, 1])
    coefs = [W.copy() for W in clf.coefs_]
    intercepts = [b.copy() for b in clf.intercepts_]
    clf.partial_fit(X, y)
    for before, after in zip(coefs + intercepts, clf.coefs_ + clf.intercepts_):
        assert_array_equal(after, before)

    Y = y[:, None].astype(float)
    data = _logistic_loss(X, Y, coefs, intercepts, 0.0)
    penalty = alpha / 2 * sum((W**2).sum() for W in coefs) / 10
    assert penalty > 1.0  # large beside the rounding: counting it once is far off
    assert clf.loss_ == pytest.approx(data + 3 * penalty, rel=1e-13, abs=0)


# --------------------------------------------------------------------------
# 3. The minibatch step's L2 term is alpha / S_batch, not alpha / S_total.
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kernels", KERNELS)
def test_each_minibatch_step_decays_by_alpha_over_its_own_size(kernels):
    X = np.zeros((5, 4))  # dW[1] = X.T @ delta = 0: only the L2 term moves W[1]
    y = np.array([0, 1, 0, 1, 1])
    alpha, lr = 0.6, 0.5
    clf = _sgd_model(learning_rate_init=lr, alpha=alpha, batch_size=3)  # batches of 3 and 2
    with skmlp.config_context(kernels=kernels):
        clf.partial_fit(X, y, classes=[0, 1])
        W = clf.coefs_[0].copy()
        clf.partial_fit(X, y)
    expected = _l2_step(_l2_step(W, alpha / 3, lr), alpha / 2, lr)
    assert_array_equal(clf.coefs_[0], expected)

    # The same with sample weights: S_b is the batch's total weight (3.5, then 1.25).
    sw = np.array([0.5, 1.0, 2.0, 0.25, 1.0])
    clf = _sgd_model(learning_rate_init=lr, alpha=alpha, batch_size=3)
    with skmlp.config_context(kernels=kernels):
        clf.partial_fit(X, y, classes=[0, 1], sample_weight=sw)
        W = clf.coefs_[0].copy()
        clf.partial_fit(X, y, sample_weight=sw)
    expected = _l2_step(_l2_step(W, alpha / 3.5, lr), alpha / 1.25, lr)
    assert_array_equal(clf.coefs_[0], expected)


# --------------------------------------------------------------------------
# 4. warm_start refuses a y that lacks one of the fitted classes.
# --------------------------------------------------------------------------
def test_warm_start_refit_on_y_missing_a_fitted_class_is_refused():
    X, y = make_blobs(n_samples=30, centers=3, n_features=3, random_state=0)
    clf = _quietly(
        _sgd_model(
            learning_rate_init=0.1, alpha=1e-4, batch_size=10, max_iter=2, warm_start=True
        ).fit,
        X,
        y,
    )
    before = [p.copy() for p in clf.coefs_ + clf.intercepts_]
    keep = y != 2
    with pytest.raises(ValueError, match="same classes as the previous fit"):
        _quietly(clf.fit, X[keep], y[keep])
    assert_array_equal(clf.classes_, [0, 1, 2])
    for a, b in zip(before, clf.coefs_ + clf.intercepts_):
        assert_array_equal(a, b)


# --------------------------------------------------------------------------
# 5. A float32 model continued on float64 X computes in float32.
# --------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_float32_model_continued_on_float64_X_matches_float32_X_bit_for_bit(how):
    X, y = make_blobs(n_samples=40, centers=3, n_features=5, random_state=3)
    X = X * np.pi  # float64 values that float32 cannot hold exactly
    X32 = X.astype(np.float32)
    assert not np.array_equal(X32.astype(np.float64), X)
    model = _quietly(
        _sgd_model(
            hidden_layer_sizes=(6,),
            solver="adam",
            learning_rate_init=0.01,
            alpha=0.01,
            batch_size=16,
            shuffle=True,
            max_iter=2,
            warm_start=True,
        ).fit,
        X32,
        y,
    )
    assert model.coefs_[0].dtype == np.float32
    continued = {}
    for name, data in (("float64", X), ("float32", X32)):
        clf = copy.deepcopy(model)
        if how == "partial_fit":
            clf.partial_fit(data, y)
        else:
            _quietly(clf.fit, data, y)
        continued[name] = clf
    a, b = continued["float64"], continued["float32"]
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert u.dtype == np.float32
        assert_array_equal(u, v)
    assert a.loss_curve_ == b.loss_curve_


# --------------------------------------------------------------------------
# 6. A class missing from a class_weight dict weighs 1.
# --------------------------------------------------------------------------
def test_class_left_out_of_class_weight_dict_weighs_one():
    X, y = make_blobs(n_samples=30, centers=3, n_features=3, random_state=1)
    params = dict(learning_rate_init=0.1, alpha=1e-3, batch_size=8, shuffle=True, max_iter=3)
    weighted = _quietly(_sgd_model(class_weight={0: 2.0}, **params).fit, X, y)
    explicit = _quietly(_sgd_model(**params).fit, X, y, sample_weight=np.where(y == 0, 2.0, 1.0))
    for u, v in zip(weighted.coefs_ + weighted.intercepts_, explicit.coefs_ + explicit.intercepts_):
        assert_array_equal(u, v)
    assert weighted.loss_curve_ == explicit.loss_curve_


# --------------------------------------------------------------------------
# 7. A warm-started lbfgs fit starts from the stored weights.
# --------------------------------------------------------------------------
def test_warm_started_lbfgs_continues_from_the_stored_weights(monkeypatch):
    X, y = make_blobs(n_samples=30, centers=3, n_features=4, random_state=2)
    alpha = 1e-3
    clf = _quietly(
        MLPClassifier(
            hidden_layer_sizes=(5,),
            activation="logistic",
            output_activation="logistic",
            solver="lbfgs",
            alpha=alpha,
            max_iter=5,
            tol=0.0,
            warm_start=True,
            class_weight=None,
            random_state=0,
        ).fit,
        X,
        y,
    )
    coefs = [W.copy() for W in clf.coefs_]
    intercepts = [b.copy() for b in clf.intercepts_]
    previous_loss = clf.loss_
    n_before = len(clf.loss_curve_)

    calls = []
    minimize = scipy.optimize.minimize

    def spy(fun, x0, *args, **kwargs):
        def recorded(theta):
            J, grad = fun(theta)
            calls.append((theta.copy(), J))
            return J, grad

        calls.append((np.array(x0, copy=True), None))
        return minimize(recorded, x0, *args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", spy)
    _quietly(clf.fit, X, y)

    # The start vector is W[1], W[2], then b[1], b[2], each raveled.
    x0 = calls[0][0]
    assert_array_equal(x0, np.concatenate([p.ravel() for p in coefs + intercepts]))
    # Its loss is where the previous fit stopped, and agrees with J written out here.
    theta, J0 = calls[1]
    assert_array_equal(theta, x0)
    assert J0 == previous_loss
    Y = np.eye(3)[y]
    assert J0 == pytest.approx(_logistic_loss(X, Y, coefs, intercepts, alpha), rel=1e-12, abs=0)
    # and L-BFGS only accepts steps that lower it: the curve, which the warm
    # start continues, does not jump up.
    assert clf.loss_curve_[n_before] <= previous_loss


# --------------------------------------------------------------------------
# 8. Distinct (X, y) rows form distinct groups in the early-stopping split.
# --------------------------------------------------------------------------
def _same_group(ids):
    return ids[:, None] == ids[None, :]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("sparse_X", [False, True])
def test_duplicate_groups_join_exactly_the_identical_rows(n_classes, sparse_X):
    rng = np.random.RandomState(0)
    # Few values per column: many exact duplicates, and many rows equal in X only.
    X = rng.randint(0, 2, size=(60, 3)).astype(float)
    y = rng.randint(0, n_classes, size=60)
    Y = y[:, None].astype(float) if n_classes == 2 else np.eye(n_classes)[y]
    _, truth = np.unique(np.column_stack([X, y]), axis=0, return_inverse=True)
    truth = truth.ravel()
    group, n_groups = duplicate_groups(sparse.csr_matrix(X) if sparse_X else X, Y)
    assert n_groups == truth.max() + 1
    assert_array_equal(_same_group(group), _same_group(truth))


def test_distinct_rows_are_split_one_by_one():
    """Rows that differ in X or in y only are each their own sample to hold out."""
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]] * 2)
    X[6:] += 2.0
    y = np.array([0, 1, 0, 1, 0, 1] * 2)  # 12 distinct (X, y) rows
    Y = y[:, None].astype(float)
    group, n_groups = duplicate_groups(X, Y)
    assert n_groups == 12
    assert len(set(group)) == 12
    train_rows, (X_val, _, _, _) = validation_split(X, Y, y, None, 0.25, 0)
    assert (X_val.shape[0], len(train_rows)) == (math.ceil(0.25 * 12), 9)


# --------------------------------------------------------------------------
# 9. A new learning_rate_init takes effect in the next warm-start fit.
# --------------------------------------------------------------------------
@pytest.mark.parametrize("solver_state", ["kept", "after_reset"])
def test_changed_learning_rate_init_takes_effect_on_warm_start(solver_state):
    X = np.zeros((4, 3))  # dW[1] = 0 but for the L2 term
    y = np.array([0, 1, 1, 0])
    alpha = 0.8
    clf = _sgd_model(learning_rate_init=0.5, alpha=alpha, batch_size=4, max_iter=1, warm_start=True)
    _quietly(clf.fit, X, y)
    W = clf.coefs_[0].copy()
    clf.set_params(learning_rate_init=0.125)
    if solver_state == "after_reset":
        clf.reset_optimizer()
    _quietly(clf.fit, X, y)
    assert_array_equal(clf.coefs_[0], _l2_step(W, alpha / 4, 0.125))
    assert clf._optimizer.learning_rate == 0.125


# --------------------------------------------------------------------------
# 10. alpha given as a numpy float64 keeps float32 arithmetic float32.
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kernels", KERNELS)
def test_numpy_float64_alpha_keeps_float32_steps_float32(kernels):
    X = np.zeros((6, 40), dtype=np.float32)  # dW[1] = 0 but for the L2 term
    y = np.array([0, 1, 2, 0, 1, 2])
    alpha, lr = np.float64(1.3), 2.0  # 1.3 / 6 rounds differently in float32
    assert np.float32(alpha / 6) != alpha / 6
    clf = _sgd_model(hidden_layer_sizes=(30,), learning_rate_init=lr, alpha=alpha, batch_size=6)
    with skmlp.config_context(kernels=kernels):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        W = clf.coefs_[0].copy()
        clf.partial_fit(X, y)
    assert W.dtype == np.float32
    # float32 throughout: W - (W * f32(alpha / S)) * f32(lr), each product rounded to float32
    assert_array_equal(clf.coefs_[0], _l2_step(W, float(alpha) / 6, lr))

    # The same through the gradient that lbfgs uses: dW[1] = f32(alpha / S) * W[1].
    Y = np.eye(3, dtype=np.float32)[y]
    with skmlp.config_context(kernels=kernels):
        _, dW, _ = loss_and_gradients(
            X, Y, clf.coefs_, clf.intercepts_, "logistic", "logistic", alpha
        )
    W = clf.coefs_[0]
    assert dW[0].dtype == np.float32
    assert_array_equal(dW[0], W * np.float32(float(alpha) / 6))


# ==========================================================================
# Issue 19: behaviours that no test pinned (a plausible bug in each passed the
# whole suite). Each test was seen failing with its bug planted.
# ==========================================================================


# --------------------------------------------------------------------------
# 11. L-BFGS gets max_iter as its iteration cap and max_fun as its evaluation cap.
# --------------------------------------------------------------------------
def test_lbfgs_caps_iterations_by_max_iter_and_evaluations_by_max_fun(monkeypatch):
    X, y = make_blobs(n_samples=30, centers=3, n_features=4, random_state=0)
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", tol=0.0, random_state=0)
    evaluations = []
    original = skmlp._training.loss_and_gradients

    def counted(*args, **kwargs):
        evaluations.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(skmlp._training, "loss_and_gradients", counted)
    # scipy's message says which cap stopped it (its case varies between versions)
    with pytest.warns(ConvergenceWarning, match="(?i)iterations reached limit"):
        clf = MLPClassifier(max_iter=4, max_fun=1000, **params).fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == 4
    evaluations.clear()
    with pytest.warns(ConvergenceWarning, match="(?i)evaluations exceeds limit"):
        clf = MLPClassifier(max_iter=1000, max_fun=6, **params).fit(X, y)
    # scipy stops once an iteration ends beyond max_fun evaluations: a few more
    # than 6 at most, far from 1000 iterations
    assert 6 <= len(evaluations) <= 12
    assert clf.n_iter_ <= 6


# --------------------------------------------------------------------------
# 12. The "auto" rate counts a short last minibatch as a step.
# --------------------------------------------------------------------------
def test_auto_learning_rate_rounds_the_steps_per_epoch_up():
    # 301 rows in batches of 10: 31 steps (30 full, one of 1 row), one beyond the
    # 30 steps up to which Adam's "auto" rate stays 0.01.
    X, y = make_blobs(n_samples=301, centers=2, n_features=2, random_state=0)
    clf = MLPClassifier(
        hidden_layer_sizes=(2,),
        activation="logistic",
        solver="adam",
        learning_rate_init="auto",
        batch_size=10,
        max_iter=1,
        random_state=0,
    )
    _quietly(clf.fit, X, y)
    assert clf.learning_rate_init_ == 0.01 * math.sqrt(30 / 31)
    _quietly(clf.fit, X[:300], y[:300])  # 30 steps exactly
    assert clf.learning_rate_init_ == 0.01


# --------------------------------------------------------------------------
# 13. A numpy model refuses another namespace's X under dispatch.
# --------------------------------------------------------------------------
def test_numpy_model_refuses_array_api_input_under_dispatch():
    xs = pytest.importorskip("array_api_strict")
    import sklearn

    try:
        with sklearn.config_context(array_api_dispatch=True):
            pass
    except (ImportError, RuntimeError) as exc:
        pytest.skip(f"array_api_dispatch unavailable: {exc}")
    X, y = make_blobs(n_samples=30, centers=3, n_features=4, random_state=0)
    clf = _quietly(_sgd_model(max_iter=2).fit, X, y)
    X_strict = xs.asarray(X)
    with sklearn.config_context(array_api_dispatch=True):
        for call in (
            lambda: clf.predict(X_strict),
            lambda: clf.predict_proba(X_strict),
            lambda: clf.partial_fit(X_strict, y),
        ):
            with pytest.raises(ValueError, match="must use the same namespace"):
                call()
    assert isinstance(clf.coefs_[0], np.ndarray)
    assert clf.predict(X).shape == y.shape


# --------------------------------------------------------------------------
# 14. Under early stopping, t_ counts the training rows only.
# --------------------------------------------------------------------------
def test_early_stopping_counts_only_the_training_rows_in_t():
    X, y = make_blobs(n_samples=40, centers=2, n_features=3, random_state=0)
    clf = _quietly(
        _sgd_model(early_stopping=True, validation_fraction=0.25, batch_size=10, max_iter=3).fit,
        X,
        y,
    )
    assert clf.n_iter_ == 3
    assert clf.t_ == 3 * 30  # 10 of the 40 rows are held out


# --------------------------------------------------------------------------
# 15. Under early stopping, the epoch's loss divides by the training rows' weight.
# --------------------------------------------------------------------------
def test_early_stopping_loss_divides_by_the_training_weight_only():
    """Weights of 2.0 everywhere are the unweighted fit (alpha=0: J's scale is free)."""
    X, y = make_blobs(n_samples=40, centers=3, n_features=3, cluster_std=3.0, random_state=0)
    model = _sgd_model(
        early_stopping=True,
        validation_fraction=0.25,
        alpha=0.0,
        learning_rate_init=0.1,
        batch_size=10,
        shuffle=True,
        max_iter=4,
        n_iter_no_change=100,
    )
    plain = _quietly(copy.deepcopy(model).fit, X, y)
    doubled = _quietly(copy.deepcopy(model).fit, X, y, sample_weight=np.full(40, 2.0))
    # The same to rounding (a weighted sum is reduced in another order); dividing
    # by all 40 rows' weight instead of the 30 training rows' is 25% off.
    assert doubled.loss_curve_ == pytest.approx(plain.loss_curve_, rel=1e-12, abs=0)
    assert doubled.validation_loss_curve_ == pytest.approx(
        plain.validation_loss_curve_, rel=1e-12, abs=0
    )
    assert doubled.validation_scores_ == plain.validation_scores_
    assert doubled.t_ == plain.t_
    for u, v in zip(doubled.coefs_ + doubled.intercepts_, plain.coefs_ + plain.intercepts_):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------
# 16. partial_fit refuses a strict subset of the first call's classes.
# --------------------------------------------------------------------------
def test_partial_fit_refuses_a_subset_of_the_first_classes():
    X, y = make_blobs(n_samples=30, centers=3, n_features=3, random_state=0)
    clf = _sgd_model()
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = [p.copy() for p in clf.coefs_ + clf.intercepts_]
    keep = y != 2
    for classes in ([0, 1], [0, 1, 2, 3]):
        with pytest.raises(ValueError, match="differs from the classes of the first"):
            clf.partial_fit(X[keep], y[keep], classes=classes)
    for a, b in zip(before, clf.coefs_ + clf.intercepts_):
        assert_array_equal(a, b)
    clf.partial_fit(X[keep], y[keep], classes=[2, 1, 0])  # the same set, in any order


# --------------------------------------------------------------------------
# 17. Early stopping with fewer held-out rows than classes splits unstratified.
# --------------------------------------------------------------------------
def test_early_stopping_with_fewer_held_out_rows_than_classes_still_fits():
    X, y = make_blobs(n_samples=60, centers=6, n_features=3, random_state=0)
    Y = np.eye(6)[y]
    # 0.05 of 60 distinct rows: 3 held out, fewer than the 6 classes
    train_rows, (X_val, _, y_val, _) = validation_split(X, Y, y, None, 0.05, 0)
    assert X_val.shape[0] == 3 and len(train_rows) == 57
    clf = _quietly(
        _sgd_model(early_stopping=True, validation_fraction=0.05, batch_size=20, max_iter=3).fit,
        X,
        y,
    )
    assert len(clf.validation_scores_) == clf.n_iter_ == 3
    assert clf.t_ == 3 * 57


# --------------------------------------------------------------------------
# 18. A sub-estimator without callbacks joins its meta-estimator's task tree.
# --------------------------------------------------------------------------
def test_sub_estimator_without_callbacks_joins_the_parent_task_tree():
    callback_context = pytest.importorskip("sklearn.callback._callback_context")
    X, y = make_blobs(n_samples=30, centers=2, n_features=3, random_state=0)
    meta = MLPClassifier()  # stands for a meta-estimator fitting one sub-estimator
    root = callback_context.CallbackContext._from_estimator(
        estimator=meta, task_name="fit", task_id=0, max_subtasks=1, sequential_subtasks=True
    )
    leaf = root.subcontext(task_name="sub-estimator fit", max_subtasks=0)
    clf = _sgd_model(max_iter=3)
    assert not getattr(clf, "_skl_callbacks", None)
    with leaf.propagate_callback_context(clf):
        _quietly(clf.fit, X, y)
    # The sub-estimator's fit replaced the leaf with its own root task, whose
    # subtasks are its epochs: the meta-estimator's tree reaches down to them.
    (merged,) = root._children_map.values()
    assert merged is not leaf
    assert merged.source_task_name == "sub-estimator fit"
    assert len(merged._children_map) == clf.n_iter_ == 3
    # and training is the same as without a parent
    alone = _quietly(_sgd_model(max_iter=3).fit, X, y)
    for a, b in zip(alone.coefs_ + alone.intercepts_, clf.coefs_ + clf.intercepts_):
        assert_array_equal(a, b)
