"""ONNX export (skmlp.onnx): the graph's labels and probabilities are predict's and
predict_proba's, for every kind of fitted model, in float32 and float64, far in the
tails too; errors say what cannot be converted. Skipped without skl2onnx/onnxruntime
(the ``onnx`` extra; the ``test`` extra installs both).
"""

import copy
import functools
import subprocess
import sys

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmlp.onnx
from skmlp import MLPClassifier

# The largest |p_onnx - predict_proba| allowed, by the model's dtype (issue 18).
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-9}
SCALES = (1.0, 40.0)  # X, and X far in the tails, where sigmoids and softmaxes saturate

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def skl2onnx():
    skl2onnx = pytest.importorskip("skl2onnx")
    pytest.importorskip("onnxruntime")
    skmlp.onnx.register()
    return skl2onnx


def _session(onx):
    import onnxruntime

    return onnxruntime.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])


def _run(onx, X):
    """The graph's outputs for X (one input, whatever its name)."""
    session = _session(onx)
    return session.run(None, {session.get_inputs()[0].name: X})


def _data(kind, n_samples=90, n_features=6):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_classes=2 if kind == "binary" else 4,
        n_clusters_per_class=1,
        random_state=0,
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    if kind == "multilabel":
        y = np.column_stack([y == 0, y == 1, X[:, 0] > 0.3]).astype(int)
    elif kind == "strings":
        y = np.array(["cat", "dog", "emu", "yak"])[y]
    return X, y


# name: (kind of target, MLPClassifier parameters)
CASES = {
    "sigmoids": ("multiclass", {}),  # the default: one sigmoid per class, normalised
    "softmax": ("multiclass", {"output_activation": "softmax"}),
    "binary": ("binary", {}),
    "multilabel": ("multilabel", {}),
    "relu": ("multiclass", {"activation": "relu"}),
    "tanh-two-layers": ("multiclass", {"activation": "tanh", "hidden_layer_sizes": (8, 6)}),
    "identity": ("multiclass", {"activation": "identity"}),
    "logistic-three-layers": ("binary", {"hidden_layer_sizes": (7, 5, 4)}),
    "strings": ("strings", {"output_activation": "softmax"}),
}


@functools.cache  # each model fitted once; the tests only read them
def _fit(case, dtype):
    kind, params = CASES[case]
    X, y = _data(kind)
    params = {"hidden_layer_sizes": (10,), "solver": "lbfgs", "max_iter": 100, **params}
    clf = MLPClassifier(random_state=0, **params).fit(X.astype(dtype), y)
    return clf, X


def _check_agrees(clf, onx, X, tolerance, predict=None):
    """Labels identical and probabilities within ``tolerance``, for X and 40 X."""
    worst = 0.0
    for scale in SCALES:
        X_scaled = (X * scale).astype(X.dtype)
        labels, proba = _run(onx, X_scaled)
        expected = clf.predict_proba(X_scaled)
        assert proba.dtype == expected.dtype
        np.testing.assert_array_equal(labels, clf.predict(X_scaled))
        np.testing.assert_allclose(proba, expected, rtol=0, atol=tolerance, err_msg=f"{scale} X")
        worst = max(worst, float(np.abs(proba - expected).max()))
    return worst


