"""Keep benchmarks/bench_training.py and profile_training.py working: runs with ``--quick``."""

import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_training.py"
PROFILE = SCRIPT.parent / "profile_training.py"


def _config_names():
    spec = importlib.util.spec_from_file_location("bench_training", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return [config.name for config in module.CONFIGS]


def _run(*args, timeout=120):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results" / "bench.json"
    proc = _run("--quick", "--repeats", "1", "--n-train", "1000", "--output", str(output))
    return proc, output


def test_help():
    proc = _run("--help")
    assert proc.returncode == 0
    assert "--mnist" in proc.stdout and "--quick" in proc.stdout


def test_quick_run_writes_every_config(quick_run):
    proc, output = quick_run
    assert proc.returncode == 0, proc.stderr
    report = json.loads(output.read_text())
    names = [row["config"]["name"] for row in report["results"]]
    assert names == _config_names()
    for row in report["results"]:
        timings = list(row["median_s"].values()) + [
            t for lib in ("skmlp", "sklearn", "floor") for t in row["raw"][lib]
        ]
        assert all(math.isfinite(t) and t > 0 for t in timings), row
        assert all(math.isfinite(m) for m in row["peak_mb"].values()), row
        assert row["X_mb"] > 0
        if row["config"]["task"] == "fit":
            n_iter = row["raw"]["n_iter"]
            assert {"skmlp", "sklearn"} <= n_iter.keys() and set(n_iter.values()) == {2}
        if report["machine"]["skmlp_kernels"] == "numba":  # numpy's kernels timed beside
            assert all(t > 0 for t in row["raw"]["skmlp-numpy"])
    machine = report["machine"]
    for key in ("platform", "cpu_count", "numpy", "scipy", "sklearn", "blas", "env", "numba"):
        assert key in machine
    assert "OPENBLAS_CORETYPE" in machine["env"]


def test_quick_run_prints_table(quick_run):
    proc, _ = quick_run
    assert "| config | skmlp s/epoch | sklearn s/epoch | floor s/epoch |" in proc.stdout
    for name in _config_names():
        assert f"| {name}" in proc.stdout
    assert "float32 vs float64" in proc.stdout


def test_missing_mnist_is_a_clear_error(tmp_path):
    proc = _run("--mnist", str(tmp_path / "missing.npz"), "--output", str(tmp_path / "o.json"))
    assert proc.returncode != 0
    assert "cannot load MNIST" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.json").exists()


def test_profile_reports_every_phase():
    """profile_training splits the epoch into phases that add up to the fit's time."""
    proc = subprocess.run(
        [sys.executable, str(PROFILE), "--quick", "--config", "2", "--epochs", "2"]
        + ["--kernels", "numpy"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    header, *rows = proc.stdout.strip().splitlines()
    assert "(numpy kernels)" in header and "bare gather" in header
    phases = dict(re.fullmatch(r"\s+(.+?)\s+(\S+) s/epoch\s+\S+%", row).groups() for row in rows)
    assert set(phases) == {
        "forward", "data_loss", "backward", "optimizer.update", "gather",
        "set-up before the epochs", "rest (loop, epoch end)",
    }  # fmt: skip
    total = float(re.search(r": (\S+) s/epoch", header).group(1))
    seconds = [float(s) for s in phases.values()]
    assert all(s >= 0 for s in seconds) and math.isclose(sum(seconds), total, abs_tol=1e-3)


def test_profile_training_repeats_every_config_and_reports_medians():
    """--config all --repeats 3: one block per fit configuration, figures medians of 3 fits."""
    proc = subprocess.run(
        [sys.executable, str(PROFILE), "--quick", "--config", "all", "--epochs", "1"]
        + ["--repeats", "3", "--kernels", "numpy"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    headers = [line for line in proc.stdout.splitlines() if not line.startswith(" ")]
    fit_configs = [name for name in _config_names() if "predict_proba" not in name]
    assert [h.split(" (numpy kernels")[0] for h in headers] == fit_configs
    assert all("(numpy kernels, medians of 3 fits)" in h for h in headers)
    rows = [line for line in proc.stdout.splitlines() if line.startswith(" ")]
    assert len(rows) == 7 * len(fit_configs)
    assert all(float(re.search(r"(\S+) s/epoch", row).group(1)) >= 0 for row in rows)
