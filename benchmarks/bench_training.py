"""Time skmlp's MLPClassifier against scikit-learn's and against the BLAS floor.

For each configuration, in one process, this script times

* ``skmlp.MLPClassifier`` and ``sklearn.neural_network.MLPClassifier`` fitted
  with identical arguments (solver, batch size, dtype, activation, softmax
  output, ``tol=0`` and ``n_iter_no_change=max_iter`` so that both run exactly
  ``--epochs`` epochs), reported as seconds per epoch (fit time / ``n_iter_``).
  skmlp runs with the kernels that ``skmlp.kernel_backend()`` picks (numba's
  with the ``fast`` extra) and, when those are numba's, once more with the
  numpy kernels ("skmlp-numpy");
* "gather": copying the shuffled minibatches' rows of ``X`` into one buffer,
  which every shuffling trainer does once per epoch, on one core;
* "the floor": the bare matrix products of the same epoch, into preallocated
  arrays, so that only BLAS time is counted. Per minibatch: ``A_prev @ W`` for
  each layer, ``A_prev.T @ delta`` for each layer and ``delta @ W.T`` for each
  hidden layer;
* the peak extra memory of one fit of each (``tracemalloc``), next to the size
  of ``X``.

A last configuration times ``predict_proba`` on 10,000 rows (seconds per call;
its floor is the forward products alone).

Each measurement is repeated ``--repeats`` times (in alternating order) and the
median is reported. The ratios are medians of per-repeat ratios, each taken
between timings seconds apart, which a shared machine's drifting speed upsets
far less than a ratio of medians. The results are printed as a markdown table
and written, with machine information and the raw timings, to a JSON file.

Examples
--------
Full run on MNIST (20,000 training rows)::

    python benchmarks/bench_training.py --mnist path/to/mnist.npz

Smoke test on a small synthetic dataset (a few seconds)::

    python benchmarks/bench_training.py --quick --output /tmp/bench.json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "bench_training.json"
ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "SKMLP_MNIST",
)


@dataclass(frozen=True)
class Config:
    """One benchmarked setting.

    Attributes
    ----------
    name : str
        Label of the table row.
    hidden : tuple of int
        ``hidden_layer_sizes``.
    activation : str
        Hidden activation, passed explicitly to both estimators.
    solver : str
        ``"sgd"`` or ``"adam"``.
    batch_size : int
        Minibatch size.
    dtype : str
        ``"float32"`` or ``"float64"``: dtype of ``X`` given to both estimators.
    task : str
        ``"fit"`` (seconds per epoch) or ``"predict_proba"`` (seconds per call).
    """

    name: str
    hidden: tuple
    activation: str
    solver: str
    batch_size: int
    dtype: str
    task: str = "fit"


CONFIGS = (
    Config("1: (100,) logistic sgd b100 f64", (100,), "logistic", "sgd", 100, "float64"),
    Config("2: (100,) logistic adam b200 f32", (100,), "logistic", "adam", 200, "float32"),
    Config("2b: (100,) logistic adam b200 f64", (100,), "logistic", "adam", 200, "float64"),
    Config("3: (100,) relu adam b200 f64", (100,), "relu", "adam", 200, "float64"),
    Config("4: (256, 128) relu adam b200 f32", (256, 128), "relu", "adam", 200, "float32"),
    Config(
        "5: predict_proba (100,) logistic f64",
        (100,),
        "logistic",
        "adam",
        200,
        "float64",
        task="predict_proba",
    ),
)


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
class DataError(Exception):
    """The benchmark data could not be loaded; the message says why."""


def load_data(args) -> tuple:
    """The training and prediction arrays: ``(X_train, y_train, X_pred)``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed command line (``quick``, ``mnist``, ``n_train``, ``n_predict``).

    Returns
    -------
    X_train : ndarray of shape (n_train, n_features), float64
    y_train : ndarray of shape (n_train,)
    X_pred : ndarray of shape (n_predict, n_features), float64

    Raises
    ------
    DataError
        When MNIST is neither at the given path nor downloadable.
    """
    if args.quick:
        from sklearn.datasets import make_classification

        X, y = make_classification(
            n_samples=args.n_train + args.n_predict,
            n_features=50,
            n_informative=20,
            n_classes=5,
            random_state=0,
        )
        return X[: args.n_train], y[: args.n_train], X[args.n_train :]

    from skmlp.datasets import load_mnist

    try:
        X_train, y_train, X_test, _ = load_mnist(args.mnist)
    except (OSError, RuntimeError, KeyError, ValueError) as exc:
        raise DataError(str(exc)) from exc
    return X_train[: args.n_train], y_train[: args.n_train], X_test[: args.n_predict]


# ----------------------------------------------------------------------------
# Estimators
# ----------------------------------------------------------------------------
def make_estimators(config: Config, epochs: int, seed: int = 0) -> dict:
    """skmlp's and scikit-learn's classifiers, with identical arguments.

    Parameters
    ----------
    config : Config
        The network and optimizer.
    epochs : int
        ``max_iter``; ``tol=0`` and ``n_iter_no_change=max_iter + 1`` make both
        run exactly this many epochs.
    seed : int, default=0
        ``random_state`` of both.

    Returns
    -------
    dict
        ``{"skmlp": estimator, "sklearn": estimator}``, unfitted.
    """
    import sklearn.neural_network

    import skmlp

    common = dict(
        hidden_layer_sizes=config.hidden,
        activation=config.activation,
        solver=config.solver,
        batch_size=config.batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        shuffle=True,
        random_state=seed,
    )
    return {
        "skmlp": skmlp.MLPClassifier(output_activation="softmax", **common),
        "sklearn": sklearn.neural_network.MLPClassifier(**common),
    }


def skmlp_runs() -> dict:
    """The skmlp variants to time: ``{label: kernels setting}``.

    "skmlp" runs under the current setting (``SKMLP_KERNELS``, default
    "auto": what a user gets). "auto" chooses by the work of the whole fit,
    and a full-length fit of MNIST (``max_iter=200``) is large work, so under
    "auto" the epochs are timed with the kernels such a fit gets (numba's
    where installed) rather than those of the few epochs timed here.
    "skmlp-numpy" adds the numpy kernels when those are numba's, to show
    what the compiled ones buy.
    """
    import skmlp

    setting = skmlp.get_config()["kernels"]
    if setting == "auto":
        setting = skmlp.kernel_backend()  # the kernels of large work
    runs = {"skmlp": setting}
    if skmlp.kernel_backend() == "numba":
        runs["skmlp-numpy"] = "numpy"
    return runs


def kernels_context(lib: str, runs: dict):
    """The ``skmlp.config_context`` under which ``lib`` runs (none for scikit-learn)."""
    import skmlp

    if lib not in runs:
        return contextlib.nullcontext()
    return skmlp.config_context(kernels=runs[lib])


def warm_up_skmlp(config: Config, X, y, runs: dict) -> None:
    """One tiny fit per kernel setting, so that compiled kernels are loaded before timing."""
    est = make_estimators(config, 1)["skmlp"]
    for lib in runs:
        with kernels_context(lib, runs):
            fit_quietly(est, X[:300], y[:300])
            est.predict_proba(X[:10])


def fit_quietly(estimator, X, y):
    """Fit, hiding the expected "maximum iterations reached" warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X, y)


