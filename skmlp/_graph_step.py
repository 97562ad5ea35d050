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
* the step itself is the training loop's: :func:`skmlp._backprop.forward`,
  :func:`~skmlp._backprop.data_loss`, :func:`~skmlp._backprop.backward` and the
  optimizer's ``update``, unchanged. After three eager warm-up steps (on a
  side stream, as CUDA graph capture requires) it is captured once per fit
  and replayed for every later full batch.

The last, short batch, weighted fits (each batch's weight total changes the
step) and devices without CUDA graphs run the ordinary eager loop, and so does
everything under ``skmlp.set_config(cuda_graphs=False)``. Where capture
fails, training goes on eagerly, with a warning.
"""

from __future__ import annotations

import warnings

from . import _config
from ._backprop import backward, data_loss, forward

#: Eager steps before the capture: CUDA's libraries set up their workspaces on
#: first use, which must not happen during a capture.
WARMUP_STEPS = 3
#: Tests set this to run the static-buffer step (without capture) on any
#: device, so that its numbers can be checked against the eager loop on a CPU.
STATIC_ON_EVERY_DEVICE = False


def replayed_step(
    est, X, Y, sample_weight, n_samples: int, batch_size: int, ws, optimizer, params, n_weights
):
    """A :class:`ReplayedStep` for this fit, or None where the eager loop serves.

    ``n_samples`` counts the training rows (early stopping holds some of X out).
    """
    if not _config._settings()["cuda_graphs"]:
        return None
    if sample_weight is not None or n_samples < batch_size:
        return None
    torch = _torch_of(X)
    capture = torch is not None and X.device.type == "cuda"
    if not (capture or STATIC_ON_EVERY_DEVICE):
        return None
    return ReplayedStep(est, X, Y, batch_size, ws, optimizer, params, n_weights, capture)


def _torch_of(X):
    """The torch module when X is a torch tensor, else None (without importing torch)."""
    if type(X).__module__.split(".")[0] != "torch":
        return None
    import torch

    return torch


class ReplayedStep:
    """The full minibatches of each epoch, from static buffers (see the module)."""

    def __init__(self, est, X, Y, batch_size, ws, optimizer, params, n_weights, capture):
        from ._array_api import namespace_and_device

        self.xp, self.device = namespace_and_device(X)
        xp, device = self.xp, self.device
        self.est, self.X, self.Y, self.batch_size, self.ws = est, X, Y, batch_size, ws
        self.optimizer, self.params, self.n_weights = optimizer, params, n_weights
        self.decay = float(est.alpha) / batch_size  # the L2 term's factor: S_b is the batch size
        self.X_buf = xp.empty((batch_size, X.shape[1]), dtype=X.dtype, device=device)
        self.Y_buf = xp.empty((batch_size, Y.shape[1]), dtype=Y.dtype, device=device)
        self.loss_sum = xp.zeros((), dtype=X.dtype, device=device)
        # The optimizer's scalars, on the device while the full batches run.
        self.lr = xp.zeros((), dtype=X.dtype, device=device)
        self.t = xp.zeros((), dtype=X.dtype, device=device)
        self.torch = _torch_of(X) if capture else None
        self.graph = None
        self.eager_steps = 0
        self.last_batch = (self.X_buf, self.Y_buf, None, ws)

    # ----------------------------------------------------------- the step
    def _step(self) -> None:
        """One minibatch from the static buffers: the training loop's own step."""
        est, ws = self.est, self.ws
        forward(self.X_buf, est.coefs_, est.intercepts_, est.activation, est.out_activation_, ws)
        self.loss_sum += data_loss(ws.Z_out, self.Y_buf, est.out_activation_, None)
        backward(self.Y_buf, est.coefs_, est.activation, 0.0, None, ws)
        self.optimizer.update(
            self.params, [ws.grad], decay=self.decay, n_decayed=self.n_weights
        )  # fmt: skip

    def _run(self) -> None:
        """Replay the captured step; warm up and capture it first where due."""
        if self.graph is not None:
            self.graph.replay()
            return
        torch = self.torch
        if torch is None:  # no capture: the same step, run eagerly
            self._step()
            return
        if self.eager_steps < WARMUP_STEPS:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                self._step()
            torch.cuda.current_stream().wait_stream(side)
            self.eager_steps += 1
            return
        graph = torch.cuda.CUDAGraph()
        try:
            with torch.cuda.graph(graph):
                self._step()  # recorded, not run
        except Exception as exc:  # noqa: BLE001  any capture failure: train eagerly
            warnings.warn(
                f"CUDA graph capture of the training step failed ({exc}); training goes "
                "on without it (each minibatch then launches its kernels one by one).",
                RuntimeWarning,
                stacklevel=2,
            )
            self.torch = None
            self._step()
            return
        self.graph = graph
        graph.replay()

    # ---------------------------------------------------------- the epoch
    def run(self, index):
        """Train on the epoch's full batches; return ``(loss sum, number of steps)``.

        ``index`` holds the epoch's rows in order, on the device (None: all the
        rows in their order). The loss sum is a 0-d device array.
        """
        xp, bs, opt = self.xp, self.batch_size, self.optimizer
        n = self.X.shape[0] if index is None else index.shape[0]
        n_full = n // bs
        self.loss_sum[...] = 0.0
        host_lr, host_t = opt.learning_rate, getattr(opt, "t", None)
        self.lr[...] = float(host_lr)
        opt.learning_rate = self.lr
        if host_t is not None:
            self.t[...] = float(host_t)
            opt.t = self.t  # incremented by each replayed step, on the device
        done = 0
        try:
            while done < n_full:
                start, stop = done * bs, (done + 1) * bs
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
                self._run()
                done += 1
        finally:  # the optimizer's scalars back on the host, also after Ctrl-C
            opt.learning_rate = host_lr
            if host_t is not None:
                opt.t = host_t + done
        return self.loss_sum, n_full
