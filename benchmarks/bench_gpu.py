"""Time skmlp's MLPClassifier on a GPU against a plain eager torch loop.

skmlp trains on the device of its input through scikit-learn's Array API
dispatch: with ``sklearn.set_config(array_api_dispatch=True)`` (and
``SCIPY_ARRAY_API=1`` in the environment before scipy is imported, which this
script sets itself when it is unset), ``MLPClassifier().fit(X, y)`` with torch
tensors ``X`` (float32) and ``y`` (int64 labels) on a device trains there.
This script measures, on MNIST's 60,000 training rows scaled to [0, 1], in
float32, for the derivation's 784-100-10 network (sigmoid hidden units, one
sigmoid output per class, Adam):

* **seconds per epoch at batch 200 and at batch 2000**, for

  - skmlp on the device: fit time / ``n_iter_`` of a fit that runs exactly
    ``--epochs`` epochs (``tol=0``, ``n_iter_no_change`` past ``max_iter``),
    after one warm-up fit that is not counted (CUDA context, cuBLAS handles,
    graph capture, compilation); on a CUDA device, skmlp once more under
    ``skmlp.config_context(cuda_graphs=False)``, every step launched
    eagerly, which shows what the captured graph saves;
  - a plain eager torch loop of the same network written below (the
    baseline): ``Z1 = X W1 + b1``, ``A1 = sigmoid(Z1)``, ``Z2 = A1 W2 + b2``,
    the binary cross-entropy with logits summed over the outputs and averaged
    over the rows plus skmlp's L2 term ``alpha / (2 n_rows) * sum ||W||^2``
    (``alpha=1e-4``, skmlp's default), torch autograd and
    ``torch.optim.Adam`` with skmlp's ``learning_rate_init_`` for the same
    data and batch size (0.001 if skmlp could not fit), one ``randperm`` per
    epoch and one indexing per minibatch; its weights start as scikit-learn's
    Glorot-uniform ones for sigmoid units (skmlp's data-dependent start of
    the first layer is not copied: it costs nothing per epoch, but the two
    accuracies may differ by it); timed the same way, the building of its
    parameters and optimizer included, after one warm-up epoch;

  the device is synchronized before every reading of the clock. Each timing
  is repeated ``--repeats`` times, the two implementations alternating in
  order; the median is reported, and the ratio to the eager loop is the
  median of per-repeat ratios;
* **test accuracy on MNIST's 10,000 test rows after 30 epochs** of skmlp's
  default network, ``MLPClassifier(max_iter=30, random_state=0)`` (which may
  stop earlier by its default ``tol``; ``n_iter_`` is reported), next to the
  eager loop's after 30 epochs at batch 200 with that model's
  ``learning_rate_init_``.

The issue's targets (on an H200) are shown for skmlp: at most 0.05 s per
epoch at batch 200, at most 0.02 s at batch 2000, and at least 97.5% test
accuracy; they are judged on MNIST only ("n/a" with ``--quick``).

The results are printed as a markdown table with the accuracy lines below it,
and written with the machine's description (GPU name, torch, scikit-learn and
numpy versions, skmlp's git commit) and the raw timings to a JSON file.

Exit status: 0 after a complete run; 1 when PyTorch is not installed, when
skmlp could not fit on the device (the eager rows are still reported and the
error is in the JSON's ``skmlp_error``) or a timing is not finite and
positive; 2 for a bad argument or missing MNIST. With no ``--device`` on a
machine without a CUDA GPU there is nothing to measure: the script says so in
one line and exits with status 0, so that a CI job running every benchmark
does not fail on a runner without a GPU (``--device cuda`` there is an error,
status 2).

Examples
--------
Full run on the GPU (MNIST from a file, or the ``SKMLP_MNIST`` variable)::

    python benchmarks/bench_gpu.py --mnist path/to/mnist.npz

The same on the CPU, through torch (any torch device string works; on a
machine that other processes keep busy, ``OMP_NUM_THREADS=1`` stops torch's
threads from spinning against them, which can slow small steps tenfold)::

    python benchmarks/bench_gpu.py --device cpu --mnist path/to/mnist.npz

Smoke test on synthetic data (2,000 rows, 2 epochs, a few seconds)::

    python benchmarks/bench_gpu.py --quick --device cpu --output /tmp/gpu.json
"""

