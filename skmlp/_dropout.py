"""Dropout: the rates per hidden layer, and the masks of each training step.

The math (what a mask does to the forward and backward passes) is in
:mod:`skmlp._backprop`; this module only checks the ``dropout`` parameter and
draws the masks ``M[l]``: entries 0 with probability ``p_l`` and
``1 / (1 - p_l)`` otherwise.

The masks come from the estimator's random state: at the start of each epoch
one integer is drawn from it (after the epoch's shuffle) to seed a numpy
``Generator``, which then draws every mask of the epoch, one call per masked
layer and minibatch, in the data's dtype, into buffers allocated once per fit.
So a seeded fit is reproducible, ``partial_fit`` calls draw the masks of the
same epochs of one ``fit``, and a warm start continues the stream. The masks
are drawn on the host for every kernel path and sent to the device for
arrays of another library: a fit on a device uses the numpy fit's masks and
trains its model to rounding.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from . import _kernels
from ._array_api import numpy_dtype
from ._backprop import Masks


def dropout_rates(dropout, n_hidden: int) -> list[float]:
    """The rate of each hidden layer, checked: ``dropout`` is one rate or one per layer."""
    if isinstance(dropout, Real) and not isinstance(dropout, bool):
        rates = [float(dropout)] * n_hidden
    else:
        given = np.asarray(dropout, dtype=object)
        if given.ndim != 1 or len(given) != n_hidden:
            raise ValueError(
                f"dropout must be one rate, or a sequence of one rate per hidden layer "
                f"({n_hidden} for hidden_layer_sizes with {n_hidden} "
                f"layer{'s' * (n_hidden != 1)}); got {dropout!r}."
            )
        if not all(isinstance(p, Real) and not isinstance(p, bool) for p in given):
            raise ValueError(f"dropout rates must be numbers in [0, 1); got {dropout!r}.")
        rates = [float(p) for p in given]
    for p in rates:
        if not 0.0 <= p < 1.0:  # NaN fails too
            why = " (a rate of 1 drops every unit: nothing would be learned)" if p == 1 else ""
            raise ValueError(
                f"dropout rates must be in [0, 1){why}; got {dropout!r}. A rate is the "
                "probability of dropping a hidden unit in a training step, e.g. 0.2."
            )
    return rates


class MaskDrawer:
    """Draws the dropout masks of each minibatch into buffers reused over a fit.

    ``rates`` has one entry per hidden layer, ``units`` is the layer sizes
    (input to output), ``dtype`` the data's; ``xp`` and ``device`` the
    namespace and device to send the masks to (None: numpy). Made within a
    fit: the buffers of ``A[l] * M[l]`` are the active kernels'.
    """

    def __init__(self, rates: list, units: list, batch_size: int, dtype, xp=None, device=None):
        self.xp, self.device = xp, device
        self.dtype = np.dtype(numpy_dtype(xp, dtype))  # on the host
        n_layers = len(units) - 1
        # Per layer l (0 = input, n_layers = output: never masked)
        self.keep = [None] + [1.0 - p if p > 0 else None for p in rates] + [None]
        # Per masked layer, fixed for the fit: a uniform 32-bit integer below
        # ``threshold`` keeps the unit, and a kept unit is scaled by ``1 / (1 - p)``.
        self.threshold = [
            None if keep is None else np.uint32(min(round(keep * 2**32), 2**32 - 1))
            for keep in self.keep
        ]
        self.scale = [None if keep is None else self.dtype.type(1.0 / keep) for keep in self.keep]
        self.host = [None] * (n_layers + 1)  # the masks as drawn, on the host
        self.below = [None] * (n_layers + 1)  # whether each unit is kept
        self.AM = [None] * (n_layers + 1)  # A[l] * M[l], where the forward pass puts it
        empty = _kernels.active().empty
        for l, keep in enumerate(self.keep):
            if keep is not None:
                shape = (batch_size, units[l])
                self.host[l] = np.empty(shape, self.dtype)
                self.below[l] = np.empty(shape, bool)
                self.AM[l] = empty(shape, dtype)
        self.generator = None

    def new_epoch(self, rng: np.random.RandomState) -> None:
        """Seed this epoch's generator from the estimator's random state."""
        seed = rng.randint(np.iinfo(np.int64).max, dtype=np.int64)
        self.generator = np.random.default_rng(seed)

    def draw(self, n: int) -> Masks:
        """Fresh masks for a minibatch of ``n`` rows.

        Each entry is kept when a uniform 32-bit integer falls below
        ``(1 - p) * 2**32``: one call to the generator's raw 64-bit output (two
        such integers each) per layer, about twice as fast as drawing floats.
        """
        M, AM = [], []
        for l, keep in enumerate(self.keep):
            if keep is None:
                M.append(None)
                AM.append(None)
                continue
            mask, below = self.host[l][:n], self.below[l][:n]
            size = below.size
            raw = self.generator.bit_generator.random_raw((size + 1) // 2)
            bits = raw.view(np.uint32)[:size].reshape(below.shape)  # uniform in [0, 2**32)
            np.less(bits, self.threshold[l], out=below)
            np.multiply(below, self.scale[l], out=mask)  # 0 or 1 / (1 - p)
            M.append(mask if self.xp is None else self.xp.asarray(mask, device=self.device))
            AM.append(self.AM[l][:n, ...])
        return Masks(M=M, AM=AM)
