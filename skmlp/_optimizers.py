"""Stochastic optimizers: SGD with momentum and Adam, updating parameters in place.

An optimizer holds its state (velocities, moments, step counter, current
learning rate) so that it can be kept across ``warm_start`` fits and
``partial_fit`` calls, and pickled with the estimator.  Each update works in
place on the parameter arrays through the kernels of :mod:`skmlp._kernels`
(numpy, or numba when installed), with one scratch array per parameter and
scalars that keep float32 parameters float32.
"""

from __future__ import annotations

import math

import numpy as np

from . import _kernels
from ._array_api import namespace_of


class _Optimizer:
    """Shared parts: the learning rate, scratch buffers, pickling."""

    def __init__(self, params: list, learning_rate_init: float):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self._scratch = None

    def _scratch_for(self, params: list, kernels) -> list:
        """One buffer per parameter array for the numpy kernels' intermediate results;
        kernels that need none (another library's: ``NEEDS_SCRATCH = False``) get Nones."""
        if not kernels.NEEDS_SCRATCH:
            return [None] * len(params)
        if self._scratch is None or any(
            s.shape != p.shape or s.dtype != p.dtype for s, p in zip(self._scratch, params)
        ):
            self._scratch = [namespace_of(p).empty_like(p) for p in params]
        return self._scratch

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_scratch"] = None  # recreated on the first update after loading
        return state

    def update(
        self, params: list, grads: list, decay: float = 0.0, n_decayed: int = 0, kernels=None
    ) -> None:
        """One step on each parameter array, in place.

        ``grads[i]`` is the gradient of ``params[i]``, except that the L2 term
        ``decay * p`` of its first ``n_decayed`` entries (the weights, which
        come before the biases in the flat vector) may be left out of it: the
        step then adds it in the same pass over the arrays. ``grads`` may be
        overwritten. ``kernels`` run the step (the active ones when None; the
        training loop passes the fit's, looked up once).
        """
        raise NotImplementedError

    def iteration_ends(self, time_step: int) -> None:
        """Called at the end of each epoch with the number of samples seen."""

    def stall(self) -> tuple[bool, str]:
        """Called when the loss stopped improving: ``(stop training?, what was done)``.

        It prints nothing (the second item is for the log) and changes the
        learning rate at most, so that the training loop records it with the
        rest of the epoch's books.
        """
        return True, " Stopping."

    def own_state(self) -> None:
        """Copy the state arrays that cannot be written in place.

        A model loaded with ``joblib.load(path, mmap_mode="r")``, or handed to
        joblib workers (which memory-map large arrays), holds read-only views
        of a file; continuing its training works on private copies.
        """
        for arrays in self.state_arrays:
            for i, a in enumerate(arrays):
                if isinstance(a, np.ndarray) and not a.flags.writeable:
                    arrays[i] = np.array(a)  # a plain, writable ndarray

    def matches(self, params: list) -> bool:
        """Whether this state was built for parameters of these shapes and dtype."""
        return len(self.state_arrays[0]) == len(params) and all(
            s.shape == p.shape and s.dtype == p.dtype for s, p in zip(self.state_arrays[0], params)
        )


