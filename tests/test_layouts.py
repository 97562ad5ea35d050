"""Training does not depend on X's memory layout, the early-stopping split is
the one of the np.unique implementation it replaced, and kernels="auto" picks
numpy for small work without changing the results.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from test_kernels import assert_fits_agree_to_rounding

import skmlp
from skmlp import MLPClassifier, _kernels, _split, _training

pd = pytest.importorskip("pandas")


# --------------------------------------------------------------------------
# The split's reference: the implementation before the byte-slice passes
# --------------------------------------------------------------------------
def _reference_row_ids(A):
    A = np.ascontiguousarray(A)
    rows = A.view(np.dtype((np.void, A.dtype.itemsize * A.shape[1]))).ravel()
    return np.unique(rows, return_inverse=True)[1].ravel()


def _reference_groups(X, Y):
    if sparse.issparse(X):
        A = sparse.csr_matrix(X, copy=True)
        A.sum_duplicates()
        A.sort_indices()
        R = np.random.default_rng(0).standard_normal((A.shape[1], 2))
        x_ids = _reference_row_ids(np.ascontiguousarray(A @ R))
    else:
        x_ids = _reference_row_ids(X)
    y_ids = _reference_row_ids(Y)
    _, group = np.unique(x_ids.astype(np.int64) * (y_ids.max() + 1) + y_ids, return_inverse=True)
    return group.ravel(), int(group.max()) + 1


def _reference_split(X, Y, y, sample_weight, fraction, random_state):
    """The old validation_split: (X_train, Y_train, sw_train, validation)."""
    if sample_weight is not None and not sample_weight.all():
        keep = np.flatnonzero(sample_weight)
        X, Y, y, sample_weight = X[keep], Y[keep], y[keep], sample_weight[keep]
    group, n_groups = _reference_groups(X, Y)
    n_val = int(np.ceil(fraction * n_groups))
    stratify = None
    if y.ndim == 1:
        group_label = np.empty(n_groups, dtype=np.int64)
        group_label[group] = np.argmax(Y, axis=1) if Y.shape[1] > 1 else Y[:, 0]
        _, counts = np.unique(group_label, return_counts=True)
        if counts.min() >= 2 and min(n_val, n_groups - n_val) >= len(counts):
            stratify = group_label
    _, val_groups = train_test_split(
        np.arange(n_groups), test_size=n_val, random_state=random_state, stratify=stratify
    )
    is_val = np.zeros(n_groups, dtype=bool)
    is_val[val_groups] = True
    val, train = np.flatnonzero(is_val[group]), np.flatnonzero(~is_val[group])

    def take(a, rows):
        return None if a is None else a[rows]

    validation = (X[val], Y[val], y[val], take(sample_weight, val))
    return X[train], Y[train], take(sample_weight, train), validation


def _split_datasets():
    rng = np.random.default_rng(0)
    digits_X, digits_y = load_digits(return_X_y=True)
    # few distinct values: many duplicate rows, and rows that tie for many bytes
    coarse = rng.integers(-1, 2, size=(400, 6)).astype(np.float64)
    coarse_y = rng.integers(0, 3, size=400)
    signed = rng.standard_normal((300, 5)).astype(np.float32)
    signed[::7] = signed[0]
    signed[1, 0], signed[2, 0], signed[3, 0] = -0.0, 0.0, np.nan
    multilabel_y = (rng.random((200, 3)) < 0.4).astype(int)
    return {
        "digits": (digits_X[:600], digits_y[:600], None),
        "duplicates": (coarse, coarse_y, None),
        "duplicates-weighted": (coarse, coarse_y, rng.integers(0, 3, size=400).astype(float)),
        "float32-signs": (signed, rng.integers(0, 2, size=300), None),
        "fortran": (np.asfortranarray(coarse), coarse_y, None),
        "sparse": (sparse.csr_matrix(coarse), coarse_y, None),
        "sparse-weighted": (sparse.csr_matrix(coarse), coarse_y, np.r_[0.0, np.ones(399)]),
        "multilabel": (coarse[:200], multilabel_y, None),
        "binary": (digits_X[:300], (digits_y[:300] > 4).astype(int), None),
    }


@pytest.mark.parametrize("name", list(_split_datasets()))
@pytest.mark.parametrize("random_state", [0, 3])
def test_split_equals_the_np_unique_implementation(name, random_state):
    X, y, sw = _split_datasets()[name]
    Y = MLPClassifier()._encode_targets(y, None, True, False, np.float64)
    if sw is not None:
        sw = sw.astype(float)
    group, n_groups = _split.duplicate_groups(X, Y)
    expected_group, expected_n = _reference_groups(X, Y)
    assert n_groups == expected_n
    assert_array_equal(group, expected_group)

    train_rows, (X_val, Y_val, y_val, sw_val) = _split.validation_split(
        X, Y, y, sw, 0.2, np.random.RandomState(random_state)
    )
    X_train, Y_train, sw_train, validation = _reference_split(
        X, Y, y, sw, 0.2, np.random.RandomState(random_state)
    )

    def dense(a):
        return a.toarray() if sparse.issparse(a) else a

    assert_array_equal(dense(X[train_rows]), dense(X_train))
    assert_array_equal(Y[train_rows], Y_train)
    for got, expected in zip((X_val, Y_val, y_val, sw_val), validation):
        if expected is None:
            assert got is None
        else:
            assert_array_equal(dense(got), dense(expected))
    if sw is not None:
        assert_array_equal(sw[train_rows], sw_train)


def test_row_ids_in_small_passes_equal_one_pass(monkeypatch):
    """Rows that tie over many passes (a byte at a time) get the same ids."""
    X = np.random.default_rng(1).integers(0, 3, size=(500, 7)).astype(np.float32)
    monkeypatch.setattr(_split, "_BLOCK_BYTES", 16)
    monkeypatch.setattr(_split, "_PASS_SHARE", 10**6)
    assert_array_equal(_split._row_ids([X]), _reference_row_ids(X))
    rows = np.arange(0, 500, 3)
    assert_array_equal(_split._row_ids([X], rows), _reference_row_ids(X[rows]))


# --------------------------------------------------------------------------
# Every layout of X trains the same model
# --------------------------------------------------------------------------
def _digits():
    X, y = load_digits(return_X_y=True)
    return (X[:500] / 16).astype(np.float64), y[:500]


def _layouts(tmp_path):
    X, y = _digits()
    wide = np.zeros((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    path = tmp_path / "X.npy"
    np.save(path, X)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    mixed = frame.copy()
    half = list(mixed.columns[::2])
    # float32 columns: the values the float64 model sees are those of the C array
    mixed[half] = mixed[half].astype(np.float32)
    mixed_C = mixed.to_numpy(dtype=np.float64)
    return {
        "fortran": (np.asfortranarray(X), X),
        "strided": (wide[:, ::2], X),
        "rows-strided": (np.repeat(X, 2, axis=0)[::2], X),
        "memmap": (np.load(path, mmap_mode="r"), X),
        "dataframe": (frame, X),
        "dataframe-mixed": (mixed, np.ascontiguousarray(mixed_C)),
    }


def _fit(X, y, **params):
    base = dict(hidden_layer_sizes=(16,), max_iter=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier(**(base | params)).fit(X, y)


PARAMS = [
    dict(solver="adam"),
    dict(solver="sgd", shuffle=False),
    dict(solver="adam", early_stopping=True),
    dict(solver="sgd", early_stopping=True, shuffle=False),
    dict(solver="lbfgs"),  # a Fortran-ordered X is used as is, a strided one copied
]


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: "-".join(map(str, p.values())))
@pytest.mark.parametrize(
    "layout",
    ["fortran", "strided", "rows-strided", "memmap", "dataframe", "dataframe-mixed"],
)
def test_every_dense_layout_trains_the_c_ordered_model(tmp_path, layout, params):
    X_layout, X_c = _layouts(tmp_path)[layout]
    _, y = _digits()
    assert X_c.flags.c_contiguous
    expected = _fit(X_c, y, **params)
    got = _fit(X_layout, y, **params)
    for W, W_c in zip(got.coefs_ + got.intercepts_, expected.coefs_ + expected.intercepts_):
        assert_array_equal(W, W_c)
    assert got.loss_curve_ == expected.loss_curve_
    if params.get("early_stopping"):
        assert got.validation_scores_ == expected.validation_scores_
    assert_array_equal(got.predict_proba(X_layout), expected.predict_proba(X_c))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
# (early stopping groups sparse rows by a projection, dense ones by their
# bytes: the two hold out different rows, so it is left out here)
@pytest.mark.parametrize("params", PARAMS[:2], ids=lambda p: "-".join(map(str, p.values())))
def test_sparse_layouts_train_the_dense_model(fmt, params):
    X, y = _digits()
    expected = _fit(X, y, **params)
    got = _fit(sparse.csr_matrix(X).asformat(fmt), y, **params)
    # sparse products sum in another order than BLAS: equal to rounding
    for W, W_c in zip(got.coefs_, expected.coefs_):
        assert_allclose(W, W_c, rtol=1e-9, atol=1e-12)
    assert_allclose(got.loss_curve_, expected.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_c_ordered_x_is_not_copied_for_training(monkeypatch, early_stopping):
    X, y = _digits()
    seen = []
    batches = _training._Batches

    def spy(X, *args, **kwargs):
        seen.append(X)
        return batches(X, *args, **kwargs)

    monkeypatch.setattr(_training, "_Batches", spy)
    _fit(X, y, early_stopping=early_stopping, max_iter=1)
    assert seen[-1] is X  # trained in place (through row indices with early stopping)
    _fit(np.asfortranarray(X), y, early_stopping=early_stopping, max_iter=1)
    assert seen[-1].flags.c_contiguous  # one C-ordered copy per fit
    assert_array_equal(seen[-1], X)


def test_validation_in_blocks_scores_as_in_one(monkeypatch):
    X, y = _digits()
    params = dict(early_stopping=True, validation_fraction=0.3, max_iter=5)
    whole = _fit(X, y, **params)
    monkeypatch.setattr(_training, "VALIDATION_BLOCK", 16)
    blocks = _fit(X, y, **params)
    assert blocks.validation_scores_ == whole.validation_scores_
    assert blocks.validation_loss_curve_ == whole.validation_loss_curve_


# --------------------------------------------------------------------------
# kernels="auto": numpy for small work, the same results as the compiled ones
# --------------------------------------------------------------------------
def _chosen(monkeypatch):
    seen = []
    real = _kernels.for_work

    def spy(work, X=None):
        module = real(work, X)
        seen.append(module.NAME)
        return module

    monkeypatch.setattr(_kernels, "for_work", spy)
    return seen


def test_auto_takes_numpy_for_small_work_and_numba_for_large(monkeypatch):
    pytest.importorskip("numba")
    X, y = _digits()
    seen = _chosen(monkeypatch)
    with skmlp.config_context(kernels="auto"):
        _fit(X, y)
        monkeypatch.setattr(_kernels, "AUTO_NUMBA_WORK", 0)
        _fit(X, y)
    with skmlp.config_context(kernels="numba"):
        monkeypatch.setattr(_kernels, "AUTO_NUMBA_WORK", np.inf)
        _fit(X, y)  # an explicit choice holds whatever the work
    assert seen == ["numpy", "numba", "numba"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "params", [dict(solver="adam"), dict(solver="sgd", early_stopping=True), dict(solver="lbfgs")]
)
def test_small_work_gives_the_results_of_large_work(monkeypatch, dtype, params):
    """numpy (small work) and numba (large work) agree to rounding, as in test_kernels."""
    pytest.importorskip("numba")
    X, y = _digits()
    X = X.astype(dtype)
    fits = {}
    with skmlp.config_context(kernels="auto"):
        for name, threshold in (("small", np.inf), ("large", 0)):
            monkeypatch.setattr(_kernels, "AUTO_NUMBA_WORK", threshold)
            fits[name] = _fit(X, y, hidden_layer_sizes=(20, 10), max_iter=8, **params)
    assert_fits_agree_to_rounding(fits["small"], fits["large"], X, dtype)


def test_a_small_fit_and_prediction_do_not_import_numba():
    """A fresh process fitting digits never pays for loading numba."""
    code = (
        "import sys, warnings\n"
        "import skmlp\n"
        "from sklearn.datasets import load_digits\n"
        "X, y = load_digits(return_X_y=True)\n"
        "warnings.simplefilter('ignore')\n"
        "clf = skmlp.MLPClassifier((64,), max_iter=20, random_state=0).fit(X / 16, y)\n"
        "clf.predict_proba(X[:1] / 16)\n"
        "print(skmlp.get_config()['kernels'], 'numba' in sys.modules)\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "SKMLP_KERNELS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == ["auto", "False"]
