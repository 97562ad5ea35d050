"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9), where installed.

The fit is one root task; each epoch of "sgd"/"adam" and each iteration of
"lbfgs" is one of its subtasks. The training loops call :func:`epoch_tasks`'
``begin``/``end`` once per epoch and nothing else; without callbacks (or on a
scikit-learn without ``sklearn.callback``) those calls do nothing.
"""

from __future__ import annotations

from ._array_api import copy, take_rows, to_numpy

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9: no callback API, no set_callbacks

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stands in for ``sklearn.callback.CallbackSupportMixin``: adds nothing."""

    HAVE_CALLBACKS = False
else:
    HAVE_CALLBACKS = True

# The callbacks' attributes on the estimator (set by scikit-learn's mixin and by
# meta-estimators): state of the callbacks, not of the model, so a failed fit
# neither deep-copies nor rolls them back.
CALLBACK_ATTRIBUTES = frozenset(
    {"_skl_callbacks", "_skl_callbacks_to_teardown", "_callback_fit_ctx", "_parent_callback_ctx"}
)


class StopRequested(Exception):
    """Raised inside scipy's L-BFGS callback when a callback asks to stop."""

    def __init__(self, theta):
        super().__init__("a callback asked training to stop")
        self.theta = theta


def _metadata(sample_weight):
    return None if sample_weight is None else {"sample_weight": sample_weight}


def begin_fit(est, X, y, sample_weight, n_subtasks: int) -> None:
    """Open the fit's root task, if any callback listens (set on ``est`` or its parent)."""
    if not HAVE_CALLBACKS or not (
        getattr(est, "_skl_callbacks", None) or hasattr(est, "_parent_callback_ctx")
    ):
        return
    context = est._init_callback_context(max_subtasks=n_subtasks)
    context.call_on_fit_task_begin(estimator=est, X=X, y=y, metadata=_metadata(sample_weight))


def end_fit(est, X, y, sample_weight) -> None:
    """Close the fit's root task (scikit-learn's fit decorator tears the callbacks down)."""
    context = getattr(est, "_callback_fit_ctx", None)
    if context is not None:
        context.call_on_fit_task_end(
            estimator=est, X=X, y=y, metadata=_metadata(sample_weight),
            reconstruction_attributes={},
        )  # fmt: skip


class _NoTasks:
    """No callback listens: every hook does nothing."""

    def begin(self) -> None:
        pass

    def end(self, parameters=None) -> bool:
        return False

    def close(self) -> None:
        pass


class _Tasks:
    """Subtasks of the fit's root task, one at a time, named ``name``."""

    def __init__(self, est, root, X, Y, sample_weight, name: str, rows=None):
        Y, sample_weight = to_numpy(Y), to_numpy(sample_weight)  # labels are decoded on the host
        if rows is not None:  # the training rows of X (early stopping holds out the rest)
            Y = Y[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        self.est, self.root, self.Y, self.name = est, root, Y, name
        self._X_all, self._rows, self._X = X, rows, None
        self.metadata = _metadata(sample_weight)
        self.current = None
        self._y = None

    def X(self):
        """The training rows of X, gathered once, when a callback asks for them."""
        if self._X is None:
            self._X = self._X_all if self._rows is None else take_rows(self._X_all, self._rows)
        return self._X

    def _labels(self):
        """The class labels of the training rows, decoded once, when a callback asks."""
        if self._y is None:
            self._y = self.est._label_binarizer.inverse_transform(self.Y)
        return self._y

    def begin(self) -> None:
        self.current = self.root.subcontext(task_name=self.name)
        self.current.call_on_fit_task_begin(
            estimator=self.est, X=self.X, y=self._labels, metadata=self.metadata
        )

    def end(self, parameters=None) -> bool:
        """End the current subtask; True when a callback asks training to stop.

        ``parameters`` returns ``(coefs, intercepts)`` at the task's end (the
        estimator's current ones by default); it is called only when a
        callback asks for the model as fitted so far.
        """

        def model():
            coefs, intercepts = (
                parameters() if parameters is not None else (self.est.coefs_, self.est.intercepts_)
            )
            return {
                "coefs_": [copy(W) for W in coefs],
                "intercepts_": [copy(b) for b in intercepts],
            }

        context, self.current = self.current, None
        return context.call_on_fit_task_end(
            estimator=self.est, X=self.X, y=self._labels, metadata=self.metadata,
            reconstruction_attributes=model,
        )  # fmt: skip

    def close(self) -> None:
        """End a subtask begun but never run (L-BFGS begins the next after each)."""
        if self.current is not None:
            context, self.current = self.current, None
            context.call_on_fit_task_end(estimator=self.est)


def epoch_tasks(est, X, Y, sample_weight, name: str = "epoch", rows=None):
    """The per-epoch hooks of the current fit: ``begin()``, ``end() -> stop``, ``close()``.

    ``rows``: the indices of the training rows in X, Y and sample_weight
    (None for all of them); callbacks see those rows only.
    """
    root = getattr(est, "_callback_fit_ctx", None)
    return _NoTasks() if root is None else _Tasks(est, root, X, Y, sample_weight, name, rows)
