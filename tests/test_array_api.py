"""Training and predicting on other Array API libraries' arrays (array_api_dispatch).

array-api-strict (numpy underneath, with the standard's rules enforced and a
second, fake device) runs everywhere; torch's CPU tensors are tested when torch
is installed (``tox -e torch``). A fit on them must give the numpy fit's
model to rounding: the same random draws, the same batches, the same steps.
"""

import pickle
import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPClassifier


def _dispatch_available() -> str | None:
    """Why dispatch cannot be used here, or None."""
    try:
        with sklearn.config_context(array_api_dispatch=True):
            pass
    except (ImportError, RuntimeError) as exc:
        return str(exc)
    return None


_why_not = _dispatch_available()
pytestmark = [
    pytest.mark.skipif(_why_not is not None, reason=f"array_api_dispatch unavailable: {_why_not}"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]
xs = pytest.importorskip("array_api_strict")


def dispatch():
    return sklearn.config_context(array_api_dispatch=True)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X[:400] / 16.0), y[:400]


def _strict(a, device=None):
    return xs.asarray(a, device=device)


StrictArray = type(xs.asarray(0.0))
CPU = xs.Device("CPU_DEVICE")


def _np(a):
    """A numpy copy of a strict or torch array, from whichever device."""
    if isinstance(a, StrictArray):
        return np.asarray(a.to_device(CPU))
    return np.asarray(a.cpu()) if hasattr(a, "cpu") else np.asarray(a)


def _same_model(numpy_model, other, rtol=1e-6, atol=1e-9):
    for name in ("coefs_", "intercepts_"):
        for ours, theirs in zip(getattr(numpy_model, name), getattr(other, name)):
            assert_allclose(_np(theirs), ours, rtol=rtol, atol=atol, err_msg=name)
    assert_allclose(other.loss_curve_, numpy_model.loss_curve_, rtol=rtol)


CONFIGS = [
    {},
    {"solver": "sgd"},
    {"solver": "lbfgs"},
    {"early_stopping": True},
    {"activation": "relu", "output_activation": "softmax"},
    {"activation": "tanh", "alpha": 0.01, "hidden_layer_sizes": (12, 8)},
]


def _config_id(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items()) or "defaults"


@pytest.mark.parametrize("params", CONFIGS, ids=_config_id)
def test_strict_fit_equals_numpy_fit(digits, params):
    X, y = digits
    ref = MLPClassifier(max_iter=15, random_state=0, **params).fit(X, y)
    device = xs.Device("device1")  # not the default one: nothing may fall back to it
    with dispatch():
        clf = MLPClassifier(max_iter=15, random_state=0, **params).fit(
            _strict(X, device), _strict(y, device)
        )
        proba = clf.predict_proba(_strict(X, device))
        pred = clf.predict(_strict(X, device))
    _same_model(ref, clf)
    for W in clf.coefs_ + clf.intercepts_:
        assert isinstance(W, StrictArray) and W.device == device
    assert isinstance(proba, StrictArray) and proba.device == device
    assert isinstance(pred, StrictArray) and pred.device == device
    assert_allclose(_np(proba), ref.predict_proba(X), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(_np(pred), ref.predict(X))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_strict_keeps_the_dtype_and_weights(digits, dtype):
    X, y = digits
    X = X.astype(dtype)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y)).astype(dtype)
    params = dict(max_iter=10, random_state=0, class_weight="balanced")
    ref = MLPClassifier(**params).fit(X, y, sample_weight=weights)
    with dispatch():
        clf = MLPClassifier(**params).fit(_strict(X), _strict(y), sample_weight=_strict(weights))
        log_proba = clf.predict_log_proba(_strict(X))
        Z = clf.decision_function(_strict(X))
    assert clf.coefs_[0].dtype == getattr(xs, dtype)
    assert log_proba.dtype == getattr(xs, dtype) and Z.dtype == getattr(xs, dtype)
    rtol = 2e-4 if dtype == "float32" else 1e-6
    _same_model(ref, clf, rtol=rtol, atol=1e-5 if dtype == "float32" else 1e-9)
    assert_allclose(_np(log_proba), ref.predict_log_proba(X), rtol=rtol, atol=1e-4)


