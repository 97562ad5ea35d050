"""Saving and loading models: pickles carry skmlp's version, memory-mapped models
keep training, and skops needs to trust nothing but the estimator."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

import skmlp
from skmlp import MLPClassifier
from skmlp.exceptions import InconsistentVersionWarning


@pytest.fixture
def data():
    X, y = make_blobs(n_samples=120, centers=3, n_features=6, random_state=0)
    return X, y


def _fitted(X, y, **params):
    clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=3, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


def _assert_same_model(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert p.dtype == q.dtype
        assert_array_equal(p, q)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    assert a.loss_curve_ == b.loss_curve_


# -------------------------------------------------------- read-only models
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_memory_mapped_model_continues_training(data, tmp_path, solver):
    X, y = data
    clf = _fitted(X, y, solver=solver, warm_start=True)
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path)
    loaded = joblib.load(path, mmap_mode="r")
    assert isinstance(loaded.coefs_[0], np.memmap)
    assert not loaded.coefs_[0].flags.writeable
    if solver != "lbfgs":
        assert not loaded._optimizer.state_arrays[0][0].flags.writeable
    in_memory = joblib.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        loaded.fit(X, y)  # warm_start: continues with the loaded weights and state
        in_memory.fit(X, y)
        if solver != "lbfgs":
            loaded.partial_fit(X, y)
            in_memory.partial_fit(X, y)
    _assert_same_model(loaded, in_memory)
    assert len(loaded.loss_curve_) > len(clf.loss_curve_) or solver == "lbfgs"
    # The file itself is untouched: a fresh load gives the first model.
    _assert_same_model(joblib.load(path), clf)


def _continue_in_worker(clf, X, y):
    read_only = not clf.coefs_[0].flags.writeable and not clf._optimizer.ms[0].flags.writeable
    clf.partial_fit(X, y)
    return clf, read_only


def test_model_memory_mapped_into_joblib_workers_continues_training(data):
    X, y = data
    clf = _fitted(X, y)
    # max_nbytes=1: joblib memory-maps every array it sends to the workers, as it
    # does by default for arrays over 1 MB.
    jobs = joblib.Parallel(n_jobs=2, max_nbytes=1)(
        joblib.delayed(_continue_in_worker)(clf, X, y) for _ in range(2)
    )
    local = pickle.loads(pickle.dumps(clf)).partial_fit(X, y)
    for continued, read_only in jobs:
        assert read_only  # the worker's model was a read-only memory map
        _assert_same_model(continued, local)


# --------------------------------------------------------- versioned pickles
def test_pickle_records_the_version_and_loads_silently_under_it(data):
    clf = _fitted(*data)
    state = clf.__getstate__()
    assert state["_skmlp_version"] == skmlp.__version__
    assert "_skmlp_version" not in vars(clf)  # the state is a copy
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = pickle.loads(pickle.dumps(clf))
    assert "_skmlp_version" not in vars(loaded)
    assert_array_equal(loaded.predict_proba(data[0]), clf.predict_proba(data[0]))


def test_pickle_from_another_version_warns(data, monkeypatch):
    clf = _fitted(*data)
    monkeypatch.setattr(skmlp, "__version__", "0.0.1")  # the version that saves it
    saved = pickle.dumps(clf)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = pickle.loads(saved)
    warning = record[0].message
    assert (warning.original_version, warning.current_version) == ("0.0.1", skmlp.__version__)
    assert "saved by skmlp 0.0.1" in str(warning)
    assert_array_equal(loaded.predict(data[0]), clf.predict(data[0]))


def test_pickle_without_a_version_warns(data):
    clf = _fitted(*data)
    state = clf.__getstate__()
    del state["_skmlp_version"]
    fresh = MLPClassifier.__new__(MLPClassifier)
    with pytest.warns(InconsistentVersionWarning, match="unknown"):
        fresh.__setstate__(state)


# --------------------------------------------------------------------- skops
@pytest.mark.parametrize(
    "how",
    ["fit-adam", "fit-sgd", "fit-lbfgs", "partial_fit", "float32", "early_stopping"],
)
def test_skops_round_trip_trusts_only_the_estimator(data, tmp_path, how):
    sio = pytest.importorskip("skops.io")
    X, y = data
    if how == "partial_fit":
        clf = MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
        clf.partial_fit(X[:60], y[:60], classes=[0, 1, 2])
    elif how == "float32":
        X = X.astype(np.float32)
        clf = _fitted(X, y)
    elif how == "early_stopping":
        clf = _fitted(X, y, early_stopping=True)
    else:
        clf = _fitted(X, y, solver=how.split("-")[1])
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    assert sio.get_untrusted_types(file=path) == ["skmlp._classifier.MLPClassifier"]
    loaded = sio.load(path, trusted=["skmlp._classifier.MLPClassifier"])
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.coefs_[0].dtype == X.dtype
    if clf.solver == "lbfgs":
        return
    for est in (clf, loaded):  # the same next epoch: weights, optimizer state, shuffling
        est.set_params(early_stopping=False).partial_fit(X, y)
    _assert_same_model(loaded, clf)
    assert loaded._optimizer.__dict__.keys() == clf._optimizer.__dict__.keys()
