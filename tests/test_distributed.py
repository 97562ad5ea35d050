"""Beyond one machine: a grid search on a dask cluster through joblib's dask backend,
and out-of-core partial_fit over chunks of a memory map."""

import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skmlp import MLPClassifier


def _search_results(backend, **backend_args):
    X, y = make_classification(n_samples=150, n_features=8, n_classes=3, n_informative=5,
                               random_state=0)  # fmt: skip
    search = GridSearchCV(
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=15, random_state=0),
        {"alpha": [1e-4, 1e-1], "learning_rate_init": [1e-3, 1e-2]},
        cv=3,
        n_jobs=2,
    )
    with warnings.catch_warnings(), joblib.parallel_backend(backend, **backend_args):
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    return search


def test_grid_search_on_a_dask_local_cluster_equals_loky():
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")

    loky = _search_results("loky")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        on_dask = _search_results("dask")
    for key in ("mean_test_score", "split0_test_score", "split2_test_score", "params"):
        assert list(on_dask.cv_results_[key]) == list(loky.cv_results_[key]), key
    assert on_dask.best_params_ == loky.best_params_
    for a, b in zip(on_dask.best_estimator_.coefs_, loky.best_estimator_.coefs_):
        assert_array_equal(a, b)


def test_out_of_core_partial_fit_over_memmap_chunks_equals_in_memory(tmp_path):
    X, y = make_classification(n_samples=600, n_features=10, random_state=0)
    path = tmp_path / "X.npy"
    np.save(path, X.astype(np.float32))
    X_disk = np.load(path, mmap_mode="r")  # read-only, paged in chunk by chunk
    on_disk = MLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, batch_size=20, random_state=0
    )
    in_memory = MLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, batch_size=20, random_state=0
    )
    for _ in range(3):  # three passes over the data
        for start in range(0, len(y), 200):
            rows = slice(start, start + 200)
            on_disk.partial_fit(X_disk[rows], y[rows], classes=[0, 1])
            in_memory.partial_fit(np.array(X_disk[rows]), y[rows], classes=[0, 1])
    assert on_disk.coefs_[0].dtype == np.float32
    assert len(on_disk.loss_curve_) == 9  # one epoch per call
    for a, b in zip(on_disk.coefs_, in_memory.coefs_):
        assert_array_equal(a, b)
    assert on_disk.score(X_disk, y) > 0.8