def test_strict_binary_and_multilabel():
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    Y = np.column_stack([y, X[:, 0] > 0]).astype(int)
    for target in (y, Y):
        ref = MLPClassifier(max_iter=20, random_state=0).fit(X, target)
        with dispatch():
            clf = MLPClassifier(max_iter=20, random_state=0).fit(_strict(X), _strict(target))
            proba = clf.predict_proba(_strict(X))
            pred = clf.predict(_strict(X))
        _same_model(ref, clf)
        assert_allclose(_np(proba), ref.predict_proba(X), rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(_np(pred), ref.predict(X))


def test_strict_partial_fit_and_warm_start_continue_on_the_device(digits):
    X, y = digits
    classes = np.unique(y)
    ref = MLPClassifier(random_state=0)
    clf = MLPClassifier(random_state=0)
    for chunk in np.array_split(np.arange(len(y)), 3):
        ref.partial_fit(X[chunk], y[chunk], classes=classes)
        with dispatch():
            clf.partial_fit(_strict(X[chunk]), _strict(y[chunk]), classes=_strict(classes))
    _same_model(ref, clf)

    ref.set_params(warm_start=True, max_iter=5).fit(X, y)
    with dispatch():
        clf.set_params(warm_start=True, max_iter=5).fit(_strict(X), _strict(y))
    _same_model(ref, clf)
    assert isinstance(clf._optimizer.ms[0], StrictArray)  # Adam's moments stayed there too


def test_string_labels_come_back_as_numpy(digits):
    X, y = digits
    labels = np.array([f"digit {d}" for d in y])
    with dispatch():
        clf = MLPClassifier(max_iter=5, random_state=0).fit(_strict(X), labels)
        pred = clf.predict(_strict(X))
    ref = MLPClassifier(max_iter=5, random_state=0).fit(X, labels)
    assert isinstance(pred, np.ndarray)
    np.testing.assert_array_equal(pred, ref.predict(X))


def test_other_namespace_or_device_is_a_clear_error(digits):
    X, y = digits
    with dispatch():
        clf = MLPClassifier(max_iter=3, random_state=0).fit(_strict(X), _strict(y))
        with pytest.raises(ValueError, match=r"MLPClassifier.predict\(\) must use the same"):
            clf.predict(X)
        with pytest.raises(ValueError, match="same namespace and the same device"):
            clf.predict_proba(_strict(X, xs.Device("device1")))
        before = [_np(W) for W in clf.coefs_]
        with pytest.raises(ValueError, match=r"partial_fit\(\) must use the same"):
            clf.partial_fit(X, y)
        for W, W0 in zip(clf.coefs_, before):  # a failed call leaves the model as it was
            np.testing.assert_array_equal(_np(W), W0)
    with pytest.raises(ValueError, match="within sklearn.config_context"):
        clf.predict(X)  # dispatch off: the model's arrays are not numpy


def test_without_dispatch_nothing_changes(digits):
    X, y = digits
    clf = MLPClassifier(max_iter=5, random_state=0)
    with dispatch():  # numpy in, dispatch on: the numpy path and its kernels
        clf.fit(X, y)
    ref = MLPClassifier(max_iter=5, random_state=0).fit(X, y)
    assert isinstance(clf.coefs_[0], np.ndarray)
    _same_model(ref, clf, rtol=0, atol=0)


def test_divergence_on_the_device_restores_the_fitted_model(digits):
    X, y = digits
    # test_bad_input's recipe: a learning rate of 1e10 with momentum, unscaled data
    params = dict(solver="sgd", activation="relu", random_state=0)
    with dispatch():
        clf = MLPClassifier(max_iter=3, **params).fit(_strict(X), _strict(y))
        before = [_np(W) for W in clf.coefs_]
        clf.set_params(learning_rate_init=1e10, max_iter=200, n_iter_no_change=np.inf)
        with np.errstate(all="ignore"), pytest.raises(ValueError, match="non-finite"):
            clf.fit(_strict(X * 1e3), _strict(y))
    for W, W0 in zip(clf.coefs_, before):
        np.testing.assert_array_equal(_np(W), W0)


def test_pickle_round_trip_on_the_device(digits):
    X, y = digits
    with dispatch():
        clf = MLPClassifier(max_iter=3, random_state=0).fit(_strict(X), _strict(y))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            copy = pickle.loads(pickle.dumps(clf))
        assert_allclose(_np(copy.predict_proba(_strict(X))), _np(clf.predict_proba(_strict(X))))


# ------------------------------------------------------------------- torch
def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_torch_cpu_fit_equals_numpy_fit(digits, solver):
    torch = _torch()
    X, y = digits
    X32 = X.astype(np.float32)
    ref = MLPClassifier(max_iter=10, random_state=0, solver=solver).fit(X32, y)
    with dispatch():
        clf = MLPClassifier(max_iter=10, random_state=0, solver=solver).fit(
            torch.asarray(X32), torch.asarray(y)
        )
        proba = clf.predict_proba(torch.asarray(X32))
        pred = clf.predict(torch.asarray(X32))
        score = clf.score(torch.asarray(X32), torch.asarray(y))
    assert all(isinstance(W, torch.Tensor) and W.dtype == torch.float32 for W in clf.coefs_)
    assert isinstance(proba, torch.Tensor) and proba.dtype == torch.float32
    assert isinstance(pred, torch.Tensor)
    _same_model(ref, clf, rtol=2e-3, atol=1e-4)
    assert_allclose(proba.numpy(), ref.predict_proba(X32), atol=1e-4)
    assert score == pytest.approx(ref.score(X32, y), abs=0.01)


TORCH_CONFIGS = [
    {"activation": "tanh", "output_activation": "softmax", "alpha": 0.01},
    {"activation": "relu", "solver": "sgd", "early_stopping": True},
    {"hidden_layer_sizes": (20, 10), "class_weight": "balanced"},
]


@pytest.mark.parametrize("params", TORCH_CONFIGS, ids=_config_id)
def test_torch_kernels_compute_the_numpy_numbers(digits, params):
    """In float64 the torch-specific kernels agree with numpy's to rounding."""
    torch = _torch()
    X, y = digits
    ref = MLPClassifier(max_iter=8, random_state=0, **params).fit(X, y)
    with dispatch():
        clf = MLPClassifier(max_iter=8, random_state=0, **params).fit(
            torch.asarray(X), torch.asarray(y)
        )
        proba = clf.predict_proba(torch.asarray(X))
    _same_model(ref, clf, rtol=1e-9, atol=1e-12)
    assert_allclose(proba.numpy(), ref.predict_proba(X), rtol=1e-9, atol=1e-12)


def test_torch_static_step_trains_like_the_eager_loop(digits, static_step):
    torch = _torch()
    X, y = digits
    ref = MLPClassifier(max_iter=8, random_state=0).fit(X, y)
    with dispatch():
        clf = MLPClassifier(max_iter=8, random_state=0).fit(torch.asarray(X), torch.asarray(y))
    assert len(static_step) == 8
    _same_model(ref, clf, rtol=1e-9, atol=1e-12)


def test_torch_tensors_that_require_grad_and_half_precision(digits):
    """skmlp computes its own gradients: X.requires_grad changes nothing, and a
    float16 tensor is trained in float32 (on numpy, float16 becomes float64)."""
    torch = _torch()
    X, y = digits
    X32 = torch.asarray(X.astype(np.float32))
    with dispatch():
        ref = MLPClassifier(max_iter=3, random_state=0).fit(X32, torch.asarray(y))
        clf = MLPClassifier(max_iter=3, random_state=0).fit(
            X32.clone().requires_grad_(True), torch.asarray(y)
        )
        proba = clf.predict_proba(X32.clone().requires_grad_(True))
        half = MLPClassifier(max_iter=3, random_state=0).fit(X32.half(), torch.asarray(y))
    _same_model(ref, clf, rtol=0, atol=0)
    assert not proba.requires_grad
    assert half.coefs_[0].dtype == torch.float32


def test_torch_sparse_tensor_is_a_clear_error():
    torch = _torch()
    X = torch.eye(6)
    with dispatch(), pytest.raises(TypeError, match=r"sparse torch tensor.*to_dense"):
        MLPClassifier(max_iter=2).fit(X.to_sparse(), torch.asarray([0, 1] * 3))


def test_torch_without_dispatch_trains_on_numpy(digits):
    torch = _torch()
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(max_iter=3, random_state=0).fit(torch.asarray(X), torch.asarray(y))
    assert isinstance(clf.coefs_[0], np.ndarray)


# ------------------------------------------- the replayed step (_graph_step)
# On torch CUDA tensors the full minibatches run one captured step from static
# buffers. Its numbers are checked here on the CPU: the same static-buffer step,
# run without capture, must train exactly like the eager loop.
@pytest.fixture
def static_step(monkeypatch):
    from skmlp import _graph_step

    monkeypatch.setattr(_graph_step, "STATIC_ON_EVERY_DEVICE", True)
    monkeypatch.setattr(_graph_step, "MIN_REPLAYED_STEPS", 0)  # small data replays too
    calls = []
    run = _graph_step.ReplayedStep.run

    def counted(self, index):
        calls.append(index is None)
        return run(self, index)

    monkeypatch.setattr(_graph_step.ReplayedStep, "run", counted)
    return calls


@pytest.mark.parametrize(
    "params",
    [{}, {"solver": "sgd", "learning_rate": "invscaling"}, {"early_stopping": True},
     {"shuffle": False, "alpha": 0.1}],
    ids=_config_id,
)  # fmt: skip
def test_static_step_trains_like_the_eager_loop(digits, static_step, params):
    X, y = digits
    ref = MLPClassifier(max_iter=8, random_state=0, **params).fit(X, y)
    with dispatch():
        clf = MLPClassifier(max_iter=8, random_state=0, **params).fit(_strict(X), _strict(y))
    assert len(static_step) == clf.n_iter_  # one run of the full batches per epoch
    _same_model(ref, clf, rtol=1e-9, atol=1e-12)
    if params.get("solver", "adam") == "adam":  # the step counter came back to the host
        assert clf._optimizer.t == ref._optimizer.t and isinstance(clf._optimizer.t, int)
    assert isinstance(clf._optimizer.learning_rate, float)


def test_static_step_is_not_used_for_weighted_fits(digits, static_step):
    X, y = digits
    with dispatch():
        MLPClassifier(max_iter=2, random_state=0).fit(
            _strict(X), _strict(y), sample_weight=_strict(np.ones(len(y)))
        )
    assert static_step == []


def test_cuda_graphs_setting_turns_the_replayed_step_off(digits, static_step):
    import skmlp

    X, y = digits
    with dispatch(), skmlp.config_context(cuda_graphs=False):
        MLPClassifier(max_iter=2, random_state=0).fit(_strict(X), _strict(y))
    assert static_step == []
    with dispatch():  # and back on outside the block
        MLPClassifier(max_iter=2, random_state=0).fit(_strict(X), _strict(y))
    assert len(static_step) == 2
    with pytest.raises(ValueError, match="cuda_graphs must be True or False"):
        skmlp.set_config(cuda_graphs="no")


def test_static_step_is_not_used_off_cuda_by_default(digits):
    from skmlp import _graph_step

    X, y = digits
    with dispatch():
        replay = _graph_step.replayed_step(
            None, _strict(X), _strict(np.ones((len(y), 2))), None, len(y), 20, 100, None, None,
            [],
        )  # fmt: skip
    assert replay is None


@pytest.mark.parametrize(
    "failure, message",
    [("raises", "its capture failed"), ("records nothing", "its replay changed no parameter")],
)
def test_a_failed_capture_warns_and_trains_on(digits, static_step, monkeypatch, failure, message):
    """Where CUDA graph capture fails, or records nothing (as a capture on a device
    other than the current one does: its kernels run instead), the fit warns and goes
    on eagerly, training each batch once."""
    torch = _torch()
    import contextlib

    from skmlp import _graph_step

    class FakeStream:
        def wait_stream(self, other):
            pass

    class FakeGraph:
        def replay(self):  # an empty graph: nothing happens
            pass

    class FakeCuda:  # the calls ReplayedStep makes, on the CPU
        CUDAGraph = FakeGraph

        @staticmethod
        def Stream(device=None):
            return FakeStream()

        current_stream = Stream

        @staticmethod
        def stream(s):
            return contextlib.nullcontext()

        @staticmethod
        def device(d):
            return contextlib.nullcontext()

        @staticmethod
        def graph(g, stream=None, capture_error_mode=None):
            if failure == "raises":
                raise RuntimeError("operation not permitted when stream is capturing")
            return contextlib.nullcontext()  # the body runs: nothing is recorded

    fake = type("FakeTorch", (), {"cuda": FakeCuda, "index_select": torch.index_select})
    init = _graph_step.ReplayedStep.__init__

    def with_fake_torch(self, *args):
        init(self, *args)
        self.torch, self.stream = fake, FakeStream()

    monkeypatch.setattr(_graph_step.ReplayedStep, "__init__", with_fake_torch)
    X, y = digits
    ref = MLPClassifier(max_iter=3, random_state=0).fit(X, y)
    with dispatch(), pytest.warns(RuntimeWarning, match=message):
        clf = MLPClassifier(max_iter=3, random_state=0).fit(torch.asarray(X), torch.asarray(y))
    _same_model(ref, clf, rtol=1e-9, atol=1e-12)
    assert clf._optimizer.t == ref._optimizer.t
