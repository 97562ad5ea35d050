"""The numba kernels against the numpy reference, and the ``kernels`` setting.

The compiled kernels do the numpy kernels' operations in the same order, so
the hidden layers, derivatives, L2 term and optimizer steps must agree to the
last bit; the output layer (``exp``/``log1p`` from the C library) to
rounding.
"""

import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

import skmlp
from skmlp import MLPClassifier, _config, _kernels, _kernels_numpy

numba_kernels = pytest.importorskip("skmlp._kernels_numba", reason="numba is not installed")

DTYPES = [np.float32, np.float64]
HIDDEN = ["logistic", "tanh", "relu", "identity"]
# Last-bit tolerance of the output layer: a few units in the last place.
RTOL = {np.float32: 1e-6, np.float64: 1e-14}


def _pair(rng, shape, dtype, scale=3.0):
    """Two equal arrays (one for each kernel) of normal values times ``scale``."""
    a = (rng.standard_normal(shape) * scale).astype(dtype)
    return a, a.copy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", HIDDEN)
def test_bias_activation_bit_for_bit(dtype, activation):
    rng = np.random.default_rng(0)
    Z_np, Z_nb = _pair(rng, (37, 11), dtype)
    Z_np[0, :3] = Z_nb[0, :3] = [np.nan, 1e30, -1e30]  # NaN propagates, no overflow
    b = rng.standard_normal(11).astype(dtype)
    _kernels_numpy.bias_activation(Z_np, b, activation)
    numba_kernels.bias_activation(Z_nb, b, activation)
    assert Z_nb.dtype == dtype
    assert_array_equal(Z_nb, Z_np)
    assert np.isnan(Z_nb[0, 0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", HIDDEN)
def test_activation_derivative_bit_for_bit(dtype, activation):
    rng = np.random.default_rng(1)
    A = rng.uniform(-1, 1, (29, 13)).astype(dtype)
    if activation == "logistic":
        A = (A + 1) / 2
    dA_np, dA_nb = _pair(rng, A.shape, dtype)
    _kernels_numpy.activation_derivative(A, dA_np, activation)
    numba_kernels.activation_derivative(A, dA_nb, activation)
    assert_array_equal(dA_nb, dA_np)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("out_activation", ["logistic", "softmax"])
def test_output_layer_agrees_to_rounding(dtype, out_activation):
    rng = np.random.default_rng(2)
    Z_np, Z_nb = _pair(rng, (41, 7), dtype, scale=10.0)
    Z_np[0, :2] = Z_nb[0, :2] = [800.0, -800.0]  # saturated: probabilities 0 and 1
    b = rng.standard_normal(7).astype(dtype)
    A_np, A_nb = np.empty_like(Z_np), np.empty_like(Z_nb)
    _kernels_numpy.output_activation(Z_np, b, A_np, out_activation)
    numba_kernels.output_activation(Z_nb, b, A_nb, out_activation)
    assert_array_equal(Z_nb, Z_np)  # the logits: Z + b, exactly
    assert A_nb.dtype == dtype and np.isfinite(A_nb).all()
    # Probabilities: the numpy sigmoid, (1 + tanh(z / 2)) / 2, is exact to
    # eps / 2 in absolute terms only; the compiled one, from exp(-|z|), keeps
    # small probabilities to a few relative eps (softmax's z - max(z), rounded
    # in the data's dtype, adds |z| eps to exp's argument). Against float64:
    eps = np.finfo(dtype).eps
    assert_allclose(A_nb, A_np, rtol=RTOL[dtype], atol=eps)
    Z64 = Z_np.astype(np.float64)
    exact = expit(Z64) if out_activation == "logistic" else softmax(Z64, axis=1)
    rtol = 4 * eps * (1 if out_activation == "logistic" else 1 + np.abs(Z64).max(axis=1))
    error = np.abs(A_nb - exact)
    assert (error <= np.reshape(rtol, (-1, 1)) * exact + np.finfo(dtype).tiny).all()

    Y = np.eye(7, dtype=dtype)[rng.integers(0, 7, 41)]
    weights = rng.uniform(0, 2, 41).astype(dtype)
    for sw in (None, weights):
        got = numba_kernels.data_loss(Z_nb, Y, out_activation, sw)
        want = _kernels_numpy.data_loss(Z_np, Y, out_activation, sw)
        assert np.isfinite(got)
        assert got == pytest.approx(want, rel=10 * RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_scaled_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    Y_np, Y_nb = _pair(rng, (23, 9), dtype)
    X = rng.standard_normal((23, 9)).astype(dtype)
    _kernels_numpy.add_scaled(Y_np, 0.37, X, np.empty_like(X))
    numba_kernels.add_scaled(Y_nb, 0.37, X, np.empty_like(X))
    assert_array_equal(Y_nb, Y_np)


def _optimizer_state(rng, dtype, n=1001):
    p, g = (rng.standard_normal(n).astype(dtype) for _ in range(2))
    slots = [np.abs(rng.standard_normal(n)).astype(dtype) for _ in range(2)]
    return p, g, slots


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("decay, n_decayed", [(0.0, 0), (0.01, 600), (0.01, 1001)])
@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_update_bit_for_bit(dtype, decay, n_decayed, nesterov):
    rng = np.random.default_rng(4)
    p, g, (velocity, _) = _optimizer_state(rng, dtype)
    results = []
    for kernels in (_kernels_numpy, numba_kernels):
        p_k, g_k, v_k = p.copy(), g.copy(), velocity.copy()
        for _ in range(3):
            kernels.sgd_update(
                p_k, g_k.copy(), v_k, 0.05, 0.9, nesterov, np.empty_like(p), decay, n_decayed
            )
        results.append((p_k, v_k))
    for got, want in zip(results[1], results[0]):
        assert got.dtype == dtype
        assert_array_equal(got, want)
    assert not np.array_equal(results[0][0], p)  # the step moved the parameters


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("decay, n_decayed", [(0.0, 0), (0.01, 600)])
def test_adam_update_bit_for_bit(dtype, decay, n_decayed):
    rng = np.random.default_rng(5)
    p, g, (m, v) = _optimizer_state(rng, dtype)
    results = []
    for kernels in (_kernels_numpy, numba_kernels):
        p_k, m_k, v_k = p.copy(), m.copy(), v.copy()
        for _ in range(3):
            kernels.adam_update(
                p_k, g.copy(), m_k, v_k, 0.9, 0.999, 1e-3, 1e-8, np.empty_like(p), decay, n_decayed
            )
        results.append((p_k, m_k, v_k))
    for got, want in zip(results[1], results[0]):
        assert_array_equal(got, want)
    assert not np.array_equal(results[0][0], p)


def test_decay_is_the_l2_gradient():
    """Leaving (decay p) out of g and passing decay equals putting it into g."""
    rng = np.random.default_rng(6)
    p, g, (m, v) = _optimizer_state(rng, np.float64)
    for kernels in (_kernels_numpy, numba_kernels):
        fused = [p.copy(), m.copy(), v.copy()]
        kernels.adam_update(fused[0], g.copy(), *fused[1:], 0.9, 0.999, 1e-3, 1e-8, p * 0, 0.2, 400)
        g_full = g.copy()
        g_full[:400] += p[:400] * 0.2
        plain = [p.copy(), m.copy(), v.copy()]
        kernels.adam_update(plain[0], g_full, *plain[1:], 0.9, 0.999, 1e-3, 1e-8, p * 0)
        for got, want in zip(fused, plain):
            assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_float32_loops_are_compiled_for_float32(dtype):
    """No hidden upcast: every float argument of the compiled loops has the data's dtype."""
    rng = np.random.default_rng(7)
    p, g, (m, v) = _optimizer_state(rng, dtype)
    numba_kernels.adam_update(p, g, m, v, 0.9, 0.999, 1e-3, 1e-8, None, 0.01, 500)
    Z = rng.standard_normal((5, 3)).astype(dtype)
    numba_kernels.bias_activation(Z, np.zeros(3, dtype), "logistic")
    floats = {"float32", "float64"}
    for kernel in (numba_kernels._adam, numba_kernels._add_rows_scale):
        for signature in kernel.signatures:
            names = {str(getattr(t, "dtype", t)) for t in signature} & floats
            if str(getattr(signature[0], "dtype", "")) == np.dtype(dtype).name:
                assert names == {np.dtype(dtype).name}, signature


def test_strided_views_are_updated_in_place():
    """Views that are not C-contiguous (never the training loop's own buffers)
    are updated in place, with the reference's numbers."""
    rng = np.random.default_rng(8)
    base_np, base_nb = _pair(rng, (20, 12), np.float64)
    Z_np, Z_nb = base_np[:, ::2], base_nb[:, ::2]  # strided views
    b = rng.standard_normal(6)
    _kernels_numpy.bias_activation(Z_np, b, "logistic")
    numba_kernels.bias_activation(Z_nb, b, "logistic")
    assert_array_equal(base_nb, base_np)
    assert ((base_nb[:, ::2] > 0) & (base_nb[:, ::2] < 1)).all()  # the view was written


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_numpy_float64_alpha_keeps_float32_arithmetic(kernels):
    """GridSearchCV over np.logspace passes alpha as np.float64: float32 data
    must train exactly as with the same Python float."""
    X, y = load_digits(return_X_y=True)
    X = (X[:300] / 16).astype(np.float32)
    with skmlp.config_context(kernels=kernels):
        fits = [
            MLPClassifier((16,), alpha=alpha, solver="sgd", max_iter=3, random_state=0).fit(
                X, y[:300]
            )
            for alpha in (1.3, np.float64(1.3))  # 1.3 / S rounds differently in float32
        ]
    assert fits[1].coefs_[0].dtype == np.float32
    assert_array_equal(fits[1].coefs_[0], fits[0].coefs_[0])
    assert fits[1].loss_curve_ == fits[0].loss_curve_


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "params",
    [
        dict(activation="logistic", solver="adam"),
        dict(activation="relu", solver="sgd", output_activation="softmax"),
        dict(activation="tanh", solver="sgd", nesterovs_momentum=False, alpha=0.1),
        dict(activation="logistic", solver="lbfgs", max_iter=15),
    ],
)
def test_fits_agree_between_kernels(dtype, params):
    X, y = load_digits(return_X_y=True)
    X = (X[:400] / 16).astype(dtype)
    y = y[:400]
    fitted = {}
    for name in ("numpy", "numba"):
        with skmlp.config_context(kernels=name):
            assert skmlp.kernel_backend() == name
            kwargs = dict(hidden_layer_sizes=(20, 10), max_iter=8, random_state=0) | params
            fitted[name] = MLPClassifier(**kwargs).fit(X, y)
    assert_fits_agree_to_rounding(fitted["numpy"], fitted["numba"], X, dtype)


def assert_fits_agree_to_rounding(a, b, X, dtype) -> None:
    """Two fits of the same network whose kernels differ: equal to rounding."""
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    assert_allclose(b.loss_curve_, a.loss_curve_, rtol=rtol)
    for W_b, W_a in zip(b.coefs_, a.coefs_):
        assert W_b.dtype == dtype
        assert_allclose(W_b, W_a, rtol=rtol, atol=rtol * np.abs(W_a).max())
    assert_array_equal(b.predict(X), a.predict(X))


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_kernels_are_looked_up_per_fit_not_per_minibatch(kernels, monkeypatch):
    """The minibatch step runs on the kernels chosen for the fit: the lookups
    (``_kernels.active``) do not grow with the number of minibatches, and a
    weighted fit sums each batch's weights once."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:320] / 16, y[:320]
    calls = {"active": 0, "weight_sum": 0}
    active = _kernels.active
    module = _kernels_numpy if kernels == "numpy" else numba_kernels
    weight_sum = module.weight_sum

    def counting_active():
        calls["active"] += 1
        return active()

    def counting_weight_sum(a):
        calls["weight_sum"] += 1
        return weight_sum(a)

    monkeypatch.setattr(_kernels, "active", counting_active)
    monkeypatch.setattr(module, "weight_sum", counting_weight_sum)
    counts = []
    for batch_size in (160, 10):  # 2 and 32 minibatches
        calls.update(active=0, weight_sum=0)
        clf = MLPClassifier((8,), solver="sgd", batch_size=batch_size, max_iter=1, random_state=0)
        with skmlp.config_context(kernels=kernels), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y, sample_weight=np.linspace(0.5, 2.0, len(y)))
        counts.append(dict(calls))
    assert counts[0]["active"] == counts[1]["active"] > 0
    assert counts[1]["weight_sum"] - counts[0]["weight_sum"] == 32 - 2


# --------------------------------------------------------------------------
# The setting
# --------------------------------------------------------------------------
def test_set_config_rejects_unknown_kernels():
    with pytest.raises(ValueError, match="kernels must be one of 'auto', 'numba', 'numpy'"):
        skmlp.set_config(kernels="cuda")
    assert skmlp.get_config()["kernels"] in _config.KERNEL_CHOICES


def test_settings_are_per_thread():
    """A thread's config_context reaches neither a thread running inside it
    nor one that outlives it."""
    seen = {}
    entered, done = threading.Event(), threading.Event()

    def reader():
        seen["reader"] = skmlp.get_config()["kernels"]

    def other_thread():
        with skmlp.config_context(kernels="numpy"):
            entered.set()
            done.wait(10)
        seen["other after"] = skmlp.get_config()["kernels"]

    before = skmlp.get_config()["kernels"]
    with skmlp.config_context(kernels="numba"):
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(10)
    assert seen["reader"] == before  # a new thread starts from the defaults

    thread = threading.Thread(target=other_thread)
    thread.start()
    entered.wait(10)
    with skmlp.config_context(kernels="numba"):
        seen["main inside"] = skmlp.get_config()["kernels"]
    seen["main after"] = skmlp.get_config()["kernels"]  # the other thread is still in numpy
    done.set()
    thread.join(10)
    assert seen["main inside"] == "numba"
    assert seen["main after"] == before
    assert seen["other after"] == before


def test_first_load_from_two_threads_at_once():
    """Two threads that need the compiled kernels at the same moment both get
    them: the second waits for the first one's import."""
    code = (
        "import threading, skmlp\n"
        "from skmlp import _kernels\n"
        "results = []\n"
        "barrier = threading.Barrier(3)\n"
        "def load():\n"
        "    barrier.wait()\n"
        "    results.append(_kernels.active().NAME)\n"
        "threads = [threading.Thread(target=load) for _ in range(3)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(sorted(results))\n"
    )
    env = {**os.environ, "SKMLP_KERNELS": "numba"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    assert out == "['numba', 'numba', 'numba']"


def test_config_context_restores_after_an_error():
    before = skmlp.get_config()
    with pytest.raises(RuntimeError), skmlp.config_context(kernels="numpy"):
        assert skmlp.get_config()["kernels"] == "numpy"
        raise RuntimeError
    assert skmlp.get_config() == before


def test_bad_environment_variable_names_itself(monkeypatch, blobs2):
    monkeypatch.setitem(_config._settings(), "kernels", "fastest")
    with pytest.raises(ValueError, match="environment variable SKMLP_KERNELS must be one of"):
        MLPClassifier(max_iter=2).fit(*blobs2)


def test_numba_requested_but_missing(monkeypatch, blobs2):
    monkeypatch.setattr(_kernels, "_numba_tried", True)
    monkeypatch.setattr(_kernels, "_numba_kernels", None)
    with skmlp.config_context(kernels="auto"):
        assert skmlp.kernel_backend() == "numpy"
    clf = MLPClassifier(max_iter=2, random_state=0).fit(*blobs2)
    before = [W.copy() for W in clf.coefs_]
    with skmlp.config_context(kernels="numba"):
        with pytest.raises(ImportError, match=r'pip install -e "\.\[fast\]"'):
            clf.fit(*blobs2)
    for W, W0 in zip(clf.coefs_, before):  # a failed fit leaves the model as it was
        assert_array_equal(W, W0)


def test_without_numba_installed_everything_runs_on_numpy():
    """A fresh interpreter where numba cannot be imported falls back to numpy."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import skmlp\n"
        "from sklearn.datasets import make_blobs\n"
        "X, y = make_blobs(60, cluster_std=0.5, random_state=0)\n"
        "clf = skmlp.MLPClassifier(max_iter=300, random_state=0).fit(X, y)\n"
        "print(skmlp.kernel_backend(), clf.score(X, y), 'skmlp._kernels_numba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out[0] == "numpy"
    assert float(out[1]) > 0.9
    assert out[2] == "False"


def test_environment_variable_sets_the_default():
    code = "import skmlp; print(skmlp.get_config()['kernels'], skmlp.kernel_backend())"
    env = {**os.environ, "SKMLP_KERNELS": "numpy"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == ["numpy", "numpy"]


@pytest.mark.parametrize(
    "error",
    [
        "RuntimeError('no locator available for the cache')",
        "ImportError('Numba needs NumPy 2.3 or less')",
    ],
)
def test_numba_that_fails_to_load_falls_back_and_says_why(error):
    """numba installed but unusable (no writable cache directory, a numpy it
    does not support): "auto" runs on numpy, "numba" gives the reason."""
    code = (
        "import sys, importlib.abc\n"
        "class Broken(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'skmlp._kernels_numba':\n"
        f"            raise {error}\n"
        "sys.meta_path.insert(0, Broken())\n"
        "import skmlp\n"
        "from sklearn.datasets import make_blobs\n"
        "X, y = make_blobs(60, cluster_std=0.5, random_state=0)\n"
        "print(skmlp.kernel_backend())\n"
        "skmlp.MLPClassifier(max_iter=5, random_state=0).fit(X, y)\n"
        "skmlp.set_config(kernels='numba')\n"
        "try:\n"
        "    skmlp.MLPClassifier(max_iter=5).fit(X, y)\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.splitlines()
    assert out[0] == "numpy"
    reason = error.split("'")[1]
    assert f"numba failed to load the compiled kernels ({reason})" in out[1]
    assert "pip install numba" in out[1]
    assert 'pip install -e ".[fast]"' in out[1]
