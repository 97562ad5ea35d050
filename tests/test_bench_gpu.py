"""Keep benchmarks/bench_gpu.py working: a ``--quick`` run on torch's CPU device.

The skmlp rows need skmlp to train on torch tensors (scikit-learn's Array API
dispatch). Until the estimator declares that support (its
``array_api_support`` tag), the script must report skmlp's failure (exit
status 1, ``skmlp_error`` in the JSON) and still time the eager loop; once it
declares it, the skmlp rows must be there.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.utils import get_tags

from skmlp import MLPClassifier

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_gpu.py"
SUPPORTS_ARRAY_API = get_tags(MLPClassifier()).array_api_support
BATCHES = (200, 2000)


def _run(*args, env=None, timeout=120):
    # One torch thread: on a shared 2-core machine, torch's thread pool spins
    # against the other processes and a quick run takes ten times longer.
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def _positive(x):
    return isinstance(x, float) and math.isfinite(x) and x > 0


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    pytest.importorskip("torch")
    output = tmp_path_factory.mktemp("bench") / "results" / "gpu.json"
    proc = _run("--quick", "--device", "cpu", "--output", str(output))
    assert output.exists(), proc.stderr
    return proc, json.loads(output.read_text())


def test_quick_run_times_the_eager_loop(quick_run):
    proc, report = quick_run
    assert "Traceback" not in proc.stderr, proc.stderr
    rows = {(r["implementation"], r["batch_size"]): r for r in report["summary"]}
    for batch in BATCHES:
        row = rows[("torch eager", batch)]
        assert _positive(row["s_per_epoch"])
        assert row["ratio_to_eager"] == pytest.approx(1.0)
        assert row["target_met"] is None  # targets are judged on MNIST on a GPU only
        raw = report["timings"][str(batch)]["torch eager"]
        assert len(raw) == report["settings"]["repeats"] == 1
        assert all(_positive(t) for t in raw)
        assert f"| torch eager (cpu) | {batch} |" in proc.stdout
    eager = report["accuracy"]["torch eager"]
    assert 0.0 <= eager["accuracy"] <= 1.0 and eager["n_iter"] == 2
    assert math.isfinite(eager["final_loss"])
    machine = report["machine"]
    assert machine["device"] == "cpu" and machine["torch"] and machine["sklearn"]
    assert machine["SCIPY_ARRAY_API"] == "1"  # set by the script before scipy's import
    assert "git_commit" in machine and "device_name" in machine
    assert report["settings"]["n_train"] == 2000 and report["settings"]["n_features"] == 784


def test_quick_run_reports_whether_skmlp_trained(quick_run):
    proc, report = quick_run
    if SUPPORTS_ARRAY_API:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert report["skmlp_error"] is None
    else:  # the failure is reported, not raised
        assert proc.returncode == 1
        assert report["skmlp_error"] and "skmlp could not fit on cpu" in proc.stdout
        assert not any(r["implementation"] == "skmlp" for r in report["summary"])


@pytest.mark.skipif(
    not SUPPORTS_ARRAY_API,
    reason="skmlp.MLPClassifier does not declare array_api_support yet: it cannot "
    "fit torch tensors, so bench_gpu.py has no skmlp rows to check",
)
def test_quick_run_times_skmlp_on_the_device(quick_run):
    proc, report = quick_run
    rows = {(r["implementation"], r["batch_size"]): r for r in report["summary"]}
    for batch in BATCHES:
        row = rows[("skmlp", batch)]
        assert _positive(row["s_per_epoch"]) and _positive(row["ratio_to_eager"])
        assert row["target_s_per_epoch"] in (0.05, 0.02) and row["target_met"] is None
        timing = report["timings"][str(batch)]
        assert all(_positive(t) for t in timing["skmlp"]) and len(timing["skmlp"]) == 1
        assert timing["skmlp_n_iter"] == 2  # tol=0: exactly --epochs epochs
        assert timing["lr_source"] == "skmlp's learning_rate_init_"
        assert f"| skmlp (cpu) | {batch} |" in proc.stdout
    skmlp = report["accuracy"]["skmlp"]
    assert 0.0 <= skmlp["accuracy"] <= 1.0 and 1 <= skmlp["n_iter"] <= 2
    assert report["accuracy"]["torch eager"]["lr"] == skmlp["learning_rate_init_"]
    outputs = report["skmlp_outputs"]
    for what in ("predict", "predict_proba", "coefs_", "intercepts_"):
        assert outputs[what] == "torch.Tensor on cpu", (what, outputs)


def test_no_gpu_and_no_device_is_a_clear_message(tmp_path):
    pytest.importorskip("torch")
    output = tmp_path / "gpu.json"
    proc = _run("--output", str(output), env={"CUDA_VISIBLE_DEVICES": ""})
    assert proc.returncode == 0, proc.stderr
    assert "no CUDA GPU found" in proc.stderr and "--device cpu" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not output.exists()


def test_bad_devices_are_clear_errors(tmp_path):
    pytest.importorskip("torch")
    proc = _run("--device", "nonsense", "--output", str(tmp_path / "o.json"))
    assert proc.returncode == 2 and "not a torch device" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run("--device", "cuda", "--quick", env={"CUDA_VISIBLE_DEVICES": ""})
    assert proc.returncode == 2 and "no CUDA GPU found" in proc.stderr


def test_without_torch_it_says_how_to_install_it():
    # sys.modules["torch"] = None makes "import torch" fail as if it were absent.
    code = (
        "import runpy, sys; sys.modules['torch'] = None; "
        f"sys.argv = [{str(SCRIPT)!r}, '--quick']; "
        f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "pip install torch" in proc.stderr and "Traceback" not in proc.stderr
