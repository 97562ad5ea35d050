"""Full minibatches on a GPU as one replayed step: static buffers and a CUDA graph.

An eager minibatch step on a GPU launches some fifty small kernels (forward,
loss, backward, the optimizer's update), and at a batch of 200 rows the time
to launch them outweighs the work: the issue this module answers measured
0.20 s per MNIST epoch eagerly on an H200, 0.04 s with the step captured once
and replayed. So on torch CUDA tensors, the full minibatches of a fit run
through :class:`ReplayedStep`:

* the step reads its batch from static buffers (``X_buf``, ``Y_buf``), into
  which each batch's rows are gathered, and its scalars from the device: the
  learning rate, and Adam's step counter ``t``, which the step increments
  itself (``t += 1``, then the bias-corrected rate from it), so that nothing
  changes between replays but the buffers' contents;
* the batch losses are summed into a device scalar, read once per epoch;
* the step itself is the training loop's, passed in by it:
  :func:`skmlp._backprop.forward`, :func:`~skmlp._backprop.data_loss`,
  :func:`~skmlp._backprop.backward` and the optimizer's ``update``, as for
  every other minibatch. After three eager warm-up steps (on a
  side stream, as CUDA graph capture requires) it is captured once per fit
  and replayed for every later full batch.

The last, short batch, weighted fits (each batch's weight total changes the
step), fits with dropout (each step's masks are drawn on the host from the
estimator's random state, outside what a graph could replay) and devices
without CUDA graphs run the ordinary eager loop, and so does everything under
``skmlp.set_config(cuda_graphs=False)``. Where capture
fails, training goes on eagerly, with a warning.
"""

from __future__ import annotations

import contextlib
import warnings

from . import _config
from ._array_api import namespace_and_device, torch_of

#: Eager steps before the capture: CUDA's libraries set up their workspaces on
#: first use, which must not happen during a capture.
WARMUP_STEPS = 3
#: Replayed steps a fit must have for a capture to pay: capturing costs a few
#: steps' time, and a ``partial_fit`` call on a small chunk runs eagerly.
MIN_REPLAYED_STEPS = 30
#: Tests set this to run the static-buffer step (without capture) on any
#: device, so that its numbers can be checked against the eager loop on a CPU.
STATIC_ON_EVERY_DEVICE = False


