"""Training loops: minibatch epochs for "sgd"/"adam", and full-batch L-BFGS.

The math (forward, loss, gradients) lives in :mod:`skmlp._backprop`; this
module only decides which rows go into each step, applies the optimizer, and
keeps the books (loss curve, stopping, early-stopping snapshots).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.optimize
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score

from . import _kernels
from ._array_api import (
    copy,
    namespace_and_device,
    numpy_dtype,
    ravel_concat,
    take_rows,
    to_device,
    to_numpy,
)
from ._backprop import (
    Workspace,
    backward,
    data_loss,
    forward,
    l2_penalty,
    loss,
    loss_and_gradients,
    split_flat,
)
from ._callbacks import StopRequested, epoch_tasks
from ._dropout import MaskDrawer, dropout_rates
from ._graph_step import replayed_step
from ._interrupts import interrupts_deferred
from ._optimizers import make_optimizer, refresh_hyperparameters
from ._progress import progress


def _flatten_parameters(est) -> np.ndarray:
    """Store ``coefs_`` and ``intercepts_`` as views of one flat vector, returned.

    The optimizer then updates all the parameters with one pass per operation.
    """
    params = est.coefs_ + est.intercepts_
    flat = ravel_concat(params)
    views = split_flat(flat, [p.shape for p in params])
    est.coefs_, est.intercepts_ = views[: len(est.coefs_)], views[len(est.coefs_) :]
    return flat


def resolve_batch_size(batch_size, n_samples: int) -> int:
    """``"auto"`` means ``min(200, n_samples)``; larger sizes are clipped."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_samples} samples; "
            f"each step uses all {n_samples} samples.",
            UserWarning,
        )
        return n_samples
    return batch_size


def diverged_error(est, where: str, mean_weight: float = 1.0) -> ValueError:
    """The error for a non-finite training loss, naming its likeliest cause and fix.

    ``mean_weight`` is the training rows' mean sample weight (1 without weights).
    """
    cause = _divergence_cause(est, mean_weight)
    return ValueError(
        f"The training loss became non-finite {where}: {cause} A model fitted before this "
        "call keeps its previous weights."
    )


def _divergence_cause(est, mean_weight: float) -> str:
    """What made the loss overflow: alpha, or steps too large (the learning rate), or X.

    Sample weights and X beyond the dtype's range are refused before training.
    """
    coefs = [to_numpy(W) for W in est.coefs_]
    dtype = coefs[0].dtype
    with np.errstate(all="ignore"):
        squares = sum(float(np.square(W, dtype=np.float64).sum()) for W in coefs)
    n_weights = sum(W.size for W in coefs)
    # alpha's fault when weights of a usual size (an RMS up to 1000, not weights
    # that a too-large step blew up) give an L2 penalty beyond the dtype's range
    usual = math.isfinite(squares) and squares <= 1e6 * n_weights
    if usual and not est.alpha / 2 * squares < np.finfo(dtype).max:
        return (
            f"with alpha={est.alpha:g}, the L2 penalty alpha / 2 * sum(W ** 2) overflows "
            f"{dtype}. Use a smaller alpha."
        )
    # The penalty is divided by the total sample weight (J's 1 / S): weights far
    # below 1 weigh alpha up as much as they are small.
    if est.alpha and mean_weight < 1e-6:
        return (
            f"sample_weight's mean is {mean_weight:.3g}: the L2 penalty is divided by the "
            "total sample weight, so weights this small act like "
            f"alpha={est.alpha / mean_weight:.3g} on weights of 1, and the weights diverged. "
            "Multiply sample_weight by a constant such as 1 / sample_weight.max() (and alpha "
            "by the same constant to train the same model)."
        )
    if est.solver == "sgd" and est.alpha >= 1 and est.alpha * est.learning_rate_init_ >= 1:
        return (
            f"with alpha={est.alpha:g} and learning_rate_init={est.learning_rate_init_:g}, "
            "each SGD step's L2 decay, learning_rate_init * alpha / (the batch's weight) "
            "times W, overshoots zero and the weights diverged. Use a smaller alpha or "
            "learning_rate_init."
        )
    if est.solver == "lbfgs":  # no learning rate: its line search tried huge weights
        return (
            "L-BFGS tried weights whose loss overflows. Scale X, e.g. with "
            "sklearn.preprocessing.StandardScaler, or raise alpha to keep the weights small."
        )
    return (
        "the weights diverged. Use a smaller learning_rate_init (it is "
        f"{est.learning_rate_init_:g}) or scale X, e.g. with "
        "sklearn.preprocessing.StandardScaler."
    )


