"""The early-stopping hold-out split.

Rows are split by *distinct sample*: identical rows of ``(X, Y)`` always land on
the same side, so the validation score never rewards memorised duplicates of
training rows, and a sample given weight ``k`` is split exactly like ``k``
copies of it (the weighted and the repeated data give the same split).
Rows of weight zero are dropped first: they count on neither side.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.model_selection import train_test_split


def _dense_row_ids(A: np.ndarray) -> np.ndarray:
    """One id per row, equal for byte-identical rows, in the rows' sorted order."""
    A = np.ascontiguousarray(A)
    rows = A.view(np.dtype((np.void, A.dtype.itemsize * A.shape[1]))).ravel()
    return np.unique(rows, return_inverse=True)[1].ravel()


def _sparse_row_ids(A) -> np.ndarray:
    """Row ids for a sparse matrix, from two fixed random projections.

    In canonical CSR form identical rows hold the same entries in the same
    order, so their projections are bitwise equal; distinct rows colliding on
    both projections would merely be kept on the same side.
    """
    A = sparse.csr_matrix(A, copy=True)
    A.sum_duplicates()
    A.sort_indices()
    R = np.random.default_rng(0).standard_normal((A.shape[1], 2))
    keys = np.ascontiguousarray(A @ R)
    return _dense_row_ids(keys)


def duplicate_groups(X, Y) -> tuple[np.ndarray, int]:
    """Group id of each row of ``(X, Y)`` (identical rows share one), and the count.

    Ids follow the sorted order of the rows' contents, not their positions, so
    any reordering or repetition of the rows gives the same groups.
    """
    x_ids = _sparse_row_ids(X) if sparse.issparse(X) else _dense_row_ids(X)
    y_ids = _dense_row_ids(Y)
    _, group = np.unique(x_ids.astype(np.int64) * (y_ids.max() + 1) + y_ids, return_inverse=True)
    group = group.ravel()
    return group, int(group.max()) + 1


def validation_split(X, Y, y, sample_weight, fraction: float, random_state):
    """Hold out ``fraction`` of the distinct samples, stratified where possible.

    Returns ``(X_train, Y_train, sw_train, (X_val, Y_val, y_val, sw_val))``.
    """
    if sample_weight is not None and not sample_weight.all():
        keep = np.flatnonzero(sample_weight)
        X, Y, y, sample_weight = X[keep], Y[keep], y[keep], sample_weight[keep]
    group, n_groups = duplicate_groups(X, Y)
    n_val = int(np.ceil(fraction * n_groups))
    if n_val >= n_groups:
        raise ValueError(
            f"early_stopping=True cannot split {n_groups} distinct "
            f"sample{'s' * (n_groups != 1)} into training and validation data with "
            f"validation_fraction={fraction}: no sample would be left for training. "
            "Lower validation_fraction, pass more data or set early_stopping=False."
        )
    # Stratify single-output targets when every class can be represented on
    # both sides; tiny data sets fall back to a plain random split.
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
    val_rows = np.flatnonzero(is_val[group])
    train_rows = np.flatnonzero(~is_val[group])

    def take(a, rows):
        return None if a is None else a[rows]

    validation = (X[val_rows], Y[val_rows], y[val_rows], take(sample_weight, val_rows))
    return X[train_rows], Y[train_rows], take(sample_weight, train_rows), validation
