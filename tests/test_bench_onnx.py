"""Keep benchmarks/bench_onnx.py working (a ``--quick`` smoke run), and the benchmarks
page's ONNX table the rendering of its committed JSON."""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_onnx.py"
REPORT = ROOT / "benchmarks" / "report_benchmarks.py"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="benchmarks/ not in this checkout")


def _report(onnx_json, root):
    """report_benchmarks.py on a copy of the README and docs whose ONNX results are these."""
    (root / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "README.md", root / "README.md")
    for folder in ("_static", "_generated"):
        shutil.copytree(ROOT / "docs" / folder, root / "docs" / folder)
    shutil.copy(onnx_json, root / "docs" / "_static" / "bench_onnx.json")
    return subprocess.run(
        [sys.executable, str(REPORT), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_quick_run_times_both_and_checks_agreement(tmp_path):
    pytest.importorskip("skl2onnx")
    pytest.importorskip("onnxruntime")
    output = tmp_path / "results" / "bench_onnx.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(output.read_text())
    rows = report["results"]
    assert [(r["dtype"], r["n_rows"]) for r in rows] == [
        ("float32", 1),
        ("float32", 1000),
        ("float64", 1),
        ("float64", 1000),
    ]
    for row in rows:
        assert min(row["median_s"].values()) > 0
        assert math.isfinite(row["predict_proba_over_onnxruntime"])
    for dtype, tolerance in (("float32", 1e-5), ("float64", 1e-9)):
        agree = report["agreement"][dtype]
        assert agree["labels_equal"]
        assert agree["max_abs_diff"] < tolerance and agree["max_abs_diff_x40"] < tolerance
    assert "| float32 | 1 |" in proc.stdout
    assert report["machine"]["onnxruntime"] and report["machine"]["skl2onnx"]

    root = tmp_path / "root"
    proc = _report(output, root)  # the page's table, from this run
    assert proc.returncode == 0, proc.stderr
    table = (root / "docs" / "_generated" / "bench_onnx.inc").read_text()
    for row in rows:
        assert f"     - {row['predict_proba_over_onnxruntime']:.2f}\n" in table
    assert "not MNIST" in table  # a smoke run on synthetic data says so