class _Batches:
    """Minibatches of (X, Y, sample_weight), gathered into reused buffers.

    With ``rows`` (an index array), the batches are drawn from those rows of
    the arrays only, in that order: early stopping trains on its training rows
    in place instead of on a copy of them. X must be C-ordered (the estimator
    makes one C-ordered copy per fit of any other X): numpy's ``take`` copies
    all of any other X per call.

    Arrays of another namespace (``xp``) are gathered on their device, with
    the epoch's row indices sent there once per epoch.
    """

    def __init__(self, X, Y, sample_weight, batch_size: int, rows=None):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.rows = rows
        self.n = X.shape[0] if rows is None else len(rows)
        self.batch_size = batch_size
        self.dense = not sparse.issparse(X)
        self.xp, self.device = namespace_and_device(X)
        if self.xp is not None:
            return
        if self.dense:
            self.X_buf = np.empty((batch_size, X.shape[1]), X.dtype)
        self.Y_buf = np.empty((batch_size, Y.shape[1]), Y.dtype)

    def device_index(self, order):
        """The epoch's rows in order, as an index array on the device (None: all, in order)."""
        if order is None and self.rows is None:
            return None
        index = self.rows if order is None else order if self.rows is None else self.rows[order]
        return self.xp.asarray(index, device=self.device)  # sent at once, once per epoch

    def epoch(self, order, index=None, first: int = 0):
        """Yield the batches of one epoch; ``order`` is a permutation or None.

        On a device, ``index`` is :meth:`device_index`'s for this ``order``, and
        the batches start at the epoch's row ``first`` (the rows before it were
        trained on by a replayed step).
        """
        if self.xp is not None:
            yield from self._epoch_on_device(index, first)
            return
        n, bs, rows = self.n, self.batch_size, self.rows
        sw = self.sample_weight
        for start in range(0, n, bs):
            stop = min(start + bs, n)
            if order is None and rows is None:  # views, no copy
                batch = slice(start, stop)
                yield self.X[batch], self.Y[batch], None if sw is None else sw[batch]
                continue
            if rows is None:
                idx = order[start:stop]
            else:
                idx = rows[start:stop] if order is None else rows[order[start:stop]]
            k = stop - start
            # The indices come from a permutation, so they are valid: mode="clip"
            # skips numpy's bounds checking and its buffered copy.
            if self.dense:
                Xb = self.X.take(idx, axis=0, out=self.X_buf[:k], mode="clip")
            else:
                Xb = self.X[idx]
            Yb = self.Y.take(idx, axis=0, out=self.Y_buf[:k], mode="clip")
            yield Xb, Yb, None if sw is None else sw[idx]

    def _epoch_on_device(self, index, first: int):
        xp, n, bs, sw = self.xp, self.n, self.batch_size, self.sample_weight
        for start in range(first, n, bs):
            stop = min(start + bs, n)
            if index is None:
                Xb, Yb = self.X[start:stop, ...], self.Y[start:stop, ...]
                yield Xb, Yb, None if sw is None else sw[start:stop]
                continue
            idx = index[start:stop]
            yield (
                xp.take(self.X, idx, axis=0),
                xp.take(self.Y, idx, axis=0),
                None if sw is None else xp.take(sw, idx, axis=0),
            )


