"""The elementwise steps of training compiled with numba: one pass each.

The numpy reference (:mod:`skmlp._kernels_numpy`) makes up to fourteen passes
over the parameters for one Adam step, each reading and writing whole arrays.
Here each step is one loop over the elements, with the same operations in the
same order, so the results agree with the reference to the last bit: no
``fastmath`` (which would let the compiler reorder or fuse them), and every
scalar is cast to the arrays' dtype before the call so that float32 loops
stay float32. ``tanh`` is left to numpy, whose vectorised version is faster
than a scalar ``tanh`` per element, and so are ``exp`` and ``log1p``. The
output layer is the exception to bit-for-bit agreement: its loss and
probabilities are written differently from the reference's ``logaddexp`` and
``logsumexp``, and agree with them to rounding.

``error_model="numpy"`` drops Python's division-by-zero checks, which would
stop the loops from vectorising; IEEE rules apply instead, as in numpy.
Compiled code is cached on disk after the first call for each dtype.

Arrays that are not C-contiguous (never the training loop's own buffers) go to
the numpy reference.
"""

from __future__ import annotations

import numba
import numpy as np

from . import _kernels_numpy
from ._kernels_numpy import (  # noqa: F401  the buffers and products are numpy's
    empty,
    matmul,
    multiply,
    squared_norm,
    weight_rows,
    weight_sum,
)

NAME = "numba"
NEEDS_SCRATCH = True
_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


# --------------------------------------------------------------------------
# Forward: A = phi(Z + b) for a hidden layer.
# --------------------------------------------------------------------------
@_jit
def _add_rows_scale(Z, b, scale):
    """Z = (Z + b) * scale, b added to every row."""
    n, k = Z.shape
    for i in range(n):
        for j in range(k):
            Z[i, j] = (Z[i, j] + b[j]) * scale


@_jit
def _add_rows(Z, b):
    """Z = Z + b, b added to every row."""
    n, k = Z.shape
    for i in range(n):
        for j in range(k):
            Z[i, j] = Z[i, j] + b[j]


@_jit
def _add_rows_relu(Z, b, zero):
    """Z = max(Z + b, 0); NaN stays NaN, as with np.maximum."""
    n, k = Z.shape
    for i in range(n):
        for j in range(k):
            z = Z[i, j] + b[j]
            Z[i, j] = zero if z < zero else z


@_jit
def _scale_shift(x, scale, shift):
    """x = x * scale + shift."""
    for i in range(x.shape[0]):
        x[i] = x[i] * scale + shift


def bias_activation(Z, b, activation: str) -> None:
    """A = phi(Z + b), in place in ``Z``."""
    if not (Z.flags.c_contiguous and b.flags.c_contiguous):
        return _kernels_numpy.bias_activation(Z, b, activation)
    dtype = Z.dtype.type
    if activation == "logistic":
        # sigmoid(z) = (1 + tanh(z / 2)) / 2, as in _activations.inplace_logistic
        half = dtype(0.5)
        _add_rows_scale(Z, b, half)
        np.tanh(Z, out=Z)
        _scale_shift(Z.reshape(-1), half, half)
    elif activation == "relu":
        _add_rows_relu(Z, b, dtype(0))
    elif activation == "tanh":
        _add_rows(Z, b)
        np.tanh(Z, out=Z)
    elif activation == "identity":
        _add_rows(Z, b)
    else:
        _kernels_numpy.bias_activation(Z, b, activation)


# --------------------------------------------------------------------------
# The output layer: probabilities and the cross-entropy, from the logits.
# The exponentials and logarithms are numpy's (vectorised, several times
# faster than the C library's one call per element); the compiled loops do
# the arithmetic around them in one pass each. The formulas differ from the
# reference's (logaddexp, logsumexp) in how they round, so here the two
# kernels agree to rounding, not to the bit.
# --------------------------------------------------------------------------
@_jit
def _neg_abs(Z, E):
    """E = -|Z|."""
    n, k = Z.shape
    for i in range(n):
        for j in range(k):
            E[i, j] = -abs(Z[i, j])


@_jit
def _shift_rows(Z, E):
    """E = Z - max(Z) per row."""
    n, k = Z.shape
    for i in range(n):
        top = Z[i, 0]
        for j in range(k):
            top = max(top, Z[i, j])
        for j in range(k):
            E[i, j] = Z[i, j] - top


@_jit
def _sigmoid_from_exp(Z, E, one):
    """E = sigmoid(Z) from E = exp(-|Z|) <= 1, which cannot overflow."""
    n, k = Z.shape
    for i in range(n):
        for j in range(k):
            e = E[i, j]
            E[i, j] = one / (one + e) if Z[i, j] >= 0 else e / (one + e)


@_jit
def _normalize_rows(E, zero):
    """E = E / sum(E) per row."""
    n, k = E.shape
    for i in range(n):
        total = zero
        for j in range(k):
            total += E[i, j]
        for j in range(k):
            E[i, j] = E[i, j] / total


