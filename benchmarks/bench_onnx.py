"""Time onnxruntime on skmlp's ONNX export against ``predict_proba``, in one run.

The model is the derivation's MNIST network, 784-100-10 (sigmoid hidden
units, one sigmoid output per class), trained for a few epochs on MNIST's
first rows, in float32 and in float64. It is exported with
``skl2onnx.to_onnx(model, X[:1], options={"zipmap": False})`` after
``skmlp.onnx.register()`` and run by an ``onnxruntime.InferenceSession`` on
the CPU. For each dtype, the script times:

* **1 row**: the median over ``--calls`` calls of ``predict_proba(x)`` and of
  ``session.run(None, {"X": x})``;
* **10,000 rows** (``--n-predict``): one call of each on MNIST's test rows.

The two alternate within each repeat (their order flips between repeats), and
each ratio ``predict_proba / onnxruntime`` is the median of the per-repeat
ratios, so a shared machine's drifting speed disturbs it far less than the
seconds. It also records how far the graph's probabilities are from
``predict_proba`` on the test rows and on 40 times them, and whether the labels
are ``predict``'s. The results are printed as a markdown table and written,
with the machine's description (shared with ``bench_training.py``), to a JSON
file that ``report_benchmarks.py`` renders into the benchmarks page.

Examples
--------
Full run::

    python benchmarks/bench_onnx.py --mnist path/to/mnist.npz

Smoke test (synthetic data, a few seconds)::

    python benchmarks/bench_onnx.py --quick --output /tmp/bench_onnx.json
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt  # noqa: E402  (the shared helpers)

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "bench_onnx.json"
RUNNERS = ("predict_proba", "onnxruntime")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time onnxruntime on skmlp's ONNX export against predict_proba."
    )
    bt.add_mnist_argument(parser, " to train on and predict")
    parser.add_argument(
        "--quick", action="store_true", help="small synthetic data, 1 repeat: a smoke test."
    )
    parser.add_argument("--repeats", type=int, default=None, help="default 7 (1 quick).")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (3; 1 quick).")
    parser.add_argument("--n-train", type=int, default=None, help="rows (10000; 500 quick).")
    parser.add_argument(
        "--n-predict", type=int, default=None, help="rows of the large call (10000; 1000 quick)."
    )
    parser.add_argument(
        "--calls", type=int, default=None, help="1-row calls per timing (300; 20 quick)."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON results file (default benchmarks/results/bench_onnx.json).",
    )
    args = parser.parse_args(argv)
    bt.fill_defaults(
        args,
        args.quick,
        [
            ("repeats", 7, 1),
            ("epochs", 3, 1),
            ("n_train", 10000, 500),
            ("n_predict", 10000, 1000),
            ("calls", 300, 20),
        ],
    )
    if min(args.repeats, args.epochs, args.n_train, args.n_predict, args.calls) < 1:
        parser.error("--repeats, --epochs, --n-train, --n-predict and --calls must be positive")
    return args


def export(clf, X):
    """The model's ONNX graph in an onnxruntime session on the CPU."""
    import onnxruntime
    from skl2onnx import to_onnx

    import skmlp.onnx

    skmlp.onnx.register()
    onx = to_onnx(clf, X[:1], options={"zipmap": False})
    return onnxruntime.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])


def agreement(clf, session, X) -> dict:
    """The largest |p_onnx - predict_proba| on X and on 40 X, and whether labels agree."""
    result = {"labels_equal": True}
    for name, rows in (("max_abs_diff", X), ("max_abs_diff_x40", X * 40)):
        labels, proba = session.run(None, {"X": rows})
        result[name] = float(np.abs(proba - clf.predict_proba(rows)).max())
        result["labels_equal"] &= bool(np.array_equal(labels, clf.predict(rows)))
    return result