def _work_kernels(est, X, n_samples: int, epochs: int):
    """Use the kernels of X's namespace, or those ``kernels="auto"`` picks for this
    much work on numpy (see set_config)."""
    units = [est.coefs_[0].shape[0]] + [W.shape[1] for W in est.coefs_]
    return _kernels.using(_kernels.for_fit(n_samples, units, epochs, X))


def fit_stochastic(est, X, Y, sample_weight, incremental: bool, validation, rows=None) -> None:
    """Run ``max_iter`` epochs (one for ``partial_fit``) of minibatch training.

    ``validation`` is ``None`` or ``(X_val, Y_val, y_val, sw_val, scorer)`` for
    early stopping (``scorer`` is None for the accuracy and for "loss");
    ``rows`` (indices into X, Y and sample_weight) or None for all the rows
    are the training rows.

    ``n_iter_`` counts this call's epochs, as scikit-learn's does. A
    KeyboardInterrupt (Ctrl-C) ends training with a warning and keeps the
    training done so far.
    """
    # X is sparse or C-ordered: the estimator made it so, once per fit
    n_samples = X.shape[0] if rows is None else len(rows)
    epochs = 1 if incremental else est.max_iter
    with _work_kernels(est, X, n_samples, epochs):
        _fit_stochastic(est, X, Y, sample_weight, incremental, validation, rows, n_samples, epochs)