def output_activation(Z_out, b, A_out, out_activation: str) -> None:
    """Z_out += b, then A_out = phi_out(Z_out)."""
    if out_activation not in ("logistic", "softmax") or not (
        Z_out.flags.c_contiguous and A_out.flags.c_contiguous
    ):
        return _kernels_numpy.output_activation(Z_out, b, A_out, out_activation)
    dtype = Z_out.dtype.type
    _add_rows(Z_out, b)
    if out_activation == "logistic":
        _neg_abs(Z_out, A_out)
        np.exp(A_out, out=A_out)
        _sigmoid_from_exp(Z_out, A_out, dtype(1))
    else:
        _shift_rows(Z_out, A_out)
        np.exp(A_out, out=A_out)
        _normalize_rows(A_out, dtype(0))


@_jit
def _logistic_cross_entropy(Z, Y, L, weights, weighted, zero):
    """sum_i s_i CE_i, CE_i = sum_j softplus(z_ij) - y_ij z_ij.

    ``L`` holds log(1 + exp(-|z|)), so softplus(z) = max(z, 0) + L: finite
    for every finite z. Each CE_i is summed in the data's dtype, the total
    over the rows in float64.
    """
    n, k = Z.shape
    total = 0.0
    for i in range(n):
        ce = zero
        for j in range(k):
            z = Z[i, j]
            ce += (max(z, zero) + L[i, j]) - Y[i, j] * z
        total += ce * weights[i] if weighted else ce
    return total


@_jit
def _softmax_cross_entropy(Z, Y, E, weights, weighted, zero):
    """sum_i s_i CE_i, CE_i = logsumexp(z_i) sum_j y_ij - sum_j y_ij z_ij.

    ``E`` holds exp(z - max(z)) per row, so logsumexp(z) = max(z) + log(sum E).
    """
    n, k = Z.shape
    total = 0.0
    for i in range(n):
        top = Z[i, 0]
        exp_sum, y_sum, yz = zero, zero, zero
        for j in range(k):
            top = max(top, Z[i, j])
            exp_sum += E[i, j]
            y_sum += Y[i, j]
            yz += Y[i, j] * Z[i, j]
        ce = (top + np.log(exp_sum)) * y_sum - yz
        total += ce * weights[i] if weighted else ce
    return total


def data_loss(Z_out, Y, out_activation: str, sample_weight) -> float:
    """sum_i s_i CE_i, the cross-entropy of each sample from its logits."""
    if out_activation not in ("logistic", "softmax") or not (
        Z_out.flags.c_contiguous and Y.flags.c_contiguous and Z_out.dtype == Y.dtype
    ):
        return _kernels_numpy.data_loss(Z_out, Y, out_activation, sample_weight)
    E = np.empty_like(Z_out)
    weighted = sample_weight is not None
    weights = sample_weight if weighted else Z_out[:, 0]  # unread when not weighted
    zero = Z_out.dtype.type(0)
    if out_activation == "logistic":
        _neg_abs(Z_out, E)
        np.exp(E, out=E)
        np.log1p(E, out=E)  # log(1 + exp(-|z|))
        total = _logistic_cross_entropy(Z_out, Y, E, weights, weighted, zero)
    else:
        _shift_rows(Z_out, E)
        np.exp(E, out=E)
        total = _softmax_cross_entropy(Z_out, Y, E, weights, weighted, zero)
    return float(total)


# --------------------------------------------------------------------------
# Backward: dZ = dA * phi'(Z), phi' written from A.
# --------------------------------------------------------------------------
@_jit
def _logistic_derivative(A, dA):
    for i in range(A.shape[0]):
        t = dA[i] * A[i]
        dA[i] = t - t * A[i]  # dA a (1 - a), as the reference computes it


@_jit
def _tanh_derivative(A, dA):
    for i in range(A.shape[0]):
        dA[i] = dA[i] - dA[i] * (A[i] * A[i])  # dA (1 - a^2)


@_jit
def _relu_derivative(A, dA, zero, one):
    for i in range(A.shape[0]):
        dA[i] = dA[i] * (one if A[i] > zero else zero)


def activation_derivative(A, dA, activation: str) -> None:
    """dZ = dA * phi'(Z), in place in ``dA``."""
    if activation == "identity":
        return
    if not (A.flags.c_contiguous and dA.flags.c_contiguous):
        return _kernels_numpy.activation_derivative(A, dA, activation)
    a, d = A.reshape(-1), dA.reshape(-1)
    if activation == "logistic":
        _logistic_derivative(a, d)
    elif activation == "tanh":
        _tanh_derivative(a, d)
    elif activation == "relu":
        dtype = A.dtype.type
        _relu_derivative(a, d, dtype(0), dtype(1))
    else:
        _kernels_numpy.activation_derivative(A, dA, activation)


