"""``python -m skmlp``: train the derivation's network and report its accuracy.

By default on scikit-learn's bundled digits (8x8 images, 1,797 samples), so it
runs anywhere in seconds; ``--mnist PATH`` trains on MNIST instead.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from . import MLPClassifier, __version__, _kernels
from .datasets import load_mnist


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (argparse turns the ValueError into a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skmlp",
        description=(
            "Train skmlp's MLPClassifier (by default the derivation's network: "
            "sigmoid hidden units, one sigmoid output per class) and print the "
            "epochs, the time, and the train and test accuracy."
        ),
    )
    parser.add_argument(
        "--hidden",
        type=positive_int,
        nargs="+",
        default=[100],
        metavar="UNITS",
        help="hidden layer sizes, e.g. --hidden 256 128 (default: 100)",
    )
    parser.add_argument("--epochs", type=positive_int, default=200, help="max_iter (default: 200)")
    parser.add_argument(
        "--solver",
        choices=["adam", "sgd", "lbfgs"],
        default="adam",
        help="optimizer (default: adam)",
    )
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=None,
        help='learning_rate_init (default: the estimator\'s "auto" for adam, 0.1 for sgd)',
    )
    parser.add_argument(
        "--activation",
        choices=["logistic", "tanh", "relu", "identity"],
        default="logistic",
        help="hidden activation (default: logistic)",
    )
    parser.add_argument(
        "--output",
        choices=["logistic", "softmax"],
        default="logistic",
        help="output_activation (default: logistic, one sigmoid per class)",
    )
    parser.add_argument("--batch-size", type=positive_int, default=None, help="default: auto")
    parser.add_argument("--seed", type=int, default=0, help="random_state (default: 0)")
    parser.add_argument("--float32", action="store_true", help="train in float32")
    parser.add_argument(
        "--mnist",
        metavar="PATH",
        nargs="?",
        const="",
        default=None,
        help="train on MNIST from this .npz file (no PATH: $SKMLP_MNIST or OpenML)",
    )
    parser.add_argument("--verbose", action="store_true", help="print the loss per epoch")
    parser.add_argument("--version", action="version", version=f"skmlp {__version__}")
    return parser.parse_args(argv)


def load_data(args, dtype):
    if args.mnist is not None:
        X_train, y_train, X_test, y_test = load_mnist(args.mnist or None, dtype=dtype)
        return "MNIST", X_train, X_test, y_train, y_test
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(dtype)  # pixels 0..16 -> [0, 1]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    return "digits", X_train, X_test, y_train, y_test


def main(argv=None) -> int:
    args = parse_args(argv)
    dtype = np.float32 if args.float32 else np.float64
    try:
        name, X_train, X_test, y_train, y_test = load_data(args, dtype)
    except (OSError, RuntimeError, KeyError, ValueError) as exc:
        print(f"error: cannot load the data: {exc}", file=sys.stderr)
        return 2
    learning_rate = args.learning_rate
    if learning_rate is None:
        learning_rate = 0.1 if args.solver == "sgd" else "auto"
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(args.hidden),
        activation=args.activation,
        output_activation=args.output,
        solver=args.solver,
        learning_rate_init=learning_rate,
        max_iter=args.epochs,
        batch_size="auto" if args.batch_size is None else args.batch_size,
        random_state=args.seed,
        verbose=args.verbose,
    )
    # the kernels that kernels="auto" picks for this fit's work (see set_config)
    n_outputs = len(np.unique(y_train))
    units = [X_train.shape[1], *args.hidden, 1 if n_outputs == 2 else n_outputs]
    kernels = _kernels.for_fit(X_train.shape[0], units, args.epochs)
    print(
        f"skmlp {__version__}: {name}, {X_train.shape[0]} train / {X_test.shape[0]} test "
        f"samples, {X_train.shape[1]}-{'-'.join(map(str, args.hidden))}-"
        f"{len(np.unique(y_train))} network, {args.activation} hidden, "
        f"{args.output} output, solver={args.solver}, {np.dtype(dtype).name}, "
        f"{kernels.__name__.rsplit('_', 1)[-1]} kernels"
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"epochs:         {clf.n_iter_}")
    print(f"time:           {seconds:.2f} s")
    print(f"final loss:     {clf.loss_:.4f}")
    print(f"train accuracy: {clf.score(X_train, y_train):.4f}")
    print(f"test accuracy:  {clf.score(X_test, y_test):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