def _fit_stochastic(
    est, X, Y, sample_weight, incremental, validation, rows, n_samples: int, epochs: int
) -> None:
    flat = _flatten_parameters(est)
    params = [flat]
    optimizer = getattr(est, "_optimizer", None)
    if optimizer is None or optimizer.solver != est.solver or not optimizer.matches(params):
        optimizer = make_optimizer(est.solver, params, est)
    else:
        refresh_hyperparameters(optimizer, est)
    est._optimizer = optimizer

    batch_size = resolve_batch_size(est.batch_size, n_samples)
    units = [X.shape[1]] + [W.shape[1] for W in est.coefs_]
    ws_full = Workspace.allocate(units, batch_size, X.dtype)
    ws_short = ws_full.rows(n_samples % batch_size) if n_samples % batch_size else None
    batches = _Batches(X, Y, sample_weight, batch_size, rows)
    kernels = ws_full.kernels  # the fit's (see _work_kernels), looked up once for every step
    weight_sum = kernels.weight_sum  # a Python float (on a device, it waits for it)
    if sample_weight is None:
        S_total = n_samples
    else:
        S_total = weight_sum(sample_weight if rows is None else take_rows(sample_weight, rows))
    # On the host each batch's loss is checked before its update; on a device
    # the losses are summed there and read (and checked) once per epoch.
    on_device = batches.xp is not None
    rng = est._random_state
    n_weights = sum(math.prod(W.shape) for W in est.coefs_)  # the flat vector: weights first
    out_act, act = est.out_activation_, est.activation
    alpha = float(est.alpha)  # a numpy float64 (e.g. from np.logspace) would upcast float32
    grads = [ws_full.grad]  # ws_short shares it
    rates = dropout_rates(est.dropout, len(units) - 2)
    drawer = None  # dropout: fresh masks for every training step (_dropout)
    if any(rates):
        xp, device = batches.xp, batches.device
        drawer = MaskDrawer(rates, units, batch_size, X.dtype, xp, device)

    def step(Xb, Yb, swb, ws, S_b):
        """One minibatch of total weight S_b: forward, its data loss (returned),
        backward and the optimizer's update."""
        masks = None if drawer is None else drawer.draw(Xb.shape[0])
        forward(Xb, est.coefs_, est.intercepts_, act, out_act, ws, masks)
        # The batch's J is (data + penalty) / S_b; the epoch's loss weighs each
        # batch by S_b, so only the data term is summed and the penalty is added
        # once per epoch.
        data_term = data_loss(ws.Z_out, Yb, out_act, swb, kernels)
        if not on_device and not math.isfinite(data_term):
            raise diverged_error(est, f"in epoch {est.n_iter_ + 1}", S_total / n_samples)
        # ws.grad = (dW, db) without the L2 term (alpha / S_b) W of dW: the
        # optimizer adds it in the same pass as its update.
        backward(Yb, est.coefs_, act, 0.0, swb, ws, S=S_b, masks=masks)
        optimizer.update(params, grads, alpha / S_b, n_weights, kernels)
        return data_term

    # On torch's GPUs, the full minibatches replay this step, captured (_graph_step).
    replay = on_device and replayed_step(
        step, X, Y, sample_weight, n_samples, batch_size, epochs, ws_full, optimizer, params,
        masked=drawer is not None,
    )  # fmt: skip

    bar = progress(epochs, est.verbose, desc="skmlp")
    tasks = epoch_tasks(est, X, Y, sample_weight, rows=rows)  # scikit-learn's callbacks, if any
    stopped = False
    last_batch = None
    est.n_iter_ = 0
    interrupted = False
    try:
        for _ in range(epochs):
            tasks.begin()
            order = rng.permutation(n_samples) if est.shuffle else None
            if drawer is not None:
                drawer.new_epoch(rng)
            index = batches.device_index(order) if on_device else None
            accumulated, n_steps = replay.run(index) if replay else (0.0, 0)
            if n_steps:
                last_batch = replay.last_batch
            for Xb, Yb, swb in batches.epoch(order, index, first=n_steps * batch_size):
                S_b = Xb.shape[0] if swb is None else weight_sum(swb)
                if S_b == 0:
                    continue  # every weight in this batch is zero: nothing to learn
                ws = ws_full if Xb.shape[0] == batch_size else ws_short
                accumulated += step(Xb, Yb, swb, ws, S_b)
                n_steps += 1
                last_batch = (Xb, Yb, swb, ws)

            accumulated = float(accumulated)
            if not math.isfinite(accumulated):  # reached only on a device
                raise diverged_error(est, f"in epoch {est.n_iter_ + 1}", S_total / n_samples)
            # Mean over the epoch's batches of J_batch weighted by S_b, with the
            # penalty taken at the epoch's final weights.
            penalty_term = n_steps * l2_penalty(est.coefs_, alpha) / S_total
            epoch_loss = accumulated / S_total + penalty_term
            score = val_loss = None
            if validation is not None:  # before the books: Ctrl-C here leaves them whole
                score, val_loss = _validate(est, validation, penalty_term)
            books = _epoch_books(est, n_samples, epoch_loss, score, val_loss)
            with interrupts_deferred():  # Ctrl-C records the epoch whole or not at all
                stop, stall_note = _record_epoch(est, optimizer, books, epoch_loss, score, val_loss)
            message = f"Iteration {est.n_iter_}, loss = {epoch_loss:.8f}"
            if score is not None:
                message += f", validation score = {score:.6f}"
            bar.step(message)
            stop_requested = tasks.end()
            if stall_note and est.verbose:
                print(_stall_message(est, score is not None) + stall_note)
            if stop or stop_requested or incremental:
                stopped = stop or stop_requested
                break
    except KeyboardInterrupt:  # Ctrl-C: keep what was learned, as scikit-learn does
        interrupted = True
        warnings.warn(
            f"Training interrupted by the user after {est.n_iter_} complete "
            f"epoch{'s' * (est.n_iter_ != 1)}; the model keeps the training done so far.",
            UserWarning,
        )
    tasks.close()  # the epoch that Ctrl-C cut short, if any
    bar.close()
    if not interrupted:
        _check_last_update(est, last_batch, S_total / n_samples)

    best = vars(est).pop("_best_epoch", None)  # none if interrupted in the first epoch
    if best is not None:
        # Early stopping keeps the weights that scored best on held-out data.
        _, _, est.coefs_, est.intercepts_ = best

    if not (incremental or stopped or interrupted):  # only these end the loop early
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached and "
            "the optimization hasn't converged yet.",
            ConvergenceWarning,
        )


