"""numpydoc validation of the public docstrings, and the API page's completeness.

The docstrings' Examples sections run as doctests (``--doctest-modules`` in
pyproject.toml); here their *form* is checked with numpydoc's validator, the
same rules the numpydoc Sphinx extension renders them by.
"""

import inspect
import re
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import skmlp  # noqa: E402
import skmlp.datasets  # noqa: E402
import skmlp.onnx  # noqa: E402

# Checks that skmlp does not follow, each for a reason:
IGNORED = {
    # "ES01" (no extended summary): a one-line summary says all there is to
    # say about most methods; the long explanations live in the class
    # docstring and the user guide.
    "ES01",
    # "SA01" (no See Also section): only the class has a natural cross-
    # reference (scikit-learn's MLPClassifier); empty See Also sections would
    # be noise.
    "SA01",
    # "RT02" (Returns line should contain only the type): scikit-learn names
    # returned values (``self : object``, ``proba : ndarray of shape ...``);
    # skmlp follows scikit-learn, which numpydoc reads as a missing type.
    "RT02",
    # "GL01" (summary on the line after the opening quotes): skmlp, like PEP 257
    # and scikit-learn, starts the summary on the quotes' line. numpydoc >= 1.11
    # accepts both placements; older versions (the test extra's floor) flag it.
    "GL01",
}
# Every method has its own Examples section too (no extra codes ignored).
IGNORED_FOR_METHODS: set[str] = set()


def _own_public_methods(cls):
    """Public methods that skmlp defines; inherited scikit-learn ones are not ours."""
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        if getattr(member, "__module__", "").startswith("skmlp"):
            yield f"{cls.__module__.split('.')[0]}.{cls.__name__}.{name}"


PUBLIC_OBJECTS = ["skmlp.MLPClassifier", "skmlp.datasets.load_mnist", "skmlp.onnx.register"]
PUBLIC_METHODS = list(_own_public_methods(skmlp.MLPClassifier))


def _errors(name, ignored):
    result = numpydoc_validate.validate(name)
    return [f"{code}: {message}" for code, message in result["errors"] if code not in ignored]


@pytest.mark.parametrize("name", PUBLIC_OBJECTS)
def test_public_docstring(name):
    errors = _errors(name, IGNORED)
    assert not errors, f"{name}:\n" + "\n".join(errors)


@pytest.mark.parametrize("name", PUBLIC_METHODS)
def test_method_docstring(name):
    errors = _errors(name, IGNORED | IGNORED_FOR_METHODS)
    assert not errors, f"{name}:\n" + "\n".join(errors)


def test_methods_found():
    # Guards the filter above: it must keep skmlp's own methods.
    assert {"fit", "partial_fit", "predict", "reset_optimizer", "decision_function"} <= {
        name.rsplit(".", 1)[-1] for name in PUBLIC_METHODS
    }


API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


@pytest.mark.skipif(not API_PAGE.exists(), reason="docs/ is not in this checkout")
def test_api_page_lists_every_public_name():
    text = API_PAGE.read_text(encoding="utf-8")
    listed = set()
    module = None
    for line in text.splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
        elif module and (m := re.match(r"   ([A-Za-z]\w*)$", line)):
            listed.add(f"{module}.{m.group(1)}")
    public = {f"skmlp.{name}" for name in skmlp.__all__ if not name.startswith("_")}
    public |= {f"skmlp.onnx.{name}" for name in skmlp.onnx.__all__}
    public |= {
        f"skmlp.datasets.{name}"
        for name, obj in vars(skmlp.datasets).items()
        if inspect.isfunction(obj) and obj.__module__ == "skmlp.datasets" and name[0] != "_"
    }
    assert public <= listed, f"missing from docs/api.rst: {sorted(public - listed)}"