@pytest.mark.parametrize("input_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("model_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_graph_agrees_with_predict_and_predict_proba(skl2onnx, case, model_dtype, input_dtype):
    clf, X = _fit(case, model_dtype)
    X = X.astype(input_dtype)
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    _check_agrees(clf, onx, X, TOLERANCE[model_dtype])


def test_tails_are_exercised():
    """At 40 X every output's sigmoid underflows in some rows (relu hidden units):
    s_j / sum_k s_k from the sigmoids themselves would divide zeros there."""
    clf, X = _fit("relu", np.float64)
    Z = clf.decision_function(X * 40)
    assert (Z.max(axis=1) < -40).any()  # all sigmoids of the row below 5e-18
    assert np.isfinite(clf.predict_proba(X * 40)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pipeline_with_a_scaler(skl2onnx, dtype):
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    X, y = _data("multiclass")
    X = (X * 3 + 5).astype(dtype)
    clf = MLPClassifier(hidden_layer_sizes=(10,), max_iter=50, random_state=0)
    pipe = make_pipeline(StandardScaler(), clf).fit(X, y)
    tensor = FloatTensorType if dtype == np.float32 else DoubleTensorType
    onx = skl2onnx.convert_sklearn(
        pipe, initial_types=[("X", tensor([None, X.shape[1]]))], options={"zipmap": False}
    )
    # scikit-learn's scaler and skl2onnx's round differently: a few ulps of X, not of p
    _check_agrees(pipe, onx, X, TOLERANCE[dtype] * 10)
    onx = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
    _check_agrees(pipe, onx, X, TOLERANCE[dtype] * 10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_default_zipmap_gives_dicts_in_float32(skl2onnx, dtype):
    clf, X = _fit("strings", dtype)
    X = X.astype(dtype)
    labels, dicts = _run(skl2onnx.to_onnx(clf, X[:1]), X)  # skl2onnx's default: zipmap=True
    np.testing.assert_array_equal(labels, clf.predict(X))
    proba = np.array([[row[c] for c in clf.classes_] for row in dicts])
    # ZipMap holds float32, whatever the model's dtype
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=TOLERANCE[np.float32])


def test_zipmap_columns_nocl_and_class_labels_options(skl2onnx):
    clf, X = _fit("sigmoids", np.float64)
    expected = clf.predict_proba(X)
    labels, *columns = _run(skl2onnx.to_onnx(clf, X[:1], options={"zipmap": "columns"}), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    np.testing.assert_allclose(np.column_stack(columns), expected, rtol=0, atol=1e-9)

    options = {"zipmap": False, "output_class_labels": True}
    labels, proba, class_labels = _run(skl2onnx.to_onnx(clf, X[:1], options=options), X)
    np.testing.assert_array_equal(class_labels, clf.classes_)
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-9)

    strings, X = _fit("strings", np.float64)
    labels, _ = _run(skl2onnx.to_onnx(strings, X[:1], options={"nocl": True, "zipmap": False}), X)
    np.testing.assert_array_equal(strings.classes_[labels], strings.predict(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_model_fitted_on_array_api_arrays(skl2onnx, dtype):
    xs = pytest.importorskip("array_api_strict")
    try:
        with sklearn.config_context(array_api_dispatch=True):
            pass
    except (ImportError, RuntimeError) as exc:  # scikit-learn < 1.8 needs array-api-compat
        pytest.skip(f"array_api_dispatch unavailable: {exc}")
    X, y = _data("multiclass")
    device = xs.Device("device1")  # array-api-strict's second device: no numpy view of it

    def strict(a):
        return xs.asarray(a, device=device)

    with sklearn.config_context(array_api_dispatch=True):
        clf = MLPClassifier(hidden_layer_sizes=(10,), max_iter=30, random_state=0)
        clf.fit(strict(X.astype(dtype)), strict(y))
        assert not isinstance(clf.coefs_[0], np.ndarray)
        cpu = xs.Device("CPU_DEVICE")
        expected = [
            [
                np.asarray(a.to_device(cpu))
                for a in (clf.predict(strict(X * scale)), clf.predict_proba(strict(X * scale)))
            ]
            for scale in SCALES
        ]
    onx = skl2onnx.to_onnx(clf, X[:1].astype(dtype), options={"zipmap": False})
    for scale, (labels, proba) in zip(SCALES, expected):
        got_labels, got_proba = _run(onx, (X * scale).astype(dtype))
        np.testing.assert_array_equal(got_labels, labels)
        np.testing.assert_allclose(got_proba, proba, rtol=0, atol=TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_model_after_partial_fit(skl2onnx, dtype):
    X, y = _data("multiclass")
    X = X.astype(dtype)
    clf = MLPClassifier(hidden_layer_sizes=(10,), random_state=0)
    for chunk in np.array_split(np.arange(len(y)), 3):
        clf.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
    _check_agrees(clf, skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X, TOLERANCE[dtype])


# ------------------------------------------------------------------- errors
def test_unfitted_model_is_a_clear_error(skl2onnx):
    X, _ = _data("multiclass")
    with pytest.raises(NotFittedError, match="not fitted yet"):
        skl2onnx.to_onnx(MLPClassifier(), X[:1])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        skl2onnx.to_onnx(make_pipeline(StandardScaler(), MLPClassifier()), X[:1])


def test_unsupported_option_is_a_clear_error(skl2onnx):
    clf, X = _fit("binary", np.float64)
    with pytest.raises(NameError, match="raw_scores"):
        skl2onnx.to_onnx(clf, X[:1], options={"raw_scores": True})


def test_changed_activation_is_refused(skl2onnx):
    clf, X = _fit("sigmoids", np.float64)
    clf = copy.deepcopy(clf).set_params(activation="relu")  # predict would run another network
    with pytest.raises(
        ValueError, match=r"activation='relu' differs .* fitted with \('logistic'\)"
    ):
        skl2onnx.to_onnx(clf, X[:1])


def test_wrong_input_is_a_clear_error(skl2onnx):
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType

    clf, X = _fit("binary", np.float32)
    with pytest.raises(ValueError, match="7 features, but the model was fitted on 6"):
        skl2onnx.convert_sklearn(clf, initial_types=[("X", FloatTensorType([None, 7]))])
    with pytest.raises(TypeError, match="float or double tensor"):
        skl2onnx.convert_sklearn(clf, initial_types=[("X", Int64TensorType([None, 6]))])


def test_labels_onnx_cannot_hold_are_a_clear_error(skl2onnx):
    X, y = _data("binary")
    y = np.array([1, 2**64 - 1], dtype=np.uint64)[y]  # beyond int64
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="cannot be ONNX labels"):
        skl2onnx.to_onnx(clf, X[:1])


def test_register_without_skl2onnx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install \"skmlp\[onnx\]\""):
        skmlp.onnx.register()


def test_importing_skmlp_does_not_import_skl2onnx():
    code = "import sys, skmlp, skmlp.onnx; print('skl2onnx' in sys.modules, 'onnx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
