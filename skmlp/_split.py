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
_BLOCK_BYTES = 1 << 20


def _gather_bytes(A, rows, active, start: int, stop: int, out: np.ndarray) -> None:
    """Bytes ``start:stop`` of the rows ``rows[active]`` of ``A`` into ``out``, in blocks."""
    width = A.dtype.itemsize * A.shape[1]
    block = max(1, _BLOCK_BYTES // width)
    contiguous = A.flags.c_contiguous
    raw = A.view(np.uint8).reshape(A.shape[0], width) if contiguous else None
    for first in range(0, len(active), block):
        some = active[first : first + block]
        if rows is not None:
            some = rows[some]
        if contiguous:  # only the bytes asked for
            out[first : first + len(some)] = raw[some, start:stop]
        else:  # any layout: whole rows, one block at a time
            chunk = np.ascontiguousarray(A[some]).view(np.uint8).reshape(len(some), width)
            out[first : first + len(some)] = chunk[:, start:stop]


def _row_ids(parts, rows=None) -> np.ndarray:
    """One id per row (of ``rows`` only, if given), equal for byte-identical rows.

    A row is the bytes of its row in each array of ``parts`` (2-d arrays with
    as many rows), one after the other. The ids number the distinct rows in
    the order of their bytes, compared as unsigned bytes from the first:
    what ``np.unique`` on the rows viewed as ``np.void`` gives, but that
    sorts a copy of the data. Here the rows are sorted a slice of bytes at a
    time: each pass sorts only the rows that still tie with another, by
    (their place so far, their next bytes), so the memory is a few integers
    per row plus one slice; distinct random rows part in the first pass.
    """
    n = parts[0].shape[0] if rows is None else len(rows)
    index = np.int32 if n < 2**31 else np.int64
    prefix = np.dtype(">u4" if n < 2**32 else ">u8")  # big-endian: byte order = value order
    # pos[i]: where row i's group starts in the sorted order. Rows that tie so
    # far share a pos; those of a group of 2 or more are "active".
    pos = np.zeros(n, index)
    active = np.arange(n if n > 1 else 0, dtype=index)
    for A in parts:
        width = A.dtype.itemsize * A.shape[1]
        step = max(8, width // _PASS_SHARE)
        for start in range(0, width, step):
            if not active.size:
                break
            stop = min(start + step, width)
            active = _refine(A, rows, pos, active, start, stop, prefix)
    taken = np.zeros(n, bool)
    taken[pos] = True
    ids = np.cumsum(taken, dtype=index)
    ids -= 1
    return ids[pos]


def _refine(A, rows, pos, active, start: int, stop: int, prefix) -> np.ndarray:
    """Split the tied groups of ``active`` rows by their bytes ``start:stop`` of ``A``.

    Updates ``pos`` in place and returns the rows that still tie.
    """
    size = prefix.itemsize + stop - start
    key = np.empty((active.size, size), np.uint8)
    key[:, : prefix.itemsize] = (
        pos[active].astype(prefix).view(np.uint8).reshape(-1, prefix.itemsize)
    )
    _gather_bytes(A, rows, active, start, stop, key[:, prefix.itemsize :])
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
    at = np.arange(len(old), dtype=pos.dtype)
    run_start = np.maximum.accumulate(np.where(new_run, at, 0))
    new_group = np.ones(len(old), bool)
    new_group[1:] = old[1:] != old[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, at, 0))
    del at, new_group
    # A group of s rows starting at pos p holds the sorted places p..p+s-1;
    # each run of equal keys in it starts at p plus the run's offset.
    run_start -= group_start
    del group_start
    old += run_start
    pos[active] = old
    del old, run_start
    run = np.cumsum(new_run, dtype=pos.dtype)
    run -= 1
    return active[np.bincount(run)[run] >= 2]


def _sparse_row_keys(A) -> np.ndarray:
    """Two fixed random projections of each row of a sparse matrix, as its key.

    In canonical CSR form identical rows hold the same entries in the same
    order, so their projections are bitwise equal; distinct rows colliding on
    both projections would merely be kept on the same side.
    """
    A = sparse.csr_matrix(A)  # no copy of a CSR matrix
    if not A.has_canonical_format:  # checked in one pass, without a copy
        A = A.copy()
        A.sum_duplicates()
        A.sort_indices()
    R = np.random.default_rng(0).standard_normal((A.shape[1], 2))
    return np.ascontiguousarray(A @ R)


def duplicate_groups(X, Y, rows=None) -> tuple[np.ndarray, int]:
    """Group id of each row of ``(X, Y)`` (identical rows share one), and the count.

    Ids follow the sorted order of the rows' contents (X's bytes, then Y's),
    not their positions, so any reordering or repetition of the rows gives
    the same groups. With ``rows``, only those rows are grouped, without a
    copy of them for a dense X.
    """
    if sparse.issparse(X):
        group = _row_ids(
            [_sparse_row_keys(X if rows is None else X[rows]), Y[rows] if rows is not None else Y]
        )
    else:
        group = _row_ids([X, Y], rows)
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
    index = np.int32 if n_groups < 2**31 else np.int64
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
        # int32 where it fits: the split is the same, its memory smaller
        group_label = np.empty(n_groups, dtype=index)
        group_label[group] = np.argmax(Y_kept, axis=1) if Y.shape[1] > 1 else Y_kept[:, 0]
        del Y_kept
        _, counts = np.unique(group_label, return_counts=True)
        if counts.min() >= 2 and min(n_val, n_groups - n_val) >= len(counts):
            stratify = group_label
    _, val_groups = train_test_split(
        np.arange(n_groups, dtype=index),
        test_size=n_val,
        random_state=random_state,
        stratify=stratify,
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
