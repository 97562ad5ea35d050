"""How training starts: the initial weights and the ``"auto"`` learning rate.

scikit-learn's defaults (Glorot-uniform weights, Adam at 0.001) suit its relu
network. The sigmoid network of the derivation needs two changes to train as
well on the data users bring (``benchmarks/bench_accuracy.py`` measures them):

* **The first layer starts from the data's scale.** A sigmoid unit learns
  only while ``Z = A W + b`` stays within a few units of 0. Fixed-width
  weights cannot ensure that: min-max scaled inputs (all positive, mean near
  0.5) shift every ``Z`` away from 0, and many standardized features widen it
  until the units saturate. So the first layer's weights are scaled so that
  each hidden unit's ``Z`` has standard deviation :data:`Z_STD` over the
  training rows at the start, and its biases centre ``Z`` there (the
  "data-dependent initialisation" of Krähenbühl et al., 2016, and Mishkin and
  Matas, 2016, for the first layer only). The network is unchanged; only its
  starting point depends on X.
* **Adam's step is larger and shrinks with the number of steps per epoch.**
  Adam moves each weight by about ``learning_rate`` per step whatever the
  gradient's scale, and a sigmoid network's output weights must grow several
  times larger than a relu network's (its hidden activations vary within
  (0, 1)). 0.001 leaves small data sets (one step per epoch for iris)
  under-trained; 0.01 is too noisy for many steps per epoch (MNIST's 300). The
  rate is 0.01 up to :data:`FULL_RATE_STEPS` steps per epoch, then falls as
  ``1 / sqrt(steps)``, which keeps the random-walk part of an epoch's travel,
  ``rate * sqrt(steps)``, constant.

Networks of other hidden units (relu, tanh, identity) start exactly as
scikit-learn's do, and every solver but Adam gets scikit-learn's rate; the
sigmoid network's first layer starts from X under every solver.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from ._array_api import namespace_and_device, to_numpy

#: Standard deviation of the first layer's ``Z`` over the training rows at the
#: start of training, for sigmoid hidden units.
Z_STD = 1.0
#: Adam's "auto" rate for a sigmoid network, and the number of steps per epoch
#: up to which it is used unchanged.
FULL_RATE, FULL_RATE_STEPS = 0.01, 30
#: scikit-learn's learning_rate_init, the "auto" rate of every other network.
SKLEARN_RATE = 0.001


def glorot_bound(fan_in: int, fan_out: int, activation: str) -> float:
    """Half-width ``r`` of the uniform ``U(-r, r)`` weights of a layer.

    ``r = sqrt(6 / (fan_in + fan_out))`` (Glorot and Bengio, 2010), four times
    that for sigmoid units (Bengio, 2012), whose slope at 0 is 1/4.
    """
    gain = 4.0 if activation == "logistic" else 1.0
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


def initial_parameters(units: list, activation: str, rng, dtype, X, sample_weight=None):
    """The weights ``W`` and biases ``b`` of every layer, before training.

    Each layer draws ``W`` then ``b`` from ``U(-r, r)`` (:func:`glorot_bound`).
    For sigmoid hidden units, the first layer is then rescaled and centred on
    the training data X (:func:`centre_first_layer`).
    """
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = glorot_bound(fan_in, fan_out, activation)
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    if activation == "logistic":  # layer 1 is always hidden: at least one hidden layer
        coefs[0], intercepts[0] = centre_first_layer(coefs[0], intercepts[0], X, sample_weight)
    return [W.astype(dtype) for W in coefs], [b.astype(dtype) for b in intercepts]


def column_moments(X, sample_weight=None, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and variance of each column of X (dense or sparse), in float64.

    Dense X is read in C-ordered float64 blocks of ``block`` rows (views of a
    C-ordered float64 X, copies of any other), so the sums (and the model
    built from them) are the same bit for bit whatever X's memory layout, and
    no more than one block is ever copied. X of another Array API library
    is read on its device (:func:`_device_column_moments`).
    """
    xp, device = namespace_and_device(X)
    if xp is not None:
        return _device_column_moments(xp, device, X, sample_weight, block)
    n = X.shape[0]
    w = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
    w = w.astype(np.float64)
    if sparse.issparse(X):
        mean = np.asarray(X.T @ w).ravel()
        mean_sq = np.asarray(X.multiply(X).T @ w).ravel()
    else:
        mean, mean_sq = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        buffer = np.empty((min(block, n), X.shape[1]))  # the one block of float64 rows
        for start in range(0, n, block):
            rows = X[start : start + block]
            squares = buffer[: rows.shape[0]]  # C-ordered float64
            if not (rows.dtype == np.float64 and rows.flags.c_contiguous):
                np.copyto(squares, rows, casting="same_kind")
                rows = squares
            w_rows = w[start : start + block]
            mean += w_rows @ rows
            mean_sq += w_rows @ np.multiply(rows, rows, out=squares)  # one block at a time
    return mean, np.maximum(mean_sq - mean**2, 0.0)


