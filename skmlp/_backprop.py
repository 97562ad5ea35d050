r"""The derivation, as code: forward pass, loss, and backpropagated gradients.

Notation follows the derivation skmlp is built on, Kassi Bertrand's "Why is
dJ/dW_out = (A_h)^T delta_out?" (2023), retold on the docs' derivation page
(one row per sample):

* ``A[0] = X`` is the input, of shape ``(n, m)``;
* layer ``l`` computes ``Z[l] = A[l-1] @ W[l] + b[l]`` and ``A[l] = phi(Z[l])``;
* the output layer's ``A_out = phi_out(Z_out)`` is a sigmoid per unit (that
  derivation's network) or a softmax;
* ``delta[l] = dJ/dZ[l]`` is the error of layer ``l``.

The loss is the cross-entropy summed over the output units, averaged over the
samples (weighted by ``sample_weight`` ``s_i``), plus an L2 penalty::

    J = (1 / S) * [ sum_i s_i * CE_i  +  alpha / 2 * sum_l ||W[l]||^2 ],   S = sum_i s_i

With all ``s_i = 1`` and ``alpha = 0`` this is the derivation's J(W) divided by
the number of samples ``n``: every gradient below is its gradient divided by
``n``, which is what scikit-learn's MLPClassifier minimises too, so learning
rates carry over between the two.

The gradients, vectorised over the batch (the derivation's sections 6 to 8: the
recap, n examples, the bias)::

    delta_out = (A_out - Y) * s / S             dJ/dZ_out
    dW[l]     = A[l-1].T @ delta[l] + alpha / S * W[l]
    db[l]     = 1.T @ delta[l]                   (the sum of delta[l]'s rows)
    delta[l-1] = (delta[l] @ W[l].T) * phi'(A[l-1])

Dropout (training steps only) multiplies each hidden ``A[l]`` by a mask
``M[l]``, whose entries are 0 with probability ``p_l`` and ``1 / (1 - p_l)``
otherwise (inverted dropout: the expected value of ``A[l] * M[l]`` is
``A[l]``, so predictions use no mask). The next layer reads the masked
activations, and the chain rule through the mask multiplies the error by it::

    Z[l+1]    = (A[l] * M[l]) @ W[l+1] + b[l+1]
    dW[l+1]   = (A[l] * M[l]).T @ delta[l+1]
    delta[l]  = (delta[l+1] @ W[l+1].T) * M[l] * phi'(A[l])

with ``phi'`` written from the unmasked ``A[l]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import _kernels
from ._array_api import reshape

Array = NDArray[np.floating]


def parameter_shapes(layer_units: list[int]) -> list[tuple]:
    """Shapes of ``W[1..L]`` then ``b[1..L]`` for these layer sizes."""
    pairs = list(zip(layer_units[:-1], layer_units[1:]))
    return [(fan_in, fan_out) for fan_in, fan_out in pairs] + [(fan_out,) for _, fan_out in pairs]


def split_flat(flat: Array, shapes: list[tuple]) -> list:
    """Views of one flat vector, one per shape, in order."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(reshape(flat[start : start + size], shape))
        start += size
    return views


@dataclass
class Workspace:
    """Arrays for one minibatch, allocated once per fit and reused.

    ``A[l]`` holds layer ``l``'s activations (``A[0]`` is set to the batch's
    ``X`` by :func:`forward`), ``Z_out`` the output logits, ``dA[l]`` the
    hidden errors, ``ones`` a column of ones (the constant input of the
    biases, one entry per row). ``dW``/``db`` are the gradients, shaped like the
    parameters and stored as views of one flat vector ``grad`` (so that an
    optimizer updates every parameter in one pass). The output buffer
    ``A[-1]`` is overwritten by ``delta_out`` in :func:`backward`. The
    buffers are arrays of the active kernels' namespace and device (numpy's
    unless a fit on another library's arrays is under way), and ``kernels``
    are those kernels: :func:`forward` and :func:`backward` run on them
    without looking them up again at every minibatch.
    """

    A: list
    Z_out: Array
    dA: list
    grad: Array
    dW: list
    db: list
    ones: Array
    kernels: object

    @classmethod
    def allocate(cls, layer_units: list[int], n_rows: int, dtype) -> Workspace:
        hidden = layer_units[1:-1]
        n_out = layer_units[-1]
        n_layers = len(layer_units) - 1
        shapes = parameter_shapes(layer_units)
        kernels = _kernels.active()
        empty = kernels.empty
        grad = empty((sum(math.prod(shape) for shape in shapes),), dtype)
        views = split_flat(grad, shapes)
        ones = empty((n_rows,), dtype)
        ones[...] = 1
        return cls(
            A=[None]
            + [empty((n_rows, u), dtype) for u in hidden]
            + [empty((n_rows, n_out), dtype)],
            Z_out=empty((n_rows, n_out), dtype),
            dA=[None] + [empty((n_rows, u), dtype) for u in hidden],
            grad=grad,
            dW=views[:n_layers],
            db=views[n_layers:],
            ones=ones,
            kernels=kernels,
        )

    def rows(self, n: int) -> Workspace:
        """The same buffers cut to the first ``n`` rows (for a short batch)."""
        return Workspace(
            A=[None] + [a[:n, ...] for a in self.A[1:]],
            Z_out=self.Z_out[:n, ...],
            dA=[None] + [d[:n, ...] for d in self.dA[1:]],
            grad=self.grad,
            dW=self.dW,
            db=self.db,
            ones=self.ones[:n],
            kernels=self.kernels,
        )


