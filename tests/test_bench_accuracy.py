"""benchmarks/bench_accuracy.py runs, and its summary follows from its cells."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "bench_accuracy.py"
# one seed, a short budget: a smoke test of a few seconds, tuned column included
QUICK = ["--quick", "--seeds", "1", "--budgets", "30"]


@pytest.fixture(scope="module")
def report_benchmarks():
    spec = importlib.util.spec_from_file_location(
        "report_benchmarks", SCRIPT.parent / "report_benchmarks.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_run(bench, report_benchmarks, tmp_path_factory):
    """One quick run of every column: its JSON path, its results and its RST."""
    tmp = tmp_path_factory.mktemp("bench_accuracy")
    out = tmp / "acc.json"
    assert bench.main([*QUICK, "--output", str(out)]) == 0
    results = json.loads(out.read_text())
    # the docs' table, as report_benchmarks.py renders it from this JSON
    inc = report_benchmarks.render_accuracy(results)["docs/_generated/bench_accuracy.inc"]
    return out, results, inc


def mean_of(cell, model):
    return np.mean(cell[model]["accuracy"])


def test_quick_run_writes_consistent_results(bench, quick_run):
    _, results, inc = quick_run
    # iris: raw, std, minmax; wine: std, minmax; moons: raw, std, minmax; one budget
    assert len(results["cells"]) == 8
    for cell in results["cells"].values():
        assert set(cell) == set(bench.MODELS)
        for entry in cell.values():
            assert len(entry["accuracy"]) == 1 and 0.0 <= entry["accuracy"][0] <= 1.0
    summary = results["summary"]["30"]
    for model in bench.MODELS:
        means = [mean_of(cell, model) for cell in results["cells"].values()]
        assert summary["mean_accuracy"][model] == pytest.approx(np.mean(means))
    gaps = [mean_of(c, "skmlp") - mean_of(c, "sklearn") for c in results["cells"].values()]
    assert summary["largest_cell_deficit"] == pytest.approx(-min(gaps))
    assert summary["targets"]["no cell more than 3 points below"] == (min(gaps) >= -0.03)
    assert "list-table" in inc and "sklearn-tuned" in inc
    assert "mean of 8 cells" in inc


def test_tuned_column_is_a_grid_search_and_its_targets_follow(bench, quick_run):
    _, results, _ = quick_run
    for cell in results["cells"].values():
        (chosen,) = cell["sklearn-tuned"]["chosen"]  # one seed: one choice
        assert set(chosen) == set(bench.TUNED_GRID)
        assert all(chosen[k] in bench.TUNED_GRID[k] for k in chosen)
    summary = results["summary"]["30"]
    gaps = {
        key: mean_of(c, "skmlp") - mean_of(c, "sklearn-tuned")
        for key, c in results["cells"].items()
    }
    mean = summary["mean_accuracy"]
    assert summary["tuned_mean_deficit"] == pytest.approx(mean["sklearn-tuned"] - mean["skmlp"])
    assert summary["largest_tuned_cell_deficit"] == pytest.approx(-min(gaps.values()))
    assert summary["largest_tuned_cell_deficit_at"] == min(gaps, key=gaps.get)
    targets = summary["targets"]
    assert targets["no cell more than 2 points below tuned"] == (min(gaps.values()) >= -0.02)
    assert targets["mean at most 0.5 points below tuned"] == (
        mean["skmlp"] >= mean["sklearn-tuned"] - 0.005
    )


def test_tuned_model_searches_the_grid_with_the_scaler_inside(bench):
    search = bench.make_pipe("minmax", "sklearn-tuned", seed=3, max_iter=7)
    assert search.cv == 3
    assert search.param_grid == {
        "mlpclassifier__activation": ["relu", "tanh"],
        "mlpclassifier__learning_rate_init": [1e-3, 1e-2],
    }
    scaler, mlp = (step for _, step in search.estimator.steps)
    assert type(scaler).__name__ == "MinMaxScaler"
    assert (mlp.max_iter, mlp.random_state, mlp.alpha) == (7, 3, 0.0001)


def test_rerun_of_one_column_reuses_the_others(bench, quick_run, tmp_path, capsys):
    first, results, _ = quick_run
    out = tmp_path / "rerun.json"
    params = '{"hidden_layer_sizes": [1], "max_iter": 1}'  # a model that cannot learn iris
    argv = [*QUICK, "--models", "skmlp", "--reuse", str(first), "--skmlp-params", params]
    assert bench.main([*argv, "--datasets", "iris", "--output", str(out)]) == 0
    rerun = json.loads(out.read_text())
    assert list(rerun["cells"]) == ["iris|raw|30", "iris|std|30", "iris|minmax|30"]
    assert rerun["skmlp_params"] == {"hidden_layer_sizes": [1], "max_iter": 1}
    assert rerun["reused"]["models"] == ["sklearn", "sklearn-logistic", "sklearn-tuned"]
    for key, cell in rerun["cells"].items():
        for model in rerun["reused"]["models"]:
            assert cell[model] == results["cells"][key][model]
    before = results["summary"]["30"]["mean_accuracy"]["skmlp"]
    assert rerun["summary"]["30"]["mean_accuracy"]["skmlp"] < before - 0.1
    assert "not its default" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_usage_error(bench, quick_run):
    with pytest.raises(SystemExit) as raised:
        bench.main(["--seeds", "0"])
    assert raised.value.code == 2
    with pytest.raises(SystemExit):
        bench.main(["--mnist", "/nonexistent/mnist.npz"])
    with pytest.raises(SystemExit) as raised:
        bench.main(["--quick", "--models", "skmlp"])  # the other columns: from where?
    assert raised.value.code == 2
    with pytest.raises(SystemExit, match="--datasets: \\['nosuch'\\] not among"):
        bench.main([*QUICK, "--datasets", "nosuch"])
    with pytest.raises(SystemExit) as raised:
        bench.main(["--quick", "--skmlp-params", "[1]"])
    assert raised.value.code == 2
    first = str(quick_run[0])
    with pytest.raises(SystemExit, match="--reuse: no 'sklearn' entry with 2 seeds"):
        bench.main(
            ["--quick", "--seeds", "2", "--budgets", "30", "--models", "skmlp", "--reuse", first]
        )
