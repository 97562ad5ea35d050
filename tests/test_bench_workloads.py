"""Keep benchmarks/bench_workloads.py working: smoke runs with ``--quick``."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pandas")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_workloads.py"
IN_PROCESS = "fresh_fit,layouts,memory,predict,streaming"


def _run(*args, timeout=300):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results" / "workloads.json"
    proc = _run("--quick", "--workloads", IN_PROCESS, "--output", str(output))
    return proc, output


def test_quick_run_reports_every_workload(quick_run):
    proc, output = quick_run
    assert proc.returncode == 0, proc.stderr
    report = json.loads(output.read_text())
    results = report["results"]
    assert set(results) == set(IN_PROCESS.split(","))
    for lib in ("skmlp", "sklearn"):
        assert all(t > 0 for t in results["fresh_fit"]["fit_s"][lib])
        for name in ("C", "DataFrame", "Fortran", "memmap"):
            assert all(t > 0 for t in results["layouts"]["s_per_epoch"][f"{lib} {name}"])
        assert results["memory"][f"{lib} early_stopping=True"] > 0
        assert all(t > 0 for t in results["predict"]["s_per_call"][f"{lib} 1 row"])
        assert all(t > 0 for t in results["streaming"]["s_per_pass"][lib])
    for row in report["summary"]:
        assert math.isfinite(row["skmlp"]) and math.isfinite(row["sklearn"]), row
    assert "numba" in report["machine"] and "blas" in report["machine"]


def test_quick_run_prints_the_table(quick_run):
    proc, _ = quick_run
    assert "| workload | skmlp | sklearn | skmlp/sklearn | note |" in proc.stdout
    for name in (
        "epoch on DataFrame",
        "epoch on Fortran",
        "epoch on memmap",
        "predict_proba, 1 row",
    ):
        assert f"| {name}" in proc.stdout
    assert "early stopping adds" in proc.stdout


def test_grid_search_with_fresh_workers(tmp_path):
    output = tmp_path / "grid.json"
    proc = _run("--quick", "--workloads", "grid_search", "--output", str(output))
    assert proc.returncode == 0, proc.stderr
    grid = json.loads(output.read_text())["results"]["grid_search"]
    assert grid["fits"] == 4
    assert all(t > 0 for lib in ("skmlp", "sklearn") for t in grid["search_s"][lib])


def test_bad_arguments_are_clear_errors(tmp_path):
    proc = _run("--workloads", "nonsense", "--output", str(tmp_path / "o.json"))
    assert proc.returncode == 2 and "unknown workload" in proc.stderr
    proc = _run("--mnist", str(tmp_path / "missing.npz"), "--workloads", "layouts")
    assert proc.returncode == 2 and "cannot load MNIST" in proc.stderr
    assert "Traceback" not in proc.stderr
