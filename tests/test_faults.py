"""Defects found by fuzzing and fault injection (issue 19), each pinned by a test.

Each test below was seen failing before its fix (the report of issue 19 says how).
"""

import copy
import pickle
import signal
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from test_pinned_behaviours import _quietly  # a short run's ConvergenceWarning ignored

import skmlp
import skmlp._training as training
from skmlp import MLPClassifier


def _parameters(clf):
    return [np.asarray(p) for p in clf.coefs_ + clf.intercepts_]


# --------------------------------------------------------------------------
# 1. set_params after fit does not change the fitted model's predictions.
# --------------------------------------------------------------------------
def _predictions(clf, X):
    return {
        "predict": clf.predict(X),
        "predict_proba": clf.predict_proba(X),
        "predict_log_proba": clf.predict_log_proba(X),
        "decision_function": clf.decision_function(X),
        "score": clf.score(X, np.asarray(clf.predict(X))),
    }


@pytest.mark.parametrize(
    "change",
    [
        {"activation": "relu"},
        {"activation": "identity"},
        {"output_activation": "softmax"},
        {"hidden_layer_sizes": (7, 3)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_set_params_after_fit_keeps_the_fitted_network(change):
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16.0, y[:300]
    clf = MLPClassifier(
        hidden_layer_sizes=(20,),
        activation="logistic",
        output_activation="logistic",
        solver="lbfgs",
        max_iter=60,
        random_state=0,
    )
    _quietly(clf.fit, X, y)
    before = _predictions(clf, X)
    restored = pickle.loads(pickle.dumps(clf))
    clf.set_params(**change)
    after = _predictions(clf, X)
    for name in before:
        assert_array_equal(after[name], before[name], err_msg=name)
    # the pickled model too, changed before or after pickling
    changed_then_pickled = pickle.loads(pickle.dumps(clf))
    for name, value in _predictions(changed_then_pickled, X).items():
        assert_array_equal(value, before[name], err_msg=name)
    for name, value in _predictions(restored.set_params(**change), X).items():
        assert_array_equal(value, before[name], err_msg=name)
    # A continued fit still refuses the change, and leaves the model as it was ...
    with pytest.raises(ValueError, match="differs from the fitted model"):
        _quietly(clf.set_params(warm_start=True).fit, X, y)
    for name, value in _predictions(clf, X).items():
        assert_array_equal(value, before[name], err_msg=name)
    # ... and a new fit builds the new network.
    _quietly(clf.set_params(warm_start=False).fit, X, y)
    key = next(iter(change))
    if key == "activation":
        assert clf._fitted_activation == change[key]
    elif key == "output_activation":
        assert clf.out_activation_ == change[key]
    else:
        assert [W.shape[1] for W in clf.coefs_[:-1]] == list(change[key])


def test_set_params_activation_after_fit_keeps_the_digits_accuracy():
    """The issue's case: a sigmoid network run through relu lost half its accuracy."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    clf = _quietly(
        MLPClassifier(
            hidden_layer_sizes=(32,), activation="logistic", max_iter=30, random_state=0
        ).fit,
        X[:1200],
        y[:1200],
    )
    accuracy = clf.score(X[1200:], y[1200:])
    assert accuracy > 0.85
    assert clf.set_params(activation="relu").score(X[1200:], y[1200:]) == accuracy


# --------------------------------------------------------------------------
# 2 and 3. Ctrl-C at any line of an epoch's end leaves the books of one epoch.
# --------------------------------------------------------------------------
SKMLP_DIR = Path(skmlp.__file__).parent
# The modules whose lines run at an epoch's end (the loop, the books, the
# interrupt guard, the optimizer's schedule, the progress reporter, callbacks).
MODULES = ("_training.py", "_interrupts.py", "_optimizers.py", "_progress.py", "_callbacks.py")
TRACED = {str(SKMLP_DIR / name) for name in MODULES}

# The functions of the minibatch steps and of the setup, whose lines are not counted
# (an interrupt there is no epoch's end, and tracing every line is slow).
NOT_COUNTED = {
    "step", "epoch", "update", "_scratch_for", "<genexpr>", "make_optimizer", "__init__",
    "_flatten_parameters", "resolve_batch_size", "_work_kernels", "fit_stochastic",
    "begin_fit", "progress",
}  # fmt: skip


class _SigintAtLine:
    """A trace function that sends a real SIGINT at the ``k``-th line run in TRACED.

    The signal goes through Python's own handler, as a Ctrl-C does: it raises
    KeyboardInterrupt at that line, unless the code holds SIGINT back there.
    """

    def __init__(self, k):
        self.k, self.count = k, 0

    def __call__(self, frame, event, arg):
        return self._line if frame.f_code.co_filename in TRACED else None

    def _line(self, frame, event, arg):
        if event == "line" and frame.f_code.co_name not in NOT_COUNTED:
            self.count += 1
            if self.count == self.k:
                signal.raise_signal(signal.SIGINT)
        return self._line


def _fit_with_sigint_at(clf, X, y, k):
    """Fit with a SIGINT at line k; returns (completed, lines counted)."""
    tracer = _SigintAtLine(k)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.settrace(tracer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "interrupted", "max_iter reached"
            clf.fit(X, y)
        completed = True
    except KeyboardInterrupt:  # after the loop: the fit failed and left no model
        completed = False
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGINT, previous)
    return completed, tracer.count


def _books(clf):
    names = ["n_iter_", "t_", "loss_", "loss_curve_", "best_loss_", "_no_improvement_count"]
    names += ["validation_scores_", "validation_loss_curve_", "best_validation_score_"]
    books = {name: copy.deepcopy(getattr(clf, name)) for name in names}
    if clf.early_stopping:
        books["_best_validation_loss"] = clf._best_validation_loss
    books["learning_rate"] = clf._optimizer.learning_rate
    return books


@pytest.mark.skipif(
    not hasattr(signal, "raise_signal") or sys.gettrace() is not None,
    reason="needs signal.raise_signal and no other tracer (coverage)",
)
@pytest.mark.parametrize(
    "params",
    [
        # a stall every 2 epochs lowers the rate: the optimizer's books too
        dict(early_stopping=True, learning_rate="adaptive", tol=1e9, n_iter_no_change=1),
        dict(early_stopping=False, learning_rate="invscaling", tol=0.0, n_iter_no_change=9),
    ],
    ids=["early_stopping", "training_loss"],
)
def test_sigint_at_every_line_of_training_leaves_whole_epochs(params):
    X, y = make_blobs(n_samples=40, centers=2, n_features=3, cluster_std=3.0, random_state=0)
    model = MLPClassifier(
        hidden_layer_sizes=(3,),
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.0,
        batch_size=30,  # one or two minibatches per epoch
        validation_fraction=0.25,
        max_iter=3,
        random_state=0,
        **params,
    )
    with skmlp.config_context(kernels="numpy"):
        references = {0: None}
        for n in range(1, 4):
            references[n] = _quietly(copy.deepcopy(model).set_params(max_iter=n).fit, X, y)
        full = references[3]
        assert full.n_iter_ == 3  # no stop before max_iter: each prefix is a reference
        _, n_lines = _fit_with_sigint_at(copy.deepcopy(model), X, y, k=0)
        assert n_lines > 50
        n_train = full.t_ // full.n_iter_
        outcomes = set()
        for k in range(1, n_lines + 1):
            clf = copy.deepcopy(model)
            completed, _ = _fit_with_sigint_at(clf, X, y, k)
            if not completed:
                assert not hasattr(clf, "coefs_"), k  # a failed fit leaves no model
                outcomes.add("failed")
                continue
            n = clf.n_iter_
            outcomes.add(n)
            assert len(clf.loss_curve_) == n and clf.t_ == n * n_train, k
            if clf.early_stopping:
                assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == n, k
                if n:
                    assert clf.best_validation_score_ == max(clf.validation_scores_), k
            if n == 0:
                continue
            assert _books(clf) == _books(references[n]), k
            if clf.early_stopping:  # the kept epoch's weights, as an uninterrupted run of n
                for p, q in zip(_parameters(clf), _parameters(references[n])):
                    assert_array_equal(p, q, err_msg=str(k))
    # Not vacuous: the interrupts landed in every epoch, and after the loop
    assert outcomes >= {0, 1, 2, 3, "failed"}


class _InterruptingBar:
    """A progress reporter whose ``at``-th step raises KeyboardInterrupt (Ctrl-C in tqdm)."""

    def __init__(self, at):
        self.at, self.steps = at, 0

    def step(self, message):
        self.steps += 1
        if self.steps == self.at:
            raise KeyboardInterrupt

    def close(self):
        pass


@pytest.mark.parametrize("at", [1, 2, 5, 9])
def test_ctrl_c_while_an_epoch_is_reported_keeps_the_best_epoch(monkeypatch, at):
    """The issue's case: Ctrl-C in the progress bar (or a callback) at an epoch's end."""
    X, y = make_blobs(n_samples=120, centers=3, n_features=4, cluster_std=4.0, random_state=0)
    model = MLPClassifier(
        hidden_layer_sizes=(8,),
        solver="adam",
        learning_rate_init=0.02,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=50,
        max_iter=12,
        random_state=0,
    )
    with skmlp.config_context(kernels="numpy"):
        reference = _quietly(copy.deepcopy(model).set_params(max_iter=at).fit, X, y)
        full = _quietly(copy.deepcopy(model).fit, X, y)
        monkeypatch.setattr(training, "progress", lambda *args, **kwargs: _InterruptingBar(at))
        clf = copy.deepcopy(model)
        with pytest.warns(UserWarning, match=f"after {at} complete epoch"):
            clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == len(clf.validation_scores_) == at
    assert clf.validation_scores_ == full.validation_scores_[:at]
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    for p, q in zip(_parameters(clf), _parameters(reference)):
        assert_array_equal(p, q)


# --------------------------------------------------------------------------
# 6. Clear errors for a scorer that returns no number and for bad `classes`.
# --------------------------------------------------------------------------
@pytest.mark.parametrize("returned", [None, "0.5", np.array([0.5, 0.5])], ids=repr)
def test_a_scorer_returning_no_number_names_scoring(returned):
    X, y = make_blobs(n_samples=40, centers=2, n_features=3, random_state=0)

    def scorer(estimator, X, y):
        return returned

    clf = MLPClassifier(hidden_layer_sizes=(3,), early_stopping=True, scoring=scorer, max_iter=3)
    with pytest.raises(ValueError, match=r"scoring=.* returned .* needs a number"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize(
    "classes, message",
    [
        ({0, 1, 2}, "got a set.*sorted"),
        (frozenset({0, 1, 2}), "got a frozenset.*sorted"),
        (np.array([[0, 1, 2]]), "1-d array-like"),
        ([0.0, 1.0, 2.0, np.nan], "classes contains NaN"),
        (np.array([0.0, np.nan, 1.0, 2.0]), "classes contains NaN"),
        (np.array([0, 1, 2, np.nan], dtype=object), "classes contains NaN"),
    ],
    ids=["set", "frozenset", "2-d", "list with NaN", "array with NaN", "object array with NaN"],
)
def test_bad_classes_in_partial_fit_name_the_argument(classes, message):
    X, y = make_blobs(n_samples=30, centers=3, n_features=3, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(3,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning on the way
        with pytest.raises(ValueError, match=message):
            clf.partial_fit(X, y.astype(float), classes=classes)
    assert not hasattr(clf, "coefs_")
    # on a later call as well
    clf.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y, classes=classes)


# --------------------------------------------------------------------------
# 8. One filter catches scikit-learn's and skmlp's InconsistentVersionWarning.
# --------------------------------------------------------------------------
def test_one_filter_catches_both_inconsistent_version_warnings(monkeypatch):
    from sklearn.exceptions import InconsistentVersionWarning as SklearnWarning

    from skmlp.exceptions import InconsistentVersionWarning

    assert issubclass(InconsistentVersionWarning, SklearnWarning)
    assert issubclass(InconsistentVersionWarning, UserWarning)
    X, y = make_blobs(n_samples=30, centers=2, n_features=3, random_state=0)
    clf = _quietly(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit, X, y)
    monkeypatch.setattr(skmlp, "__version__", "0.0.1")  # the version that saves it
    saved = pickle.dumps(clf)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnWarning)  # a filter set for scikit-learn's
        with pytest.raises(InconsistentVersionWarning) as raised:
            pickle.loads(saved)
    warning = raised.value
    assert (warning.original_version, warning.current_version) == ("0.0.1", skmlp.__version__)
    assert "saved by skmlp 0.0.1" in str(warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # anything but the filtered class raises
        warnings.simplefilter("ignore", SklearnWarning)  # checked first: added last
        loaded = pickle.loads(saved)
    assert_array_equal(loaded.predict(X), clf.predict(X))


# --------------------------------------------------------------------------
# 5. A non-finite loss names its cause: alpha, sample_weight, X's range, the rate.
# --------------------------------------------------------------------------
def _blobs():
    return make_blobs(n_samples=60, centers=3, n_features=4, random_state=0)


def _fit_raising(clf, X, y, match, **fit_params):
    """Fit, expecting a ValueError matching ``match`` and no RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match=match) as raised:
            clf.fit(X, y, **fit_params)
    return str(raised.value)


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
def test_a_huge_alpha_is_named_as_the_cause(solver):
    X, y = _blobs()
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, alpha=1e308, max_iter=5)
    message = _fit_raising(clf, X, y, r"alpha=1e\+308.*Use a smaller alpha")
    if solver != "sgd":  # SGD's L2 step is alpha times the rate
        assert "learning_rate_init" not in message
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_sample_weights_summing_beyond_the_dtype_are_named(solver):
    X, y = _blobs()
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=5)
    message = _fit_raising(
        clf, X, y, "sample_weight sums to inf, beyond the range of float64",
        sample_weight=np.full(60, 1e308),
    )  # fmt: skip
    assert "learning_rate_init" not in message
    # float32 training: the sum must fit float32
    _fit_raising(
        clf, X.astype(np.float32), y, "sample_weight sums to 6e\\+39, beyond the range of float32",
        sample_weight=np.full(60, 1e38),
    )  # fmt: skip


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_tiny_sample_weights_are_named_as_the_cause(solver):
    # the penalty is divided by the total weight: weights of 1e-300 act like a huge alpha
    X, y = _blobs()
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=5, random_state=0)
    message = _fit_raising(
        clf, X, y, "sample_weight's mean is 1e-300", sample_weight=np.full(60, 1e-300)
    )
    assert "learning_rate_init" not in message and "L-BFGS tried" not in message
    # a sum below float64's normal range is refused before training
    message = _fit_raising(
        clf, X, y, "below the smallest normal float64", sample_weight=np.full(60, 1e-320)
    )
    assert not hasattr(clf, "coefs_")


