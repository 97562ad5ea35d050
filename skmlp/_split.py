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

# Each pass of _row_ids reads this share of every row's bytes (at least 8), and
# gathers at most _BLOCK_BYTES of X at a time: its memory stays a small
# fraction of X's, whatever X's size.
_PASS_SHARE = 20
_BLOCK_BYTES = 1 << 22


def _gather_bytes(A, rows, start: int, stop: int, out: np.ndarray) -> None:
    """Bytes ``start:stop`` of the rows ``rows`` of ``A`` into ``out``, in blocks."""
    width = A.dtype.itemsize * A.shape[1]
    block = max(1, _BLOCK_BYTES // width)
    contiguous = A.flags.c_contiguous
    raw = A.view(np.uint8).reshape(A.shape[0], width) if contiguous else None
    for first in range(0, len(rows), block):
        some = rows[first : first + block]
        if contiguous:  # only the bytes asked for
            out[first : first + len(some)] = raw[some, start:stop]
        else:  # any layout: whole rows, one block at a time
            chunk = np.ascontiguousarray(A[some]).view(np.uint8).reshape(len(some), width)
            out[first : first + len(some)] = chunk[:, start:stop]


def _row_ids(A, rows=None) -> np.ndarray:
    """One id per row of ``A`` (or of ``A[rows]``), equal for byte-identical rows.

    The ids number the distinct rows in the order of their bytes, compared as
    unsigned bytes from the first (``np.unique`` on the rows viewed as
    ``np.void`` gives the same ids, but sorts a copy of ``A``). Here the rows
    are sorted a slice of bytes at a time: each pass sorts only the rows that
    still tie with another, by (their rank so far, their next bytes), so the
    memory is a few integers per row plus one slice; random data is resolved
    by the first pass.
    """
    n = A.shape[0] if rows is None else len(rows)
    if rows is None:
        rows = np.arange(n)
    width = A.dtype.itemsize * A.shape[1]
    index = np.int32 if n < 2**31 else np.int64
    prefix = np.dtype(">u4" if n < 2**32 else ">u8")  # big-endian: byte order = value order
    # pos[i]: where row i's group starts in the sorted order. Rows that tie so
    # far share a pos; those of a group of 2 or more are "active".
    pos = np.zeros(n, index)
    active = np.arange(n if n > 1 else 0, dtype=index)
    step = max(8, width // _PASS_SHARE)
    for start in range(0, width, step):
        if not active.size:
            break
        stop = min(start + step, width)
        size = prefix.itemsize + stop - start
        key = np.empty((active.size, size), np.uint8)
        key[:, : prefix.itemsize] = (
            pos[active].astype(prefix).view(np.uint8).reshape(-1, prefix.itemsize)
        )
        _gather_bytes(A, rows[active], start, stop, key[:, prefix.itemsize :])
        key = key.view(np.dtype((np.void, size))).ravel()
        perm = np.argsort(key)
        # new_run[i]: the i-th key in sorted order differs from the one before.
        new_run = np.ones(len(key), bool)
        block = max(1, _BLOCK_BYTES // size)
        for first in range(1, len(key), block):
            last = min(first + block, len(key))
            new_run[first:last] = key[perm[first:last]] != key[perm[first - 1 : last - 1]]
        del key
        active = active[perm]  # in sorted order
        del perm
        old = pos[active]
        new_group = np.ones(len(old), bool)
        new_group[1:] = old[1:] != old[:-1]
        at = np.arange(len(old), dtype=index)
        run_start = np.maximum.accumulate(np.where(new_run, at, 0))
        group_start = np.maximum.accumulate(np.where(new_group, at, 0))
        del at, new_group
        # A group of s rows starting at pos p holds the sorted places p..p+s-1;
        # each of its runs of equal keys starts at p plus its offset in the group.
        pos[active] = old + (run_start - group_start)
        del old, group_start
        run = np.cumsum(new_run) - 1
        active = active[np.bincount(run)[run] >= 2]
        del run, run_start, new_run
    taken = np.zeros(n, bool)
    taken[pos] = True
    return (np.cumsum(taken) - 1)[pos]


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
    return _row_ids(keys)


def duplicate_groups(X, Y, rows=None) -> tuple[np.ndarray, int]:
    """Group id of each row of ``(X, Y)`` (identical rows share one), and the count.

    Ids follow the sorted order of the rows' contents, not their positions, so
    any reordering or repetition of the rows gives the same groups. With
    ``rows``, only those rows are grouped (and no copy of them is made for a
    dense X).
    """
    if sparse.issparse(X):
        x_ids = _sparse_row_ids(X if rows is None else X[rows])
    else:
        x_ids = _row_ids(X, rows)
    y_ids = _row_ids(Y, rows)
    _, group = np.unique(x_ids.astype(np.int64) * (y_ids.max() + 1) + y_ids, return_inverse=True)
    group = group.ravel()
    return group, int(group.max()) + 1


def validation_split(X, Y, y, sample_weight, fraction: float, random_state):
    """Hold out ``fraction`` of the distinct samples, stratified where possible.

    Returns ``(train_rows, (X_val, Y_val, y_val, sw_val))``: the training rows
    as indices into X (training reads them from X in place, without a copy of
    its 90%), and copies of the validation rows.
    """
    rows = None
    if sample_weight is not None and not sample_weight.all():
        rows = np.flatnonzero(sample_weight)
    group, n_groups = duplicate_groups(X, Y, rows)
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
        Y_kept = Y if rows is None else Y[rows]
        group_label = np.empty(n_groups, dtype=np.int64)
        group_label[group] = np.argmax(Y_kept, axis=1) if Y.shape[1] > 1 else Y_kept[:, 0]
        del Y_kept
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
    if rows is not None:  # positions among the kept rows -> rows of X
        val_rows, train_rows = rows[val_rows], rows[train_rows]

    def take(a):
        return None if a is None else a[val_rows]

    return train_rows, (take(X), take(Y), take(y), take(sample_weight))