def _check_last_update(est, last_batch, mean_weight: float) -> None:
    """Raise if the final update made the weights diverge.

    Each batch's loss is checked before its update; this checks the weights
    that the last update left, on the last batch (whose buffers are reused).
    """
    if last_batch is None:
        return
    Xb, Yb, swb, ws = last_batch  # still in its buffers: it was the last one
    forward(Xb, est.coefs_, est.intercepts_, est.activation, est.out_activation_, ws)
    J = float(loss(ws.Z_out, Yb, est.out_activation_, est.coefs_, est.alpha, swb))
    if not math.isfinite(J):
        raise diverged_error(est, "after the last update", mean_weight)


def _validate(est, validation, penalty_term: float) -> tuple[float, float]:
    """The validation score and loss after an epoch.

    The loss is the mean cross-entropy on the held-out rows plus the same L2
    term as the epoch's training loss, so both curves share one scale.
    """
    X_val, Y_val, y_val, sw_val, scorer = validation
    Z_out = _blockwise_logits(est, X_val)
    kernels = _kernels.active()
    S_val = Z_out.shape[0] if sw_val is None else kernels.weight_sum(sw_val)
    val_loss = float(data_loss(Z_out, Y_val, est.out_activation_, sw_val)) / S_val + penalty_term
    weights = {} if sw_val is None else {"sample_weight": to_numpy(sw_val)}
    if est.scoring == "loss":
        score = -val_loss
    elif est.scoring is None:  # est.score's accuracy, from the logits already computed
        score = accuracy_score(y_val, to_numpy(est._predict_from_logits(Z_out)), **weights)
    else:
        score = _as_number(scorer(est, X_val, y_val, **weights), est)
    if not math.isfinite(score):
        raise ValueError(
            f"The validation score is {score} after epoch {est.n_iter_ + 1}: early stopping "
            f"cannot compare epochs. Check scoring={est.scoring!r}."
        )
    return float(score), float(val_loss)


def _as_number(score, est) -> float:
    """A scorer's result as a float, or an error naming ``scoring`` and the fix."""
    if not (score is None or isinstance(score, (str, bytes)) or getattr(score, "ndim", 0)):
        try:
            return float(score)
        except (TypeError, ValueError):
            pass
    raise ValueError(
        f"scoring={est.scoring!r} returned {score!r} (of type {type(score).__name__}) "
        f"after epoch {est.n_iter_ + 1}; early stopping needs a number, higher being "
        "better. Make the scorer return a float, e.g. "
        "sklearn.metrics.make_scorer(metric), or pass a scorer name such as 'accuracy'."
    )


#: Rows per block of the validation forward pass: its activations stay small
#: next to X (a hidden layer wider than X would otherwise outweigh X_val).
VALIDATION_BLOCK = 4096


def _blockwise_logits(est, X):
    """``est._logits(X)``, a block of rows at a time."""
    if X.shape[0] <= VALIDATION_BLOCK:
        return est._logits(X)
    Z_out = _kernels.active().empty((X.shape[0], est.coefs_[-1].shape[1]), est.coefs_[-1].dtype)
    for start in range(0, X.shape[0], VALIDATION_BLOCK):
        stop = min(start + VALIDATION_BLOCK, X.shape[0])
        Z_out[start:stop, ...] = est._logits(X[start:stop, ...])
    return Z_out


