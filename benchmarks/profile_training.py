"""Where does one skmlp epoch spend its time? Phase timings and line profiles.

Fits ``skmlp.MLPClassifier`` on the data of ``bench_training.py`` for one of its
configurations and reports

* the seconds per epoch spent in each phase of the fit (forward, data loss,
  backward, optimizer update, gathering the minibatches' rows, the set-up
  before the epochs (validation, targets, initial weights), and the rest: the
  loop itself, shuffling and each epoch's bookkeeping), measured by wrapping
  those functions;
* the bare-products floor of ``bench_training.py`` for comparison;
* with ``--lines`` and the ``line_profiler`` package installed, a line-by-line
  profile of those functions.

Examples
--------
::

    python benchmarks/profile_training.py --mnist path/to/mnist.npz --config 1
    python benchmarks/profile_training.py --quick --config 2 --lines
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_training as bench  # noqa: E402

import skmlp  # noqa: E402
from skmlp import _backprop, _classifier, _optimizers, _training  # noqa: E402


@contextlib.contextmanager
def timed_phases(totals: dict):
    """Wrap the phases of ``fit_stochastic`` so that their time adds up in ``totals``."""

    def timer(name, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - start

        return wrapper

    def timed_batches(func):  # the gather: each batch the generator yields
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            batches = func(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    batch = next(batches)
                except StopIteration:
                    return
                finally:
                    totals["gather"] += time.perf_counter() - start
                yield batch

        return wrapper

    labels = {"update": "optimizer.update", "fit_stochastic": "(training loop)"}
    patched = [(_training, name) for name in ("forward", "data_loss", "backward")] + [
        (cls, "update") for cls in (_optimizers.SGDOptimizer, _optimizers.AdamOptimizer)
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name in patched]
    for owner, name, func in originals:
        setattr(owner, name, timer(labels.get(name, name), func))
    originals.append((_training._Batches, "epoch", _training._Batches.epoch))
    _training._Batches.epoch = timed_batches(_training._Batches.epoch)
    originals.append((_classifier, "fit_stochastic", _classifier.fit_stochastic))
    _classifier.fit_stochastic = timer(labels["fit_stochastic"], _classifier.fit_stochastic)
    try:
        yield totals
    finally:
        for owner, name, func in originals:
            setattr(owner, name, func)


def phase_report(config, X, y, epochs: int, kernels: str | None = None, repeats: int = 1) -> str:
    """Seconds per epoch of each phase of a skmlp fit, next to the floor and the gather.

    ``kernels`` ("numpy" or "numba") overrides the kernels a full-length fit gets.
    With ``repeats`` above 1, the fit, the floor and the gather are each timed
    that many times, one after the other, and every figure is the median over
    the repeats: on a machine whose speed drifts, a single fit's phases move
    by more than most changes to the loop.
    """
    X = X.astype(config.dtype)
    runs = bench.skmlp_runs()  # "auto": the kernels of a full-length fit
    if kernels is not None:
        runs = {"skmlp": kernels}
    bench.warm_up_skmlp(config, X, y, runs)  # load kernels
    n_classes = len(bench.np.unique(y))
    floor = bench.Floor([X.shape[1], *config.hidden, n_classes], config.batch_size, config.dtype)
    sizes = bench.batch_sizes(X.shape[0], config.batch_size)
    per_repeat = defaultdict(list)  # phase: seconds per epoch in each repeat
    for _ in range(repeats):
        est = bench.make_estimators(config, epochs)["skmlp"]
        totals = defaultdict(float)
        with timed_phases(totals), bench.kernels_context("skmlp", runs):
            start = time.perf_counter()
            bench.fit_quietly(est, X, y)
            total = time.perf_counter() - start
            used = skmlp.kernel_backend() if kernels is None else kernels
        n = est.n_iter_
        totals["set-up before the epochs"] = total - totals.pop("(training loop)")
        totals["rest (loop, epoch end)"] = total - sum(totals.values())
        for name, seconds in totals.items():
            per_repeat[name].append(seconds / n)
        per_repeat["(total)"].append(total / n)
        per_repeat["(floor)"].append(bench.time_floor_epoch(floor, sizes, 3))
        per_repeat["(gather)"].append(bench.time_gather_epoch(X, config.batch_size, 3))
    median = {name: statistics.median(values) for name, values in per_repeat.items()}
    total = median.pop("(total)")
    of = f", medians of {repeats} fits" if repeats > 1 else ""
    lines = [
        f"{config.name} ({used} kernels{of}): {total:.4f} s/epoch, floor "
        f"{median.pop('(floor)'):.4f} s/epoch, bare gather {median.pop('(gather)'):.4f} s/epoch"
    ]
    rest = median.pop("rest (loop, epoch end)")
    for name, seconds in [
        *sorted(median.items(), key=lambda kv: -kv[1]),
        ("rest (loop, epoch end)", rest),
    ]:
        lines.append(f"  {name:<24} {seconds:.4f} s/epoch  {100 * seconds / total:5.1f}%")
    return "\n".join(lines)


KERNEL_FUNCTIONS = (
    "bias_activation",
    "output_activation",
    "data_loss",
    "activation_derivative",
    "sgd_update",
    "adam_update",
)


def line_report(config, X, y, epochs: int) -> str:
    """Line-by-line profile of the training functions (needs ``line_profiler``)."""
    import io

    from line_profiler import LineProfiler

    from skmlp import _activations, _kernels_numpy

    kernel_modules = [_kernels_numpy]
    if skmlp.kernel_backend() == "numba":
        from skmlp import _kernels_numba

        kernel_modules.append(_kernels_numba)

    profiler = LineProfiler()
    for func in (
        _training._fit_stochastic,
        _training._Batches.epoch,
        _backprop.forward,
        _backprop.data_loss,
        _backprop.backward,
        _optimizers.SGDOptimizer.update,
        _optimizers.AdamOptimizer.update,
        _activations.cross_entropy,
        _activations.inplace_logistic_derivative,
        _activations.inplace_relu_derivative,
        _activations.inplace_softmax,
        _activations.logsumexp_rows,
        *(getattr(kernels, name) for kernels in kernel_modules for name in KERNEL_FUNCTIONS),
    ):
        profiler.add_function(func)
    X = X.astype(config.dtype)
    est = bench.make_estimators(config, epochs)["skmlp"]
    with bench.kernels_context("skmlp", bench.skmlp_runs()):
        profiler.runcall(bench.fit_quietly, est, X, y)
    out = io.StringIO()
    profiler.print_stats(stream=out, output_unit=1e-3, stripzeros=True)
    return out.getvalue()


def main(argv=None) -> int:
    """Profile the chosen configurations; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bench.add_mnist_argument(parser)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--config", default="1,2", help="config ids, e.g. '1,2', or 'all'")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--repeats", type=int, default=1, help="fits per configuration; medians reported"
    )
    parser.add_argument("--lines", action="store_true", help="also profile line by line")
    parser.add_argument("--blas-threads", type=int, default=None, metavar="N")
    parser.add_argument(
        "--kernels",
        choices=("numpy", "numba"),
        default=None,
        help="the kernels to profile (default: those a full-length fit gets, as bench_training)",
    )
    args = parser.parse_args(argv)
    args.n_train, args.n_predict = (2000, 10) if args.quick else (20000, 10)
    try:
        X, y, _ = bench.load_data(args)
    except bench.DataError as exc:
        print(f"error: cannot load MNIST: {exc}", file=sys.stderr)
        return 2
    with bench.blas_threads(args.blas_threads):
        bench.warm_up_blas()
        for config in bench.selected_configs(None if args.config == "all" else args.config):
            if config.task != "fit":
                continue
            print(phase_report(config, X, y, args.epochs, args.kernels, args.repeats))
            if args.lines:
                print(line_report(config, X, y, args.epochs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
