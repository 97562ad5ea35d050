"""Time what users run, skmlp's MLPClassifier against scikit-learn's, in one run.

``bench_training.py`` times warm epochs on a C-ordered array. This script
times the everyday paths around them, each for both libraries in the same
run (in alternating order, the ratio being the median of per-repeat ratios,
as there):

* **fresh-process fit**: a new Python process imports the library, loads
  digits and fits it (64 hidden units, ``--digits-epochs`` epochs); timed
  end to end (imports included) and the fit alone;
* **GridSearchCV(n_jobs=2)** on digits, in a new process each time, so that
  every loky worker is a fresh process too (a 4-point ``alpha`` grid, 3-fold);
* **an epoch per layout**: seconds per epoch on a pandas DataFrame, a
  Fortran-ordered array and a read-only memmap, each against the same values
  as a C-ordered array;
* **early-stopping memory**: the peak memory of a fit with
  ``early_stopping=True`` and of one without (``tracemalloc``, after a
  warm-up fit so that imports are not counted), as multiples of the size of X;
* **predict_proba latency** on 1 row (median of many calls) and on 10,000 rows;
* **partial_fit streaming**: one pass of ``partial_fit`` over the chunks of a
  memmap.

The results are printed as a markdown table and written, with the machine's
description (shared with ``bench_training.py``), to a JSON file.

Examples
--------
Full run (MNIST for the epochs, streaming and latency)::

    python benchmarks/bench_workloads.py --mnist path/to/mnist.npz

Smoke test (synthetic data, a few seconds)::

    python benchmarks/bench_workloads.py --quick --output /tmp/workloads.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt  # noqa: E402  (the shared helpers)

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "bench_workloads.json"
LIBS = ("skmlp", "sklearn")

# A child process: imports, data, one fit; prints "fit_seconds total_seconds".
FRESH_FIT = r"""
import time
start = time.perf_counter()
import sys, warnings
from sklearn.datasets import load_digits
if sys.argv[1] == "skmlp":
    from skmlp import MLPClassifier
else:
    from sklearn.neural_network import MLPClassifier
X, y = load_digits(return_X_y=True)
epochs = int(sys.argv[2])
clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=epochs, tol=0.0,
                    n_iter_no_change=epochs + 1, random_state=0)
warnings.simplefilter("ignore")
fit_start = time.perf_counter()
clf.fit(X / 16, y)
end = time.perf_counter()
print(end - fit_start, end - start)
"""

# A child process: GridSearchCV(n_jobs=2) whose loky workers start afresh.
GRID_SEARCH = r"""
import time
start = time.perf_counter()
import sys, warnings
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
if sys.argv[1] == "skmlp":
    from skmlp import MLPClassifier
else:
    from sklearn.neural_network import MLPClassifier
X, y = load_digits(return_X_y=True)
epochs, n_alphas, cv = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=epochs, random_state=0)
grid = {"alpha": [10.0 ** -k for k in range(1, n_alphas + 1)]}
warnings.simplefilter("ignore")
search_start = time.perf_counter()
GridSearchCV(clf, grid, cv=cv, n_jobs=2).fit(X / 16, y)
end = time.perf_counter()
print(end - search_start, end - start)
"""


def run_child(code: str, *args) -> tuple:
    """Run ``code`` in a new interpreter; its printed ``(inner, total)`` seconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    if out.returncode != 0:
        raise RuntimeError(f"child process failed:\n{out.stderr[-2000:]}")
    inner, total = map(float, out.stdout.split()[-2:])
    return inner, total


def paired(raw: dict, repeats: int, measure) -> None:
    """Fill ``raw[lib]`` with ``repeats`` measurements, alternating the order."""
    for repeat in range(repeats):
        for lib in bt.alternate(list(raw), repeat):
            raw[lib].append(measure(lib))


def estimator(lib: str, **params):
    """skmlp's or scikit-learn's MLPClassifier with the same ``params``."""
    if lib == "skmlp":
        from skmlp import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    return MLPClassifier(**params)