def test_huge_float64_X_trains_without_numpy_warnings():
    # X ** 2 overflows float64: the sigmoid layer's data-dependent start falls back
    # to its random start instead of warning on the way
    X, y = _blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X * 1e200, y)
        assert np.isfinite(clf.predict_proba(X * 1e200)).all()


def test_positive_weights_that_round_to_zero_are_not_called_zero():
    X, y = _blobs()
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5)
    message = _fit_raising(
        clf, X.astype(np.float32), y, "round to zero in float32", sample_weight=np.full(60, 1e-300)
    )
    assert "zero for every sample" not in message
    with pytest.raises(ValueError, match="zero for every sample"):  # still said of zeros
        clf.fit(X, y, sample_weight=np.zeros(60))


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_float64_X_beyond_a_float32_model_is_named(how):
    X, y = _blobs()
    clf = _quietly(
        MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit,
        X.astype(np.float32),
        y,
    )
    before = [p.copy() for p in clf.coefs_ + clf.intercepts_]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="X has values beyond the range of float32") as e:
            if how == "partial_fit":
                clf.partial_fit(X * 1e40, y)
            else:
                clf.set_params(warm_start=True).fit(X * 1e40, y)
    assert "learning_rate_init" not in str(e.value)
    for a, b in zip(before, clf.coefs_ + clf.intercepts_):
        assert_array_equal(a, b)


