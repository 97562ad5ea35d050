"""The public API's annotations, as a type checker sees them (``mypy --strict``).

tests/typing/usage.py uses the API as typed code would and must check clean;
tests/typing/misuse.py holds one wrong use per line, each of which must be an
error. Without the annotations the first fails (calls to untyped functions)
and the second passes silently.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TYPING = Path(__file__).resolve().parent / "typing"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is not installed (the test extra has it)"
)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory):
    cache = tmp_path_factory.mktemp("mypy_cache")
    env = os.environ | {"PYTHONPATH": str(ROOT)}  # the skmlp under test, even if not installed
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--follow-imports=silent",  # judge the use of skmlp, not skmlp's internals
            "--cache-dir",
            str(cache),
            str(TYPING / "usage.py"),
            str(TYPING / "misuse.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    return proc.stdout + proc.stderr


def test_typed_usage_checks_clean(mypy_output):
    assert "usage.py" not in mypy_output, mypy_output


def test_each_misuse_is_an_error(mypy_output):
    source = (TYPING / "misuse.py").read_text().splitlines()
    expected = {n for n, line in enumerate(source, 1) if line.startswith(("MLP", "wrong"))}
    assert len(expected) == 5
    flagged = {int(n) for n in re.findall(r"misuse\.py:(\d+): error", mypy_output)}
    assert flagged == expected, mypy_output