# ----------------------------------------------------------------------------
# The workloads; each returns a result dict with "raw" timings
# ----------------------------------------------------------------------------
def fresh_fit(args) -> dict:
    raw = {lib: [] for lib in LIBS}
    paired(raw, args.repeats, lambda lib: run_child(FRESH_FIT, lib, args.digits_epochs))
    return {
        "fit_s": {lib: [r[0] for r in raw[lib]] for lib in LIBS},
        "process_s": {lib: [r[1] for r in raw[lib]] for lib in LIBS},
        "epochs": args.digits_epochs,
    }


def grid_search(args) -> dict:
    raw = {lib: [] for lib in LIBS}
    n_alphas, cv = (2, 2) if args.quick else (4, 3)
    paired(
        raw,
        args.repeats,
        lambda lib: run_child(GRID_SEARCH, lib, args.digits_epochs, n_alphas, cv),
    )
    return {
        "search_s": {lib: [r[0] for r in raw[lib]] for lib in LIBS},
        "process_s": {lib: [r[1] for r in raw[lib]] for lib in LIBS},
        "fits": n_alphas * cv,
    }


def layout_epochs(X, y, args, workdir: Path) -> dict:
    """Seconds per epoch on each layout of the same values, for both libraries."""
    import pandas as pd

    path = workdir / "X_layouts.npy"
    np.save(path, X)
    layouts = {
        "C": X,
        "DataFrame": pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])]),
        "Fortran": np.asfortranarray(X),
        "memmap": np.load(path, mmap_mode="r"),
    }
    params = dict(
        hidden_layer_sizes=(100,),
        max_iter=args.epochs,
        tol=0.0,
        n_iter_no_change=args.epochs + 1,
        random_state=0,
    )
    for lib in LIBS:  # warm-up: imports and compiled kernels
        bt.fit_quietly(estimator(lib, **(params | {"max_iter": 1})), X[:300], y[:300])
    raw = {f"{lib} {name}": [] for lib in LIBS for name in layouts}

    def measure(key):
        lib, name = key.split()
        return bt.time_fit(estimator(lib, **params), layouts[name], y)

    paired(raw, args.repeats, measure)
    return {"s_per_epoch": raw, "shape": list(X.shape), "dtype": str(X.dtype)}


def early_stopping_memory(args) -> dict:
    """Peak memory of a fit with and without early stopping, over the size of X."""
    rng = np.random.default_rng(0)
    n = 20_000 if args.quick else 200_000
    X = rng.standard_normal((n, 50)).astype(np.float32)
    y = rng.integers(0, 5, n)
    result = {"X_mb": X.nbytes / 1e6, "shape": [n, 50]}
    for lib in LIBS:
        for early in (False, True):
            bt.fit_quietly(estimator(lib, max_iter=1, early_stopping=early), X[:500], y[:500])
            est = estimator(lib, max_iter=1, early_stopping=early, random_state=0)
            peak = bt.peak_memory_mb(lambda est=est: bt.fit_quietly(est, X, y))
            result[f"{lib} early_stopping={early}"] = peak / result["X_mb"]
    return result


def predict_latency(X, y, args) -> dict:
    """Seconds of ``predict_proba`` on 1 row and on 10,000 rows (or all of X's)."""
    params = dict(hidden_layer_sizes=(100,), max_iter=2, random_state=0)
    fitted = {lib: bt.fit_quietly(estimator(lib, **params), X, y) for lib in LIBS}
    rows = np.resize(X, (args.n_predict, X.shape[1]))
    one = X[:1]
    calls = 20 if args.quick else 200
    raw = {f"{lib} {n}": [] for lib in LIBS for n in ("1 row", "many rows")}

    def measure(key):
        lib, what = key.split(" ", 1)
        est = fitted[lib]
        if what == "1 row":
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                est.predict_proba(one)
                times.append(time.perf_counter() - start)
            return statistics.median(times)
        return bt.time_predict(est, rows)

    for lib in LIBS:  # first calls load what they need
        fitted[lib].predict_proba(rows[:10])
    paired(raw, args.repeats, measure)
    return {"s_per_call": raw, "n_rows": args.n_predict}


