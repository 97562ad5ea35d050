"""MLPClassifier through its public API: training steps, targets, dtypes, tools."""

import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.special import log_expit, log_softmax, logsumexp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

SOLVERS = ["sgd", "adam", "lbfgs"]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def fit_quietly(clf, X, y, **kwargs):
    """fit, ignoring only the ConvergenceWarning of a deliberately short run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y, **kwargs)


def assert_same_weights(a, b):
    assert len(a.coefs_) == len(b.coefs_)
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(u, v)


# --------------------------------------------------------------------------
# One SGD step, against the seed's formulas written out here.
# --------------------------------------------------------------------------
def _seed_gradients(X, Y, W_h, b_h, W_out, b_out):
    """J / n and its gradients for an m-d-t sigmoid network (seed sections 3-8)."""
    n = X.shape[0]
    A_h = sigmoid(X @ W_h + b_h)
    A_out = sigmoid(A_h @ W_out + b_out)
    J = -(Y * np.log(A_out) + (1 - Y) * np.log(1 - A_out)).sum()
    delta_out = A_out - Y
    dW_out = A_h.T @ delta_out / n
    db_out = delta_out.sum(axis=0) / n
    delta_h = (delta_out @ W_out.T) * A_h * (1 - A_h)
    dW_h = X.T @ delta_h / n
    db_h = delta_h.sum(axis=0) / n
    return J / n, [dW_h, dW_out], [db_h, db_out]


@pytest.mark.parametrize("how", ["fit_warm_start", "partial_fit"])
@pytest.mark.parametrize("n_classes", [2, 3], ids=["binary", "multiclass"])
def test_one_full_batch_sgd_step_is_minus_lr_times_the_seed_gradient(n_classes, how):
    rng = np.random.RandomState(0)
    n, m, d = 12, 3, 4
    X = rng.normal(size=(n, m))
    y = np.arange(n) % n_classes
    lr = 0.3
    clf = MLPClassifier(
        hidden_layer_sizes=(d,),
        solver="sgd",
        momentum=0.0,
        alpha=0.0,
        shuffle=False,
        batch_size=n,
        max_iter=1,
        learning_rate_init=lr,
        random_state=0,
        warm_start=True,
    )

    def one_step():
        if how == "partial_fit":
            clf.partial_fit(X, y, classes=np.arange(n_classes))
        else:  # max_iter=1: the ConvergenceWarning is expected, and ignored
            fit_quietly(clf, X, y)

    one_step()  # builds the network and the optimizer
    t = 1 if n_classes == 2 else n_classes
    assert [W.shape for W in clf.coefs_] == [(m, d), (d, t)]
    # Our own weights: the step must start from them.
    W_h, b_h = rng.normal(size=(m, d)), rng.normal(size=d)
    W_out, b_out = rng.normal(size=(d, t)), rng.normal(size=t)
    clf.coefs_ = [W_h.copy(), W_out.copy()]
    clf.intercepts_ = [b_h.copy(), b_out.copy()]
    n_epochs = len(clf.loss_curve_)

    one_step()

    Y = np.eye(n_classes)[y] if n_classes > 2 else (y == 1).astype(float)[:, None]
    J, dW, db = _seed_gradients(X, Y, W_h, b_h, W_out, b_out)
    assert clf.n_iter_ == 1  # this call's epochs
    assert len(clf.loss_curve_) == n_epochs + 1
    assert clf.loss_ == pytest.approx(J, rel=1e-12)  # the loss before the step
    assert_allclose(clf.coefs_[0], W_h - lr * dW[0], rtol=1e-12, atol=1e-14)
    assert_allclose(clf.coefs_[1], W_out - lr * dW[1], rtol=1e-12, atol=1e-14)
    assert_allclose(clf.intercepts_[0], b_h - lr * db[0], rtol=1e-12, atol=1e-14)
    assert_allclose(clf.intercepts_[1], b_out - lr * db[1], rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------
# scikit-learn tools
# --------------------------------------------------------------------------
def test_pipeline_with_scaler(blobs3):
    X, y = blobs3
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0),
    )
    fit_quietly(pipe, X * 100 + 7, y)
    assert pipe.score(X * 100 + 7, y) > 0.9
    assert pipe[-1].n_features_in_ == 4


def test_grid_search_in_parallel(blobs3):
    X, y = blobs3
    grid = {"alpha": [1e-4, 1e-1], "hidden_layer_sizes": [(4,), (8,)]}
    est = MLPClassifier(learning_rate_init=0.05, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(est, grid, cv=3, n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.8
    best = search.best_estimator_
    assert isinstance(best, MLPClassifier)
    assert best.alpha == search.best_params_["alpha"]
    assert best.coefs_[0].shape == (4, search.best_params_["hidden_layer_sizes"][0])


def test_joblib_round_trip(tmp_path, blobs3):
    X, y = blobs3
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0), X, y)
    path = tmp_path / "clf.joblib"
    joblib.dump(clf, path)
    loaded = joblib.load(path)
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert_array_equal(loaded.predict(X), clf.predict(X))
    # the optimizer's state travels too: one more epoch gives the same weights
    clf.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert_same_weights(loaded, clf)


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------
def test_binary_target(blobs2):
    X, y = blobs2
    clf = MLPClassifier(hidden_layer_sizes=(5,), learning_rate_init=0.05, random_state=0)
    fit_quietly(clf, X, y)
    assert_array_equal(clf.classes_, [0, 1])
    assert clf.n_outputs_ == 1
    assert clf.predict_proba(X).shape == (40, 2)
    assert clf.decision_function(X).shape == (40,)
    assert clf.score(X, y) > 0.9
    # predict agrees with the probability of classes_[1]
    assert_array_equal(clf.predict(X), (clf.predict_proba(X)[:, 1] > 0.5).astype(int))


@pytest.mark.parametrize("output_activation", ["logistic", "softmax"])
def test_multiclass_target(blobs3, output_activation):
    X, y = blobs3
    clf = MLPClassifier(
        hidden_layer_sizes=(5,),
        output_activation=output_activation,
        learning_rate_init=0.05,
        random_state=0,
    )
    fit_quietly(clf, X, y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == output_activation
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    assert clf.score(X, y) > 0.9
    assert_array_equal(clf.predict(X), np.argmax(proba, axis=1))


def test_multilabel_target(multilabel):
    X, Y = multilabel
    clf = MLPClassifier(hidden_layer_sizes=(10,), learning_rate_init=0.05, random_state=0)
    fit_quietly(clf, X, Y)
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "logistic"
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert set(np.unique(pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert_array_equal(pred, (proba > 0.5).astype(int))
    assert (pred == Y).mean() > 0.8


@pytest.mark.parametrize("labels", [["ant", "bee", "cat"], ["no", "yes"]])
def test_string_labels(blobs3, labels):
    X, y = blobs3
    keep = y < len(labels)
    X, y = X[keep], np.array(labels)[y[keep]]
    clf = MLPClassifier(hidden_layer_sizes=(5,), learning_rate_init=0.05, random_state=0)
    fit_quietly(clf, X, y)
    assert_array_equal(clf.classes_, labels)
    pred = clf.predict(X)
    assert pred.dtype.kind == "U"
    assert set(pred) <= set(labels)
    assert np.mean(pred == y) > 0.9
    assert_array_equal(pred, clf.classes_[np.argmax(clf.predict_proba(X), axis=1)])


# --------------------------------------------------------------------------
# dtypes and input containers
# --------------------------------------------------------------------------
@pytest.mark.parametrize("n_classes", [2, 3], ids=["binary", "multiclass"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_in_float32_out(blobs3, solver, n_classes):
    X, y = blobs3
    keep = y < n_classes
    X, y = X[keep].astype(np.float32), y[keep]
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=10, random_state=0)
    fit_quietly(clf, X, y)
    for p in clf.coefs_ + clf.intercepts_:
        assert p.dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    assert clf.predict_log_proba(X).dtype == np.float32
    assert clf.decision_function(X).dtype == np.float32
    assert np.isfinite(clf.loss_)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(fmt):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 6))
    X[rng.uniform(size=X.shape) < 0.6] = 0.0
    y = (X[:, 0] + X[:, 1] - X[:, 2] > 0).astype(int)
    X_sp = sparse.csr_matrix(X) if fmt == "csr" else sparse.csc_matrix(X)
    params = dict(hidden_layer_sizes=(5,), batch_size=16, max_iter=10, random_state=0)
    dense = fit_quietly(MLPClassifier(**params), X, y)
    sp = fit_quietly(MLPClassifier(**params), X_sp, y)
    assert_allclose(sp.predict_proba(X_sp), dense.predict_proba(X), rtol=1e-7, atol=1e-10)
    assert_array_equal(sp.predict(X_sp), dense.predict(X))
    # a model fitted on dense data predicts sparse data the same
    assert_allclose(dense.predict_proba(X_sp), dense.predict_proba(X), rtol=1e-12)


def test_dataframe_sets_feature_names(blobs3):
    X, y = blobs3
    columns = ["a", "b", "c", "d"]
    df = pd.DataFrame(X, columns=columns)
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0), df, y)
    assert_array_equal(clf.feature_names_in_, columns)
    assert clf.n_features_in_ == 4
    with pytest.warns(UserWarning, match="feature names"):
        proba_from_array = clf.predict_proba(X)
    assert_array_equal(clf.predict_proba(df), proba_from_array)
    plain = fit_quietly(MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0), X, y)
    assert not hasattr(plain, "feature_names_in_")


@pytest.mark.parametrize("solver", SOLVERS)
def test_same_random_state_same_model(blobs3, solver):
    X, y = blobs3
    params = dict(hidden_layer_sizes=(5,), solver=solver, max_iter=10, batch_size=16)
    a = fit_quietly(MLPClassifier(random_state=3, **params), X, y)
    b = fit_quietly(MLPClassifier(random_state=3, **params), X, y)
    assert_same_weights(a, b)
    assert a.loss_curve_ == b.loss_curve_
    c = fit_quietly(MLPClassifier(random_state=4, **params), X, y)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])
    # refitting the same estimator starts afresh from the same seed
    fit_quietly(a, X, y)
    assert_same_weights(a, b)


# --------------------------------------------------------------------------
# Probabilities
# --------------------------------------------------------------------------
def _fitted_for(kind, blobs3, multilabel):
    X, y = multilabel if kind == "multilabel" else blobs3
    if kind == "binary":
        y = (y == 1).astype(int)
    out = "softmax" if kind == "softmax" else "logistic"
    clf = MLPClassifier(hidden_layer_sizes=(5,), output_activation=out, max_iter=10, random_state=0)
    return fit_quietly(clf, X, y), X


def _reference_log_proba(kind, Z):
    """log-probabilities from the logits, by the documented formulas."""
    if kind == "multilabel":
        return log_expit(Z)
    if kind == "binary":
        return np.column_stack([log_expit(-Z), log_expit(Z)])
    if kind == "softmax":
        return log_softmax(Z, axis=1)
    log_s = log_expit(Z)  # one sigmoid per class, normalised by their sum
    return log_s - logsumexp(log_s, axis=1, keepdims=True)


KINDS = ["logistic_multiclass", "softmax", "binary", "multilabel"]


@pytest.mark.parametrize("kind", KINDS)
def test_predict_log_proba_is_log_of_predict_proba(kind, blobs3, multilabel):
    clf, X = _fitted_for(kind, blobs3, multilabel)
    proba = clf.predict_proba(X)
    log_proba = clf.predict_log_proba(X)
    assert proba.min() > 1e-8  # not saturated
    assert_allclose(log_proba, np.log(proba), rtol=1e-9, atol=1e-12)
    assert_allclose(
        log_proba, _reference_log_proba(kind, clf.decision_function(X)), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("kind", KINDS)
def test_predict_log_proba_is_finite_where_predict_proba_saturates(kind, blobs3, multilabel):
    clf, X = _fitted_for(kind, blobs3, multilabel)
    clf.coefs_[-1] = clf.coefs_[-1] * 1e4  # logits of the order of 1e4
    clf.intercepts_[-1] = clf.intercepts_[-1] * 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = clf.predict_proba(X)
        log_proba = clf.predict_log_proba(X)
        Z = clf.decision_function(X)
    assert (proba == 0).any()  # log(proba) would be -inf here
    assert np.isfinite(log_proba).all()
    assert log_proba.min() < -100
    assert_allclose(log_proba, _reference_log_proba(kind, Z), rtol=1e-10, atol=1e-12)
    assert_allclose(np.exp(log_proba), proba, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("kind", ["logistic_multiclass", "softmax", "binary"])
def test_predict_proba_rows_sum_to_one(kind, blobs3, multilabel):
    clf, X = _fitted_for(kind, blobs3, multilabel)
    proba = clf.predict_proba(X)
    assert (proba >= 0).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    if kind == "logistic_multiclass":  # sigmoid(z_j) / sum_k sigmoid(z_k)
        s = sigmoid(clf.decision_function(X))
        assert_allclose(proba, s / s.sum(axis=1, keepdims=True), rtol=1e-10)


# --------------------------------------------------------------------------
# Continuing a fit
# --------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues(blobs3, solver):
    X, y = blobs3
    params = dict(hidden_layer_sizes=(5,), solver=solver, shuffle=False, random_state=0)
    clf = fit_quietly(MLPClassifier(max_iter=4, warm_start=True, **params), X, y)
    first_curve = list(clf.loss_curve_)
    fit_quietly(clf, X, y)
    assert clf.n_iter_ == 4  # this call's epochs, as in scikit-learn
    assert clf.t_ == 8 * X.shape[0]
    assert len(clf.loss_curve_) == 8
    assert clf.loss_curve_[:4] == first_curve
    # four and four epochs are eight epochs in one go
    once = fit_quietly(MLPClassifier(max_iter=8, **params), X, y)
    assert_allclose(clf.loss_curve_, once.loss_curve_, rtol=1e-12)
    for u, v in zip(clf.coefs_ + clf.intercepts_, once.coefs_ + once.intercepts_):
        assert_allclose(u, v, rtol=1e-12, atol=1e-14)


def test_partial_fit_over_several_calls(blobs3):
    X, y = blobs3
    clf = MLPClassifier(hidden_layer_sizes=(5,), learning_rate_init=0.05, random_state=0)
    first = y < 2  # the first batch lacks class 2
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_outputs_ == 3
    assert clf.n_iter_ == 1
    for _ in range(30):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 1  # each call runs one epoch
    assert len(clf.loss_curve_) == 31
    assert clf.t_ == first.sum() + 30 * len(y)
    assert clf.predict_proba(X).shape == (60, 3)
    assert clf.score(X, y) > 0.9


def test_partial_fit_multilabel(multilabel):
    X, Y = multilabel
    clf = MLPClassifier(hidden_layer_sizes=(6,), learning_rate_init=0.05, random_state=0)
    clf.partial_fit(X[:30], Y[:30])  # no classes needed for an indicator matrix
    losses = []
    for _ in range(20):
        clf.partial_fit(X, Y)
        losses.append(clf.loss_)
    assert clf.n_outputs_ == 3
    assert clf.n_iter_ == 1
    assert len(clf.loss_curve_) == 21
    assert clf.predict(X).shape == Y.shape
    assert losses[-1] < losses[0]


# --------------------------------------------------------------------------
# Sample weights
# --------------------------------------------------------------------------
def test_sample_weight_changes_the_fit(blobs3):
    X, y = blobs3
    params = dict(hidden_layer_sizes=(5,), max_iter=10, random_state=0)
    plain = fit_quietly(MLPClassifier(**params), X, y)
    sw = np.random.RandomState(0).uniform(0.1, 5.0, size=len(y))
    weighted = fit_quietly(MLPClassifier(**params), X, y, sample_weight=sw)
    assert not np.allclose(plain.coefs_[0], weighted.coefs_[0])
    # Without the penalty (whose 1/S scale depends on the total weight), a
    # constant weight is no weight: the data term is a weighted mean.
    params["alpha"] = 0.0
    plain = fit_quietly(MLPClassifier(**params), X, y)
    constant = fit_quietly(MLPClassifier(**params), X, y, sample_weight=np.full(len(y), 2.5))
    for u, v in zip(plain.coefs_ + plain.intercepts_, constant.coefs_ + constant.intercepts_):
        assert_allclose(u, v, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
def test_integer_weights_equal_repeated_rows_in_full_batch_training(blobs3, solver):
    X, y = blobs3
    X, y = X[:24], y[:24]
    w = np.random.RandomState(1).randint(0, 4, size=len(y))
    assert (w == 0).any() and (w > 1).any()
    X_rep, y_rep = np.repeat(X, w, axis=0), np.repeat(y, w)
    params = dict(
        hidden_layer_sizes=(5,), solver=solver, max_iter=15, shuffle=False, random_state=0
    )  # batch_size="auto" is min(200, n_samples): the whole data
    weighted = fit_quietly(MLPClassifier(**params), X, y, sample_weight=w)
    repeated = fit_quietly(MLPClassifier(**params), X_rep, y_rep)
    assert weighted.n_iter_ == repeated.n_iter_
    assert_allclose(weighted.loss_, repeated.loss_, rtol=1e-9)
    for u, v in zip(weighted.coefs_ + weighted.intercepts_, repeated.coefs_ + repeated.intercepts_):
        assert_allclose(u, v, rtol=1e-8, atol=1e-10)


# --------------------------------------------------------------------------
# Fitted attributes
# --------------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_fitted_attributes(kind, solver, blobs3, multilabel):
    X, y = multilabel if kind == "multilabel" else blobs3
    if kind == "binary":
        y = (y == 2).astype(int)
    n, m = X.shape
    clf = MLPClassifier(hidden_layer_sizes=(5, 3), solver=solver, max_iter=6, random_state=0)
    fit_quietly(clf, X, y)
    t = {"binary": 1, "multiclass": 3, "multilabel": 3}[kind]
    assert_array_equal(clf.classes_, [0, 1] if kind == "binary" else [0, 1, 2])
    assert [W.shape for W in clf.coefs_] == [(m, 5), (5, 3), (3, t)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (3,), (t,)]
    assert clf.n_features_in_ == m
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == t
    assert clf.out_activation_ == "logistic"
    assert isinstance(clf.n_iter_, int) and 1 <= clf.n_iter_ <= 6
    assert isinstance(clf.t_, int) and clf.t_ > 0
    assert np.isfinite(clf.loss_)
    assert len(clf.loss_curve_) == clf.n_iter_
    assert hasattr(clf, "best_loss_")
    if solver != "lbfgs":
        assert clf.loss_ == clf.loss_curve_[-1]
        assert clf.best_loss_ == min(clf.loss_curve_)
        assert clf.t_ == n * clf.n_iter_


def test_hidden_layer_sizes_as_an_int(blobs3):
    X, y = blobs3
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=7, max_iter=3, random_state=0), X, y)
    assert [W.shape for W in clf.coefs_] == [(4, 7), (7, 3)]
    assert clf.n_layers_ == 3


# --------------------------------------------------------------------------
# Stopping and reporting
# --------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_stops_without_warning_when_the_loss_stalls(blobs3, solver):
    X, y = blobs3
    # No epoch can improve the loss by tol=10: it stalls from the second epoch.
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), solver=solver, tol=10.0, n_iter_no_change=3, max_iter=50
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.set_params(random_state=0).fit(X, y)
    assert clf.n_iter_ == 3 + 2
    assert clf.n_iter_ < clf.max_iter


@pytest.mark.parametrize("solver", SOLVERS)
def test_warns_when_max_iter_is_reached(blobs3, solver):
    X, y = blobs3
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, tol=0.0, max_iter=3)
    with pytest.warns(ConvergenceWarning):
        clf.set_params(random_state=0).fit(X, y)
    assert clf.n_iter_ == 3


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_started_fit_warns_when_it_runs_max_iter_epochs(blobs3, solver):
    X, y = blobs3
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), solver=solver, tol=0.0, max_iter=3, warm_start=True
    )
    with pytest.warns(ConvergenceWarning):
        clf.set_params(random_state=0).fit(X, y)
    # the second fit runs its max_iter=3 epochs without converging either
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 6


@pytest.mark.parametrize("solver", SOLVERS)
def test_verbose_prints_the_loss_of_each_epoch(blobs3, capsys, solver):
    X, y = blobs3
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), solver=solver, max_iter=3, tol=0.0, verbose=True, random_state=0
    )
    fit_quietly(clf, X, y)
    out = capsys.readouterr().out
    found = re.findall(r"Iteration (\d+), loss = ([0-9.]+)", out)
    assert [int(i) for i, _ in found] == [1, 2, 3]
    assert out.lstrip().startswith("Iteration 1, loss = ")
    assert_allclose([float(v) for _, v in found], clf.loss_curve_, atol=1e-8)


def test_clone_is_unfitted(blobs3):
    X, y = blobs3
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0), X, y)
    assert not hasattr(clone(clf), "coefs_")