from __future__ import annotations

import os

# scikit-learn's Array API dispatch needs scipy's Array API support, which
# scipy reads from this variable when it is first imported: set it before
# anything imports scipy or scikit-learn (a value the user set is kept).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt  # noqa: E402  (machine description, data errors, ordering)

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "bench_gpu.json"
HIDDEN = 100
ALPHA = 1e-4  # skmlp's default L2 strength, used by the eager loop too
TARGET_S_PER_EPOCH = {200: 0.05, 2000: 0.02}  # the targets, on an H200
TARGET_ACCURACY = 0.975
SKMLP, EAGER = "skmlp", "torch eager"
#: skmlp with skmlp.set_config(cuda_graphs=False), timed on CUDA devices only (elsewhere
#: no graph is captured, and the row would repeat skmlp's): what the graph saves.
NO_GRAPHS = "skmlp, cuda_graphs=False"
NO_GPU = (
    "no CUDA GPU found (torch.cuda.is_available() is False); nothing to measure: "
    "use --device cpu to run the script on the CPU"
)


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
def synthetic_data(n_train: int, n_test: int, seed: int = 0) -> tuple:
    """MNIST-shaped random data: 784 features in [0, 1], 10 classes, seeded.

    Each class is a random prototype image; a row is its class's prototype
    plus noise, clipped to [0, 1], so that a few epochs learn something.
    """
    rng = np.random.default_rng(seed)
    prototypes = rng.random((10, 784), dtype=np.float32)
    y = rng.integers(0, 10, n_train + n_test)
    noise = rng.standard_normal((n_train + n_test, 784), dtype=np.float32)
    X = np.clip(prototypes[y] + 0.5 * noise, 0.0, 1.0).astype(np.float32)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def load_data(args) -> tuple:
    """``(X_train, y_train, X_test, y_test)`` as numpy arrays, X float32 in [0, 1]."""
    if args.quick:
        return synthetic_data(2000, 500)
    from skmlp.datasets import load_mnist

    try:
        return load_mnist(args.mnist, dtype=np.float32)
    except (OSError, RuntimeError, KeyError, ValueError) as exc:
        raise bt.DataError(str(exc)) from exc


# ----------------------------------------------------------------------------
# The device
# ----------------------------------------------------------------------------
def synchronize(torch, device) -> None:
    """Wait for the work queued on ``device`` (nothing to wait for on the CPU)."""
    if device.type == "cpu":
        return
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        return
    backend = getattr(torch, device.type, None)  # torch.mps, torch.xpu, ...
    if backend is not None and hasattr(backend, "synchronize"):
        backend.synchronize()


def describe(obj) -> str:
    """``"torch.Tensor on cuda:0"``, ``"numpy.ndarray"``: what a method returned."""
    kind = f"{type(obj).__module__.split('.')[0]}.{type(obj).__name__}"
    device = getattr(obj, "device", None)
    return f"{kind} on {device}" if device is not None else kind


# ----------------------------------------------------------------------------
# skmlp on the device
# ----------------------------------------------------------------------------
def skmlp_timed(batch_size: int, epochs: int, **extra):
    """The benchmarked network, set to run exactly ``epochs`` epochs."""
    from skmlp import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        activation="logistic",
        output_activation="logistic",
        solver="adam",
        alpha=ALPHA,
        batch_size=batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        shuffle=True,
        random_state=0,
        **extra,
    )


def skmlp_config(**settings):
    """skmlp's own settings (skmlp.config_context) for the ``with`` block."""
    import skmlp

    return skmlp.config_context(**settings)


def dispatch():
    """scikit-learn's Array API dispatch, on for the ``with`` block."""
    import sklearn

    return sklearn.config_context(array_api_dispatch=True)