# --------------------------------------------------------------------------
# The L2 gradient and the optimizer steps, on flat parameter vectors.
# --------------------------------------------------------------------------
@_jit
def _add_scaled(Y, a, X):
    for i in range(Y.shape[0]):
        Y[i] += X[i] * a


def add_scaled(Y, a: float, X, scratch=None) -> None:
    """Y += a X."""
    if not (Y.flags.c_contiguous and X.flags.c_contiguous):
        return _kernels_numpy.add_scaled(Y, a, X, scratch)
    _add_scaled(Y.reshape(-1), Y.dtype.type(a), X.reshape(-1))


# Each optimizer loop runs over whole (sliced) vectors: a loop over
# ``range(start, stop)`` would not vectorise, as numba must allow for negative
# indices. With ``with_decay`` the gradient is g + decay p (the L2 term of the
# weights, which come first in the flat vector), added in the same pass; the
# compiler takes the branch on ``with_decay`` out of the loop. One compiled call
# per step runs the loop on the weights, then on the biases (``n`` entries of
# weights; ``n = 0`` when nothing is decayed): the slices are cut there, not
# in Python.
@_jit
def _sgd(p, g, velocity, lr, momentum, nesterov, with_decay, decay):
    for i in range(p.shape[0]):
        gi = g[i] + p[i] * decay if with_decay else g[i]
        step = gi * lr
        v = velocity[i] * momentum - step  # v = mu v - lr g
        velocity[i] = v
        if nesterov:
            p[i] = (p[i] - step) + v * momentum  # p += mu v - lr g
        else:
            p[i] += v  # p += v


@_jit
def _sgd_flat(p, g, velocity, lr, momentum, nesterov, n, decay):
    if n:
        _sgd(p[:n], g[:n], velocity[:n], lr, momentum, nesterov, True, decay)
    if n < p.shape[0]:
        _sgd(p[n:], g[n:], velocity[n:], lr, momentum, nesterov, False, decay)  # decay unread


def sgd_update(p, g, velocity, lr, momentum, nesterov, scratch, decay=0.0, n_decayed=0) -> None:
    """One SGD step with momentum, in place in ``p`` and ``velocity``."""
    if not (
        p.ndim == 1
        and p.flags.c_contiguous
        and g.flags.c_contiguous
        and velocity.flags.c_contiguous
    ):
        return _kernels_numpy.sgd_update(
            p, g, velocity, lr, momentum, nesterov, scratch, decay, n_decayed
        )
    dtype = p.dtype.type
    lr, momentum, nesterov = dtype(lr), dtype(momentum), bool(nesterov)
    n = n_decayed if decay else 0  # the weights, then the biases
    _sgd_flat(p, g, velocity, lr, momentum, nesterov, n, dtype(decay))


@_jit
def _adam(
    p, g, m, v, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, lr_t, epsilon,
    with_decay, decay,
):  # fmt: skip
    for i in range(p.shape[0]):
        gi = g[i] + p[i] * decay if with_decay else g[i]
        mi = m[i] * beta_1 + gi * one_minus_beta_1  # m = b1 m + (1 - b1) g
        vi = v[i] * beta_2 + (gi * gi) * one_minus_beta_2  # v = b2 v + (1 - b2) g^2
        m[i] = mi
        v[i] = vi
        p[i] -= mi / (np.sqrt(vi) + epsilon) * lr_t  # p -= lr_t m / (sqrt(v) + eps)


@_jit
def _adam_flat(
    p, g, m, v, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, lr_t, epsilon, n, decay
):  # fmt: skip
    hyper = (beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, lr_t, epsilon)
    if n:
        _adam(p[:n], g[:n], m[:n], v[:n], *hyper, True, decay)
    if n < p.shape[0]:
        _adam(p[n:], g[n:], m[n:], v[n:], *hyper, False, decay)  # decay unread


def adam_update(p, g, m, v, beta_1, beta_2, lr_t, epsilon, scratch, decay=0.0, n_decayed=0) -> None:
    """One Adam step, in place in ``p``, ``m`` and ``v``."""
    if not (
        p.ndim == 1
        and p.flags.c_contiguous
        and g.flags.c_contiguous
        and m.flags.c_contiguous
        and v.flags.c_contiguous
    ):
        return _kernels_numpy.adam_update(
            p, g, m, v, beta_1, beta_2, lr_t, epsilon, scratch, decay, n_decayed
        )
    dtype = p.dtype.type
    hyper = (
        dtype(beta_1), dtype(1.0 - beta_1), dtype(beta_2), dtype(1.0 - beta_2),
        dtype(lr_t), dtype(epsilon),
    )  # fmt: skip
    n = n_decayed if decay else 0  # the weights, then the biases
    _adam_flat(p, g, m, v, *hyper, n, dtype(decay))