@dataclass
class Masks:
    """Dropout masks for one minibatch (see the module's docstring).

    ``M[l]`` is hidden layer ``l``'s mask, of ``A[l]``'s shape, with entries 0
    or ``1 / (1 - p_l)``; None where the layer has no dropout (always for
    ``l = 0``, the input). ``AM[l]`` is the buffer of the masked activations
    ``A[l] * M[l]`` that the next layer reads; ``A[l]`` itself stays unmasked
    for ``phi'``.
    """

    M: list
    AM: list

    @classmethod
    def fixed(cls, M: list) -> Masks:
        """Masks with these arrays (None for unmasked layers) and new buffers."""
        empty = _kernels.active().empty
        return cls(M=M, AM=[None if m is None else empty(m.shape, m.dtype) for m in M])


def passed_on(ws: Workspace, masks: Masks | None, l: int):
    """What layer ``l`` passes to layer ``l + 1``: ``A[l]``, or ``A[l] * M[l]`` under dropout."""
    if masks is None or masks.M[l] is None:
        return ws.A[l]
    return masks.AM[l]


def forward(
    X,
    coefs: list,
    intercepts: list,
    activation: str,
    out_activation: str,
    ws: Workspace,
    masks: Masks | None = None,
) -> Array:
    """Forward-propagate ``X``; fill ``ws.A`` and ``ws.Z_out``, return ``A_out``.

    With ``masks`` (a training step with dropout), each masked hidden layer
    passes ``A[l] * M[l]`` on instead of ``A[l]``.
    """
    kernels = ws.kernels
    n_layers = len(coefs)
    ws.A[0] = X
    for l in range(1, n_layers + 1):
        W, b = coefs[l - 1], intercepts[l - 1]
        Z = ws.Z_out if l == n_layers else ws.A[l]
        A_in = passed_on(ws, masks, l - 1)  # A[l-1], or A[l-1] * M[l-1]
        kernels.matmul(A_in, W, out=Z)  # Z[l] = A[l-1] W[l]   (n, units_l)
        if l < n_layers:
            # A[l] = phi(Z[l] + b[l]), in place: Z[l] is not needed again
            kernels.bias_activation(Z, b, activation)
            if masks is not None and masks.M[l] is not None:
                kernels.multiply(Z, masks.M[l], out=masks.AM[l])  # A[l] * M[l]
    # Z_out += b[L], then A_out = phi_out(Z_out) into its own buffer: the loss
    # needs the logits Z_out.                                        (n, t)
    A_out = ws.A[n_layers]
    kernels.output_activation(ws.Z_out, intercepts[-1], A_out, out_activation)
    return A_out


def data_loss(
    Z_out: Array, Y: Array, out_activation: str, sample_weight: Array | None, kernels=None
) -> float:
    """Weighted sum over samples of the cross-entropy: ``sum_i s_i CE_i``.

    ``CE_i`` is :func:`skmlp._activations.cross_entropy`, computed from the logits
    (by ``kernels``, the active ones when None: a workspace's ``kernels``).
    """
    return (kernels or _kernels.active()).data_loss(Z_out, Y, out_activation, sample_weight)


def l2_penalty(coefs: list, alpha: float) -> float:
    """``alpha / 2 * sum_l ||W[l]||^2`` (biases are not penalised)."""
    if not alpha:
        return 0.0
    squared_norm = _kernels.active().squared_norm
    return 0.5 * alpha * sum(squared_norm(W) for W in coefs)


def loss(
    Z_out: Array,
    Y: Array,
    out_activation: str,
    coefs: list,
    alpha: float,
    sample_weight: Array | None,
) -> float:
    """J = (sum_i s_i CE_i + alpha / 2 sum ||W||^2) / S, with S = sum_i s_i."""
    S = Z_out.shape[0] if sample_weight is None else _kernels.active().weight_sum(sample_weight)
    return (data_loss(Z_out, Y, out_activation, sample_weight) + l2_penalty(coefs, alpha)) / S


