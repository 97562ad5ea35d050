"""Activation functions, their derivatives, and the output layer's probabilities.

Every function here works in place on its argument (hence the ``inplace_``
prefix) so that the training loop can reuse one buffer per layer.  The
derivatives are written from the activation's *output* ``A = phi(Z)``, the
quantity that the forward pass keeps, exactly as the derivation uses them:
``phi'(Z) = A (1 - A)`` for the sigmoid.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


# --------------------------------------------------------------------------
# Forward: A = phi(Z), computed in place in Z.
# --------------------------------------------------------------------------
def inplace_identity(Z: Array) -> None:
    """phi(z) = z: nothing to do."""


def inplace_logistic(Z: Array) -> None:
    """phi(z) = 1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2.

    The tanh form cannot overflow and is faster than ``scipy.special.expit``
    (notably in float32); both agree to rounding.
    """
    Z *= 0.5
    np.tanh(Z, out=Z)
    Z *= 0.5
    Z += 0.5


def inplace_tanh(Z: Array) -> None:
    """phi(z) = tanh(z)."""
    np.tanh(Z, out=Z)


def inplace_relu(Z: Array) -> None:
    """phi(z) = max(z, 0)."""
    np.maximum(Z, 0, out=Z)


def row_sums(A: Array, xp=np) -> Array:
    """``sum_k A[:, k]`` for each row, a vector of length n.

    On numpy, the product ``A @ 1`` with a column of ones: BLAS sums short rows
    (the output layer's few units) several times faster than numpy's
    reduction along them, and agrees with it to rounding.
    """
    if xp is np:
        return A @ np.ones(A.shape[1], A.dtype)
    return xp.sum(A, axis=1)


def inplace_softmax(Z: Array) -> None:
    """phi(z)_j = exp(z_j) / sum_k exp(z_k), shifted by the row maximum."""
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= row_sums(Z)[:, None]


ACTIVATIONS = {
    "identity": inplace_identity,
    "logistic": inplace_logistic,
    "tanh": inplace_tanh,
    "relu": inplace_relu,
    "softmax": inplace_softmax,
}


# --------------------------------------------------------------------------
# Backward: dZ = dA * phi'(Z), with phi'(Z) written from A, in place in dA.
# --------------------------------------------------------------------------
def inplace_identity_derivative(A: Array, dA: Array) -> None:
    """phi'(z) = 1, so dZ = dA."""


def inplace_logistic_derivative(A: Array, dA: Array) -> None:
    """phi'(z) = a (1 - a) for the sigmoid, so dZ = dA * a * (1 - a)."""
    dA *= A
    dA -= dA * A  # dA a - dA a a = dA a (1 - a)


def inplace_tanh_derivative(A: Array, dA: Array) -> None:
    """phi'(z) = 1 - a**2 for tanh, so dZ = dA * (1 - a**2)."""
    dA -= dA * (A * A)


def inplace_relu_derivative(A: Array, dA: Array) -> None:
    """phi'(z) = 1 where a > 0 else 0, so dZ = dA where a > 0 else 0."""
    np.multiply(dA, A > 0, out=dA)  # a mask multiply is ~6x faster than copyto(where=)


DERIVATIVES = {
    "identity": inplace_identity_derivative,
    "logistic": inplace_logistic_derivative,
    "tanh": inplace_tanh_derivative,
    "relu": inplace_relu_derivative,
}


# --------------------------------------------------------------------------
# Log-probabilities from the logits, finite where the probability saturates.
# Each takes the arrays' namespace ``xp`` (numpy unless given), so that a model
# trained on another library's arrays computes them on its device.
# --------------------------------------------------------------------------
def softplus(Z: Array, xp=np) -> Array:
    """log(1 + exp(z)), finite for every finite z (a new array)."""
    if xp is np:
        return np.logaddexp(0, Z)
    # max(z, 0) + log(1 + exp(-|z|)): the same value from functions of one argument
    absZ = xp.abs(Z)
    return (Z + absZ) * 0.5 + xp.log1p(xp.exp(-absZ))


def log_logistic(Z: Array, xp=np) -> Array:
    """log sigmoid(z) = -log(1 + exp(-z)), finite for every finite z."""
    return -softplus(-Z, xp)


def logsumexp_rows(Z: Array, xp=np) -> Array:
    """log sum_k exp(z_k) for each row, as a column of shape (n, 1)."""
    if xp is np:  # the array methods: numpy's function wrappers cost microseconds a call
        Z_max = Z.max(axis=1, keepdims=True)
        return Z_max + np.log(row_sums(np.exp(Z - Z_max)))[:, None]
    Z_max = xp.max(Z, axis=1, keepdims=True)
    return Z_max + xp.log(xp.sum(xp.exp(Z - Z_max), axis=1, keepdims=True))


def log_softmax(Z: Array, xp=np) -> Array:
    """log softmax(z)_j = z_j - log sum_k exp(z_k)."""
    return Z - logsumexp_rows(Z, xp)


def cross_entropy(Z_out: Array, Y: Array, out_activation: str, xp=np) -> Array:
    """Per-sample cross-entropy summed over the outputs, from the logits.

    Sigmoid outputs (the derivation's J for one sample)::

        CE_i = -sum_j y_ij log a_ij + (1 - y_ij) log(1 - a_ij)
             =  sum_j log(1 + exp(z_ij)) - y_ij z_ij

    Softmax outputs::

        CE_i = -sum_j y_ij log a_ij = sum_j y_ij (logsumexp(z_i) - z_ij)

    Written with ``softplus``/``logsumexp`` they stay finite where ``a``
    saturates at 0 or 1.
    """
    if out_activation == "logistic":
        per_unit = softplus(Z_out, xp)
        per_unit -= Y * Z_out
        return row_sums(per_unit, xp)
    return logsumexp_rows(Z_out, xp)[:, 0] * row_sums(Y, xp) - row_sums(Y * Z_out, xp)