def test_lbfgs_divergence_never_mentions_a_learning_rate(monkeypatch):
    X, y = _blobs()
    real = training.loss_and_gradients
    calls = []

    def overflowing(*args, **kwargs):  # the line search reaching huge weights, made certain
        calls.append(1)
        J, dW, db = real(*args, **kwargs)
        return (np.inf if len(calls) == 3 else J), dW, db

    monkeypatch.setattr(training, "loss_and_gradients", overflowing)
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=20)
    message = _fit_raising(clf, X, y, "during L-BFGS: L-BFGS tried weights.*Scale X")
    assert "learning_rate" not in message


def test_a_too_large_rate_is_still_named():
    X, y = _blobs()
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), solver="sgd", activation="relu", momentum=0.9,
        learning_rate_init=1e10, max_iter=50, random_state=0,
    )  # fmt: skip
    message = _fit_raising(clf, X * 1e3, y, "learning_rate_init")
    assert "alpha=" not in message


# --------------------------------------------------------------------------
# 7. Early stopping's split groups a CSR X without copying it when canonical,
#    and groups a non-canonical one as its canonical form.
# --------------------------------------------------------------------------
def test_sparse_row_keys_read_a_canonical_csr_in_place_and_canonicalise_others():
    from scipy import sparse

    from skmlp._split import _sparse_row_keys, duplicate_groups

    rng = np.random.RandomState(0)
    dense = rng.randint(0, 2, size=(40, 6)).astype(float)
    X = sparse.csr_matrix(dense)
    assert X.has_canonical_format
    # a non-canonical copy: duplicate entries (summing to the same values), unsorted
    rows, cols = np.nonzero(dense)
    order = rng.permutation(len(rows))
    rows, cols = np.concatenate([rows[order], rows]), np.concatenate([cols[order], cols])
    values = np.full(len(rows), 0.5)
    messy = sparse.csr_matrix((values, (rows, cols)), shape=dense.shape)
    messy = sparse.csr_matrix((messy.data, messy.indices, messy.indptr), shape=dense.shape)
    messy.has_canonical_format = False  # as scipy marks matrices built from raw arrays
    Y = rng.randint(0, 2, size=(40, 1)).astype(float)
    assert_array_equal(_sparse_row_keys(messy), _sparse_row_keys(X))
    assert_array_equal(duplicate_groups(messy, Y)[0], duplicate_groups(X, Y)[0])
    data_before = X.data.copy()
    _sparse_row_keys(X)
    assert_array_equal(X.data, data_before)  # read, not changed