def time_fit(estimator, X, y) -> float:
    """Seconds per epoch of one fit: wall time divided by ``n_iter_``."""
    gc.collect()
    start = time.perf_counter()
    fit_quietly(estimator, X, y)
    elapsed = time.perf_counter() - start
    return elapsed / estimator.n_iter_


def time_predict(estimator, X) -> float:
    """Seconds of one ``predict_proba`` call on ``X``."""
    gc.collect()
    start = time.perf_counter()
    estimator.predict_proba(X)
    return time.perf_counter() - start


def peak_memory_mb(func) -> float:
    """Peak memory allocated while ``func()`` runs, above what was live before, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - before) / 1e6


# ----------------------------------------------------------------------------
# The floor: the epoch's matrix products alone
# ----------------------------------------------------------------------------
def batch_sizes(n_samples: int, batch_size: int) -> list:
    """Row counts of the minibatches of one epoch (the last one may be short)."""
    full, rest = divmod(n_samples, batch_size)
    return [batch_size] * full + ([rest] if rest else [])


class Floor:
    """Preallocated operands of one network's matrix products.

    Parameters
    ----------
    units : list of int
        ``[n_features, *hidden, n_outputs]``.
    n_rows : int
        Largest number of rows of one product (the batch size).
    dtype : numpy dtype
    training : bool, default=True
        Whether to allocate the operands of the backward products too.
    seed : int, default=0
    """

    def __init__(self, units: list, n_rows: int, dtype, training: bool = True, seed: int = 0):
        rng = np.random.default_rng(seed)

        def filled(*shape):
            return rng.uniform(-1.0, 1.0, shape).astype(dtype)

        self.W = [filled(i, o) for i, o in zip(units[:-1], units[1:])]
        self.A = [filled(n_rows, u) for u in units]  # A[0] is the batch of X
        if training:  # delta[l] = dJ/dZ[l]; delta[0] is unused
            self.delta = [None] + [filled(n_rows, u) for u in units[1:]]
            self.dW = [np.empty_like(W) for W in self.W]

    def forward(self, n: int) -> None:
        """``A[l] = A[l-1] @ W[l]`` for every layer, on ``n`` rows."""
        for l, W in enumerate(self.W, start=1):
            np.matmul(self.A[l - 1][:n], W, out=self.A[l][:n])

    def backward(self, n: int) -> None:
        """``dW[l] = A[l-1].T @ delta[l]``, and ``delta[l] @ W[l].T`` below a hidden layer."""
        for l in range(len(self.W), 0, -1):
            A_prev, delta = self.A[l - 1][:n], self.delta[l][:n]
            np.matmul(A_prev.T, delta, out=self.dW[l - 1])
            if l > 1:
                np.matmul(delta, self.W[l - 1].T, out=self.delta[l - 1][:n])

    def epoch(self, sizes: list) -> None:
        """The products of one training epoch with minibatches of ``sizes`` rows."""
        for n in sizes:
            self.forward(n)
            self.backward(n)


def time_gather_epoch(X, batch_size: int, epochs: int, seed: int = 0) -> float:
    """Seconds per epoch of gathering shuffled minibatches of ``X`` into one buffer.

    Every library that shuffles pays this copy (scikit-learn through
    ``_safe_indexing``); it is memory-bound, on one core.
    """
    rng = np.random.default_rng(seed)
    buffer = np.empty((batch_size, X.shape[1]), X.dtype)
    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for first in range(0, X.shape[0], batch_size):
            rows = order[first : first + batch_size]
            np.take(X, rows, axis=0, out=buffer[: len(rows)], mode="clip")
    return (time.perf_counter() - start) / epochs


def time_floor_epoch(floor: Floor, sizes: list, epochs: int) -> float:
    """Seconds per epoch of the bare products, averaged over ``epochs`` epochs."""
    start = time.perf_counter()
    for _ in range(epochs):
        floor.epoch(sizes)
    return (time.perf_counter() - start) / epochs


def time_floor_forward(floor: Floor, n_rows: int) -> float:
    """Seconds of the forward products on ``n_rows`` rows at once."""
    start = time.perf_counter()
    floor.forward(n_rows)
    return time.perf_counter() - start


def warm_up_blas(dtypes=("float64", "float32"), size: int = 512, rounds: int = 5) -> None:
    """Run a few large products so that BLAS threads are up before timing."""
    for dtype in dtypes:
        a = np.ones((size, size), dtype)
        out = np.empty_like(a)
        for _ in range(rounds):
            np.matmul(a, a, out=out)


def blas_threads(n: int | None):
    """A context limiting BLAS to ``n`` threads; does nothing when ``n`` is None."""
    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="blas")


def warn_if_busy(hint: str = "--blas-threads 1 keeps them steadier") -> None:
    """Say on stderr when other processes keep the CPUs busy: timings will be noisy."""
    if not hasattr(os, "getloadavg"):
        return
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load > 0.5 * cpus:
        print(
            f"warning: load average {load:.1f} on {cpus} CPUs; other processes will "
            f"make the timings noisy ({hint}).",
            file=sys.stderr,
        )


# ----------------------------------------------------------------------------
# Running one configuration
# ----------------------------------------------------------------------------
def run_fit_config(config: Config, X, y, epochs: int, repeats: int) -> dict:
    """Raw timings (lists of seconds per epoch) and peak memory of one fit config."""
    X = X.astype(config.dtype)
    n_classes = len(np.unique(y))
    units = [X.shape[1], *config.hidden, n_classes]
    floor = Floor(units, config.batch_size, config.dtype)
    sizes = batch_sizes(X.shape[0], config.batch_size)
    runs = skmlp_runs()
    warm_up_skmlp(config, X, y, runs)
    libs = [*runs, "sklearn"]
    raw = {lib: [] for lib in [*libs, "floor", "gather"]} | {"n_iter": {}}
    for repeat in range(repeats):
        for lib in alternate([*libs, "floor", "gather"], repeat):
            if lib == "floor":
                raw["floor"].append(time_floor_epoch(floor, sizes, epochs))
                continue
            if lib == "gather":
                raw["gather"].append(time_gather_epoch(X, config.batch_size, epochs))
                continue
            est = make_estimators(config, epochs)["sklearn" if lib == "sklearn" else "skmlp"]
            with kernels_context(lib, runs):
                raw[lib].append(time_fit(est, X, y))
            raw["n_iter"][lib] = est.n_iter_
    memory = {}
    for lib in libs:
        est = make_estimators(config, 1)["sklearn" if lib == "sklearn" else "skmlp"]
        with kernels_context(lib, runs):
            memory[lib] = peak_memory_mb(lambda est=est: fit_quietly(est, X, y))
    return {"raw": raw, "memory_mb": memory, "X_mb": X.nbytes / 1e6}


def run_predict_config(config: Config, X, y, X_pred, repeats: int) -> dict:
    """Raw timings (lists of seconds per call) and peak memory of ``predict_proba``."""
    X, X_pred = X.astype(config.dtype), X_pred.astype(config.dtype)
    runs = skmlp_runs()
    warm_up_skmlp(config, X, y, runs)
    estimators = make_estimators(config, 1)
    for est in estimators.values():
        fit_quietly(est, X, y)
    units = [X.shape[1], *config.hidden, len(estimators["skmlp"].classes_)]
    floor = Floor(units, X_pred.shape[0], config.dtype, training=False)
    libs = [*runs, "sklearn"]
    raw = {lib: [] for lib in [*libs, "floor"]} | {"n_rows": X_pred.shape[0]}
    for repeat in range(repeats):
        for lib in alternate([*libs, "floor"], repeat):
            if lib == "floor":
                raw["floor"].append(time_floor_forward(floor, X_pred.shape[0]))
                continue
            est = estimators["sklearn" if lib == "sklearn" else "skmlp"]
            with kernels_context(lib, runs):
                raw[lib].append(time_predict(est, X_pred))
    memory = {}
    for lib in libs:
        est = estimators["sklearn" if lib == "sklearn" else "skmlp"]
        with kernels_context(lib, runs):
            memory[lib] = peak_memory_mb(lambda est=est: est.predict_proba(X_pred))
    return {"raw": raw, "memory_mb": memory, "X_mb": X_pred.nbytes / 1e6}


def alternate(libs: list, repeat: int) -> list:
    """``libs`` in order on even repeats and reversed on odd ones, so that a
    machine that speeds up or slows down during a repeat favours no one."""
    return list(libs) if repeat % 2 == 0 else list(reversed(libs))


def paired_ratio(raw: dict, num: str, den: str) -> float:
    """Median over the repeats of ``num / den`` timed in the same repeat.

    On a shared machine whose speed drifts by tens of percent between seconds,
    timings taken moments apart are compared with each other; the median then
    drops the repeats that a burst of other work upset.
    """
    return statistics.median(a / b for a, b in zip(raw[num], raw[den]))


def summarize(config: Config, result: dict) -> dict:
    """Medians and ratios of one configuration's raw timings."""
    raw = result["raw"]
    libs = [lib for lib in ("skmlp", "skmlp-numpy", "sklearn", "floor", "gather") if lib in raw]
    med = {lib: statistics.median(raw[lib]) for lib in libs}
    ratios = {
        "sklearn_over_skmlp": paired_ratio(raw, "sklearn", "skmlp"),
        "skmlp_over_floor": paired_ratio(raw, "skmlp", "floor"),
    }
    if "gather" in raw:  # the floor plus the copy of the shuffled rows
        raw["floor+gather"] = [f + g for f, g in zip(raw["floor"], raw["gather"])]
        med["floor+gather"] = statistics.median(raw["floor+gather"])
        ratios["skmlp_over_floor_gather"] = paired_ratio(raw, "skmlp", "floor+gather")
    if "skmlp-numpy" in raw:
        ratios["numpy_kernels_over_skmlp"] = paired_ratio(raw, "skmlp-numpy", "skmlp")
    return {
        "config": asdict(config),
        "unit": "s/epoch" if config.task == "fit" else "s/call",
        "median_s": med,
        "min_s": {lib: min(raw[lib]) for lib in med},
        **ratios,
        "peak_mb": result["memory_mb"],
        "X_mb": result["X_mb"],
        "raw": raw,
    }


