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


def phase_report(config, X, y, epochs: int, kernels: str | None = None) -> str:
    """Seconds per epoch of each phase of one skmlp fit, next to the floor and the gather.

    ``kernels`` ("numpy" or "numba") overrides the kernels a full-length fit gets.
    """
    X = X.astype(config.dtype)
    runs = bench.skmlp_runs()  # "auto": the kernels of a full-length fit
    if kernels is not None:
        runs = {"skmlp": kernels}
    bench.warm_up_skmlp(config, X, y, runs)  # load kernels
    est = bench.make_estimators(config, epochs)["skmlp"]
    totals = defaultdict(float)
    with timed_phases(totals), bench.kernels_context("skmlp", runs):
        start = time.perf_counter()
        bench.fit_quietly(est, X, y)
        total = time.perf_counter() - start
        used = skmlp.kernel_backend() if kernels is None else kernels
    units = [X.shape[1], *config.hidden, len(est.classes_)]
    floor = bench.Floor(units, config.batch_size, config.dtype)
    floor_s = bench.time_floor_epoch(floor, bench.batch_sizes(X.shape[0], config.batch_size), 3)
    gather_s = bench.time_gather_epoch(X, config.batch_size, 3)
    n = est.n_iter_
    lines = [
        f"{config.name} ({used} kernels): {total / n:.4f} s/epoch, floor {floor_s:.4f} "
        f"s/epoch, bare gather {gather_s:.4f} s/epoch"
    ]
    loop = totals.pop("(training loop)")
    totals["set-up before the epochs"] = total - loop
    accounted = 0.0
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        accounted += seconds
        lines.append(f"  {name:<24} {seconds / n:.4f} s/epoch  {100 * seconds / total:5.1f}%")
    rest = total - accounted
    lines.append(
        f"  {'rest (loop, epoch end)':<24} {rest / n:.4f} s/epoch  {100 * rest / total:5.1f}%"
    )
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
    parser.add_argument("--config", default="1,2", help="config ids, e.g. '1,2'")
    parser.add_argument("--epochs", type=int, default=3)
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
        for config in bench.selected_configs(args.config):
            if config.task != "fit":
                continue
            print(phase_report(config, X, y, args.epochs, args.kernels))
            if args.lines:
                print(line_report(config, X, y, args.epochs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
