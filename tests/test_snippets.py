"""The code a reader copies runs without a warning: the README's Python blocks and
the docs' ``skmlp-exec`` blocks (the ones the pages run and show the output of),
each in a fresh interpreter with every warning turned into an error."""

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def readme_blocks(text: str) -> list:
    return re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def exec_blocks(text: str) -> list:
    """The bodies of a page's ``.. skmlp-exec::`` directives, in page order."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        if lines[i].strip() == ".. skmlp-exec::":
            i += 1
            while i < len(lines) and lines[i].strip().startswith(":"):  # options
                i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i])
                i += 1
            blocks.append(textwrap.dedent("\n".join(body)).strip() + "\n")
        else:
            i += 1
    return blocks


def imported_modules(code: str) -> set:
    return set(re.findall(r"^\s*(?:from|import) ([\w.]+)", code, re.MULTILINE))


def run_strictly(code: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


def skip_unless_importable(code: str) -> None:
    for module in sorted(imported_modules(code)):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            pytest.skip(f"{module} is not installed here (the docs extra has it)")


@pytest.mark.skipif(not README.exists(), reason="README.md is not in this checkout")
def test_readme_python_blocks_run_without_warnings():
    blocks = readme_blocks(README.read_text())
    assert blocks, "no ```python block found in README.md"
    proc = run_strictly("\n".join(blocks))
    assert proc.returncode == 0, proc.stderr[-3000:]


PAGES = sorted(p for p in DOCS.glob("*.rst") if exec_blocks(p.read_text())) if DOCS.exists() else []


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_docs_exec_blocks_run_without_warnings(page):
    code = "\n".join(exec_blocks(page.read_text()))  # one namespace per page, as in the build
    skip_unless_importable(code)
    proc = run_strictly(code)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_a_warning_fails_a_snippet():
    warns = "import warnings\nwarnings.warn('a snippet that warns', UserWarning)\n"
    proc = run_strictly(warns)
    assert proc.returncode != 0 and "a snippet that warns" in proc.stderr


def test_exec_blocks_are_found_with_their_options():
    page = "Text\n\n.. skmlp-exec::\n   :caption: c\n\n   x = 1\n\n   print(x)\n\nAfter\n"
    assert exec_blocks(page) == ["x = 1\n\nprint(x)\n"]
