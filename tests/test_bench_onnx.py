"""Keep benchmarks/bench_onnx.py working (a ``--quick`` smoke run), and the benchmarks
page's ONNX table the rendering of its committed JSON."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_onnx.py"
REPORT = ROOT / "benchmarks" / "report_benchmarks.py"
TRAINING = ROOT / "docs" / "_static" / "bench_training.json"
ONNX_JSON = ROOT / "docs" / "_static" / "bench_onnx.json"
ONNX_INC = ROOT / "docs" / "_generated" / "bench_onnx.inc"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="benchmarks/ not in this checkout")


def _report(onnx_json, docs):
    return subprocess.run(
        [sys.executable, str(REPORT), str(TRAINING), "--docs", str(docs)]
        + ["--onnx", str(onnx_json), "--workloads", str(docs / "none.json")],
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

    proc = _report(output, tmp_path)  # the page's table, from this run
    assert proc.returncode == 0, proc.stderr
    table = (tmp_path / "_generated" / "bench_onnx.inc").read_text()
    for row in rows:
        assert f"     - {row['predict_proba_over_onnxruntime']:.1f}\n" in table
    assert "Not representative" in table


@pytest.mark.skipif(not (REPORT.exists() and ONNX_JSON.exists()), reason="docs/ not here")
def test_committed_table_is_the_committed_json_rendered(tmp_path):
    proc = _report(ONNX_JSON, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "_generated" / "bench_onnx.inc").read_text() == ONNX_INC.read_text()