def _epoch_books(est, n_samples: int, epoch_loss: float, score, val_loss) -> dict:
    """The estimator's books after this epoch but its curves, computed without writing any.

    ``score`` and ``val_loss`` are the validation score and loss, or None
    without early stopping. The stall counter counts the epochs without
    progress since the last one with progress:

    * on the training loss, progress is a loss ``tol`` below the best so far;
    * on validation, a score ``tol`` above the best so far, or a score within
      ``tol`` of the best (a tie at the score's resolution) while the
      validation loss falls ``tol`` below its best. A discrete score such as
      the accuracy can sit still for many epochs (a fresh network predicting
      one class) while the loss, and the model, improve.

    Under early stopping, the epoch's weights (copies) become the kept ones,
    ``_best_epoch``, when its score is at least the kept epoch's (on ties, the
    later weights), or when it ties with the best score within ``tol`` and
    its validation loss is no higher than the kept epoch's. The kept score
    thus stays within ``tol`` of ``best_validation_score_``, the best score.
    """
    books = {"n_iter_": est.n_iter_ + 1, "t_": est.t_ + n_samples, "loss_": epoch_loss}
    tol = est.tol
    if score is None:
        best = np.inf if est.best_loss_ is None else est.best_loss_  # None after early stopping
        progress = epoch_loss <= best - tol
        books["best_loss_"] = min(best, epoch_loss)
    else:
        best, best_loss = est.best_validation_score_, est._best_validation_loss
        progress = score >= best + tol or (score >= best - tol and val_loss <= best_loss - tol)
        best = max(best, score)
        books["best_validation_score_"] = best
        books["_best_validation_loss"] = min(best_loss, val_loss)
        kept = getattr(est, "_best_epoch", None)  # (score, val_loss, coefs, intercepts)
        if kept is None or score >= kept[0] or (score >= best - tol and val_loss <= kept[1]):
            books["_best_epoch"] = (
                score,
                val_loss,
                [copy(W) for W in est.coefs_],
                [copy(b) for b in est.intercepts_],
            )
    books["_no_improvement_count"] = 0 if progress else est._no_improvement_count + 1
    return books


def _record_epoch(est, optimizer, books: dict, epoch_loss: float, score, val_loss):
    """Write one epoch's books: the estimator's, its curves and the optimizer's.

    Plain assignments and appends only, run with Ctrl-C deferred (see
    :func:`~skmlp._interrupts.interrupts_deferred`), so that an interrupt
    finds every counter, curve and kept weight of the same epoch. Returns
    ``(stop, note)``: whether the stall ends training, and what the
    optimizer did about it (for the log; None without a stall).
    """
    vars(est).update(books)
    est.loss_curve_.append(epoch_loss)
    if score is not None:
        est.validation_scores_.append(score)
        est.validation_loss_curve_.append(val_loss)
    optimizer.iteration_ends(est.t_)  # the "invscaling" schedule steps per epoch
    if est._no_improvement_count <= est.n_iter_no_change:
        return False, None
    stop, note = optimizer.stall()  # "adaptive" lowers the rate instead of stopping
    if not stop:
        est._no_improvement_count = 0
    return stop, note


def _stall_message(est, on_validation: bool) -> str:
    what = "Validation score" if on_validation else "Training loss"
    return (
        f"{what} did not improve more than tol={est.tol} for "
        f"{est.n_iter_no_change} consecutive epochs."
    )


def fit_lbfgs(est, X, Y, sample_weight) -> None:
    """Minimise J over all the data at once with scipy's L-BFGS-B.

    scipy works on one float64 vector on the host; the loss and gradients are
    computed in the data's dtype on the same code as the stochastic solvers,
    and the weights are stored back in that dtype. For arrays on a device, each
    evaluation sends the parameters there and brings the gradient back: one
    vector of the parameters' size each way.
    """
    if type(X) is np.ndarray and not (X.flags.c_contiguous or X.flags.f_contiguous):
        X = np.ascontiguousarray(X)  # a strided X would be copied by every product
    with _work_kernels(est, X, X.shape[0], est.max_iter):
        _fit_lbfgs(est, X, Y, sample_weight)


