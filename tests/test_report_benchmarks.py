"""benchmarks/report_benchmarks.py turns the benchmark's JSON into the docs' tables."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "report_benchmarks.py"
RESULTS = ROOT / "docs" / "_static" / "bench_training.json"

pytestmark = pytest.mark.skipif(
    not (SCRIPT.exists() and RESULTS.exists()), reason="benchmarks/ or docs/ not in this checkout"
)


def test_report_writes_the_numbers_of_the_json(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(RESULTS), "--docs", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(RESULTS.read_text())
    tables = (tmp_path / "_generated" / "bench_results.inc").read_text()
    for row in report["results"]:
        assert f"{row['sklearn_over_skmlp']:.2f}" in tables
        ms = 1000 * row["median_s"]["skmlp"]
        assert any(f"     - {ms:.{d}f}\n" in tables for d in (0, 1, 2))
    assert report["machine"]["git_commit"][:7] in tables
    if report["settings"]["dataset"] != "MNIST" or report["settings"]["repeats"] < 3:
        assert "These figures are not representative" in tables  # a placeholder says so
    summary = (tmp_path / "_generated" / "bench_summary.inc").read_text()
    fits = [r["sklearn_over_skmlp"] for r in report["results"] if r["config"]["task"] == "fit"]
    assert summary.startswith(f"{min(fits):.1f} to {max(fits):.1f} times faster")
    if importlib.util.find_spec("matplotlib") is not None:  # the chart needs it
        assert (tmp_path / "_static" / "benchmarks.svg").read_text().lstrip().startswith("<?xml")
    else:
        assert "matplotlib is not installed" in proc.stderr
    assert (tmp_path / "_static" / "bench_training.json").read_bytes() == RESULTS.read_bytes()


def test_report_without_results_says_what_to_run(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "missing.json"), "--docs", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "run benchmarks/bench_training.py first" in proc.stderr