def backward(
    Y: Array,
    coefs: list,
    activation: str,
    alpha: float,
    sample_weight: Array | None,
    ws: Workspace,
    S: float | None = None,
    masks: Masks | None = None,
) -> tuple[list, list]:
    """Backpropagate after :func:`forward`; return ``(dW, db)`` in ``ws``.

    ``S`` is the batch's total weight ``sum_i s_i`` when the caller has it
    already (the training loop does), else it is summed here. ``masks`` must
    be those that :func:`forward` used (None: no dropout).
    """
    kernels = ws.kernels
    n_layers = len(coefs)
    alpha = float(alpha)  # a numpy float64 scalar would upcast float32 arithmetic
    if S is None:
        S = ws.Z_out.shape[0] if sample_weight is None else kernels.weight_sum(sample_weight)

    # Output error.  For a sigmoid output with binary cross-entropy summed over
    # the outputs, dJ/da = (a - y) / (a (1 - a)) and da/dz = a (1 - a), so
    #     delta_out = dJ/dz_out = a_out - y          (seed, section 3).
    # For a softmax output with categorical cross-entropy the Jacobian of the
    # softmax gives the same delta_out = a_out - y.  The mean over samples
    # (weights s_i, total S) multiplies each row by s_i / S.
    delta = ws.A[n_layers]  # reuse A_out's buffer   (n, t)
    delta -= Y
    if sample_weight is None:
        delta *= 1.0 / S
    else:
        kernels.weight_rows(delta, sample_weight / S)

    for l in range(n_layers, 0, -1):
        W = coefs[l - 1]
        # The layer's input A[l-1] (under dropout, A[l-1] * M[l-1])  (n, units_{l-1})
        A_prev = passed_on(ws, masks, l - 1)
        # dW[l] = A[l-1]^T delta[l]: the seed's (A^h)^T delta, summed over samples.
        kernels.matmul(A_prev.T, delta, out=ws.dW[l - 1])  # (units_{l-1}, units_l)
        if alpha:  # + d/dW of alpha / (2S) ||W||^2
            kernels.add_scaled(ws.dW[l - 1], alpha / S, W)
        # db[l] = sum_i delta[l]_i = 1^T delta[l]: the bias is the weight of an
        # input a_0 = 1 (seed, section 8), so its gradient is dW's product with
        # a column of ones in place of A[l-1].
        kernels.matmul(ws.ones, delta, out=ws.db[l - 1])  # (units_l,)
        if l > 1:
            # delta[l-1] = (delta[l] W[l]^T) * phi'(A[l-1]): the chain rule through
            # Z[l] = A[l-1] W[l] + b[l], then through A[l-1] = phi(Z[l-1]).
            dA = ws.dA[l - 1]
            kernels.matmul(delta, W.T, out=dA)  # dJ/dA[l-1]   (n, units_{l-1})
            if masks is not None and masks.M[l - 1] is not None:
                # Through A[l-1] * M[l-1]: dJ/dA[l-1] = dJ/d(A[l-1] * M[l-1]) * M[l-1]
                kernels.multiply(dA, masks.M[l - 1], out=dA)
            # phi' from the unmasked A[l-1] = phi(Z[l-1])
            kernels.activation_derivative(ws.A[l - 1], dA, activation)  # now dJ/dZ[l-1]
            delta = dA
    return ws.dW, ws.db


def loss_and_gradients(
    X,
    Y: Array,
    coefs: list,
    intercepts: list,
    activation: str,
    out_activation: str,
    alpha: float = 0.0,
    sample_weight: Array | None = None,
    ws: Workspace | None = None,
    masks: Masks | None = None,
) -> tuple[float, list, list]:
    """J and its gradients ``(dW, db)`` for one batch: forward, loss, backward.

    The gradient arrays live in ``ws`` (allocated here when not given) and are
    overwritten by the next call with the same workspace. With ``masks``, J is
    the loss of the network with those dropout masks, and these its gradients.
    """
    if ws is None:
        units = [X.shape[1]] + [W.shape[1] for W in coefs]
        ws = Workspace.allocate(units, X.shape[0], coefs[0].dtype)
    forward(X, coefs, intercepts, activation, out_activation, ws, masks)
    J = loss(ws.Z_out, Y, out_activation, coefs, alpha, sample_weight)
    dW, db = backward(Y, coefs, activation, alpha, sample_weight, ws, masks=masks)
    return J, dW, db
