"""Settings shared by the doctests in skmlp/ and the tests in tests/."""

import os

# scikit-learn's array_api_dispatch needs scipy's own Array API support, which
# scipy reads from the environment when it is first imported: set it before
# anything imports scipy, so that the Array API tests and estimator checks run
# (scikit-learn's own test suite runs the same way).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import pytest  # noqa: E402
from _pytest.doctest import DoctestItem


def pytest_collection_modifyitems(items):
    # A docstring example is what a reader copies: one that needs more epochs
    # than it gives (a ConvergenceWarning) fails instead of printing a warning.
    mark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(mark)