def time_one_dtype(X, y, X_pred, dtype: str, args) -> dict:
    """The timings of both runners on 1 row and on X_pred, and their agreement."""
    from skmlp import MLPClassifier

    X, X_pred = X.astype(dtype), X_pred.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short training does not converge
        clf = MLPClassifier(hidden_layer_sizes=(100,), max_iter=args.epochs, random_state=0)
        clf.fit(X, y)
    session = export(clf, X)
    one = X_pred[:1]
    call = {
        "predict_proba": clf.predict_proba,
        "onnxruntime": lambda rows: session.run(None, {"X": rows}),
    }
    for runner in RUNNERS:  # the first calls load and allocate what they need
        call[runner](X_pred[:10])

    def per_call(runner, rows, calls) -> float:
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            call[runner](rows)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    raw = {f"{runner}, {what}": [] for what in ("1 row", "many rows") for runner in RUNNERS}
    for repeat in range(args.repeats):
        for runner in bt.alternate(RUNNERS, repeat):
            raw[f"{runner}, 1 row"].append(per_call(runner, one, args.calls))
        for runner in bt.alternate(RUNNERS, repeat):
            raw[f"{runner}, many rows"].append(per_call(runner, X_pred, 1))
    rows = []
    for what, n_rows in (("1 row", 1), ("many rows", len(X_pred))):
        rows.append(
            {
                "dtype": dtype,
                "n_rows": n_rows,
                "median_s": {r: statistics.median(raw[f"{r}, {what}"]) for r in RUNNERS},
                "raw_s": {r: raw[f"{r}, {what}"] for r in RUNNERS},
                "predict_proba_over_onnxruntime": bt.paired_ratio(
                    raw, f"predict_proba, {what}", f"onnxruntime, {what}"
                ),
            }
        )
    return {"rows": rows, "agreement": agreement(clf, session, X_pred)}


def markdown_table(rows: list, agreement: dict) -> str:
    lines = [
        "| dtype | rows | predict_proba (ms) | onnxruntime (ms) | predict_proba / onnxruntime "
        "| max abs diff (X, 40 X) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        med, agree = row["median_s"], agreement[row["dtype"]]
        lines.append(
            f"| {row['dtype']} | {row['n_rows']:,} | {1000 * med['predict_proba']:.3f} "
            f"| {1000 * med['onnxruntime']:.3f} | {row['predict_proba_over_onnxruntime']:.2f} "
            f"| {agree['max_abs_diff']:.1e}, {agree['max_abs_diff_x40']:.1e} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    data_args = argparse.Namespace(
        quick=args.quick, mnist=args.mnist, n_train=args.n_train, n_predict=args.n_predict
    )
    try:
        X, y, X_pred = bt.load_data(data_args)
    except bt.DataError as exc:
        print(f"error: cannot load MNIST: {exc}", file=sys.stderr)
        return 2
    bt.warn_if_busy()
    rows, agreements = [], {}
    for dtype in ("float32", "float64"):
        print(f"timing {dtype} ...", file=sys.stderr, flush=True)
        result = time_one_dtype(X, y, X_pred, dtype, args)
        rows += result["rows"]
        agreements[dtype] = result["agreement"]
    print(markdown_table(rows, agreements))
    import onnxruntime
    import skl2onnx

    machine = bt.machine_info()
    machine.update(onnxruntime=onnxruntime.__version__, skl2onnx=skl2onnx.__version__)
    report = {
        "machine": machine,
        "settings": {
            "dataset": "synthetic (make_classification)" if args.quick else "MNIST",
            "n_features": X.shape[1],
            "n_train": len(X),
            "n_predict": len(X_pred),
            "epochs": args.epochs,
            "repeats": args.repeats,
            "calls": args.calls,
            "hidden_layer_sizes": [100],
        },
        "results": rows,
        "agreement": agreements,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=bt._json_default))
    print(f"\nJSON written to {args.output}")
    finite = all(
        math.isfinite(row["predict_proba_over_onnxruntime"]) and min(row["median_s"].values()) > 0
        for row in rows
    )
    return 0 if finite else 1


if __name__ == "__main__":
    sys.exit(main())
