"""The elementwise steps of training for any Array API namespace (torch, CuPy, ...).

The same functions as :mod:`skmlp._kernels_numpy`, with the same arguments,
written with the Array API standard's functions and in-place operators only,
so that they run on the array's own device. :class:`ArrayAPIKernels` binds
them to one namespace ``xp`` and device; :mod:`skmlp._backprop` calls them
exactly as it calls the numpy kernels.

The standard has no ``out=`` arguments: a result is computed, then written
into the buffer it belongs to (``out[...] = value``), so that the workspace's
buffers, and the parameters (views of one flat vector), are updated in place
as on numpy. Scalars are Python floats, which keep float32 arrays float32.
The cross-entropy is returned as a 0-d array: reading it (``float``) would wait
for the device, so the training loop sums it on the device and reads the
epoch's total once.
"""

from __future__ import annotations

from ._activations import cross_entropy

NAME = "array-api"


class ArrayAPIKernels:
    """The kernels for arrays of namespace ``xp`` on ``device``."""

    NAME = NAME
    NEEDS_SCRATCH = False  # the optimizers' steps below allocate their intermediates

    def __init__(self, xp, device):
        self.xp, self.device = xp, device

    # ------------------------------------------------------------ buffers
    def empty(self, shape, dtype):
        return self.xp.empty(shape, dtype=dtype, device=self.device)

    def matmul(self, left, right, out):
        """out = left @ right."""
        out[...] = left @ right
        return out

    def multiply(self, a, M, out):
        """out = a * M, entrywise (a dropout mask; ``out`` may be ``a``)."""
        out[...] = a * M
        return out

    def weight_sum(self, a) -> float:
        """The sum of a vector's entries, as a Python float (it waits for the device)."""
        return float(self.xp.sum(a))

    def weight_rows(self, delta, w) -> None:
        """``delta[i, :] *= w[i]``."""
        delta *= self.xp.reshape(w, (-1, 1))

    def squared_norm(self, W) -> float:
        """||W||^2, as a Python float."""
        return float(self.xp.sum(W * W))

    # -------------------------------------------------------- activations
    def _activate(self, Z, activation: str) -> None:
        """A = phi(Z), in place in Z (see :mod:`skmlp._activations` for the math)."""
        xp = self.xp
        if activation == "logistic":  # (1 + tanh(z / 2)) / 2: cannot overflow
            Z[...] = xp.tanh(Z * 0.5)
            Z *= 0.5
            Z += 0.5
        elif activation == "tanh":
            Z[...] = xp.tanh(Z)
        elif activation == "relu":
            Z[...] = (Z + xp.abs(Z)) * 0.5  # max(z, 0)
        elif activation == "softmax":  # shifted by the row maximum
            Z -= xp.max(Z, axis=1, keepdims=True)
            Z[...] = xp.exp(Z)
            Z /= xp.sum(Z, axis=1, keepdims=True)
        # identity: nothing to do

    def bias_activation(self, Z, b, activation: str) -> None:
        """A = phi(Z + b), in place in ``Z``."""
        Z += b
        self._activate(Z, activation)

    def output_activation(self, Z_out, b, A_out, out_activation: str) -> None:
        """Z_out += b, then A_out = phi_out(Z_out)."""
        Z_out += b
        A_out[...] = Z_out
        self._activate(A_out, out_activation)

    def activation_derivative(self, A, dA, activation: str) -> None:
        """dZ = dA * phi'(Z), with phi' written from ``A``, in place in ``dA``."""
        if activation == "logistic":
            dA *= A * (1.0 - A)
        elif activation == "tanh":
            dA *= 1.0 - A * A
        elif activation == "relu":
            dA *= self.xp.astype(A > 0, A.dtype)

    # --------------------------------------------------------------- loss
    def data_loss(self, Z_out, Y, out_activation: str, sample_weight):
        """sum_i s_i CE_i, as a 0-d array on the device."""
        ce = cross_entropy(Z_out, Y, out_activation, self.xp)
        return self.xp.sum(ce) if sample_weight is None else self.xp.sum(ce * sample_weight)

    # --------------------------------------------------------- optimizers
    def add_scaled(self, Y, a, X, scratch=None) -> None:
        """Y += a X."""
        Y += X * a

    def add_decay(self, p, g, decay, n_decayed: int) -> None:
        """g[:n] += decay p[:n]: the L2 term of the weights' gradient (weights first)."""
        if decay and n_decayed:
            g[:n_decayed] += p[:n_decayed] * decay

    def sgd_update(
        self, p, g, velocity, lr, momentum, nesterov, scratch, decay=0.0, n_decayed=0
    ) -> None:
        """One SGD step with momentum (see :func:`skmlp._kernels_numpy.sgd_update`)."""
        self.add_decay(p, g, decay, n_decayed)
        step = g * lr
        velocity *= momentum
        velocity -= step  # v = mu v - lr g
        if nesterov:
            p += velocity * momentum - step  # p += mu v - lr g
        else:
            p += velocity

    def adam_update(
        self, p, g, m, v, beta_1, beta_2, lr_t, epsilon, scratch, decay=0.0, n_decayed=0
    ) -> None:
        """One Adam step (see :func:`skmlp._kernels_numpy.adam_update`)."""
        self.add_decay(p, g, decay, n_decayed)
        m *= beta_1
        m += g * (1.0 - beta_1)  # m = b1 m + (1 - b1) g
        v *= beta_2
        v += g * g * (1.0 - beta_2)  # v = b2 v + (1 - b2) g^2
        p -= m / (self.xp.sqrt(v) + epsilon) * lr_t


