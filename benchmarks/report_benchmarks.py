"""Turn the JSON of ``bench_training.py`` into the benchmarks page's tables and chart.

Regenerating the page is two commands, run from the repository root::

    python benchmarks/bench_training.py --mnist path/to/mnist.npz --repeats 7
    python benchmarks/report_benchmarks.py

The second reads ``benchmarks/results/bench_training.json`` (or the file
given as its argument) and writes

* ``docs/_generated/bench_results.inc``: what was measured on which machine,
  and the tables, included by ``docs/benchmarks.rst``;
* ``docs/_generated/bench_summary.inc``: the one-line speed summary of the
  index page;
* ``docs/_static/benchmarks.svg``: the chart;
* ``docs/_static/bench_training.json``: a copy of the raw results, linked from
  the page;
* ``docs/_generated/bench_workloads.inc`` and ``docs/_generated/bench_onnx.inc``
  (with a copy of its JSON in ``docs/_static/bench_onnx.json``), from the
  results of ``bench_workloads.py`` and ``bench_onnx.py`` when they exist.

Nothing is measured here: every number comes from the JSON file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT / "benchmarks" / "results" / "bench_training.json"
DEFAULT_WORKLOADS = ROOT / "benchmarks" / "results" / "bench_workloads.json"
DEFAULT_ONNX = ROOT / "benchmarks" / "results" / "bench_onnx.json"
DOCS = ROOT / "docs"

LIBS = (  # key in the JSON, column title, bar colour
    ("skmlp", "skmlp", "tab:blue"),
    ("skmlp-numpy", "skmlp, numpy kernels", "tab:cyan"),
    ("sklearn", "scikit-learn", "tab:grey"),
    ("floor", "floor (products only)", "black"),
)


def label(config: dict) -> str:
    """``(100,) logistic, adam, batch 200, float32`` for one configuration."""
    hidden = str(tuple(config["hidden"]))
    if config["task"] == "predict_proba":
        return f"predict_proba, {hidden} {config['activation']}, {config['dtype']}"
    return (
        f"{hidden} {config['activation']}, {config['solver']}, "
        f"batch {config['batch_size']}, {config['dtype']}"
    )


def _table(title: str, header: list, rows: list, widths: str | None = None) -> list:
    lines = [f".. list-table:: {title}", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {widths}")
    lines.append("")
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return [*lines, ""]


def _fmt(value, digits=None):
    """Ratios with ``digits`` decimals; seconds as milliseconds, about 3 digits."""
    if value is None:
        return "n/a"
    if digits is not None:
        return f"{value:.{digits}f}"
    ms = 1000 * value
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def not_representative(report: dict) -> list:
    """Why the figures of ``report`` should not be read as skmlp's speed (empty if none)."""
    m, s = report["machine"], report["settings"]
    reasons = []
    if s["dataset"] != "MNIST":
        reasons.append(f"- the data are {s['dataset']}, not MNIST;")
    if s["repeats"] < 3:
        reasons.append(f"- {s['repeats']} repeat(s), fewer than 3;")
    load = (m.get("load_average") or [0.0])[0]
    if load > (m.get("cpu_affinity") or m["cpu_count"]):
        reasons.append(
            f"- the machine was busy (load average {load:.1f} on {m['cpu_count']} CPUs);"
        )
    return reasons


def machine_text(report: dict) -> list:
    """What was measured, and on which machine, as rst paragraphs."""
    m, s = report["machine"], report["settings"]
    caveat = [f"   {reason}" for reason in not_representative(report)]
    if caveat:
        caveat = [
            ".. warning::",
            "",
            "   These figures are not representative and only show the page's layout:",
            "",
            *caveat,
            "",
            "   Regenerate them with the commands of :ref:`running-benchmarks`.",
            "",
        ]
    blas = [b for b in (m.get("blas") or []) if b.get("user_api") == "blas"]
    blas_text = (
        ", ".join(
            f"{b['internal_api']} {b.get('version') or ''} ({b.get('architecture') or '?'}, "
            f"{b['num_threads']} threads)".replace("  ", " ")
            for b in blas[:1]
        )
        or "unknown"
    )
    threads = s.get("blas_threads")
    load = m.get("load_average")
    commit = (m.get("git_commit") or "unknown")[:7]
    return [
        *caveat,
        f"**Data.** {s['dataset']}: {s['n_train']:,} training rows of {s['n_features']} "
        f"features, {s['n_classes']} classes; {s['epochs']} epochs per fit, "
        f"{s['repeats']} repeat(s); ``predict_proba`` on {s['n_predict']:,} rows.",
        "",
        f"**Machine.** {m['cpu_count']} CPUs ({m['platform']}), BLAS: {blas_text}"
        + (f", limited to {threads} thread(s)" if threads else "")
        + f"; Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, "
        f"scikit-learn {m['sklearn']}, numba {m.get('numba') or 'not installed'}; "
        f"skmlp {m['skmlp']} at commit ``{commit}`` with the {m['skmlp_kernels']} kernels."
        + (
            f" Load average at the start: {load[0]:.1f} (a busy machine makes the seconds "
            "noisy; the ratios, taken within each repeat, much less so)."
            if load
            else ""
        ),
        "",
    ]


