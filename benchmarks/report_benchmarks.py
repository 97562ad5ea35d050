"""Render every benchmark figure of the README and the docs from the results files.

The results of each benchmark are one JSON file, committed with the code they
measured: ``docs/_static/bench_<name>.json`` (the pages link them). Every
number that the README or the docs quote from a benchmark is rendered from
those files by this script, never typed by hand:

* ``docs/_generated/*.inc``: the tables (each stamped with the commit and the
  machine it ran on), included by the pages;
* ``docs/_generated/bench_numbers.inc``: substitutions such as
  ``|numba-over-numpy|`` for the figures quoted in the pages' prose;
* ``docs/_static/benchmarks.svg``: the training chart;
* the marked blocks of ``README.md`` (``<!-- BEGIN report_benchmarks: NAME``
  ... ``<!-- END report_benchmarks: NAME -->``).

One command reruns every benchmark on this machine and re-renders it all
(from the repository root, with the ``fast`` and ``bench`` extras)::

    python benchmarks/report_benchmarks.py --run all --mnist path/to/mnist.npz

Without ``--run`` it only re-renders from the results files already there;
``--run training,workloads`` reruns some; ``--check`` writes nothing and exits
with status 1 when a rendered file differs from what the results files give
(``tests/test_report_benchmarks.py`` runs it).

Adding a benchmark
------------------
1. Write ``benchmarks/bench_<name>.py`` with an ``--output PATH`` option that
   writes its JSON, including ``"machine": bench_training.machine_info()``
   (commit, CPUs, versions).
2. Add a :class:`Benchmark` to :data:`BENCHMARKS` below: its name, the
   arguments of a full run, and a ``render`` function that turns the JSON
   (or ``None`` when there is no results file yet) into a dict of outputs:
   ``"docs/_generated/<file>.inc"`` for a whole file,
   ``"README.md#<block>"`` for a marked README block, ``"sub:<name>"`` for a
   figure quoted in the docs' prose as ``|<name>|``. Start each table with
   :func:`stamp` so that it says where it ran.
3. Include the ``.inc`` in a page, add the README markers where the figures
   go, run ``python benchmarks/report_benchmarks.py --run <name>`` and commit
   the JSON with the rendered files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path("docs/_static")  # relative to the root: bench_<name>.json
GENERATED = Path("docs/_generated")
CHART = Path("docs/_static/benchmarks.svg")
NUMBERS = GENERATED / "bench_numbers.inc"
RST_HEADER = (
    ".. Written by benchmarks/report_benchmarks.py from docs/_static/bench_*.json: "
    "do not edit by hand.\n\n"
)
BLOCK = re.compile(
    r"(<!-- BEGIN report_benchmarks: (?P<name>[\w-]+)[^\n]*-->\n)(?P<body>.*?)"
    r"(<!-- END report_benchmarks: (?P=name) -->)",
    re.DOTALL,
)


# ----------------------------------------------------------------------------
# Shared pieces: formatting, the stamp, tables
# ----------------------------------------------------------------------------
def _table(title: str, header: list, rows: list, widths: str | None = None) -> list:
    lines = [f".. list-table:: {title}".rstrip(), "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {widths}")
    lines.append("")
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}".rstrip())
        lines += [f"     - {cell}".rstrip() for cell in row[1:]]
    return [*lines, ""]


def _fmt(value, digits=None):
    """Ratios with ``digits`` decimals; seconds as milliseconds, about 3 digits."""
    if value is None:
        return "n/a"
    if digits is not None:
        return f"{value:.{digits}f}"
    ms = 1000 * value
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def _range(values, digits=2) -> str:
    low, high = min(values), max(values)
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f} to {high:.{digits}f}"


def commit_of(machine: dict) -> str:
    commit = (machine.get("git_commit") or "unknown")[:7]
    return commit + (" plus uncommitted changes" if machine.get("git_dirty") else "")


def machine_of(machine: dict) -> str:
    """``2 CPUs (Linux-...), Python 3.11.7, numpy 2.4.6, scikit-learn 1.9.1``."""
    cpus = machine.get("cpu_count") or machine.get("cpus") or "?"
    text = f"{cpus} CPUs ({machine.get('platform', 'unknown platform')})"
    if machine.get("device_name"):
        text = f"{machine['device_name']} ({machine.get('device')}), host: " + text
    versions = [
        f"{name} {machine[key]}"
        for name, key in (
            ("Python", "python"),
            ("numpy", "numpy"),
            ("scikit-learn", "sklearn"),
            ("numba", "numba"),
            ("torch", "torch"),
        )
        if machine.get(key)
    ]
    return ", ".join([text, *versions])


def caveat(reasons: list) -> tuple[list, str]:
    """An rst warning and a README sentence for figures that are not representative."""
    if not reasons:
        return [], ""
    rst = [
        ".. warning::",
        "",
        "   These figures are not representative and only show the page's layout:",
        "",
        *(f"   {reason}" for reason in reasons),
        "",
        "   Regenerate them with the command of :ref:`running-benchmarks`.",
        "",
    ]
    why = "; ".join(reason.removeprefix("- ").rstrip(";").replace("``", "`") for reason in reasons)
    readme = (
        f" **These figures are not representative ({why}): "
        "regenerate them with `python benchmarks/report_benchmarks.py --run all`.**"
    )
    return rst, readme


def stamp(report: dict) -> str:
    """Where a table's figures come from: its results file's commit and machine."""
    m = report["machine"]
    load = m.get("load_average")
    busy = f"; load average {load[0]:.1f} at the start" if load else ""
    return (
        f"*Measured at commit* ``{commit_of(m)}`` *on* {machine_of(m)}{busy}; "
        f"skmlp {m.get('skmlp', '?')}."
    )


# ----------------------------------------------------------------------------
# bench_training.py: the tables, the chart, the index line
# ----------------------------------------------------------------------------
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
    warning, _ = caveat(not_representative(report))
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
    return [
        *warning,
        f"**Data.** {s['dataset']}: {s['n_train']:,} training rows of {s['n_features']} "
        f"features, {s['n_classes']} classes; {s['epochs']} epochs per fit, "
        f"{s['repeats']} repeat(s); ``predict_proba`` on {s['n_predict']:,} rows.",
        "",
        f"**Machine.** {m['cpu_count']} CPUs ({m['platform']}), BLAS: {blas_text}"
        + (f", limited to {threads} thread(s)" if threads else "")
        + f"; Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, "
        f"scikit-learn {m['sklearn']}, numba {m.get('numba') or 'not installed'}; "
        f"skmlp {m['skmlp']} at commit ``{commit_of(m)}`` with the {m['skmlp_kernels']} "
        "kernels."
        + (
            f" Load average at the start: {load[0]:.1f} (a busy machine makes the "
            "milliseconds noisy; the ratios, taken within each repeat, much less so)."
            if load
            else ""
        ),
        "",
    ]


def training_tables(report: dict) -> list:
    """The milliseconds table and the ratios table."""
    seconds, ratios = [], []
    for row in report["results"]:
        med, mem = row["median_s"], row["peak_mb"]
        name = label(row["config"]) + (" (per call)" if row["unit"] == "s/call" else "")
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


def float32_speedups(report: dict) -> list:
    """``(network, skmlp's float64/float32, scikit-learn's)`` for networks run in both."""
    by_network = {}
    for row in report["results"]:
        c = row["config"]
        key = (tuple(c["hidden"]), c["activation"], c["solver"], c["batch_size"], c["task"])
        by_network.setdefault(key, {})[c["dtype"]] = row["median_s"]
    out = []
    for (hidden, act, solver, _, task), med in by_network.items():
        if task == "fit" and {"float32", "float64"} <= med.keys():
            f = {lib: med["float64"][lib] / med["float32"][lib] for lib in ("skmlp", "sklearn")}
            out.append(
                (f"the {hidden[0]}-unit {act} network with {solver}", f["skmlp"], f["sklearn"])
            )
    return out


def dtype_lines(report: dict) -> list:
    return [
        line
        for network, skmlp, sklearn in float32_speedups(report)
        for line in (
            f"**float32.** For {network}, a float32 epoch is {skmlp:.2f} times faster than "
            f"a float64 one in skmlp ({sklearn:.2f} times in scikit-learn).",
            "",
        )
    ]


def _fits(report: dict) -> list:
    return [r for r in report["results"] if r["config"]["task"] == "fit"]


def training_summary(report: dict) -> str:
    """One line for the index page: the range of scikit-learn / skmlp over the fits."""
    fits = _fits(report)
    text = (
        f"{_range([r['sklearn_over_skmlp'] for r in fits], 1)} times faster per epoch "
        f"({report['settings']['dataset']}, {len(fits)} networks, "
        f"{report['machine']['cpu_count']} CPUs)"
    )
    numpy = [
        r["sklearn_over_skmlp"] / r["numpy_kernels_over_skmlp"]
        for r in fits
        if r.get("numpy_kernels_over_skmlp")
    ]
    if numpy:
        text += f"; {_range(numpy, 1)} times without the ``fast`` extra"
    if not_representative(report):
        text += " (from a short run, not representative: see the benchmarks page)"
    return text + "\n"


def chart(report: dict, path: Path) -> bool:
    """Horizontal bars: milliseconds per epoch of each trainer, one group per network."""
    try:
        import matplotlib
    except ImportError:  # the docs extra has it; the tables need nothing but the JSON
        print(f"matplotlib is not installed: {path} not redrawn", file=sys.stderr)
        return False

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: a small, searchable file
    plt.rcParams["svg.hashsalt"] = "skmlp"  # stable ids: the same JSON gives the same file
    fits = _fits(report)
    fig, ax = plt.subplots(figsize=(9, 1.8 + 0.9 * len(fits)))
    height = 0.8 / len(LIBS)
    for k, (key, title, colour) in enumerate(LIBS):
        ys = [i + (k - (len(LIBS) - 1) / 2) * height for i in range(len(fits))]
        xs = [1000 * r["median_s"].get(key, 0.0) for r in fits]
        ax.barh(ys, xs, height=height, color=colour, label=title)
    ax.set_yticks(range(len(fits)), [label(r["config"]) for r in fits])
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds per epoch (median; shorter is faster)")
    s, m = report["settings"], report["machine"]
    ax.set_title(
        f"{s['dataset']}, {s['n_train']:,} rows: training time per epoch\n"
        f"commit {commit_of(m)}, {m['cpu_count']} CPUs, {m['platform']}",
        fontsize=10,
    )
    # Below the axes, where no bar is: the legend never covers the data.
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.45 / len(fits) - 0.08),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)
    return True


def render_training(report: dict | None) -> dict:
    if report is None:
        raise FileNotFoundError("run benchmarks/bench_training.py first")
    fits = _fits(report)
    speed = [r["sklearn_over_skmlp"] for r in fits]
    numba = [r["numpy_kernels_over_skmlp"] for r in fits if r.get("numpy_kernels_over_skmlp")]
    numpy = [s / n for s, n in zip(speed, numba)]
    f32 = float32_speedups(report)
    cpus = report["machine"]["cpu_count"]
    readme = (
        "`benchmarks/bench_training.py` times skmlp against scikit-learn's MLPClassifier and the "
        f"bare matrix products of each epoch: with the same arguments skmlp trains an "
        f"{report['settings']['dataset']} epoch {_range(speed, 1)} times faster than "
        f"scikit-learn on {cpus} CPUs ({_range(numpy, 1)} times with numpy's kernels alone)"
        + (f", float32 {f32[0][1]:.2f} times faster than float64" if f32 else "")
        + f", with no copy of a C-ordered `X` (commit {commit_of(report['machine'])})."
        + caveat(not_representative(report))[1]
    )
    return {
        "docs/_generated/bench_results.inc": RST_HEADER
        + "\n".join(machine_text(report) + training_tables(report) + dtype_lines(report)),
        "docs/_generated/bench_summary.inc": training_summary(report),
        "README.md#training": readme + "\n",
        "sub:numba-over-numpy": _range(numba),
        "sub:training-commit": f"``{commit_of(report['machine'])}``",
        "chart:" + str(CHART): report,
    }


# ----------------------------------------------------------------------------
# bench_workloads.py
# ----------------------------------------------------------------------------
def _workload_rows(report: dict) -> list:
    """The summary rows, recomputed from the raw results where the JSON has them."""
    if "results" in report:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import bench_workloads

        return [
            dict(zip(("workload", "skmlp", "sklearn", "skmlp_over_sklearn", "note"), row))
            for row in bench_workloads.summary_rows(report["results"])
        ]
    return report["summary"]


def _row(rows: list, start: str) -> dict:
    return next(r for r in rows if r["workload"].startswith(start))


def render_workloads(report: dict | None) -> dict:
    if report is None:
        raise FileNotFoundError("run benchmarks/bench_workloads.py first")
    settings, machine = report["settings"], report["machine"]
    rows, table = _workload_rows(report), []
    for row in rows:
        seconds = row["workload"].endswith("(s)")
        value = (lambda v: _fmt(v)) if seconds else (lambda v: _fmt(v, 2))
        table.append(
            [
                row["workload"].replace("(s)", "(ms)"),
                value(row["skmlp"]),
                value(row["sklearn"]),
                _fmt(row["skmlp_over_sklearn"], 2),
                row["note"] or "",
            ]
        )
    intro = (
        f"{stamp(report)} Data: {settings['dataset']}, {settings['n_train']:,} rows for the "
        f"epochs, {settings['epochs']} epochs per layout fit; {settings['repeats']} repeat(s)."
    )
    header = ["workload", "skmlp", "scikit-learn", "skmlp / scikit-learn", "detail"]
    reasons = [f"- the data are {settings['dataset']}, not MNIST;"] * (
        settings["dataset"] != "MNIST"
    ) + [f"- {settings['repeats']} repeat(s), fewer than 3;"] * (settings["repeats"] < 3)
    warning, readme_caveat = caveat(reasons)
    out = {
        "docs/_generated/bench_workloads.inc": RST_HEADER
        + "\n".join([*warning, intro, "", *_table("", header, table, "30 12 12 12 34")])
    }
    fit = _row(rows, "fresh-process digits fit, fit alone")
    process = _row(rows, "fresh-process digits fit, process")
    grid = _row(rows, "GridSearchCV")
    layouts = {}
    if "results" in report and "layouts" in report["results"]:
        raw = report["results"]["layouts"]["s_per_epoch"]
        import bench_workloads

        layouts = {
            name: bench_workloads.ratio(raw[f"skmlp {name}"], raw["skmlp C"])
            for name in ("DataFrame", "Fortran", "memmap")
        }
    out["README.md#workloads"] = (
        "`benchmarks/bench_workloads.py` times what users run around it, on digits: a first "
        f"fit in a fresh process takes {fit['skmlp_over_sklearn']:.2f} of scikit-learn's "
        f"time for the fit alone and {process['skmlp_over_sklearn']:.2f} for the whole "
        "process (imports included), a `GridSearchCV(n_jobs=2)` search "
        f"{grid['skmlp_over_sklearn']:.2f}"
        + (
            f"; an epoch on a DataFrame, a Fortran-ordered array or a memmap takes at most "
            f"{max(layouts.values()):.2f} times as long as on a C-ordered array"
            if layouts
            else ""
        )
        + f" (commit {commit_of(machine)}; [docs/benchmarks.rst](docs/benchmarks.rst) has "
        "the tables and the machine)." + readme_caveat + "\n"
    )
    if "results" in report and "memory" in report["results"]:
        mem = report["results"]["memory"]
        out["sub:early-stopping-memory"] = (
            f"{mem['skmlp early_stopping=True'] - mem['skmlp early_stopping=False']:.2f}"
        )
        out["sub:early-stopping-peak"] = f"{mem['skmlp early_stopping=True']:.2f}"
        out["sub:early-stopping-peak-sklearn"] = f"{mem['sklearn early_stopping=True']:.2f}"
        out["sub:memory-rows"] = f"{mem['shape'][0]:,} x {mem['shape'][1]}"
    out["sub:workloads-commit"] = f"``{commit_of(machine)}``"
    return out


# ----------------------------------------------------------------------------
# bench_accuracy.py
# ----------------------------------------------------------------------------
ACCURACY_MODELS = ("skmlp", "sklearn", "sklearn-logistic", "sklearn-tuned")


def _cell(entry: dict) -> str:
    acc = entry["accuracy"]
    mean = sum(acc) / len(acc)
    return f"{mean:.3f} ({min(acc):.3f}) {sum(entry['seconds']) / len(entry['seconds']):.2f}s"


def _cell_name(key: str) -> str:
    name, scaling, budget = key.split("|")
    return f"{name}, {scaling}, {budget} epochs"


def render_accuracy(report: dict | None) -> dict:
    if report is None:
        raise FileNotFoundError("run benchmarks/bench_accuracy.py first")
    # the tuned column where the run has it (results before it was added lack it)
    models = [m for m in ACCURACY_MODELS if m in next(iter(report["cells"].values()))]
    rows = []
    for key, cell in report["cells"].items():
        rows.append([*key.split("|"), *(_cell(cell[m]) for m in models)])
    for budget, s in report["summary"].items():
        rows.append(
            [f"**mean of {s['cells']} cells**", "", budget]
            + [f"**{s['mean_accuracy'][m]:.4f}**" for m in models]
        )
    reasons = ["- a ``--quick`` smoke run (3 small data sets);"] * bool(report.get("quick"))
    reasons += [f"- {report['seeds']} seed(s), fewer than 5;"] * (report["seeds"] < 5)
    warning, readme_caveat = caveat(reasons)
    lines = [
        *warning,
        stamp(report)
        + f" Each entry: mean test accuracy over {report['seeds']} seeds, the worst seed in "
        f"brackets, and the mean fit time (fits run {report['n_jobs']} at a time).",
        "",
        *_table("", ["data", "scaling", "epochs", *models], rows),
    ]
    for budget, s in report["summary"].items():
        lines += [
            f"max_iter={budget}: skmlp's mean below scikit-learn's by at most "
            f"{100 * max(s['largest_cell_deficit'], 0):.1f} points in a cell "
            f"({_cell_name(s['largest_cell_deficit_at'])}), its worst seed below "
            f"scikit-learn's worst by at most "
            f"{100 * max(s['largest_worst_seed_deficit'], 0):.1f} points "
            f"({_cell_name(s['largest_worst_seed_deficit_at'])}).",
            "",
        ]
        if "tuned_mean_deficit" in s:
            met = [name for name, ok in s["targets"].items() if "tuned" in name and ok]
            missed = [name for name, ok in s["targets"].items() if "tuned" in name and not ok]
            lines += [
                f"max_iter={budget}, against the tuned scikit-learn: skmlp's mean minus its mean "
                f"{100 * -s['tuned_mean_deficit']:+.2f} points, skmlp's largest cell "
                f"deficit {100 * max(s['largest_tuned_cell_deficit'], 0):.1f} points "
                f"({_cell_name(s['largest_tuned_cell_deficit_at'])}). Targets met: "
                f"{', '.join(met) or 'none'}; missed: {', '.join(missed) or 'none'}.",
                "",
            ]
    out = {}
    summary = report["summary"]
    budgets = sorted(summary, key=int, reverse=True)
    means = [
        f"{summary[b]['mean_accuracy']['skmlp']:.3f} against scikit-learn's "
        f"{summary[b]['mean_accuracy']['sklearn']:.3f} at "
        + ("the default `max_iter=200`" if b == "200" else f"{b} epochs")
        for b in budgets
    ]
    worst = max(100 * max(summary[b]["largest_cell_deficit"], 0) for b in budgets)
    first = next(iter(summary.values()))
    datasets = ", ".join(dict.fromkeys(key.split("|")[0] for key in report["cells"]))
    readme = (
        "Out of the box, inside `make_pipeline(StandardScaler(), ...)`, "
        "`make_pipeline(MinMaxScaler(), ...)` or on raw data, over "
        f"{first['cells']} data-set/scaling cells ({datasets}) and {report['seeds']} seeds "
        f"each, the default `MLPClassifier()` has a mean test accuracy of "
        f"{' and '.join(means)}, never more than {worst:.1f} points below it in a cell"
    )
    if "200" in summary and "tuned_mean_deficit" in summary["200"]:
        s200 = summary["200"]
        readme += (
            ". scikit-learn's MLP tuned by `GridSearchCV` (activation and learning rate) "
            f"does better at `max_iter=200`: {s200['mean_accuracy']['sklearn-tuned']:.3f}, "
            f"up to {100 * s200['largest_tuned_cell_deficit']:.1f} points above skmlp's "
            f"default in a cell ({_cell_name(s200['largest_tuned_cell_deficit_at'])})"
        )
    if "mnist" in report:
        m = report["mnist"]
        mnist = (
            f"{100 * m['test_accuracy']:.2f}% test accuracy with these defaults "
            f"(``learning_rate_init_`` = {m['learning_rate_init_']:.2g}), in "
            f"{m['fit_seconds']:.0f} s"
        )
        lines += [
            "MNIST (pixels / 255), ``MLPClassifier(hidden_layer_sizes=(100,), max_iter=30, "
            f"random_state=1)``: {mnist}.",
            "",
        ]
        out["sub:mnist-accuracy"] = f"{100 * m['test_accuracy']:.2f}%"
        readme += (
            ". On MNIST (pixels / 255), `MLPClassifier(hidden_layer_sizes=(100,), max_iter=30, "
            f"random_state=1)` reaches {100 * m['test_accuracy']:.2f}% test accuracy"
        )
    else:  # a run without --mnist-check: the prose says so rather than break
        out["sub:mnist-accuracy"] = "(not in the current results file)"
    out["docs/_generated/bench_accuracy.inc"] = RST_HEADER + "\n".join(lines)
    out["README.md#accuracy"] = (
        readme
        + f" (`benchmarks/bench_accuracy.py`, commit {commit_of(report['machine'])})."
        + readme_caveat
        + "\n"
    )
    return out


# ----------------------------------------------------------------------------
# bench_gpu.py
# ----------------------------------------------------------------------------
def render_gpu(report: dict | None) -> dict:
    if report is None or not str(report["settings"]["device"]).startswith("cuda"):
        text = (
            "**No GPU run is recorded yet.** skmlp's Array API path has run on "
            "array-api-strict arrays and on torch's CPU tensors (the test suite), never on a "
            "GPU: CUDA tensors, CuPy arrays and the CUDA-graph path are untested and "
            "unmeasured. This section will show ``bench_gpu.py``'s table once it has run on "
            "one.\n"
        )
        return {"docs/_generated/bench_gpu.inc": RST_HEADER + text}
    rows = [
        [
            r["implementation"],
            str(r["batch_size"]),
            _fmt(r["s_per_epoch"]),
            _fmt(r["ratio_to_eager"], 2),
        ]
        for r in report["summary"]
    ]
    acc = report["accuracy"]
    lines = [
        stamp(report),
        "",
        *_table(
            "Milliseconds per MNIST epoch on the GPU",
            ["implementation", "batch", "ms per epoch", "ratio to the eager loop"],
            rows,
        ),
    ]
    for key in ("skmlp", "torch eager"):
        if key in acc:
            lines += [f"Test accuracy, {key}: {100 * acc[key]['accuracy']:.2f}%.", ""]
    return {"docs/_generated/bench_gpu.inc": RST_HEADER + "\n".join(lines)}


# ----------------------------------------------------------------------------
# The registry
# ----------------------------------------------------------------------------
# ----------------------------------------------------------------------------
# bench_onnx.py
# ----------------------------------------------------------------------------
def render_onnx(report: dict | None) -> dict:
    """onnxruntime against predict_proba: timings, ratios and agreement."""
    if report is None:
        raise FileNotFoundError("run benchmarks/bench_onnx.py first")
    settings = report["settings"]
    rows = []
    for row in report["results"]:
        med, agree = row["median_s"], report["agreement"][row["dtype"]]
        rows.append(
            [
                f"{row['dtype']}, {row['n_rows']:,} row{'s' if row['n_rows'] > 1 else ''}",
                _fmt(med["predict_proba"]),
                _fmt(med["onnxruntime"]),
                _fmt(row["predict_proba_over_onnxruntime"], 2),
                f"{agree['max_abs_diff']:.1e} / {agree['max_abs_diff_x40']:.1e}",
            ]
        )
    reasons = [f"- the data are {settings['dataset']}, not MNIST;"] * (
        settings["dataset"] != "MNIST"
    )
    warning, _ = caveat(reasons)
    machine = report["machine"]
    intro = (
        f"{stamp(report)} onnxruntime {machine.get('onnxruntime', '?')}, skl2onnx "
        f"{machine.get('skl2onnx', '?')}. Data: {settings['dataset']} "
        f"({settings['n_features']} features, {settings['n_train']:,} training rows, "
        f"{settings['epochs']} epochs); {settings['repeats']} repeats of "
        f"{settings['calls']} one-row calls and one {settings['n_predict']:,}-row call; "
        "each ratio is the median of the per-repeat ratios."
    )
    header = [
        "model, rows per call",
        "predict_proba (ms per call)",
        "onnxruntime (ms per call)",
        "predict_proba / onnxruntime",
        "max abs diff, X / 40 X",
    ]
    lines = [*warning, intro, "", *_table("", header, rows, "24 16 16 18 26")]
    return {"docs/_generated/bench_onnx.inc": RST_HEADER + "\n".join(lines)}


# ----------------------------------------------------------------------------
# bench_dropout.py
# ----------------------------------------------------------------------------
def render_dropout(report: dict | None) -> dict:
    """Test accuracy against the dropout rate, and the cost per epoch."""
    if report is None:
        raise FileNotFoundError("run benchmarks/bench_dropout.py first")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_dropout

    reasons = [f"- {report['seeds']} seed(s), fewer than 3;"] * (report["seeds"] < 3)
    warning, _ = caveat(reasons)
    kept = report.get("accuracy_machine")
    note = (
        f" The accuracy figures are those of an earlier run of this script (skmlp "
        f"{kept.get('skmlp', '?')}, commit {commit_of(kept)}), kept by ``--only-cost``, "
        "which measured the cost again."
        if kept
        else ""
    )
    text = "\n".join([*warning, stamp(report) + note, "", bench_dropout.rst(report)])
    ratios = [run["ratio"] for run in report["cost"]["runs"]]
    return {
        "docs/_generated/bench_dropout.inc": RST_HEADER + text,
        "sub:dropout-cost": _range(ratios),
    }


@dataclass
class Benchmark:
    name: str  # bench_<name>.py writes docs/_static/bench_<name>.json
    render: Callable[[dict | None], dict]
    run_args: list = field(default_factory=list)  # a full run's arguments, "{mnist}" filled in
    needs_results: bool = True  # False: optional (no results file, or a failed run, is fine)

    @property
    def script(self) -> Path:
        return Path("benchmarks") / f"bench_{self.name}.py"

    @property
    def results(self) -> Path:
        return RESULTS / f"bench_{self.name}.json"


BENCHMARKS = [
    Benchmark("training", render_training, ["--mnist", "{mnist}", "--repeats", "7"]),
    Benchmark("workloads", render_workloads, ["--mnist", "{mnist}"]),
    Benchmark(
        "accuracy", render_accuracy, ["--mnist", "{mnist}", "--n-jobs", "2", "--mnist-check"]
    ),
    Benchmark("gpu", render_gpu, ["--mnist", "{mnist}"], needs_results=False),
    Benchmark("onnx", render_onnx, ["--mnist", "{mnist}"]),
    Benchmark("dropout", render_dropout, ["--mnist", "{mnist}", "--n-jobs", "2"]),
]


# ----------------------------------------------------------------------------
# Running, rendering, checking
# ----------------------------------------------------------------------------
def run(bench: Benchmark, root: Path, mnist: str) -> int:
    """Run one benchmark, its JSON written to the committed results file."""
    args = [a.replace("{mnist}", mnist) for a in bench.run_args]
    command = [sys.executable, str(root / bench.script), *args]
    command += ["--output", str(root / bench.results)]
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    return subprocess.run(command, cwd=root).returncode


def _substitutions(subs: dict) -> str:
    lines = [RST_HEADER.rstrip(), ""]
    lines += [f".. |{name}| replace:: {value}" for name, value in sorted(subs.items())]
    return "\n".join(lines) + "\n"


def render_all(root: Path) -> tuple[dict, dict, list]:
    """``(files, readme blocks, charts)``: every rendered text, keyed by path or block."""
    files, blocks, charts, subs = {}, {}, [], {}
    for bench in BENCHMARKS:
        path = root / bench.results
        report = json.loads(path.read_text()) if path.is_file() else None
        if report is None and bench.needs_results:
            raise FileNotFoundError(f"{bench.results} is missing: {bench.render.__name__}")
        for target, value in bench.render(report).items():
            kind, _, name = target.partition(":")
            if target.startswith("README.md#"):
                blocks[target.split("#", 1)[1]] = value
            elif kind == "sub":
                subs[name] = value
            elif kind == "chart":
                charts.append((Path(name), value))
            else:
                files[Path(target)] = value
    files[NUMBERS] = _substitutions(subs)
    return files, blocks, charts


def render_readme(text: str, blocks: dict) -> tuple[str, set]:
    """``text`` with its marked blocks replaced, and the names of the blocks found."""
    found = set()

    def replace(match):
        name = match.group("name")
        found.add(name)
        if name not in blocks:
            return match.group(0)
        return match.group(1) + blocks[name] + match.group(4)

    return BLOCK.sub(replace, text), found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module's docstring for how to add a benchmark.",
    )
    names = [b.name for b in BENCHMARKS]
    parser.add_argument(
        "--run",
        metavar="NAMES",
        help=f"rerun these benchmarks first: 'all' or a comma-separated list of {names}",
    )
    parser.add_argument(
        "--mnist",
        default=os.environ.get("SKMLP_MNIST"),
        help="MNIST .npz for --run (default: $SKMLP_MNIST)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a rendered file differs from the results files",
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository root (default: this one)"
    )
    args = parser.parse_args(argv)
    root = args.root
    if args.run:
        chosen = names if args.run == "all" else args.run.split(",")
        unknown = sorted(set(chosen) - set(names))
        if unknown:
            parser.error(f"--run: unknown benchmark(s) {unknown}; known: {names}")
        if not args.mnist:
            parser.error("--run needs --mnist PATH or $SKMLP_MNIST")
        for bench in BENCHMARKS:
            if bench.name in chosen and run(bench, root, args.mnist) != 0:
                if bench.needs_results:
                    print(f"error: bench_{bench.name}.py failed", file=sys.stderr)
                    return 1
                # bench_gpu.py without torch: its section says no run is recorded
                print(
                    f"bench_{bench.name}.py failed; its results stay as they were", file=sys.stderr
                )
    try:
        files, blocks, charts = render_all(root)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    readme_path = root / "README.md"
    readme, found = render_readme(readme_path.read_text(), blocks)
    stale = []
    missing = sorted(set(blocks) - found)
    if missing:
        stale.append(f"README.md has no block for {missing}")
    for path, text in files.items():
        current = (root / path).read_text() if (root / path).is_file() else None
        if current != text:
            stale.append(str(path))
            if not args.check:
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_text(text)
    if readme != readme_path.read_text():
        stale.append("README.md")
        if not args.check:
            readme_path.write_text(readme)
    for path, report in charts:
        if args.check:
            # The bars are drawn by the installed matplotlib; what the check can
            # hold it to is the run its title names.
            svg = (root / path).read_text() if (root / path).is_file() else ""
            if f"commit {commit_of(report['machine'])}" not in svg:
                stale.append(f"{path} (not drawn from {report['machine'].get('git_commit')})")
        else:
            chart(report, root / path)
    if args.check:
        if stale:
            print(
                "out of date with the results files (run python benchmarks/report_benchmarks.py):"
                "\n  " + "\n  ".join(stale),
                file=sys.stderr,
            )
            return 1
        print("every rendered figure matches its results file")
        return 0
    print("rendered: " + (", ".join(stale) if stale else "nothing changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
