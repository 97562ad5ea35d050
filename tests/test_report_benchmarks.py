"""benchmarks/report_benchmarks.py renders every benchmark figure of the README and
the docs from the committed results files, and ``--check`` fails when one differs."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "report_benchmarks.py"
RESULTS = ROOT / "docs" / "_static"

pytestmark = pytest.mark.skipif(
    not (SCRIPT.exists() and (RESULTS / "bench_training.json").exists()),
    reason="benchmarks/ or docs/ not in this checkout",
)


def report(*args, root=ROOT):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def copy_root(tmp_path):
    """The README, the results files and the rendered files, in a scratch root."""
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copytree(ROOT / "docs" / "_static", tmp_path / "docs" / "_static")
    shutil.copytree(ROOT / "docs" / "_generated", tmp_path / "docs" / "_generated")
    return tmp_path


def test_committed_figures_are_the_results_files():
    """What the README and the docs show is what the results files give."""
    proc = report("--check")
    assert proc.returncode == 0, proc.stderr
    assert "every rendered figure matches its results file" in proc.stdout


def test_check_fails_when_a_readme_figure_is_retyped(copy_root):
    readme = copy_root / "README.md"
    training = json.loads((copy_root / "docs/_static/bench_training.json").read_text())
    fits = [r["sklearn_over_skmlp"] for r in training["results"] if r["config"]["task"] == "fit"]
    figure = f"{min(fits):.1f} to {max(fits):.1f} times faster"
    assert figure in readme.read_text()
    readme.write_text(readme.read_text().replace(figure, "9.9 to 9.9 times faster"))
    proc = report("--check", root=copy_root)
    assert proc.returncode == 1 and "README.md" in proc.stderr
    assert report(root=copy_root).returncode == 0  # re-rendering restores it ...
    assert figure in readme.read_text()
    assert report("--check", root=copy_root).returncode == 0  # ... and the check passes


def test_check_fails_when_a_docs_table_or_prose_figure_differs(copy_root):
    tables = copy_root / "docs/_generated/bench_results.inc"
    tables.write_text(tables.read_text().replace("     - ", "     - 1", 1))
    numbers = copy_root / "docs/_generated/bench_numbers.inc"
    numbers.write_text(numbers.read_text() + ".. |made-up| replace:: 42\n")
    proc = report("--check", root=copy_root)
    assert proc.returncode == 1
    assert "bench_results.inc" in proc.stderr and "bench_numbers.inc" in proc.stderr


def test_check_fails_when_a_results_file_changes(copy_root):
    path = copy_root / "docs/_static/bench_training.json"
    data = json.loads(path.read_text())
    data["results"][0]["sklearn_over_skmlp"] = 12.345
    path.write_text(json.dumps(data))
    proc = report("--check", root=copy_root)
    assert proc.returncode == 1 and "bench_results.inc" in proc.stderr


def test_tables_hold_the_numbers_and_stamp_of_the_json(copy_root):
    shutil.rmtree(copy_root / "docs/_generated")
    assert report(root=copy_root).returncode == 0
    data = json.loads((copy_root / "docs/_static/bench_training.json").read_text())
    tables = (copy_root / "docs/_generated/bench_results.inc").read_text()
    for row in data["results"]:
        assert f"{row['sklearn_over_skmlp']:.2f}" in tables
        ms = 1000 * row["median_s"]["skmlp"]
        assert any(f"     - {ms:.{d}f}\n" in tables for d in (0, 1, 2))
    assert data["machine"]["git_commit"][:7] in tables
    assert "(per call)" in tables and "s/call" not in tables  # milliseconds, said so
    for name in ("workloads", "accuracy"):
        data = json.loads((copy_root / f"docs/_static/bench_{name}.json").read_text())
        text = (copy_root / f"docs/_generated/bench_{name}.inc").read_text()
        assert f"``{data['machine']['git_commit'][:7]}" in text, name  # stamped
        assert f"{data['machine']['cpu_count']} CPUs" in text, name
    assert "<=" not in (copy_root / "docs/_generated/bench_workloads.inc").read_text()  # no goals


def test_missing_results_say_what_to_run(copy_root):
    (copy_root / "docs/_static/bench_training.json").unlink()
    proc = report(root=copy_root)
    assert proc.returncode == 2
    assert "bench_training.json is missing" in proc.stderr


def test_readme_blocks_are_replaced_and_missing_ones_reported(copy_root):
    readme = copy_root / "README.md"
    text = readme.read_text()
    start = text.index("<!-- BEGIN report_benchmarks: workloads")
    end = text.index("<!-- END report_benchmarks: workloads -->") + len(
        "<!-- END report_benchmarks: workloads -->"
    )
    readme.write_text(text[:start] + text[end:])
    proc = report("--check", root=copy_root)
    assert proc.returncode == 1 and "README.md has no block for ['workloads']" in proc.stderr


def test_run_rejects_unknown_benchmarks():
    proc = report("--run", "nonsense", "--mnist", "x.npz", "--check")
    assert proc.returncode == 2 and "unknown benchmark(s) ['nonsense']" in proc.stderr


def test_a_busy_run_is_flagged_with_its_reason_in_the_readme(copy_root):
    """Figures measured on a busy machine say so, and why, where they are quoted."""
    path = copy_root / "docs" / "_static" / "bench_training.json"
    results = json.loads(path.read_text())
    cpus = results["machine"].get("cpu_affinity") or results["machine"]["cpu_count"]
    results["machine"]["load_average"] = [cpus + 1.5, 1.0, 1.0]
    path.write_text(json.dumps(results))
    assert report(root=copy_root).returncode == 0
    readme = (copy_root / "README.md").read_text()
    block = readme.split("BEGIN report_benchmarks: training")[1].split("END")[0]
    assert f"not representative (the machine was busy (load average {cpus + 1.5:.1f}" in block
    assert "smoke run" not in block