def tables(report: dict) -> list:
    """The seconds table and the ratios table."""
    seconds, ratios = [], []
    for row in report["results"]:
        med, mem = row["median_s"], row["peak_mb"]
        name = label(row["config"]) + (" (s/call)" if row["unit"] == "s/call" else "")
        seconds.append(
            [name]
            + [_fmt(med.get(key)) for key, _, _ in LIBS]
            + [_fmt(med.get("gather")) if "gather" in med else "n/a"]
        )
        ratios.append(
            [
                name,
                _fmt(row["sklearn_over_skmlp"], 2),
                _fmt(row.get("numpy_kernels_over_skmlp"), 2),
                _fmt(row["skmlp_over_floor"], 2),
                _fmt(row.get("skmlp_over_floor_gather"), 2),
                f"{mem['skmlp']:.1f}",
                f"{mem['sklearn']:.1f}",
                f"{row['X_mb']:.1f}",
            ]
        )
    return [
        *_table(
            "Milliseconds per epoch (per call for predict_proba), medians",
            ["configuration", *(title for _, title, _ in LIBS), "gather"],
            seconds,
            "30 14 14 14 14 14",
        ),
        *_table(
            "Ratios (medians of per-repeat ratios) and peak extra memory of one fit",
            [
                "configuration",
                "scikit-learn / skmlp",
                "skmlp-numpy / skmlp",
                "skmlp / floor",
                "skmlp / (floor + gather)",
                "skmlp MB",
                "scikit-learn MB",
                "X MB",
            ],
            ratios,
            "30 10 10 10 10 10 10 10",
        ),
    ]


def dtype_lines(report: dict) -> list:
    """float64 time / float32 time for networks run in both dtypes."""
    by_network = {}
    for row in report["results"]:
        c = row["config"]
        key = (tuple(c["hidden"]), c["activation"], c["solver"], c["batch_size"], c["task"])
        by_network.setdefault(key, {})[c["dtype"]] = row["median_s"]
    lines = []
    for (hidden, act, solver, _, task), med in by_network.items():
        if task == "fit" and {"float32", "float64"} <= med.keys():
            f = {lib: med["float64"][lib] / med["float32"][lib] for lib in ("skmlp", "sklearn")}
            lines += [
                f"**float32.** For the {hidden[0]}-unit {act} network with {solver}, a float32 "
                f"epoch is {f['skmlp']:.2f} times faster than a float64 one in skmlp "
                f"({f['sklearn']:.2f} times in scikit-learn).",
                "",
            ]
    return lines


def summary(report: dict) -> str:
    """One line for the index page: the range of scikit-learn / skmlp over the fits."""
    fits = [r for r in report["results"] if r["config"]["task"] == "fit"]
    fast = [r["sklearn_over_skmlp"] for r in fits]
    text = (
        f"{min(fast):.1f} to {max(fast):.1f} times faster per epoch "
        f"({report['settings']['dataset']}, {len(fits)} networks)"
    )
    numpy = [
        r["sklearn_over_skmlp"] / r["numpy_kernels_over_skmlp"]
        for r in fits
        if r.get("numpy_kernels_over_skmlp")
    ]
    if numpy:
        text += f"; {min(numpy):.1f} to {max(numpy):.1f} times without the ``fast`` extra"
    if not_representative(report):
        text += " (from a short run, not representative: see the benchmarks page)"
    return text + "\n"


