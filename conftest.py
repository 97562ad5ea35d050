"""Settings shared by the doctests in skmlp/ and the tests in tests/."""

import os

# scikit-learn's array_api_dispatch needs scipy's own Array API support, which
# scipy reads from the environment when it is first imported: set it before
# anything imports scipy, so that the Array API tests and estimator checks run
# (scikit-learn's own test suite runs the same way).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import importlib.util  # noqa: E402

import pytest  # noqa: E402
from _pytest.doctest import DoctestItem

# skmlp.onnx's examples convert a model with skl2onnx (the onnx and test extras).
_NO_SKL2ONNX = importlib.util.find_spec("skl2onnx") is None


def pytest_collection_modifyitems(items):
    # A docstring example is what a reader copies: one that needs more epochs
    # than it gives (a ConvergenceWarning) fails instead of printing a warning.
    mark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(mark)
            if _NO_SKL2ONNX and item.name.startswith("skmlp.onnx."):
                item.add_marker(pytest.mark.skip(reason="skl2onnx is not installed"))
