"""Dropout: test accuracy where a network over-fits, and its cost per epoch.

**Accuracy.** Each *cell* is a data set on which a 256-unit network can
learn its training rows by heart, with many rows held out for testing:

* ``digits_200``: scikit-learn's 8x8 digits (pixels / 16), 200 training rows
  (20 per class), 1,597 test rows. 16,000+ weights for 200 rows: the
  training accuracy reaches 100% within a few dozen epochs, so what the
  network does beyond memorising is what the test rows measure;
* ``noisy_300``: ``make_classification`` with 40 features (10 informative),
  3 classes and 15% of the labels flipped, standardized; 300 training rows,
  1,200 test rows. A wide network also learns the flipped labels;
* ``digits_1000``: the digits with 1,000 training rows (797 test rows), where
  the same network over-fits far less: the case where dropout has less to do.

For every cell and seed (the seed picks the stratified split and the models'
``random_state``), these models see the same split, all with
``hidden_layer_sizes=(256,)`` and ``max_iter=200``:

* ``skmlp p=...``: ``skmlp.MLPClassifier(dropout=p)``, otherwise its defaults,
  at each rate of ``--rates``;
* ``skmlp, p by CV``: the rate chosen by ``GridSearchCV(cv=3)`` over those
  rates on the training rows, refitted on all of them;
* ``sklearn``: ``sklearn.neural_network.MLPClassifier`` with its defaults
  (relu, ``alpha=1e-4``);
* ``sklearn, alpha by CV``: scikit-learn's with ``alpha`` chosen by
  ``GridSearchCV(cv=3)`` over ``--alphas`` on the training rows.

**Cost.** Seconds per epoch of ``MLPClassifier(hidden_layer_sizes=(100,),
batch_size=200)`` on 20,000 MNIST rows (784-100-10), with ``dropout=0.5``
against the same model with ``dropout=0.0``, in float32 and float64, on
numpy's and numba's kernels: two ``warm_start`` models train one epoch each
in turn, and the ratio is the median of the per-pair ratios, in wall-clock
and in CPU time (the issue's target: at most 1.15).

Usage::

    python benchmarks/bench_dropout.py --mnist path/to/mnist.npz --n-jobs 2 \\
        --rst docs/_generated/bench_dropout.inc
    python benchmarks/bench_dropout.py --quick       # a smoke test of a few seconds
    python benchmarks/bench_dropout.py --only-cost --mnist ...   # the cost again
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

import skmlp
from skmlp import MLPClassifier
from skmlp.datasets import MNIST_ENV, load_mnist

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt  # noqa: E402  (the machine description, commit included)

HIDDEN = (256,)
RATES = (0.0, 0.25, 0.5)
ALPHAS = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def load_cell(name: str):
    """(X, y, number of training rows) of a cell."""
    if name.startswith("digits"):
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y, int(name.split("_")[1])
    if name.startswith("noisy"):
        X, y = make_classification(
            1500, 40, n_informative=10, n_redundant=5, n_classes=3, flip_y=0.15,
            class_sep=0.8, random_state=0,
        )  # fmt: skip
        return StandardScaler().fit_transform(X), y, int(name.split("_")[1])
    raise ValueError(f"unknown cell {name!r}")


def skmlp_model(seed: int, max_iter: int, rate: float = 0.0):
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN, dropout=rate, max_iter=max_iter, random_state=seed
    )


def sklearn_model(seed: int, max_iter: int, alpha: float = 1e-4):
    return SkMLPClassifier(
        hidden_layer_sizes=HIDDEN, alpha=alpha, max_iter=max_iter, random_state=seed
    )


def run_one(cell: str, seed: int, model: str, max_iter: int, rates, alphas) -> dict:
    """Test accuracy (and the chosen hyper-parameter) of one model on one split."""
    X, y, n_train = load_cell(cell)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, stratify=y, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        chosen = None
        if model.startswith("skmlp p="):
            est = skmlp_model(seed, max_iter, float(model.split("=")[1])).fit(X_train, y_train)
        elif model == "skmlp, p by CV":
            search = GridSearchCV(skmlp_model(seed, max_iter), {"dropout": list(rates)}, cv=3)
            est = search.fit(X_train, y_train)
            chosen = search.best_params_["dropout"]
        elif model == "sklearn":
            est = sklearn_model(seed, max_iter).fit(X_train, y_train)
        else:  # "sklearn, alpha by CV"
            search = GridSearchCV(sklearn_model(seed, max_iter), {"alpha": list(alphas)}, cv=3)
            est = search.fit(X_train, y_train)
            chosen = search.best_params_["alpha"]
        seconds = time.perf_counter() - start
    return {
        "test": float(est.score(X_test, y_test)),
        "train": float(est.score(X_train, y_train)),
        "chosen": chosen,
        "seconds": seconds,
    }


def model_names(rates) -> list:
    return [f"skmlp p={p:g}" for p in rates] + ["skmlp, p by CV", "sklearn", "sklearn, alpha by CV"]


def accuracy(args) -> dict:
    names = model_names(args.rates)
    jobs = [(cell, seed, m) for cell in args.cells for seed in range(args.seeds) for m in names]
    outcomes = Parallel(n_jobs=args.n_jobs)(
        delayed(run_one)(cell, seed, m, args.max_iter, args.rates, args.alphas)
        for cell, seed, m in jobs
    )
    cells: dict = {}
    for (cell, _, m), out in zip(jobs, outcomes):
        entry = cells.setdefault(cell, {}).setdefault(
            m, {"test": [], "train": [], "chosen": [], "seconds": []}
        )
        for key in entry:
            entry[key].append(out[key])
    for cell in cells.values():
        for entry in cell.values():
            entry["mean_test"] = float(np.mean(entry["test"]))
            entry["mean_train"] = float(np.mean(entry["train"]))
    return cells


def epoch_cost(X, y, repeats: int, rate: float) -> dict:
    """Seconds per epoch with and without dropout, one epoch each in turn.

    Two ``warm_start`` models, one with dropout and one without, each train
    one epoch per ``fit`` after an untimed first one; their epochs alternate
    (the order swapped every repeat), so that a shared machine's drifting
    speed reaches both alike. The ratio is the median of the per-pair ratios,
    for the wall-clock time and for the process's CPU time.
    """
    models = {
        key: MLPClassifier(
            hidden_layer_sizes=(100,),
            batch_size=200,
            dropout=p,
            max_iter=1,
            warm_start=True,
            random_state=0,
        )  # fmt: skip
        for key, p in (("none", 0.0), ("dropout", rate))
    }
    seconds = {"dropout": [], "none": []}
    cpu = {"dropout": [], "none": []}
    ratios, cpu_ratios = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for clf in models.values():
            clf.fit(X, y)  # untimed: allocations, the compiled kernels' first call
        for r in range(repeats):
            order = ["none", "dropout"] if r % 2 == 0 else ["dropout", "none"]
            for key in order:
                start, start_cpu = time.perf_counter(), time.process_time()
                models[key].fit(X, y)
                seconds[key].append(time.perf_counter() - start)
                cpu[key].append(time.process_time() - start_cpu)
            ratios.append(seconds["dropout"][-1] / seconds["none"][-1])
            cpu_ratios.append(cpu["dropout"][-1] / cpu["none"][-1])
    return {
        "seconds_per_epoch": {k: float(np.median(v)) for k, v in seconds.items()},
        "raw_seconds_per_epoch": seconds,
        "raw_cpu_seconds_per_epoch": cpu,
        "ratios": ratios,
        "ratio": float(np.median(ratios)),
        "cpu_ratios": cpu_ratios,
        "cpu_ratio": float(np.median(cpu_ratios)),
    }


def cost(args) -> dict:
    if args.quick or args.mnist is None:
        X, y = make_classification(2000, 50, n_informative=20, n_classes=10, random_state=0)
        dataset = "make_classification (2,000 x 50)"
    else:
        X, y, _, _ = load_mnist(args.mnist)
        X, y = X[: args.cost_rows], y[: args.cost_rows]
        dataset = f"MNIST ({args.cost_rows:,} rows of 784 pixels / 255)"
    out = {"dataset": dataset, "rate": args.cost_rate, "runs": []}
    for kernels in args.cost_kernels:
        for dtype in ("float32", "float64"):
            with skmlp.config_context(kernels=kernels):
                run = epoch_cost(X.astype(dtype), y, args.cost_repeats, args.cost_rate)
            out["runs"].append({"kernels": kernels, "dtype": dtype, **run})
    return out


def _cell_table(cells: dict, names: list) -> list:
    rows = []
    for cell, models in cells.items():
        best = max(models[m]["mean_test"] for m in names)
        row = [cell]
        for m in names:
            acc = np.asarray(models[m]["test"])
            text = f"{acc.mean():.3f} ({acc.min():.3f})"
            row.append(f"**{text}**" if models[m]["mean_test"] == best else text)
        rows.append(row)
    return rows


def summary_lines(results: dict) -> list:
    names = model_names(results["rates"])
    lines = []
    for cell, models in results["cells"].items():
        plain = models["skmlp p=0"]["mean_test"]
        best_rate = max(names[: len(results["rates"])], key=lambda m: models[m]["mean_test"])
        cv, tuned = models["skmlp, p by CV"], models["sklearn, alpha by CV"]
        lines.append(
            f"{cell}: without dropout {100 * plain:.1f}% (training accuracy "
            f"{100 * models['skmlp p=0']['mean_train']:.1f}%); best rate {best_rate[8:]} "
            f"{100 * models[best_rate]['mean_test']:.1f}% "
            f"({100 * (models[best_rate]['mean_test'] - plain):+.1f} points); rate by CV "
            f"{100 * cv['mean_test']:.1f}% (chosen: {', '.join(f'{p:g}' for p in cv['chosen'])}); "
            f"scikit-learn {100 * models['sklearn']['mean_test']:.1f}%, with alpha by CV "
            f"{100 * tuned['mean_test']:.1f}% (chosen: "
            f"{', '.join(f'{a:g}' for a in tuned['chosen'])})."
        )
    c = results["cost"]
    for r in c["runs"]:
        lines.append(
            f"Cost, {c['dataset']}, {r['dtype']}, {r['kernels']} kernels: "
            f"{1000 * r['seconds_per_epoch']['none']:.0f} ms per epoch without dropout, "
            f"{1000 * r['seconds_per_epoch']['dropout']:.0f} ms with dropout={c['rate']:g}: "
            f"ratio {r['ratio']:.3f} in wall-clock time, {r['cpu_ratio']:.3f} in CPU time "
            f"(medians of {len(r['ratios'])} same-run ratios, the middle half of the "
            f"wall-clock ratios from {np.percentile(r['ratios'], 25):.2f} to "
            f"{np.percentile(r['ratios'], 75):.2f}; target at most 1.15: "
            f"{'met' if r['ratio'] <= 1.15 else 'NOT met'} in wall-clock time, "
            f"{'met' if r['cpu_ratio'] <= 1.15 else 'NOT met'} in CPU time)."
        )
    return lines


def markdown(results: dict) -> str:
    names = model_names(results["rates"])
    lines = ["| cell | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in _cell_table(results["cells"], names)]
    return "\n".join(lines + [""] + summary_lines(results))


def rst(results: dict) -> str:
    """The tables as reStructuredText (report_benchmarks.py stamps them and writes the page's
    include)."""
    names = model_names(results["rates"])
    out = [
        ".. list-table:: Test accuracy: mean over seeds (worst seed); the best mean in bold",
        "   :header-rows: 1",
        "",
        "   * - cell",
        *[f"     - {m}" for m in names],
    ]
    for row in _cell_table(results["cells"], names):
        out += [f"   * - {row[0]}", *[f"     - {cell}" for cell in row[1:]]]
    out += [
        "",
        *[line for text in summary_lines(results) for line in ("* " + text, "")],
        f"{results['seeds']} seeds, ``max_iter={results['max_iter']}``, hidden layer "
        f"{HIDDEN[0]}; dropout rates {', '.join(f'{p:g}' for p in results['rates'])}; "
        f"alphas {', '.join(f'{a:g}' for a in results['alphas'])}. On a busy machine (see the "
        "load average above) the seconds are noisy, the same-run ratios much less.",
        "",
    ]
    return "\n".join(out)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mnist",
        default=os.environ.get(MNIST_ENV),
        help=f"MNIST .npz for the cost per epoch (default: ${MNIST_ENV}; synthetic if unset).",
    )
    parser.add_argument("--quick", action="store_true", help="one small cell: a smoke test.")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per cell (3; 1 quick).")
    parser.add_argument("--max-iter", type=int, default=None, help="epochs (200; 20 quick).")
    parser.add_argument("--rates", type=float, nargs="+", default=None)
    parser.add_argument("--alphas", type=float, nargs="+", default=None)
    parser.add_argument("--cells", nargs="+", default=None)
    parser.add_argument("--n-jobs", type=int, default=1, help="fits run in parallel (joblib).")
    parser.add_argument("--cost-rows", type=int, default=20000)
    parser.add_argument("--cost-repeats", type=int, default=None)
    parser.add_argument("--cost-rate", type=float, default=0.5)
    parser.add_argument(
        "--cost-kernels", nargs="+", default=None, help="kernels timed (numpy numba; numpy quick)."
    )
    parser.add_argument(
        "--output",
        default=str(Path(__file__).parent / "results" / "bench_dropout.json"),
        help="where the JSON results go.",
    )
    parser.add_argument(
        "--only-cost",
        action="store_true",
        help="measure the cost again, keeping the accuracy figures of --output.",
    )
    args = parser.parse_args(argv)
    bt.fill_defaults(
        args,
        args.quick,
        [
            ("seeds", 3, 1),
            ("max_iter", 200, 20),
            ("rates", list(RATES), [0.0, 0.5]),
            ("alphas", list(ALPHAS), [1e-4, 1.0]),
            ("cells", ["digits_200", "noisy_300", "digits_1000"], ["digits_200"]),
            ("cost_repeats", 15, 2),
            ("cost_kernels", ["numpy", "numba"], ["numpy"]),
        ],
    )
    if args.seeds < 1 or args.max_iter < 1 or args.cost_repeats < 1:
        parser.error("--seeds, --max-iter and --cost-repeats must be positive")
    if 0.0 not in args.rates or not all(0 <= p < 1 for p in args.rates):
        parser.error("--rates must include 0 and lie in [0, 1)")
    if args.mnist is not None and not os.path.isfile(args.mnist):
        parser.error(f"--mnist {args.mnist!r}: no such file")
    for cell in args.cells:
        try:
            load_cell(cell)
        except (ValueError, IndexError):
            parser.error(f"--cells: unknown cell {cell!r} (digits_N or noisy_N)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,)
    output = Path(args.output)
    if args.only_cost:
        if not output.is_file():
            print(f"error: --only-cost needs the results of an earlier run in {output}")
            return 2
        kept = json.loads(output.read_text())
        args.seeds, args.max_iter, args.rates, args.alphas = (
            kept["seeds"], kept["max_iter"], kept["rates"], kept["alphas"],
        )  # fmt: skip
        cells = kept["cells"]
        # where the kept accuracy figures were measured (the stamp is the cost's)
        accuracy_machine = kept.get("accuracy_machine", kept["machine"])
    else:
        cells = accuracy(args)
        accuracy_machine = None
    results = {
        "cells": cells,
        "seeds": args.seeds,
        "max_iter": args.max_iter,
        "rates": args.rates,
        "alphas": args.alphas,
        "n_jobs": args.n_jobs,
        "cost": cost(args),
        "machine": {**bt.machine_info(), "load_average": list(load)},  # commit included
        "accuracy_machine": accuracy_machine,  # None: this run measured the accuracy too
    }
    print(markdown(results))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