# ----------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------
TABLE_HEADER = (
    "| config | skmlp s/epoch | sklearn s/epoch | floor s/epoch | sklearn/skmlp "
    "| skmlp/floor | gather s/epoch | skmlp/(floor+gather) | skmlp-numpy s/epoch "
    "| skmlp-numpy/skmlp | skmlp peak MB | sklearn peak MB | X MB |"
)


def markdown_table(rows: list) -> str:
    """The summary as a markdown table (``predict_proba`` rows are seconds per call)."""
    lines = [TABLE_HEADER, "|" + "---|" * TABLE_HEADER.count(" |")]
    for row in rows:
        med, mem = row["median_s"], row["peak_mb"]
        name = row["config"]["name"] + (" (s/call)" if row["unit"] == "s/call" else "")
        cells = [
            name,
            f"{med['skmlp']:.4f}",
            f"{med['sklearn']:.4f}",
            f"{med['floor']:.4f}",
            f"{row['sklearn_over_skmlp']:.2f}",
            f"{row['skmlp_over_floor']:.2f}",
            f"{med['gather']:.4f}" if "gather" in med else "n/a",
            f"{row['skmlp_over_floor_gather']:.2f}" if "gather" in med else "n/a",
            f"{med['skmlp-numpy']:.4f}" if "skmlp-numpy" in med else "n/a",
            f"{row['numpy_kernels_over_skmlp']:.2f}" if "skmlp-numpy" in med else "n/a",
            f"{mem['skmlp']:.1f}",
            f"{mem['sklearn']:.1f}",
            f"{row['X_mb']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dtype_comparisons(rows: list) -> list:
    """One line per network run in both float32 and float64: the float64/float32 speed-up."""
    by_network = {}
    for row in rows:
        c = row["config"]
        key = (tuple(c["hidden"]), c["activation"], c["solver"], c["batch_size"], c["task"])
        by_network.setdefault(key, {})[c["dtype"]] = row["median_s"]
    lines = []
    for (hidden, act, solver, bs, task), med in by_network.items():
        if {"float32", "float64"} <= med.keys():
            ratios = ", ".join(
                f"{lib} {med['float64'][lib] / med['float32'][lib]:.2f}x"
                for lib in ("skmlp", "sklearn", "floor")
            )
            lines.append(
                f"float32 vs float64, {hidden} {act} {solver} b{bs} {task}: "
                f"float64 time / float32 time = {ratios}"
            )
    return lines


def git_commit() -> str | None:
    """The checked-out commit of the repository holding this script, if any."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def git_dirty() -> bool | None:
    """Whether skmlp's or the benchmarks' files differ from the checked-out commit."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--", "skmlp", "benchmarks"],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.stdout.strip()) if out.returncode == 0 else None