class SGDOptimizer(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum and a schedule.

    Update for each parameter ``p`` with gradient ``g``::

        v <- momentum * v - learning_rate * g
        p <- p + v                                      (classical momentum)
        p <- p + momentum * v - learning_rate * g       (Nesterov's momentum)

    Schedules: ``"constant"``; ``"invscaling"`` sets
    ``learning_rate = learning_rate_init / (t + 1) ** power_t`` after each
    epoch, ``t`` being the number of samples seen; ``"adaptive"`` divides the
    learning rate by 5 each time the loss stops improving, and stops once it
    falls to 1e-6 or below.
    """

    def __init__(
        self,
        params: list,
        learning_rate_init: float = 0.1,
        lr_schedule: str = "constant",
        momentum: float = 0.9,
        nesterov: bool = True,
        power_t: float = 0.5,
    ):
        super().__init__(params, learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = float(momentum)
        self.nesterov = nesterov
        self.power_t = float(power_t)
        self.velocities = [namespace_of(p).zeros_like(p) for p in params]

    @property
    def state_arrays(self) -> tuple:
        return (self.velocities,)

    def update(
        self, params: list, grads: list, decay: float = 0.0, n_decayed: int = 0, kernels=None
    ) -> None:
        kernels = kernels or _kernels.active()
        scratch = self._scratch_for(params, kernels)
        for p, g, v, s in zip(params, grads, self.velocities, scratch):
            kernels.sgd_update(
                p, g, v, self.learning_rate, self.momentum, self.nesterov, s, decay, n_decayed
            )

    def iteration_ends(self, time_step: int) -> None:
        if self.lr_schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (time_step + 1) ** self.power_t

    def stall(self) -> tuple[bool, str]:
        if self.lr_schedule != "adaptive":
            return super().stall()
        if self.learning_rate <= 1e-6:
            return True, " Learning rate too small. Stopping."
        self.learning_rate /= 5.0
        return False, f" Setting learning rate to {self.learning_rate:f}"


class AdamOptimizer(_Optimizer):
    """Adam (Kingma and Ba, 2014).

    With ``t`` the number of updates so far, for each parameter ``p``::

        m <- beta_1 m + (1 - beta_1) g
        v <- beta_2 v + (1 - beta_2) g**2
        p <- p - lr_t m / (sqrt(v) + epsilon),
        lr_t = learning_rate sqrt(1 - beta_2**t) / (1 - beta_1**t)
    """

    def __init__(
        self,
        params: list,
        learning_rate_init: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ):
        super().__init__(params, learning_rate_init)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.ms = [namespace_of(p).zeros_like(p) for p in params]
        self.vs = [namespace_of(p).zeros_like(p) for p in params]

    @property
    def state_arrays(self) -> tuple:
        return (self.ms, self.vs)

    def update(
        self, params: list, grads: list, decay: float = 0.0, n_decayed: int = 0, kernels=None
    ) -> None:
        self.t += 1
        b1, b2, eps = self.beta_1, self.beta_2, self.epsilon
        if isinstance(self.t, (int, np.integer)):  # cheaper than numbers.Integral per step
            correction = math.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        else:  # the counter is on the device (a replayed step, _graph_step): so is this
            correction = namespace_of(self.t).sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        lr_t = self.learning_rate * correction
        kernels = kernels or _kernels.active()
        scratch = self._scratch_for(params, kernels)
        for p, g, m, v, s in zip(params, grads, self.ms, self.vs, scratch):
            kernels.adam_update(p, g, m, v, b1, b2, lr_t, eps, s, decay, n_decayed)


_OPTIMIZERS = {"SGDOptimizer": SGDOptimizer, "AdamOptimizer": AdamOptimizer}


def optimizer_to_dict(optimizer: _Optimizer) -> dict:
    """The optimizer as plain data: its kind, numbers, strings and lists of arrays.

    The estimator pickles this instead of the object, so that formats which
    load only trusted types (skops) need to trust nothing but the estimator.
    """
    state = {"kind": type(optimizer).__name__}
    state.update(optimizer.__getstate__())
    del state["_scratch"]
    return state


def optimizer_from_dict(state: dict) -> _Optimizer:
    """Rebuild an optimizer from :func:`optimizer_to_dict`'s output."""
    state = dict(state)
    kind = state.pop("kind")
    if kind not in _OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {kind!r} in the saved model's state.")
    optimizer = _OPTIMIZERS[kind].__new__(_OPTIMIZERS[kind])
    optimizer.__dict__.update(state)
    optimizer._scratch = None
    for name in ("velocities", "ms", "vs"):  # lists, whatever the format made of them
        if name in state:
            setattr(optimizer, name, list(state[name]))
    return optimizer


def make_optimizer(solver: str, params: list, estimator) -> _Optimizer:
    """Build the optimizer that ``estimator``'s parameters ask for."""
    if solver == "sgd":
        optimizer = SGDOptimizer(
            params,
            estimator.learning_rate_init_,
            estimator.learning_rate,
            estimator.momentum,
            estimator.nesterovs_momentum,
            estimator.power_t,
        )
    else:
        optimizer = AdamOptimizer(
            params,
            estimator.learning_rate_init_,
            estimator.beta_1,
            estimator.beta_2,
            estimator.epsilon,
        )
    optimizer.solver = solver  # a later fit with another solver starts afresh
    return optimizer


def refresh_hyperparameters(optimizer: _Optimizer, estimator) -> None:
    """Take the estimator's current hyperparameters, keeping the optimizer's state.

    Velocities, moments and the step counter are kept (copied if they are
    read-only, see :meth:`_Optimizer.own_state`).  The learning rate is kept
    too (an adaptive schedule may have lowered it), unless
    ``learning_rate_init`` was changed since the optimizer was built.
    """
    optimizer.own_state()
    if estimator.learning_rate_init_ != optimizer.learning_rate_init:
        optimizer.learning_rate_init = estimator.learning_rate_init_
        optimizer.learning_rate = optimizer.learning_rate_init
    if isinstance(optimizer, SGDOptimizer):
        optimizer.lr_schedule = estimator.learning_rate
        optimizer.momentum = float(estimator.momentum)
        optimizer.nesterov = estimator.nesterovs_momentum
        optimizer.power_t = float(estimator.power_t)
    else:
        optimizer.beta_1 = float(estimator.beta_1)
        optimizer.beta_2 = float(estimator.beta_2)
        optimizer.epsilon = float(estimator.epsilon)