def replayed_step(
    step, X, Y, sample_weight, n_samples: int, batch_size: int, epochs: int, ws, optimizer, params,
    masked: bool = False,
):  # fmt: skip
    """A :class:`ReplayedStep` for this fit, or None where the eager loop serves.

    ``step(Xb, Yb, swb, ws, S_b)`` is the training loop's minibatch step;
    ``n_samples`` counts the training rows (early stopping holds some of X out).
    ``masked``: the step draws dropout masks, which a replay would repeat.
    """
    if masked or not _config._settings()["cuda_graphs"]:
        return None
    if sample_weight is not None or epochs * (n_samples // batch_size) < MIN_REPLAYED_STEPS:
        return None
    torch = torch_of(X)
    capture = torch is not None and X.device.type == "cuda"
    if not (capture or STATIC_ON_EVERY_DEVICE):
        return None
    return ReplayedStep(step, X, Y, batch_size, ws, optimizer, params, torch if capture else None)


class ReplayedStep:
    """The full minibatches of each epoch, from static buffers (see the module)."""

    def __init__(self, step, X, Y, batch_size, ws, optimizer, params, torch):
        """``torch``: the torch module to capture with, or None to run the step eagerly."""
        self.xp, self.device = namespace_and_device(X)
        xp, device = self.xp, self.device
        self.step, self.X, self.Y, self.batch_size, self.ws = step, X, Y, batch_size, ws
        self.optimizer, self.params = optimizer, params
        self.X_buf = xp.empty((batch_size, X.shape[1]), dtype=X.dtype, device=device)
        self.Y_buf = xp.empty((batch_size, Y.shape[1]), dtype=Y.dtype, device=device)
        self.loss_sum = xp.zeros((), dtype=X.dtype, device=device)
        # The optimizer's scalars, on the device while the full batches run. torch
        # keeps them in float64, as the host does (a 0-d float64 tensor does not
        # widen float32 arrays); the standard forbids mixing dtypes.
        wide = xp.float64 if torch_of(X) is not None else X.dtype
        self.lr = xp.zeros((), dtype=wide, device=device)
        self.t = xp.zeros((), dtype=wide, device=device)
        self.torch = torch
        if torch is not None:  # one stream of X's device for the warm-up and the capture
            self.stream = torch.cuda.Stream(device=X.device)
        self.graph = None
        self.eager_steps = 0
        self.last_batch = (self.X_buf, self.Y_buf, None, ws)

    # ----------------------------------------------------------- the step
    def _step(self) -> None:
        """One minibatch from the static buffers: the training loop's own step."""
        self.loss_sum += self.step(self.X_buf, self.Y_buf, None, self.ws, self.batch_size)

    def _run(self) -> None:
        """Replay the captured step; warm up and capture it first where due."""
        if self.graph is not None:
            self.graph.replay()
            return
        torch = self.torch
        if torch is None:  # no capture: the same step, run eagerly
            self._step()
            return
        if self.eager_steps < WARMUP_STEPS:  # on the capture's stream, as CUDA requires
            self.stream.wait_stream(torch.cuda.current_stream())
            try:
                with torch.cuda.stream(self.stream):
                    self._step()
            finally:  # also after Ctrl-C: later work waits for this step
                torch.cuda.current_stream().wait_stream(self.stream)
            self.eager_steps += 1
            return
        graph = torch.cuda.CUDAGraph()
        try:
            # thread_local: other threads' CUDA calls (a parallel fit) stay legal
            with torch.cuda.graph(graph, stream=self.stream, capture_error_mode="thread_local"):
                self._step()  # recorded, not run
        except Exception as exc:  # noqa: BLE001  any capture failure: train eagerly
            self._give_up(f"its capture failed ({exc})")
            self._step()
            return
        before = self.xp.asarray(self.params[0], copy=True)
        graph.replay()
        if not bool(self.xp.any(self.params[0] != before)):  # read once, after the first
            self._give_up("its replay changed no parameter")  # a capture that recorded nothing
            return
        self.graph = graph

    def _give_up(self, why: str) -> None:
        warnings.warn(
            f"The CUDA graph of the training step is not used: {why}. Training goes on "
            "without it (each minibatch then launches its kernels one by one); "
            "skmlp.set_config(cuda_graphs=False) skips the attempt.",
            RuntimeWarning,
            stacklevel=4,
        )
        self.torch = None

    # ---------------------------------------------------------- the epoch
    def run(self, index):
        """Train on the epoch's full batches; return ``(loss sum, number of steps)``.

        ``index`` holds the epoch's rows in order, on the device (None: all the
        rows in their order). The loss sum is a 0-d device array.
        """
        bs, opt = self.batch_size, self.optimizer
        n = self.X.shape[0] if index is None else index.shape[0]
        n_full = n // bs
        host_lr, host_t = opt.learning_rate, getattr(opt, "t", None)
        on_device = (
            contextlib.nullcontext()
            if self.torch is None
            else self.torch.cuda.device(self.X.device)
        )  # the current device is X's: its streams run the warm-up, capture and replays
        try:
            with on_device:
                self.loss_sum[...] = 0.0
                self.lr[...] = float(host_lr)
                opt.learning_rate = self.lr
                if host_t is not None:
                    self.t[...] = float(host_t)
                    opt.t = self.t  # incremented by each step, on the device
                for done in range(n_full):
                    self._load(index, done * bs, (done + 1) * bs)
                    self._run()
        finally:  # the optimizer's scalars back on the host, also after Ctrl-C
            opt.learning_rate = host_lr
            if host_t is not None:  # the device's count: it includes a step cut short
                opt.t = round(float(self.t)) if opt.t is self.t else host_t
        return self.loss_sum, n_full

    def _load(self, index, start: int, stop: int) -> None:
        """Rows ``start:stop`` of the epoch into the static buffers."""
        xp = self.xp
        if index is None:
            self.X_buf[...] = self.X[start:stop, ...]
            self.Y_buf[...] = self.Y[start:stop, ...]
        elif self.torch is not None:  # gathered straight into the buffers
            rows = index[start:stop]
            self.torch.index_select(self.X, 0, rows, out=self.X_buf)
            self.torch.index_select(self.Y, 0, rows, out=self.Y_buf)
        else:
            rows = index[start:stop]
            self.X_buf[...] = xp.take(self.X, rows, axis=0)
            self.Y_buf[...] = xp.take(self.Y, rows, axis=0)
