"""scikit-learn's callback API (sklearn.callback, scikit-learn >= 1.9)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPClassifier
from skmlp._callbacks import HAVE_CALLBACKS

try:
    from sklearn import callback
except ImportError:  # scikit-learn < 1.9
    callback = None

needs_callbacks = pytest.mark.skipif(callback is None, reason="no sklearn.callback")


def test_set_callbacks_exists_exactly_where_scikit_learn_has_the_api(iris):
    assert HAVE_CALLBACKS == (callback is not None)
    assert hasattr(MLPClassifier(), "set_callbacks") == HAVE_CALLBACKS
    # Without the API the estimator trains as always (the suite's other tests).
    assert MLPClassifier(hidden_layer_sizes=(4,), solver="lbfgs").fit(*iris).n_iter_ > 0


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


class StopAfter:
    """Asks training to stop at the end of its ``n``-th task; records the task names."""

    def __init__(self, n):
        self.n = n
        self.ended = []
        self.set_up = self.torn_down = 0

    def setup(self, estimator, context):
        self.set_up += 1

    def teardown(self, estimator, context):
        self.torn_down += 1

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.parent is None or fitted_estimator is None:  # root, or lbfgs' last
            return False
        self.ended.append(context.task_name)
        return len(self.ended) >= self.n


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@needs_callbacks
def test_scoring_monitor_logs_one_score_per_epoch(iris, solver):
    pytest.importorskip("pandas")
    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier(hidden_layer_sizes=(8,), solver=solver, max_iter=6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_callbacks(monitor).fit(X, y)
    log = monitor.get_logs().data_as_pandas
    task = "iteration" if solver == "lbfgs" else "epoch"
    per_task = log[log.task_name == task].sort_values("task_id")
    assert per_task.task_id.tolist() == list(range(clf.n_iter_))
    # The last task's model is the fitted one: its score is the final accuracy.
    assert per_task.accuracy.iloc[-1] == pytest.approx(clf.score(X, y))
    assert (log.task_name == "fit").sum() == 1


@needs_callbacks
def test_partial_fit_is_one_epoch_task(iris):
    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    logs = monitor.get_logs(select="all")
    assert len(logs) == 3
    assert all(sum(row["task_name"] == "epoch" for row in log.data) == 1 for log in logs)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("early_stopping", [False, True])
@needs_callbacks
def test_a_callback_asking_to_stop_ends_training_cleanly(iris, solver, early_stopping):
    if solver == "lbfgs" and early_stopping:
        pytest.skip("lbfgs has no early stopping")
    X, y = iris
    stop = StopAfter(3)
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=50, random_state=0,
        early_stopping=early_stopping,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning, nothing else
        clf.set_callbacks(stop).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    assert stop.ended == ["iteration" if solver == "lbfgs" else "epoch"] * 3
    assert stop.set_up == stop.torn_down == 1
    assert clf.predict(X).shape == y.shape


@needs_callbacks
def test_stopped_lbfgs_keeps_the_weights_of_its_last_iteration(iris):
    X, y = iris
    stopped = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50, random_state=0)
    stopped.set_callbacks(StopAfter(4)).fit(X, y)
    capped = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        capped.fit(X, y)
    for a, b in zip(stopped.coefs_ + stopped.intercepts_, capped.coefs_ + capped.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert stopped.loss_ == capped.loss_


@needs_callbacks
def test_callbacks_are_neither_copied_nor_rolled_back_by_a_failed_fit(iris):
    X, y = iris
    stop = StopAfter(10**6)
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_callbacks(stop).fit(X, y)
    assert "_skl_callbacks" not in clf._fitted_state()
    before = [W.copy() for W in clf.coefs_]

    def fail(estimator, context, *, fitted_estimator=None):
        if len(stop.ended) == 3:  # in the second epoch of the next fit
            raise RuntimeError("the callback failed")
        return StopAfter.on_fit_task_end(
            stop, estimator, context, fitted_estimator=fitted_estimator
        )

    stop.on_fit_task_end = fail
    with pytest.raises(RuntimeError, match="the callback failed"):
        clf.fit(X, y)
    for W, W_before in zip(clf.coefs_, before):  # the model is rolled back...
        np.testing.assert_array_equal(W, W_before)
    assert clf.n_iter_ == 2
    assert clf._skl_callbacks[0] is stop  # ...its callback is the same object,
    assert len(stop.ended) == 3  # which keeps what it saw during the failed fit
    assert stop.set_up == stop.torn_down == 2  # and was torn down all the same
    assert not hasattr(clf, "_callback_fit_ctx")


@needs_callbacks
def test_grid_search_with_two_jobs_logs_every_epoch_of_every_fit(iris):
    pytest.importorskip("pandas")
    from sklearn.model_selection import GridSearchCV

    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    search = GridSearchCV(clf.set_callbacks(monitor), {"alpha": [1e-4, 1e-2]}, cv=2, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "does not support callbacks"
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    log = monitor.get_logs().data_as_pandas
    epochs = log[log.task_name == "epoch"]
    # 2 candidates x 2 splits + the refit, 4 epochs each, one row per epoch.
    per_fit = epochs.groupby(epochs.parent_task_id_path).task_id.apply(sorted)
    assert len(per_fit) == 5
    assert all(ids == [0, 1, 2, 3] for ids in per_fit)
    assert epochs.accuracy.notna().all()


@needs_callbacks
def test_pipeline_and_progress_bar_without_warnings(iris, capsys):
    pytest.importorskip("rich")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = iris
    pipe = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.set_callbacks(callback.ProgressBar()).fit(X, y)
    assert "MLPClassifier - fit" in capsys.readouterr().out


@needs_callbacks
def test_with_early_stopping_callbacks_see_the_training_rows_whatever_the_layout(iris):
    # With early stopping a C-ordered X is trained on through row indices and a
    # Fortran one from a copy of its training rows; callbacks see those rows alike.
    pytest.importorskip("pandas")
    X, y = iris
    logs = {}
    for order in ("C", "F"):
        monitor = callback.ScoringMonitor(scoring="accuracy")
        clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=4, early_stopping=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.set_params(random_state=0).set_callbacks(monitor)
            clf.fit(np.asarray(X, order=order), y)
        log = monitor.get_logs().data_as_pandas
        logs[order] = log[log.task_name == "epoch"].sort_values("task_id").accuracy.tolist()
    assert len(logs["C"]) == 4 and logs["C"] == logs["F"]