def streaming(X, y, args, workdir: Path) -> dict:
    """Seconds of one pass of ``partial_fit`` over the chunks of a memmap."""
    path = workdir / "X_stream.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    classes = np.unique(y)
    chunk = args.chunk

    def one_pass(lib):
        est = estimator(lib, hidden_layer_sizes=(100,), random_state=0)
        start = time.perf_counter()
        for first in range(0, X_map.shape[0], chunk):
            est.partial_fit(X_map[first : first + chunk], y[first : first + chunk], classes=classes)
        return time.perf_counter() - start

    for lib in LIBS:
        one_pass(lib)  # warm-up
    raw = {lib: [] for lib in LIBS}
    paired(raw, args.repeats, one_pass)
    return {"s_per_pass": raw, "chunk_rows": chunk, "n_chunks": math.ceil(len(y) / chunk)}


# ----------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------
def med(values) -> float:
    return statistics.median(values)


def ratio(a: list, b: list) -> float:
    """Median over repeats of ``a / b`` (per-repeat pairs)."""
    return statistics.median(x / y for x, y in zip(a, b))


def summary_rows(results: dict) -> list:
    """``(workload, skmlp, sklearn, skmlp/sklearn, note)`` rows of the table."""
    rows = []
    if "fresh_fit" in results:
        r = results["fresh_fit"]
        for what, key in (("fit alone", "fit_s"), ("process, imports included", "process_s")):
            a, b = r[key]["skmlp"], r[key]["sklearn"]
            rows.append((f"fresh-process digits fit, {what} (s)", med(a), med(b), ratio(a, b), ""))
    if "grid_search" in results:
        r = results["grid_search"]
        for what, key in (("search", "search_s"), ("process", "process_s")):
            a, b = r[key]["skmlp"], r[key]["sklearn"]
            rows.append(
                (
                    f"GridSearchCV(n_jobs=2) digits, {r['fits']} fits, {what} (s)",
                    med(a),
                    med(b),
                    ratio(a, b),
                    "",
                )
            )
    if "layouts" in results:
        raw = results["layouts"]["s_per_epoch"]
        for name in ("DataFrame", "Fortran", "memmap"):
            sk, sl = raw[f"skmlp {name}"], raw[f"sklearn {name}"]
            rows.append(
                (
                    f"epoch on {name} (s)",
                    med(sk),
                    med(sl),
                    ratio(sk, sl),
                    f"skmlp {name}/C {ratio(sk, raw['skmlp C']):.2f}, "
                    f"sklearn {name}/C {ratio(sl, raw['sklearn C']):.2f}",
                )
            )
        sk, sl = raw["skmlp C"], raw["sklearn C"]
        rows.append(("epoch on C-ordered array (s)", med(sk), med(sl), ratio(sk, sl), ""))
    if "memory" in results:
        r = results["memory"]
        for early in (True, False):
            a, b = r[f"skmlp early_stopping={early}"], r[f"sklearn early_stopping={early}"]
            note = f"X = {r['X_mb']:.0f} MB"
            if early:
                extra = a - r["skmlp early_stopping=False"]
                note += f"; early stopping adds {extra:.2f} X to skmlp's peak"
            rows.append((f"peak memory / X, early_stopping={early}", a, b, a / b, note))
    if "predict" in results:
        raw = results["predict"]["s_per_call"]
        for what, label in (
            ("1 row", "1 row"),
            ("many rows", f"{results['predict']['n_rows']} rows"),
        ):
            a, b = raw[f"skmlp {what}"], raw[f"sklearn {what}"]
            rows.append((f"predict_proba, {label} (s)", med(a), med(b), ratio(a, b), ""))
    if "streaming" in results:
        r = results["streaming"]
        a, b = r["s_per_pass"]["skmlp"], r["s_per_pass"]["sklearn"]
        rows.append(
            (
                f"partial_fit over {r['n_chunks']} memmap chunks of {r['chunk_rows']} rows (s)",
                med(a),
                med(b),
                ratio(a, b),
                "",
            )
        )
    return rows


