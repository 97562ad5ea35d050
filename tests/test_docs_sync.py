"""The documentation's checkable claims against the code they describe.

The docs build makes the same checks (docs/_ext/skmlp_docs.py, warnings as
errors); these tests run them without Sphinx, so that a change of a default
or of a quoted line fails ``pytest`` and not only ``tox -e docs``.
"""

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest
from numpydoc.docscrape import ClassDoc

from skmlp import MLPClassifier

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.rst")) if DOCS.is_dir() else []
pytestmark = pytest.mark.skipif(not PAGES, reason="docs/ is not in this checkout")


def _roles(role):
    """``(page name, text)`` of every ``:role:`text``` in the docs' pages."""
    pattern = re.compile(rf":{role}:`([^`]+)`", re.DOTALL)
    return [
        (page.name, " ".join(m.group(1).split()))
        for page in PAGES
        for m in pattern.finditer(page.read_text())
    ]


@pytest.fixture(scope="module")
def skmlp_docs():
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        yield importlib.import_module("skmlp_docs")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


@pytest.mark.parametrize("library", ["skmlp", "sklearn"])
def test_quoted_defaults_are_the_defaults(skmlp_docs, library):
    quoted = _roles(f"{library}-default")
    assert quoted, f"no :{library}-default: role found in docs/*.rst"
    problems = [
        f"{page}: {problem}"
        for page, text in quoted
        if (problem := skmlp_docs.default_mismatch(library, text))
    ]
    assert not problems, "\n".join(problems)


def test_default_check_catches_a_wrong_default(skmlp_docs):
    assert skmlp_docs.default_mismatch("skmlp", 'activation="logistic"') is None
    assert "relu" not in str(skmlp_docs.default_mismatch("skmlp", 'activation="logistic"'))
    assert "the page says" in skmlp_docs.default_mismatch("skmlp", 'activation="relu"')
    assert "does not name" in skmlp_docs.default_mismatch("skmlp", "not_a_param=1")


def _normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def test_quoted_lines_are_in_the_code():
    quoted = _roles("skmlp-line")
    assert len(quoted) > 10
    stale = []
    for page, text in quoted:
        target, _, code = (part.strip() for part in text.partition("|"))
        module_name, _, attr = target.rpartition(".")
        source = inspect.getsource(getattr(importlib.import_module(module_name), attr))
        if code and _normalise(code) not in _normalise(source):
            stale.append(f"{page}: {code!r} is not in {target}")
    assert not stale, "\n".join(stale)


def test_docstring_defaults_are_the_defaults():
    """Each ``default=...`` of MLPClassifier's Parameters section is get_params()'s."""
    params = MLPClassifier().get_params()
    documented = ClassDoc(MLPClassifier, config={"show_class_members": False})["Parameters"]
    assert {p.name for p in documented} == set(params)
    wrong = []
    for p in documented:
        match = re.search(r"default=(.+)$", p.type)
        assert match, f"{p.name}: no default= in {p.type!r}"
        if ast.literal_eval(match.group(1)) != params[p.name]:
            wrong.append(f"{p.name}: docstring says {match.group(1)}, code {params[p.name]!r}")
    assert not wrong, "\n".join(wrong)
