"""Keep benchmarks/compare_checkouts.py working: a checkout against itself, quickly."""

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "compare_checkouts.py"


def _run(*args, timeout=300):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout
    )


def test_quick_run_compares_the_checkout_with_itself(tmp_path):
    output = tmp_path / "compare.json"
    proc = _run(
        "--old", str(ROOT), "--quick", "--workloads", "small_network,predict_1row",
        "--output", str(output),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(output.read_text())
    assert [row["workload"] for row in report["summary"]] == ["small_network", "predict_1row"]
    for row in report["summary"]:
        assert row["old_s"] > 0 and row["new_s"] > 0
        assert math.isfinite(row["old_over_new"]) and row["old_over_new"] > 0
    assert report["old"]["path"] == str(ROOT)
    assert "| small_network |" in proc.stdout
    assert not list(tmp_path.glob("*.npz"))  # the data file shared with the children is gone


def test_an_old_path_without_skmlp_is_refused(tmp_path):
    proc = _run("--old", str(tmp_path), "--quick", "--output", str(tmp_path / "c.json"))
    assert proc.returncode != 0
    assert "--old must be a checkout of skmlp" in proc.stderr