def skmlp_failed(record: dict, exc: Exception) -> None:
    """Note why skmlp could not run on the device; the eager rows still get timed."""
    record["skmlp_error"] = f"{type(exc).__name__}: {exc}"
    record["skmlp_traceback"] = traceback.format_exc()


def fit_skmlp(torch, device, estimator, X, y) -> float:
    """Fit under dispatch; the seconds from the call to the device's last step."""
    from sklearn.exceptions import ConvergenceWarning

    gc.collect()
    synchronize(torch, device)
    with dispatch(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X, y)
        synchronize(torch, device)
        return time.perf_counter() - start


# ----------------------------------------------------------------------------
# The baseline: a plain eager torch loop of the same network
# ----------------------------------------------------------------------------
def eager_fit(torch, X, y, n_classes: int, batch_size: int, epochs: int, lr: float, seed=0):
    """Train the 784-100-10 sigmoid network with autograd and ``torch.optim.Adam``.

    Returns ``(W1, b1, W2, b2, epoch_losses)``; the losses are one device
    tensor, read by nobody during training.
    """
    device, dtype = X.device, X.dtype
    generator = torch.Generator(device=device).manual_seed(seed)
    n_rows, n_features = X.shape

    def glorot(fan_in, fan_out):  # scikit-learn's uniform init for sigmoid units
        bound = math.sqrt(2.0 / (fan_in + fan_out))
        values = torch.rand(fan_in, fan_out, generator=generator, device=device, dtype=dtype)
        return ((2 * values - 1) * bound).requires_grad_()

    W1, W2 = glorot(n_features, HIDDEN), glorot(HIDDEN, n_classes)
    b1 = torch.zeros(HIDDEN, device=device, dtype=dtype, requires_grad=True)
    b2 = torch.zeros(n_classes, device=device, dtype=dtype, requires_grad=True)
    Y = torch.nn.functional.one_hot(y, n_classes).to(dtype)
    optimizer = torch.optim.Adam([W1, b1, W2, b2], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses = torch.zeros(epochs, device=device, dtype=dtype)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    for epoch in range(epochs):
        order = torch.randperm(n_rows, generator=generator, device=device)
        for first in range(0, n_rows, batch_size):
            rows = order[first : first + batch_size]
            X_b, Y_b = X[rows], Y[rows]
            n_b = X_b.shape[0]
            Z1 = X_b @ W1 + b1
            A1 = torch.sigmoid(Z1)
            Z2 = A1 @ W2 + b2
            loss = bce(Z2, Y_b, reduction="sum") / n_b
            loss = loss + ALPHA / (2 * n_b) * (W1.square().sum() + W2.square().sum())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses[epoch] += loss.detach() * n_b
    return W1, b1, W2, b2, losses / n_rows


def eager_accuracy(torch, params, X, y) -> float:
    """Share of the rows of ``X`` whose largest output is their label."""
    W1, b1, W2, b2 = params[:4]
    with torch.no_grad():
        Z2 = torch.sigmoid(X @ W1 + b1) @ W2 + b2
        return float((Z2.argmax(dim=1) == y).to(torch.float64).mean())


def time_eager(torch, X, y, n_classes, batch_size, epochs, lr) -> tuple:
    """``(seconds per epoch, final epoch loss)`` of one eager fit."""
    device = X.device
    gc.collect()
    synchronize(torch, device)
    start = time.perf_counter()
    *_, losses = eager_fit(torch, X, y, n_classes, batch_size, epochs, lr)
    synchronize(torch, device)
    elapsed = time.perf_counter() - start
    return elapsed / epochs, float(losses[-1])


# ----------------------------------------------------------------------------
# The measurements
# ----------------------------------------------------------------------------
def time_batch_size(torch, device, data, batch_size: int, args, record: dict) -> dict:
    """Raw seconds per epoch of both implementations at one batch size."""
    X, y, n_classes = data
    raw = {SKMLP: [], NO_GRAPHS: [], EAGER: [], "skmlp_n_iter": None, "eager_final_loss": None}
    lr = None
    if record["skmlp_error"] is None:
        try:  # warm-up: CUDA context, cuBLAS, graph capture, compilation
            warm = skmlp_timed(batch_size, 1)
            fit_skmlp(torch, device, warm, X, y)
            lr = float(warm.learning_rate_init_)
        except Exception as exc:  # reported in the table and the JSON
            skmlp_failed(record, exc)
    raw["lr"] = lr if lr is not None else 0.001
    raw["lr_source"] = "skmlp's learning_rate_init_" if lr is not None else "0.001 (no skmlp fit)"
    time_eager(torch, X, y, n_classes, batch_size, 1, raw["lr"])  # warm-up
    implementations = [EAGER]
    if record["skmlp_error"] is None:
        implementations += [SKMLP, NO_GRAPHS] if device.type == "cuda" else [SKMLP]
    for repeat in range(args.repeats):
        for name in bt.alternate(implementations, repeat):
            if name == EAGER:
                seconds, loss = time_eager(
                    torch, X, y, n_classes, batch_size, args.epochs, raw["lr"]
                )
                raw[EAGER].append(seconds)
                raw["eager_final_loss"] = loss
                continue
            est = skmlp_timed(batch_size, args.epochs)
            with skmlp_config(cuda_graphs=name == SKMLP):
                elapsed = fit_skmlp(torch, device, est, X, y)
            raw[name].append(elapsed / est.n_iter_)
            if name == NO_GRAPHS:
                continue
            raw["skmlp_n_iter"] = int(est.n_iter_)
            raw["skmlp_final_loss"] = float(est.loss_)
    return raw


def skmlp_outputs(estimator, X) -> dict:
    """What a device-fitted skmlp model hands back: types and devices."""
    with dispatch():
        return {
            "predict": describe(estimator.predict(X[:5])),
            "predict_proba": describe(estimator.predict_proba(X[:5])),
            "coefs_": describe(estimator.coefs_[0]),
            "intercepts_": describe(estimator.intercepts_[0]),
        }


def accuracy(torch, device, train, test, args, record: dict) -> dict:
    """Test accuracy of skmlp's default network and of the eager loop."""
    X, y, n_classes = train
    X_test, y_test = test
    result = {"epochs": args.accuracy_epochs, "batch_size": 200, "target": TARGET_ACCURACY}
    lr = None
    if record["skmlp_error"] is None:
        from skmlp import MLPClassifier

        est = MLPClassifier(max_iter=args.accuracy_epochs, random_state=0)
        try:
            fit_s = fit_skmlp(torch, device, est, X, y)
            with dispatch():
                score = float(est.score(X_test, y_test))
            record["skmlp_outputs"] = skmlp_outputs(est, X_test)
        except Exception as exc:
            skmlp_failed(record, exc)
        else:
            lr = float(est.learning_rate_init_)
            result[SKMLP] = {
                "accuracy": score,
                "n_iter": int(est.n_iter_),
                "fit_s": fit_s,
                "learning_rate_init_": lr,
                "params": {k: repr(v) for k, v in est.get_params().items()},
            }
    eager_lr = lr if lr is not None else 0.001
    synchronize(torch, device)
    start = time.perf_counter()
    params = eager_fit(torch, X, y, n_classes, 200, args.accuracy_epochs, eager_lr)
    synchronize(torch, device)
    result[EAGER] = {
        "accuracy": eager_accuracy(torch, params, X_test, y_test),
        "n_iter": args.accuracy_epochs,
        "fit_s": time.perf_counter() - start,
        "lr": eager_lr,
        "final_loss": float(params[-1][-1]),
    }
    return result


# ----------------------------------------------------------------------------
# Summary and report
# ----------------------------------------------------------------------------
def judged(args, device) -> bool:
    """Whether the targets apply: MNIST (not --quick) on a CUDA device."""
    return not args.quick and device.type == "cuda"


def summary_rows(timings: dict, args, device) -> list:
    """One row per implementation and batch size, with the ratio to the eager loop."""
    rows = []
    for batch_size, raw in timings.items():
        for name in (SKMLP, NO_GRAPHS, EAGER):
            if not raw.get(name):
                continue
            ratio = statistics.median(a / b for a, b in zip(raw[name], raw[EAGER]))
            target = TARGET_S_PER_EPOCH.get(batch_size) if name == SKMLP else None
            seconds = statistics.median(raw[name])
            met = None
            if target is not None and judged(args, device):
                met = seconds <= target
            rows.append(
                {
                    "implementation": name,
                    "batch_size": batch_size,
                    "s_per_epoch": seconds,
                    "ratio_to_eager": ratio,
                    "target_s_per_epoch": target,
                    "target_met": met,
                }
            )
    return rows


def _met(value) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def markdown_table(rows: list, device) -> str:
    lines = [
        "| implementation | batch | s/epoch | ratio to eager | target | target met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        target = row["target_s_per_epoch"]
        lines.append(
            f"| {row['implementation']} ({device}) | {row['batch_size']} "
            f"| {row['s_per_epoch']:.4f} | {row['ratio_to_eager']:.2f} "
            f"| {'<= ' + format(target, 'g') if target is not None else ''} "
            f"| {_met(row['target_met']) if target is not None else ''} |"
        )
    return "\n".join(lines)


def accuracy_lines(result: dict) -> list:
    epochs = result["epochs"]
    lines = []
    if SKMLP in result:
        r = result[SKMLP]
        lines.append(
            f"test accuracy, skmlp default network, max_iter={epochs} "
            f"(ran {r['n_iter']} epoch{'s' if r['n_iter'] != 1 else ''}, "
            f"learning_rate_init_={r['learning_rate_init_']:.4g}): "
            f"{r['accuracy']:.2%} (target >= {TARGET_ACCURACY:.1%}: {_met(result['target_met'])})"
        )
    r = result[EAGER]
    lines.append(
        f"test accuracy, torch eager loop, {epochs} epoch{'s' if epochs != 1 else ''}, batch 200, "
        f"Adam lr={r['lr']:.4g}: {r['accuracy']:.2%}"
    )
    return lines


def torch_info(torch, device) -> dict:
    info = {
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "device": str(device),
        "device_name": None,
        "array_api_strict": bt._version_of("array-api-strict"),
        "SCIPY_ARRAY_API": os.environ.get("SCIPY_ARRAY_API"),
    }
    if device.type == "cuda":
        info["device_name"] = torch.cuda.get_device_name(device)
        props = torch.cuda.get_device_properties(device)
        info["device_memory_gb"] = props.total_memory / 1e9
    return info


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------
def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time skmlp.MLPClassifier on a GPU (Array API dispatch) against an "
        "eager torch loop of the same network, on MNIST."
    )
    bt.add_mnist_argument(parser)
    parser.add_argument(
        "--device",
        default=None,
        help="torch device to run on (e.g. cuda, cuda:1, cpu). Default: cuda when "
        "available; otherwise the script says so and exits with status 0.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="synthetic data (2,000 x 784, 10 classes), 2 epochs, 1 repeat: a smoke test.",
    )
    parser.add_argument("--epochs", type=int, default=None, help="timed epochs per fit (5; 2).")
    parser.add_argument("--repeats", type=int, default=None, help="timings per cell (3; 1).")
    parser.add_argument(
        "--accuracy-epochs", type=int, default=None, help="epochs of the accuracy fits (30; 2)."
    )
    parser.add_argument(
        "--batch-sizes", default="200,2000", help="comma-separated (default 200,2000)."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON results file (default benchmarks/results/bench_gpu.json).",
    )
    args = parser.parse_args(argv)
    bt.fill_defaults(
        args, args.quick, [("epochs", 5, 2), ("repeats", 3, 1), ("accuracy_epochs", 30, 2)]
    )
    if min(args.epochs, args.repeats, args.accuracy_epochs) < 1:
        parser.error("--epochs, --repeats and --accuracy-epochs must be at least 1")
    try:
        args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    except ValueError:
        parser.error(
            f"--batch-sizes must be integers separated by commas, got {args.batch_sizes!r}"
        )
    if min(args.batch_sizes) < 1:
        parser.error("--batch-sizes must be at least 1")
    return args


def choose_device(torch, requested):
    """The torch device to run on, or None when none was asked for and no GPU is found."""
    if requested is None:
        return torch.device("cuda") if torch.cuda.is_available() else None
    try:
        device = torch.device(requested)
    except RuntimeError as exc:
        raise ValueError(f"--device {requested!r} is not a torch device: {exc}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {requested!r}: {NO_GPU}")
    return device


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print(
            "error: bench_gpu.py needs PyTorch, which is not installed: pip install torch",
            file=sys.stderr,
        )
        return 1
    try:
        device = choose_device(torch, args.device)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if device is None:
        print(NO_GPU, file=sys.stderr)
        return 0
    try:
        X_train, y_train, X_test, y_test = load_data(args)
    except bt.DataError as exc:
        print(f"error: cannot load MNIST: {exc}", file=sys.stderr)
        return 2
    bt.warn_if_busy("on a GPU too: launching its kernels is CPU work")
    n_classes = int(np.unique(y_train).size)
    X = torch.from_numpy(np.ascontiguousarray(X_train, dtype=np.float32)).to(device)
    y = torch.from_numpy(np.asarray(y_train, dtype=np.int64)).to(device)
    X_t = torch.from_numpy(np.ascontiguousarray(X_test, dtype=np.float32)).to(device)
    y_t = torch.from_numpy(np.asarray(y_test, dtype=np.int64)).to(device)
    record = {"skmlp_error": None, "skmlp_traceback": None, "skmlp_outputs": None}

    timings = {}
    for batch_size in args.batch_sizes:
        print(f"timing batch {batch_size} on {device} ...", file=sys.stderr, flush=True)
        timings[batch_size] = time_batch_size(
            torch, device, (X, y, n_classes), batch_size, args, record
        )
    print(f"accuracy after {args.accuracy_epochs} epochs ...", file=sys.stderr, flush=True)
    acc = accuracy(torch, device, (X, y, n_classes), (X_t, y_t), args, record)
    acc["target_met"] = None
    if SKMLP in acc and judged(args, device):
        acc["target_met"] = acc[SKMLP]["accuracy"] >= TARGET_ACCURACY

    rows = summary_rows(timings, args, device)
    print(markdown_table(rows, device))
    print()
    for line in accuracy_lines(acc):
        print(line)
    if record["skmlp_error"] is not None:
        print(f"\nskmlp could not fit on {device}: {record['skmlp_error']}")
    report = {
        "machine": bt.machine_info() | torch_info(torch, device),
        "settings": {
            "dataset": "synthetic (2000 x 784, 10 classes)" if args.quick else "MNIST",
            "n_train": int(X.shape[0]),
            "n_test": int(X_t.shape[0]),
            "n_features": int(X.shape[1]),
            "n_classes": n_classes,
            "dtype": "float32",
            "network": f"{X.shape[1]}-{HIDDEN}-{n_classes}, logistic hidden and outputs, adam",
            "alpha": ALPHA,
            "device": str(device),
            "epochs": args.epochs,
            "repeats": args.repeats,
            "accuracy_epochs": args.accuracy_epochs,
            "batch_sizes": args.batch_sizes,
            "targets_judged": judged(args, device),
        },
        "summary": rows,
        "accuracy": acc,
        "timings": {str(b): raw for b, raw in timings.items()},
        **record,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=bt._json_default))
    print(f"\nJSON written to {args.output}")
    if record["skmlp_error"] is not None:
        return 1
    finite = all(math.isfinite(r["s_per_epoch"]) and r["s_per_epoch"] > 0 for r in rows)
    return 0 if finite else 1


if __name__ == "__main__":
    sys.exit(main())