def markdown_table(rows: list) -> str:
    lines = [
        "| workload | skmlp | sklearn | skmlp/sklearn | note |",
        "|---|---|---|---|---|",
    ]
    for name, a, b, r, note in rows:
        lines.append(f"| {name} | {a:.4g} | {b:.4g} | {r:.2f} | {note} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------
WORKLOADS = ("fresh_fit", "grid_search", "layouts", "memory", "predict", "streaming")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time everyday workloads of skmlp.MLPClassifier against scikit-learn's."
    )
    bt.add_mnist_argument(parser, " for the epochs, streaming and latency")
    parser.add_argument(
        "--quick", action="store_true", help="small synthetic data, 1 repeat: a smoke test."
    )
    parser.add_argument("--repeats", type=int, default=None, help="default 5 (1 quick).")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per layout fit (3).")
    parser.add_argument(
        "--digits-epochs", type=int, default=None, help="epochs of the digits fits (60; 3 quick)."
    )
    parser.add_argument("--n-train", type=int, default=None, help="rows (20000; 1000 quick).")
    parser.add_argument(
        "--n-predict", type=int, default=None, help="rows of the large predict (10000; 1000 quick)."
    )
    parser.add_argument(
        "--chunk", type=int, default=None, help="partial_fit chunk rows (1000; 200 quick)."
    )
    parser.add_argument(
        "--workloads",
        default=",".join(WORKLOADS),
        help=f"comma-separated subset of {', '.join(WORKLOADS)} (default all).",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON results file (default benchmarks/results/bench_workloads.json).",
    )
    args = parser.parse_args(argv)
    bt.fill_defaults(
        args,
        args.quick,
        [
            ("repeats", 5, 1),
            ("epochs", 3, 2),
            ("digits_epochs", 60, 3),
            ("n_train", 20000, 1000),
            ("n_predict", 10000, 1000),
            ("chunk", 1000, 200),
        ],
    )
    unknown = set(args.workloads.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload(s): {', '.join(sorted(unknown))}")
    if min(args.repeats, args.epochs, args.digits_epochs, args.chunk) < 1:
        parser.error("--repeats, --epochs, --digits-epochs and --chunk must be at least 1")
    return args


def training_data(args):
    """``(X, y)`` float32: MNIST's first rows, or synthetic data with --quick."""
    data_args = argparse.Namespace(
        quick=args.quick, mnist=args.mnist, n_train=args.n_train, n_predict=1
    )
    X, y, _ = bt.load_data(data_args)
    return np.ascontiguousarray(X, dtype=np.float32), y


def main(argv=None) -> int:
    args = parse_args(argv)
    chosen = args.workloads.split(",")
    needs_data = {"layouts", "predict", "streaming"} & set(chosen)
    try:
        X, y = training_data(args) if needs_data else (None, None)
    except bt.DataError as exc:
        print(f"error: cannot load MNIST: {exc}", file=sys.stderr)
        return 2
    bt.warn_if_busy()
    results = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workdir = Path(tmp)
        steps = {
            "fresh_fit": lambda: fresh_fit(args),
            "grid_search": lambda: grid_search(args),
            "layouts": lambda: layout_epochs(X, y, args, workdir),
            "memory": lambda: early_stopping_memory(args),
            "predict": lambda: predict_latency(X, y, args),
            "streaming": lambda: streaming(X, y, args, workdir),
        }
        for name in WORKLOADS:
            if name in chosen:
                print(f"running {name} ...", file=sys.stderr, flush=True)
                results[name] = steps[name]()
    rows = summary_rows(results)
    print(markdown_table(rows))
    report = {
        "machine": bt.machine_info(),
        "settings": {
            "dataset": "synthetic (make_classification)" if args.quick else "MNIST",
            "n_train": args.n_train,
            "repeats": args.repeats,
            "epochs": args.epochs,
            "digits_epochs": args.digits_epochs,
        },
        "summary": [
            dict(zip(("workload", "skmlp", "sklearn", "skmlp_over_sklearn", "note"), row))
            for row in rows
        ],
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=bt._json_default))
    print(f"\nJSON written to {args.output}")
    finite = all(math.isfinite(r[1]) and math.isfinite(r[2]) for r in rows)
    return 0 if finite else 1


if __name__ == "__main__":
    sys.exit(main())
