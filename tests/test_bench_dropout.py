"""benchmarks/bench_dropout.py runs, and its summary follows from its fits."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "bench_dropout.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_dropout", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render_dropout(results) -> str:
    spec = importlib.util.spec_from_file_location(
        "report_benchmarks", SCRIPT.parent / "report_benchmarks.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.render_dropout(results)["docs/_generated/bench_dropout.inc"]


def test_quick_run_writes_consistent_results(bench, tmp_path, capsys):
    out = tmp_path / "dropout.json"
    argv = ["--quick", "--max-iter", "5", "--alphas", "1e-4", "--cost-repeats", "1"]
    assert bench.main([*argv, "--output", str(out)]) == 0
    results = json.loads(out.read_text())
    inc = tmp_path / "dropout.inc"  # the page's table, as report_benchmarks.py renders it
    inc.write_text(_render_dropout(results))
    models = results["cells"]["digits_200"]
    assert set(models) == set(bench.model_names([0.0, 0.5]))
    for entry in models.values():
        assert len(entry["test"]) == 1 and 0.0 <= entry["test"][0] <= 1.0
        assert entry["mean_test"] == pytest.approx(np.mean(entry["test"]))
    assert models["skmlp, p by CV"]["chosen"][0] in (0.0, 0.5)
    assert models["sklearn, alpha by CV"]["chosen"] == [1e-4]
    runs = results["cost"]["runs"]
    assert [(r["kernels"], r["dtype"]) for r in runs] == [
        ("numpy", "float32"),
        ("numpy", "float64"),
    ]
    for run in runs:
        assert run["ratio"] == pytest.approx(np.median(run["ratios"]))
        seconds = run["raw_seconds_per_epoch"]
        assert run["ratios"][0] == pytest.approx(seconds["dropout"][0] / seconds["none"][0])
        assert run["cpu_ratio"] == pytest.approx(np.median(run["cpu_ratios"]))
    assert "list-table" in inc.read_text()
    assert "digits_200: without dropout" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_usage_error(bench):
    for argv in (["--seeds", "0"], ["--rates", "0.2", "0.5"], ["--rates", "0", "1"],
                 ["--cells", "iris_10"], ["--mnist", "/nonexistent/mnist.npz"]):  # fmt: skip
        with pytest.raises(SystemExit) as raised:
            bench.main(argv)
        assert raised.value.code == 2


def test_only_cost_keeps_the_accuracy_figures(bench, tmp_path):
    out = tmp_path / "dropout.json"
    assert bench.main(["--quick", "--only-cost", "--output", str(out)]) == 2  # nothing to keep
    argv = ["--quick", "--max-iter", "3", "--alphas", "1e-4", "--cost-repeats", "1"]
    assert bench.main([*argv, "--output", str(out)]) == 0
    before = json.loads(out.read_text())
    assert bench.main([*argv, "--only-cost", "--cost-repeats", "2", "--output", str(out)]) == 0
    after = json.loads(out.read_text())
    assert after["cells"] == before["cells"]
    assert all(len(run["ratios"]) == 2 for run in after["cost"]["runs"])