def skmlp_source_digest() -> str:
    """SHA-1 of skmlp's Python sources, to tell apart runs of an uncommitted tree."""
    import skmlp

    digest = hashlib.sha1()
    for path in sorted(Path(skmlp.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _version_of(package: str) -> str | None:
    """The installed version of ``package``, or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def machine_info() -> dict:
    """Platform, CPU count, library versions, BLAS and the relevant environment."""
    import scipy
    import sklearn

    import skmlp

    info = {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "skmlp": skmlp.__version__,
        "skmlp_kernels": skmlp.kernel_backend(),
        "numba": _version_of("numba"),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "skmlp_source_sha1": skmlp_source_digest(),
        "env": {name: os.environ.get(name) for name in ENV_VARS},
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = threadpool_info()
    except ImportError:
        info["blas"] = None
    return info


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------
def add_mnist_argument(parser, used_for: str = "") -> None:
    """The ``--mnist PATH`` option every benchmark takes (default: $SKMLP_MNIST)."""
    parser.add_argument(
        "--mnist",
        metavar="PATH",
        default=None,
        help=f"MNIST .npz file{used_for} (X_train, y_train, X_test, y_test). Default: the "
        "SKMLP_MNIST environment variable, else a download from OpenML.",
    )


def fill_defaults(args, quick: bool, defaults) -> None:
    """Set each ``(name, full, small)`` option left unset: ``small`` under --quick."""
    for name, full, small in defaults:
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)


def parse_args(argv=None) -> argparse.Namespace:
    """The command line; ``--quick`` changes the defaults of the data and epochs."""
    parser = argparse.ArgumentParser(
        description=(
            "Time skmlp.MLPClassifier against sklearn.neural_network.MLPClassifier "
            "and against the bare BLAS products of the same epoch."
        )
    )
    add_mnist_argument(parser)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small synthetic dataset (make_classification) and 2 epochs: a smoke test.",
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs per fit (default 5).")
    parser.add_argument(
        "--repeats", type=int, default=3, help="repetitions of each timing (median reported)."
    )
    parser.add_argument(
        "--n-train", type=int, default=None, help="training rows (default 20000; 2000 quick)."
    )
    parser.add_argument(
        "--n-predict",
        type=int,
        default=None,
        help="rows for predict_proba (default 10000; 1000 quick).",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        metavar="N",
        help="limit BLAS to N threads (threadpoolctl) for the whole run; default: BLAS's own.",
    )
    parser.add_argument(
        "--configs",
        default=None,
        metavar="IDS",
        help="comma-separated config ids to run (e.g. '1,2'); default all: "
        + ", ".join(c.name.split(":")[0] for c in CONFIGS),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON results file (default benchmarks/results/bench_training.json).",
    )
    args = parser.parse_args(argv)
    fill_defaults(
        args, args.quick, [("epochs", 5, 2), ("n_train", 20000, 2000), ("n_predict", 10000, 1000)]
    )
    if args.epochs < 1 or args.repeats < 1:
        parser.error("--epochs and --repeats must be at least 1")
    return args


def selected_configs(ids: str | None) -> list:
    """The configurations named by ``--configs`` (all when None)."""
    if ids is None:
        return list(CONFIGS)
    wanted = {i.strip() for i in ids.split(",")}
    chosen = [c for c in CONFIGS if c.name.split(":")[0] in wanted]
    unknown = wanted - {c.name.split(":")[0] for c in chosen}
    if unknown:
        raise SystemExit(f"error: unknown config id(s): {', '.join(sorted(unknown))}")
    return chosen


def run_all(args, configs: list, data: tuple) -> list:
    """Run every configuration and return its summary row."""
    X, y, X_pred = data
    rows = []
    for config in configs:
        print(f"running {config.name} ...", file=sys.stderr, flush=True)
        if config.task == "fit":
            result = run_fit_config(config, X, y, args.epochs, args.repeats)
        else:
            result = run_predict_config(config, X, y, X_pred, args.repeats)
        rows.append(summarize(config, result))
    return rows


def write_json(path: Path, args, data: tuple, rows: list) -> None:
    """Write machine information, settings and results to ``path``."""
    X, y, X_pred = data
    report = {
        "machine": machine_info(),
        "settings": {
            "dataset": "synthetic (make_classification)" if args.quick else "MNIST",
            "n_train": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "n_classes": int(len(np.unique(y))),
            "n_predict": int(X_pred.shape[0]),
            "epochs": args.epochs,
            "repeats": args.repeats,
            "blas_threads": args.blas_threads,
        },
        "results": rows,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=_json_default))


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def main(argv=None) -> int:
    """Run the benchmark; return the exit status (0, or 2 when data is missing)."""
    args = parse_args(argv)
    configs = selected_configs(args.configs)
    try:
        data = load_data(args)
    except DataError as exc:
        print(f"error: cannot load MNIST: {exc}", file=sys.stderr)
        return 2
    warn_if_busy()
    with blas_threads(args.blas_threads):
        warm_up_blas()
        rows = run_all(args, configs, data)
    print(markdown_table(rows))
    for line in dtype_comparisons(rows):
        print(line)
    write_json(args.output, args, data, rows)
    print(f"\nJSON written to {args.output}")
    return 0 if all(_finite_positive(row) for row in rows) else 1


def _finite_positive(row: dict) -> bool:
    return all(math.isfinite(t) and t > 0 for t in row["median_s"].values())


if __name__ == "__main__":
    sys.exit(main())
