"""benchmarks/bench_accuracy.py runs, and its summary follows from its cells."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "bench_accuracy.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_writes_consistent_results(bench, tmp_path, capsys):
    out, inc = tmp_path / "acc.json", tmp_path / "acc.inc"
    assert bench.main(["--quick", "--seeds", "1", "--output", str(out), "--rst", str(inc)]) == 0
    results = json.loads(out.read_text())
    # iris: raw, std, minmax; wine: std, minmax; moons: raw, std, minmax; one budget
    assert len(results["cells"]) == 8
    for cell in results["cells"].values():
        assert set(cell) == set(bench.MODELS)
        for entry in cell.values():
            assert len(entry["accuracy"]) == 1 and 0.0 <= entry["accuracy"][0] <= 1.0
    summary = results["summary"]["60"]
    for model in bench.MODELS:
        means = [np.mean(cell[model]["accuracy"]) for cell in results["cells"].values()]
        assert summary["mean_accuracy"][model] == pytest.approx(np.mean(means))
    gaps = [
        np.mean(c["skmlp"]["accuracy"]) - np.mean(c["sklearn"]["accuracy"])
        for c in results["cells"].values()
    ]
    assert summary["largest_cell_deficit"] == pytest.approx(-min(gaps))
    assert summary["targets"]["no cell more than 3 points below"] == (min(gaps) >= -0.03)
    assert "list-table" in inc.read_text()
    assert "mean of 8 cells" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_usage_error(bench):
    with pytest.raises(SystemExit) as raised:
        bench.main(["--seeds", "0"])
    assert raised.value.code == 2
    with pytest.raises(SystemExit):
        bench.main(["--mnist", "/nonexistent/mnist.npz"])