class TorchKernels(ArrayAPIKernels):
    """:class:`ArrayAPIKernels` for torch: the same numbers in fewer kernel launches.

    torch's ``out=`` arguments, in-place methods and fused functions (``addcmul_``,
    ``addcdiv_``, the cross-entropies from logits) do each step in one or two
    kernels instead of the standard's three to five. On a GPU at small batches
    each launch costs more than its arithmetic, so this is most of an epoch's
    time. Every method computes what its parent's does, to rounding.
    """

    def __init__(self, xp, device):
        super().__init__(xp, device)
        import torch
        import torch.nn.functional as F

        self.torch, self.F = torch, F

    def matmul(self, left, right, out):
        if left.ndim == 1:  # a vector times a matrix (1^T delta): torch's matmul
            return self.torch.mv(right.T, left, out=out)  # would resize out to (1, k)
        return self.torch.matmul(left, right, out=out)

    def multiply(self, a, M, out):
        return self.torch.mul(a, M, out=out)

    def _activate(self, Z, activation: str) -> None:
        if activation == "logistic":
            Z.sigmoid_()
        elif activation == "tanh":
            Z.tanh_()
        elif activation == "relu":
            Z.relu_()
        elif activation == "softmax":
            Z.copy_(self.torch.softmax(Z, dim=1))

    def output_activation(self, Z_out, b, A_out, out_activation: str) -> None:
        Z_out.add_(b)
        if out_activation == "logistic":
            self.torch.sigmoid(Z_out, out=A_out)
        else:
            A_out.copy_(self.torch.softmax(Z_out, dim=1))

    def activation_derivative(self, A, dA, activation: str) -> None:
        if activation == "logistic":  # dA a, then minus (dA a) a: dA a (1 - a)
            dA.mul_(A).addcmul_(dA, A, value=-1.0)
        elif activation == "tanh":  # dA - dA a a = dA (1 - a^2)
            dA.addcmul_(dA * A, A, value=-1.0)
        elif activation == "relu":
            dA.mul_(A > 0)

    def data_loss(self, Z_out, Y, out_activation: str, sample_weight):
        """sum_i s_i CE_i from the logits, with torch's fused, stable cross-entropies."""
        F = self.F
        if out_activation == "logistic":  # sum_j log(1 + e^z_ij) - y_ij z_ij
            if sample_weight is None:
                return F.binary_cross_entropy_with_logits(Z_out, Y, reduction="sum")
            ce = F.binary_cross_entropy_with_logits(Z_out, Y, reduction="none").sum(dim=1)
        else:  # sum_j y_ij (logsumexp(z_i) - z_ij), the targets taken as probabilities
            if sample_weight is None:
                return F.cross_entropy(Z_out, Y, reduction="sum")
            ce = F.cross_entropy(Z_out, Y, reduction="none")
        return ce @ sample_weight

    def add_decay(self, p, g, decay, n_decayed: int) -> None:
        if decay and n_decayed:
            g[:n_decayed].add_(p[:n_decayed], alpha=decay)

    def adam_update(
        self, p, g, m, v, beta_1, beta_2, lr_t, epsilon, scratch, decay=0.0, n_decayed=0
    ) -> None:
        self.add_decay(p, g, decay, n_decayed)
        m.mul_(beta_1).add_(g, alpha=1.0 - beta_1)  # m = b1 m + (1 - b1) g
        v.mul_(beta_2).addcmul_(g, g, value=1.0 - beta_2)  # v = b2 v + (1 - b2) g^2
        denominator = v.sqrt().add_(epsilon)
        if isinstance(lr_t, float):
            p.addcdiv_(m, denominator, value=-lr_t)  # p = p - lr_t m / (sqrt(v) + eps)
        else:  # a device scalar (a replayed step): the same, with lr_t read there
            p.addcdiv_(m * -lr_t, denominator)
