"""Checks of fit-time arguments that depend on the data: sample and class weights."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_array
from sklearn.utils.class_weight import compute_class_weight


def check_sample_weight(sample_weight, n_samples: int, dtype) -> np.ndarray | None:
    """Validate ``sample_weight``: shape ``(n_samples,)``, finite, >= 0, sum > 0, and a
    sum within ``dtype``'s normal range, the training's dtype, whose positive values do
    not all round to zero in it. Returns the weights in ``dtype``."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight)
    sw = check_array(  # checked in float64 first: a cast to float32 can overflow
        sample_weight, ensure_2d=False, dtype=np.float64, input_name="sample_weight", copy=False
    )
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one weight per row of X."
        )
    if (sw < 0).any():
        raise ValueError(f"sample_weight must be non-negative; the smallest weight is {sw.min()}.")
    if not sw.any():
        raise ValueError(
            "sample_weight is zero for every sample: nothing would be learned. "
            "Give at least one sample a positive weight."
        )
    largest = float(np.finfo(dtype).max)
    with np.errstate(over="ignore"):
        total = float(sw.sum())
    if not total <= largest:
        raise ValueError(
            f"sample_weight sums to {total:.3g}, beyond the range of {np.dtype(dtype)} "
            f"(up to {largest:.3g}), the dtype of training: the weighted loss would "
            "overflow. Divide sample_weight by a constant such as sample_weight.max() "
            "(and alpha by the same constant to train the same model)."
        )
    weights = sw.astype(dtype, copy=False)
    if not weights.any():
        raise ValueError(
            f"sample_weight's positive values (the largest is {sw.max():.3g}) all round "
            f"to zero in {np.dtype(dtype)}, the dtype of training. Multiply sample_weight "
            "by a constant such as 1 / sample_weight.max() (and alpha by the same "
            "constant to train the same model), or train on float64 X."
        )
    smallest = float(np.finfo(dtype).tiny)
    if 0 < total < smallest:
        raise ValueError(
            f"sample_weight sums to {total:.3g}, below the smallest normal {np.dtype(dtype)} "
            f"({smallest:.3g}), the dtype of training: the loss divides by this sum, and "
            "numbers this small have lost their precision. Multiply sample_weight by a "
            "constant such as 1 / sample_weight.max() (and alpha by the same constant to "
            "train the same model)."
        )
    return weights


def class_weight_per_sample(class_weight, classes, y, incremental: bool) -> np.ndarray:
    """Each sample's weight from ``class_weight`` ("balanced" or a dict)."""
    if isinstance(class_weight, str):  # "balanced"
        if incremental:
            raise ValueError(
                'class_weight="balanced" needs the whole of y, which partial_fit '
                "does not see. Compute the weights once with "
                "sklearn.utils.class_weight.compute_class_weight('balanced', "
                "classes=classes, y=y_all) and pass them as a dict."
            )
        present = np.unique(y)
        per_class = dict(zip(present, compute_class_weight("balanced", classes=present, y=y)))
    else:
        unknown = [label for label in class_weight if label not in set(classes)]
        if unknown:
            raise ValueError(
                f"class_weight has labels {unknown} that are not among the classes "
                f"{list(classes)}; use the labels as they appear in y."
            )
        per_class = class_weight
    weights = np.array([float(per_class.get(c, 1.0)) for c in classes])
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError(
            f"class_weight must map classes to finite non-negative weights; got {per_class}."
        )
    return weights[np.searchsorted(classes, y)]
