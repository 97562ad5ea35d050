"""``python -m skmlp``: train the derivation's network and report its accuracy.

By default on scikit-learn's bundled digits (8x8 images, 1,797 samples), so it
runs anywhere in seconds; ``--mnist PATH`` trains on MNIST instead. It says
which kernels run the fit and why, and shows the epochs as they pass (on
stderr; ``--quiet`` turns that off, ``--verbose`` prints every epoch's line).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import re
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from . import MLPClassifier, __version__, _kernels, get_config
from .datasets import load_mnist

_EPOCH_LINE = re.compile(r"Iteration (\d+), loss = (\S+)")


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
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--verbose", action="store_true", help="print every epoch's loss on its own line"
    )
    shown.add_argument("--quiet", action="store_true", help="no progress while training")
    parser.add_argument("--version", action="version", version=f"skmlp {__version__}")
    return parser.parse_args(argv)


def kernels_line(n_samples: int, units: list, epochs: int) -> str:
    """Which kernels the fit runs, and why, in one line."""
    module = _kernels.for_fit(n_samples, units, epochs)
    name = module.__name__.rsplit("_", 1)[-1]
    setting = get_config()["kernels"]
    if setting != "auto":
        return f"kernels: {name} (set to {setting!r} by SKMLP_KERNELS or skmlp.set_config)"
    n_parameters = _kernels.n_parameters(units)
    work = _kernels.fit_work(n_samples, units, epochs)
    threshold = f"{_kernels.AUTO_NUMBA_WORK:.0e}".replace("e+", "e")  # "1e10"
    this_fit = (
        f"this fit's work is {work:.1e}".replace("e+", "e")
        + f" ({n_samples} rows x {n_parameters} parameters x "
        f"{epochs} epochs)"
    )
    if work < _kernels.AUTO_NUMBA_WORK:
        return (
            f'kernels: numpy, as kernels="auto" gives numba\'s compiled loops only to work '
            f"of {threshold} or more, where they repay their loading; {this_fit}"
        )
    if name == "numba":
        return (
            f'kernels: numba, as kernels="auto" gives them work of {threshold} or more; ' + this_fit
        )
    installed = importlib.util.find_spec("numba") is not None
    why = (
        "numba could not be loaded"
        if installed
        else 'numba is not installed (pip install -e ".[fast]")'
    )
    return f"kernels: numpy, as {why}; {this_fit}"


class EpochProgress:
    """The estimator's per-epoch lines (``verbose=True``) as one progress line.

    On a terminal the line is rewritten in place; elsewhere (a pipe, a log
    file) about ten lines are printed over the fit. Other lines pass through.
    """

    def __init__(self, epochs: int, stream=None):
        self.epochs = epochs
        self.stream = sys.stderr if stream is None else stream
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = max(1, epochs // 10)
        self.pending = ""
        self.open_line = False

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._line(line)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def _line(self, line: str) -> None:
        match = _EPOCH_LINE.match(line)
        if match is None:
            if line.strip():
                self.close()
                print(line, file=self.stream)
            return
        epoch = int(match.group(1))
        text = f"epoch {epoch}/{self.epochs}, loss {float(match.group(2)):.4f}"
        if self.tty:
            self.stream.write("\r" + text.ljust(40))
            self.open_line = True
        elif epoch == 1 or epoch % self.every == 0:
            print(text, file=self.stream)
        self.stream.flush()

    def close(self) -> None:
        if self.open_line:
            self.stream.write("\n")
            self.open_line = False


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
        verbose=not args.quiet,  # per-epoch lines, shown as progress unless --verbose
    )
    n_outputs = len(np.unique(y_train))
    units = [X_train.shape[1], *args.hidden, 1 if n_outputs == 2 else n_outputs]
    print(
        f"skmlp {__version__}: {name}, {X_train.shape[0]} train / {X_test.shape[0]} test "
        f"samples, {X_train.shape[1]}-{'-'.join(map(str, args.hidden))}-"
        f"{len(np.unique(y_train))} network, {args.activation} hidden, "
        f"{args.output} output, solver={args.solver}, {np.dtype(dtype).name}"
    )
    print(kernels_line(X_train.shape[0], units, args.epochs), flush=True)
    progress = None if args.verbose or args.quiet else EpochProgress(args.epochs)
    start = time.perf_counter()
    with warnings.catch_warnings(), contextlib.ExitStack() as stack:
        warnings.simplefilter("ignore", ConvergenceWarning)
        if progress is not None:
            stack.callback(progress.close)
            stack.enter_context(contextlib.redirect_stdout(progress))
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
