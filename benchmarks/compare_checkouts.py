"""Time two checkouts of skmlp on the same workloads, old against new, in fresh processes.

A change to the training loop must not slow down what users already run.
This script runs each workload below in a new Python process, once with an
older checkout's ``skmlp`` first on ``PYTHONPATH`` and once with this
checkout's, alternating which goes first from one repeat to the next, and
reports ``old / new`` as the median of the per-repeat ratios (above 1: the
new checkout is faster). Both run the same benchmark code and the same
installed numpy, scipy, scikit-learn and numba; only ``skmlp`` differs.

Workloads (the everyday ones of ``bench_workloads.py``, and a small network):

* ``fresh_fit``: import, load digits, fit 64 hidden units for
  ``--digits-epochs`` epochs; the fit's seconds, and the whole process's;
* ``small_network``: digits scaled by StandardScaler, a 64-32-10 network with
  batches of 32 rows (the work where each step's fixed cost counts most):
  seconds per fit, the median of three fits after a warm-up fit;
* ``grid_search``: ``GridSearchCV(n_jobs=2)`` on digits (4 alphas, 3 folds),
  its loky workers fresh processes too;
* ``dataframe_epoch``: seconds per epoch on a float32 pandas DataFrame of
  MNIST rows (``--n-train``), 100 relu units, Adam, batches of 200;
* ``mnist_epoch``: seconds per epoch on a C-ordered float64 array of the same
  rows, logistic units, Adam (kernels as ``"auto"`` picks for a full fit);
* ``predict_1row``: the median latency of ``predict_proba`` on one row.

Examples
--------
Compare the working tree with the commit before a change::

    git worktree add /tmp/skmlp-old HEAD~3
    python benchmarks/compare_checkouts.py --old /tmp/skmlp-old --mnist path/to/mnist.npz

Smoke test (a checkout against itself, tiny workloads)::

    python benchmarks/compare_checkouts.py --old . --quick --output /tmp/compare.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt  # noqa: E402  (the shared helpers)
import bench_workloads as bw  # noqa: E402  (the fresh-process snippets)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "compare_checkouts.json"
SIDES = ("old", "new")

# Each snippet prints the seconds it measured, last on its output.
SMALL_NETWORK = r"""
import statistics, sys, time, warnings
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from skmlp import MLPClassifier
X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
epochs = int(sys.argv[1])
warnings.simplefilter("ignore")
times = []
for _ in range(4):
    clf = MLPClassifier(hidden_layer_sizes=(32,), batch_size=32, max_iter=epochs, tol=0.0,
                        n_iter_no_change=epochs + 1, random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    times.append(time.perf_counter() - start)
print(statistics.median(times[1:]))
"""

EPOCH = r"""
import statistics, sys, time, warnings
import numpy as np
from skmlp import MLPClassifier
data = np.load(sys.argv[1])
n, epochs, layout = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
X, y = data["X"][:n], data["y"][:n]
if layout == "DataFrame":
    import pandas as pd
    X = pd.DataFrame(X.astype(np.float32))
activation = "relu" if layout == "DataFrame" else "logistic"
warnings.simplefilter("ignore")
def fit(max_iter):
    clf = MLPClassifier(hidden_layer_sizes=(100,), activation=activation, solver="adam",
                        batch_size=200, max_iter=max_iter, tol=0.0,
                        n_iter_no_change=max_iter + 1, random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    return (time.perf_counter() - start) / clf.n_iter_
fit(1)  # imports, compiled kernels loaded
print(statistics.median(fit(epochs) for _ in range(3)))
"""

PREDICT_1ROW = r"""
import statistics, sys, time, warnings
from sklearn.datasets import load_digits
from skmlp import MLPClassifier
X, y = load_digits(return_X_y=True)
warnings.simplefilter("ignore")
clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=5, random_state=0).fit(X / 16, y)
row = X[:1] / 16
times = []
for _ in range(2000):
    start = time.perf_counter()
    clf.predict_proba(row)
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def run_child(checkout: Path, code: str, *args) -> list:
    """Run ``code`` in a new interpreter with ``checkout``'s skmlp; the numbers it printed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=checkout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"child process on {checkout} failed:\n{out.stderr[-2000:]}")
    return [float(v) for v in out.stdout.split()]


def skmlp_origin(checkout: Path) -> str:
    """Where ``import skmlp`` finds the package with ``checkout`` first on the path."""
    code = "import skmlp, pathlib; print(pathlib.Path(skmlp.__file__).resolve().parent)"
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=checkout
    )
    return out.stdout.strip()


def workloads(args, data_file: Path) -> dict:
    """``{name: (snippet, arguments, which printed value is the measure)}``."""
    grid = ("4", "3") if not args.quick else ("2", "2")
    return {
        "fresh_fit": (bw.FRESH_FIT, ("skmlp", args.digits_epochs), 0),
        "fresh_fit_process": (bw.FRESH_FIT, ("skmlp", args.digits_epochs), 1),
        "small_network": (SMALL_NETWORK, (args.digits_epochs,), 0),
        "grid_search": (bw.GRID_SEARCH, ("skmlp", args.digits_epochs, *grid), 0),
        "dataframe_epoch": (EPOCH, (data_file, args.n_train, args.epochs, "DataFrame"), 0),
        "mnist_epoch": (EPOCH, (data_file, args.n_train, args.epochs, "C"), 0),
        "predict_1row": (PREDICT_1ROW, (), 0),
    }


def measure(args, checkouts: dict, data_file: Path) -> dict:
    """Raw seconds ``{workload: {"old": [...], "new": [...]}}``, sides alternating."""
    chosen = workloads(args, data_file)
    if args.workloads:
        wanted = args.workloads.split(",")
        unknown = set(wanted) - set(chosen)
        if unknown:
            raise SystemExit(f"error: unknown workload(s): {', '.join(sorted(unknown))}")
        chosen = {name: chosen[name] for name in wanted}
    raw = {name: {side: [] for side in SIDES} for name in chosen}
    done = {}  # a child whose output serves two workloads (fresh_fit's two times) runs once
    for repeat in range(args.repeats):
        for name, (code, child_args, index) in chosen.items():
            for side in bt.alternate(list(SIDES), repeat):
                key = (id(code), child_args, side, repeat)
                if key not in done:
                    done[key] = run_child(checkouts[side], code, *child_args)
                raw[name][side].append(done[key][index])
            print(f"  repeat {repeat + 1}: {name}", file=sys.stderr)
    return raw


def summarize(raw: dict) -> list:
    """Per workload: medians and the median of the per-repeat ``old / new`` ratios."""
    rows = []
    for name, times in raw.items():
        ratios = [o / n for o, n in zip(times["old"], times["new"])]
        rows.append(
            {
                "workload": name,
                "old_s": statistics.median(times["old"]),
                "new_s": statistics.median(times["new"]),
                "old_over_new": statistics.median(ratios),
                "ratio_range": [min(ratios), max(ratios)],
            }
        )
    return rows


def markdown_table(rows: list) -> str:
    lines = [
        "| workload | old s | new s | old/new (median of repeats) | range of old/new |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        low, high = r["ratio_range"]
        lines.append(
            f"| {r['workload']} | {r['old_s']:.4g} | {r['new_s']:.4g} | "
            f"{r['old_over_new']:.2f} | {low:.2f} to {high:.2f} |"
        )
    return "\n".join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--old",
        type=Path,
        required=True,
        help="a checkout of skmlp to compare with this one (e.g. made by git worktree add)",
    )
    bt.add_mnist_argument(parser, " for the epochs")
    parser.add_argument("--quick", action="store_true", help="synthetic data, 1 repeat.")
    parser.add_argument("--repeats", type=int, default=None, help="default 5 (1 quick).")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per MNIST fit (3).")
    parser.add_argument("--digits-epochs", type=int, default=None, help="60 (3 quick).")
    parser.add_argument("--n-train", type=int, default=None, help="MNIST rows (20000).")
    parser.add_argument("--workloads", default=None, help="comma-separated subset (default: all).")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    bt.fill_defaults(
        args,
        args.quick,
        [("repeats", 5, 1), ("epochs", 3, 1), ("digits_epochs", 60, 3), ("n_train", 20000, 500)],
    )
    args.n_predict = 0  # bench_training's loader also cuts rows to predict: none here
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    checkouts = {"old": args.old.resolve(), "new": ROOT}
    for path in checkouts.values():
        origin = skmlp_origin(path)
        if Path(origin) != path / "skmlp":
            raise SystemExit(
                f"error: with {path} first on PYTHONPATH, skmlp is imported from {origin!r}, "
                f"not {path / 'skmlp'}: --old must be a checkout of skmlp's repository."
            )
    try:
        X, y, _ = bt.load_data(args)
    except bt.DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    import numpy as np

    args.output.parent.mkdir(parents=True, exist_ok=True)
    data_file = args.output.with_suffix(".data.npz")
    np.savez(data_file, X=X, y=y)
    try:
        bt.warn_if_busy("old/new ratios are paired, but a busy machine widens their range")
        raw = measure(args, checkouts, data_file)
    finally:
        data_file.unlink()
    rows = summarize(raw)
    table = markdown_table(rows)
    print(table)
    report = {
        "machine": bt.machine_info(),
        "old": {"path": str(checkouts["old"]), "git_commit": git_commit_of(checkouts["old"])},
        "settings": {k: getattr(args, k) for k in ("repeats", "epochs", "digits_epochs", "n_train")}
        | {"dataset": "synthetic" if args.quick else "MNIST"},
        "summary": rows,
        "raw": raw,
    }
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nJSON written to {args.output}")
    return 0


def git_commit_of(path: Path) -> str | None:
    """The commit checked out at ``path``, if it is a git checkout."""
    out = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