def _device_column_moments(xp, device, X, sample_weight, block: int):
    """:func:`column_moments` of an X on a device, summed there (in float64
    where the device has it), returned as numpy vectors."""
    wide = X.dtype
    try:
        wide = xp.astype(X[:1, ...], xp.float64).dtype
    except (TypeError, RuntimeError, ValueError):  # e.g. Apple's MPS: no float64
        pass
    n = X.shape[0]
    if sample_weight is None:
        w = xp.full((n,), 1.0 / n, dtype=wide, device=device)
    else:
        w = xp.astype(sample_weight, wide)
        w = w / xp.sum(w)
    mean = mean_sq = 0.0
    for start in range(0, n, block):
        stop = min(start + block, n)  # within bounds: the standard leaves others undefined
        rows = xp.astype(X[start:stop, ...], wide)
        w_rows = w[start:stop]
        mean = mean + w_rows @ rows
        mean_sq = mean_sq + w_rows @ (rows * rows)
    mean, mean_sq = to_numpy(mean).astype(np.float64), to_numpy(mean_sq).astype(np.float64)
    return mean, np.maximum(mean_sq - mean**2, 0.0)


def centre_first_layer(W, b, X, sample_weight=None):
    """Rescale ``W`` so that ``Z = X W + b`` has std :data:`Z_STD`, and centre ``Z``.

    With independent columns, ``Var(Z_k) = sum_j Var(X_j) W_jk^2``, whose
    mean over ``W ~ U(-r, r)`` is ``r^2 / 3 * sum_j Var(X_j)``; ``r`` is chosen
    to make that ``Z_STD**2``. The biases, drawn from the same law, are
    rescaled alike and shifted by ``-mean(X) W`` so that ``Z``'s mean over the
    rows is each unit's scaled random bias. Constant X leaves the layer as is.
    """
    # X's squares can overflow float64 (|X| beyond 1e154): the layer then keeps
    # its random start (the check below), without numpy's warnings on the way.
    with np.errstate(over="ignore", invalid="ignore"):
        mean, var = column_moments(X, sample_weight)
        total_var = float(var.sum())
    if not (math.isfinite(total_var) and total_var > 0.0):
        return W, b
    scale = Z_STD * math.sqrt(3.0 / total_var) / glorot_bound(*W.shape, "logistic")
    W = W * scale
    return W, b * scale - mean @ W


def auto_learning_rate(activation: str, solver: str, n_samples: int, batch_size) -> float:
    """``learning_rate_init="auto"``: see the module's docstring.

    ``batch_size`` is the estimator's parameter (an int or ``"auto"``, i.e. 200).
    """
    if activation != "logistic" or solver != "adam":
        return SKLEARN_RATE
    batch = min(200 if batch_size == "auto" else batch_size, n_samples)
    steps = math.ceil(n_samples / batch)
    return FULL_RATE * min(1.0, math.sqrt(FULL_RATE_STEPS / steps))
