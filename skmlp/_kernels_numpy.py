"""The elementwise steps of training in numpy: the reference kernels.

Every function works in place on its first array argument. Scalars are
Python floats, which numpy casts to the arrays' dtype, so float32 stays
float32. :mod:`skmlp._kernels_numba` computes the same numbers, in the same
order of operations, in one compiled pass each.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ._activations import ACTIVATIONS, DERIVATIVES, cross_entropy

Array = NDArray[np.floating]
NAME = "numpy"
NEEDS_SCRATCH = True  # the optimizers hand each step one buffer per parameter array


def empty(shape, dtype) -> Array:
    """An uninitialised buffer (a workspace's)."""
    return np.empty(shape, dtype)


def matmul(left, right: Array, out: Array) -> Array:
    """out = left @ right, where ``left`` may be a sparse matrix."""
    if type(left) is np.ndarray or not sparse.issparse(left):  # the common case first
        return np.matmul(left, right, out=out)
    out[...] = left @ right
    return out


def multiply(a: Array, M: Array, out: Array) -> Array:
    """out = a * M, entrywise (a dropout mask; ``out`` may be ``a``)."""
    return np.multiply(a, M, out=out)


def weight_sum(a: Array) -> float:
    """The sum of a vector's entries (a total sample weight), as a Python float."""
    return float(a.sum())


def weight_rows(delta: Array, w: Array) -> None:
    """``delta[i, :] *= w[i]``, ``w`` cast to delta's dtype."""
    delta *= w[:, None].astype(delta.dtype, copy=False)


def squared_norm(W: Array) -> float:
    """||W||^2, as a Python float."""
    return float(np.vdot(W, W))


def bias_activation(Z: Array, b: Array, activation: str) -> None:
    """A = phi(Z + b), in place in ``Z`` (a hidden layer's forward step)."""
    Z += b
    ACTIVATIONS[activation](Z)


def output_activation(Z_out: Array, b: Array, A_out: Array, out_activation: str) -> None:
    """Z_out += b, then A_out = phi_out(Z_out) (the output layer keeps its logits)."""
    Z_out += b
    np.copyto(A_out, Z_out)
    ACTIVATIONS[out_activation](A_out)


def data_loss(Z_out: Array, Y: Array, out_activation: str, sample_weight) -> float:
    """sum_i s_i CE_i, the cross-entropy of each sample from its logits."""
    ce = cross_entropy(Z_out, Y, out_activation)
    return float(ce.sum() if sample_weight is None else ce @ sample_weight)


def activation_derivative(A: Array, dA: Array, activation: str) -> None:
    """dZ = dA * phi'(Z), with phi' written from ``A``, in place in ``dA``."""
    DERIVATIVES[activation](A, dA)


def add_scaled(Y: Array, a: float, X: Array, scratch: Array | None = None) -> None:
    """Y += a X (``scratch``, of X's shape, takes a X; a new array when None)."""
    Y += np.multiply(X, a, out=scratch)


def add_decay(p: Array, g: Array, decay: float, n_decayed: int, scratch: Array) -> None:
    """g[:n] += decay p[:n]: the L2 term (alpha / S) W of the weights' gradient.

    The weights come first in the flat parameter vector, the biases (not
    penalised) after them, so the first ``n_decayed`` entries are the weights.
    """
    if decay and n_decayed:
        add_scaled(g[:n_decayed], decay, p[:n_decayed], scratch[:n_decayed])


def sgd_update(
    p: Array,
    g: Array,
    velocity: Array,
    lr: float,
    momentum: float,
    nesterov: bool,
    scratch: Array,
    decay: float = 0.0,
    n_decayed: int = 0,
) -> None:
    """One SGD step with momentum, in place in ``p`` and ``velocity``.

    The gradient is ``g``, plus ``decay * p`` on the first ``n_decayed``
    entries (see :func:`add_decay`); ``g`` is overwritten.
    """
    add_decay(p, g, decay, n_decayed, scratch)
    step = np.multiply(g, lr, out=scratch)  # lr g
    velocity *= momentum
    velocity -= step  # v = mu v - lr g
    if nesterov:
        p -= step
        p += np.multiply(velocity, momentum, out=scratch)  # p += mu v - lr g
    else:
        p += velocity  # p += v


def adam_update(
    p: Array,
    g: Array,
    m: Array,
    v: Array,
    beta_1: float,
    beta_2: float,
    lr_t: float,
    epsilon: float,
    scratch: Array,
    decay: float = 0.0,
    n_decayed: int = 0,
) -> None:
    """One Adam step, in place in ``p``, ``m`` and ``v`` (``lr_t`` bias-corrected).

    The gradient is ``g``, plus ``decay * p`` on the first ``n_decayed``
    entries (see :func:`add_decay`); ``g`` is overwritten.
    """
    add_decay(p, g, decay, n_decayed, scratch)
    s = scratch
    m *= beta_1
    m += np.multiply(g, 1.0 - beta_1, out=s)  # m = b1 m + (1 - b1) g
    v *= beta_2
    np.multiply(g, g, out=s)
    s *= 1.0 - beta_2
    v += s  # v = b2 v + (1 - b2) g^2
    np.sqrt(v, out=s)
    s += epsilon
    np.divide(m, s, out=s)
    s *= lr_t
    p -= s  # p = p - lr_t m / (sqrt(v) + eps)