def chart(report: dict, path: Path) -> None:
    """Horizontal bars: seconds per epoch of each trainer, one group per network."""
    try:
        import matplotlib
    except ImportError:  # the docs extra has it; the tables need nothing but the JSON
        print(f"matplotlib is not installed: {path} not redrawn", file=sys.stderr)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: a small, searchable file
    plt.rcParams["svg.hashsalt"] = "skmlp"  # stable ids: the same JSON gives the same file
    fits = [r for r in report["results"] if r["config"]["task"] == "fit"]
    fig, ax = plt.subplots(figsize=(9, 1.1 + 0.9 * len(fits)))
    height = 0.8 / len(LIBS)
    for k, (key, title, colour) in enumerate(LIBS):
        ys = [i + (k - (len(LIBS) - 1) / 2) * height for i in range(len(fits))]
        xs = [1000 * r["median_s"].get(key, 0.0) for r in fits]
        ax.barh(ys, xs, height=height, color=colour, label=title)
    ax.set_yticks(range(len(fits)), [label(r["config"]) for r in fits])
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds per epoch (median; shorter is faster)")
    ax.set_title(
        f"{report['settings']['dataset']}, {report['settings']['n_train']:,} rows: "
        "training time per epoch"
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def workloads_table(report: dict) -> list:
    """bench_workloads.py's summary as a table, with the run's commit and settings."""
    settings, machine = report["settings"], report["machine"]
    rows = []
    for row in report["summary"]:
        seconds = row["workload"].endswith("(s)")
        value = (lambda v: _fmt(v)) if seconds else (lambda v: _fmt(v, 2))
        rows.append(
            [
                row["workload"].replace("(s)", "(ms)"),
                value(row["skmlp"]),
                value(row["sklearn"]),
                _fmt(row["skmlp_over_sklearn"], 2),
                row["note"] or "",
            ]
        )
    intro = (
        f"Commit ``{machine['git_commit'][:7]}``, {settings['dataset']} "
        f"({settings['n_train']} rows for the epochs, {settings['epochs']} epochs per "
        f"layout fit), {settings['repeats']} repeats, {machine['cpu_count']} CPUs, "
        f"load average {machine['load_average'][0]:.1f} at the start."
    )
    header = ["workload", "skmlp", "scikit-learn", "skmlp / scikit-learn", "goal, detail"]
    return [intro, "", *_table("", header, rows, "30 12 12 12 34")]


def onnx_table(report: dict) -> list:
    """bench_onnx.py's timings and agreement as a table, with the run's commit and settings."""
    settings, machine = report["settings"], report["machine"]
    rows = []
    for row in report["results"]:
        med, agree = row["median_s"], report["agreement"][row["dtype"]]
        rows.append(
            [
                f"{row['dtype']}, {row['n_rows']:,} row{'s' if row['n_rows'] > 1 else ''}",
                _fmt(med["predict_proba"]),
                _fmt(med["onnxruntime"]),
                _fmt(row["predict_proba_over_onnxruntime"], 1),
                f"{agree['max_abs_diff']:.1e} / {agree['max_abs_diff_x40']:.1e}",
            ]
        )
    load = machine.get("load_average")
    intro = (
        f"Commit ``{(machine.get('git_commit') or 'unknown')[:7]}``, {settings['dataset']} "
        f"({settings['n_features']} features, {settings['n_train']:,} training rows, "
        f"{settings['epochs']} epochs), {settings['repeats']} repeats of "
        f"{settings['calls']} one-row calls and one {settings['n_predict']:,}-row call, "
        f"{machine['cpu_count']} CPUs, onnxruntime {machine['onnxruntime']}, skl2onnx "
        f"{machine['skl2onnx']}" + (f", load average {load[0]:.1f} at the start." if load else ".")
    )
    if report["settings"]["dataset"] != "MNIST":
        intro += " **Not representative: a smoke run on synthetic data.**"
    header = [
        "model, rows per call",
        "predict_proba (ms)",
        "onnxruntime (ms)",
        "predict_proba / onnxruntime",
        "max abs diff, X / 40 X",
    ]
    return [intro, "", *_table("", header, rows, "24 16 16 18 26")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="the documentation folder (default docs/)."
    )
    parser.add_argument(
        "--workloads",
        type=Path,
        default=DEFAULT_WORKLOADS,
        help="bench_workloads.py's JSON (default benchmarks/results/; skipped if missing).",
    )
    parser.add_argument(
        "--onnx",
        type=Path,
        default=DEFAULT_ONNX,
        help="bench_onnx.py's JSON (default benchmarks/results/; skipped if missing).",
    )
    args = parser.parse_args(argv)
    generated, static = args.docs / "_generated", args.docs / "_static"
    if not args.json.is_file():
        print(
            f"error: {args.json} does not exist; run benchmarks/bench_training.py first",
            file=sys.stderr,
        )
        return 2
    report = json.loads(args.json.read_text())
    generated.mkdir(parents=True, exist_ok=True)
    static.mkdir(parents=True, exist_ok=True)
    header = [
        ".. Written by benchmarks/report_benchmarks.py from the benchmark's JSON: "
        "do not edit by hand.",
        "",
    ]
    results = header + machine_text(report) + tables(report) + dtype_lines(report)
    (generated / "bench_results.inc").write_text("\n".join(results))
    (generated / "bench_summary.inc").write_text(summary(report))
    chart(report, static / "benchmarks.svg")
    if args.workloads.is_file():
        workloads = json.loads(args.workloads.read_text())
        (generated / "bench_workloads.inc").write_text(
            "\n".join(header + workloads_table(workloads))
        )
    if args.onnx.is_file():
        onnx = json.loads(args.onnx.read_text())
        (generated / "bench_onnx.inc").write_text("\n".join(header + onnx_table(onnx)))
        if args.onnx.resolve() != (static / "bench_onnx.json").resolve():
            shutil.copyfile(args.onnx, static / "bench_onnx.json")
    if args.json.resolve() != (static / "bench_training.json").resolve():
        shutil.copyfile(args.json, static / "bench_training.json")
    print(f"wrote {generated}/bench_results.inc, bench_summary.inc and {static}/benchmarks.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