def _fit_lbfgs(est, X, Y, sample_weight) -> None:
    n_layers = len(est.coefs_)
    shapes = [p.shape for p in est.coefs_ + est.intercepts_]
    units = [X.shape[1]] + [W.shape[1] for W in est.coefs_]
    ws = Workspace.allocate(units, X.shape[0], X.dtype)
    xp, device = namespace_and_device(X)
    dtype = numpy_dtype(xp, X.dtype)

    def unpack(theta):
        flat = theta.astype(dtype)
        params = split_flat(flat if xp is None else to_device(flat, xp, device), shapes)
        return params[:n_layers], params[n_layers:]

    def objective(theta):
        coefs, intercepts = unpack(theta)
        # Non-finite weights (from a line search that overshot) are an error raised
        # just below, with its cause, rather than numpy's warnings on the way to it.
        with np.errstate(invalid="ignore", over="ignore"):
            J, _, _ = loss_and_gradients(
                X, Y, coefs, intercepts, est.activation, est.out_activation_,
                est.alpha, sample_weight, ws,
            )  # fmt: skip
        J = float(J)
        grad = to_numpy(ws.grad).astype(np.float64)  # (dW, db) as one vector
        if not (math.isfinite(J) and np.isfinite(grad).all()):
            S = X.shape[0] if sample_weight is None else ws.kernels.weight_sum(sample_weight)
            raise diverged_error(est, "during L-BFGS", S / X.shape[0])
        last[:] = [theta.copy(), J]
        return J, grad

    tasks = epoch_tasks(est, X, Y, sample_weight, "iteration")
    curve = []
    last = [None, None]  # the latest (theta, J) the objective computed

    def record(xk):
        # scipy calls this with the iterate xk (an OptimizeResult from scipy 1.11
        # only when the argument is named intermediate_result). L-BFGS-B evaluated
        # J at xk last, so its loss is the objective's last value.
        theta, J = last
        if theta is None or not np.array_equal(theta, xk):
            J = objective(xk)[0]
        accepted[0] = xk.copy()
        curve.append(float(J))
        if est.verbose:
            print(f"Iteration {len(curve)}, loss = {curve[-1]:.8f}")
        if tasks.end(lambda: unpack(xk)):
            raise StopRequested(xk.copy())  # scipy < 1.11 ignores StopIteration
        tasks.begin()

    theta0 = _flatten_parameters(est)  # the weights then the biases, as unpack reads them
    accepted = [to_numpy(theta0).astype(np.float64)]  # the last iterate L-BFGS accepted
    result = None
    tasks.begin()
    try:
        result = scipy.optimize.minimize(
            objective,
            accepted[0],  # scipy's L-BFGS-B works in float64
            jac=True,
            method="L-BFGS-B",
            callback=record,
            options={"maxfun": est.max_fun, "maxiter": est.max_iter, "gtol": est.tol},
        )
        theta, n_iter, J = result.x, int(result.nit), float(result.fun)
    except StopRequested as stop:  # a callback asked to stop: a clean end
        theta, n_iter, J = stop.theta, len(curve), curve[-1]
    except KeyboardInterrupt:  # Ctrl-C: keep the last accepted iterate
        theta, n_iter = accepted[0], len(curve)
        J = curve[-1] if curve else float(objective(theta)[0])
        warnings.warn(
            f"Training interrupted by the user after {n_iter} L-BFGS "
            f"iteration{'s' * (n_iter != 1)}; the model keeps the training done so far.",
            UserWarning,
        )
    tasks.close()
    est.coefs_, est.intercepts_ = unpack(theta)
    est.n_iter_ = n_iter
    est.loss_ = J
    est.best_loss_ = min([J, *curve])
    est.loss_curve_.extend(curve)  # a warm start continues the curve
    est.t_ += X.shape[0]
    if result is not None and result.status != 0:
        message = result.message
        if isinstance(message, bytes):
            message = message.decode()
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iterations "
            f"(status={result.status}): {message}. Increase max_iter (now "
            f"{est.max_iter}) or max_fun (now {est.max_fun}), or scale the data.",
            ConvergenceWarning,
        )
