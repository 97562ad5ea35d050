"""Settings shared by the doctests in skmlp/ and the tests in tests/."""

import pytest
from _pytest.doctest import DoctestItem


def pytest_collection_modifyitems(items):
    # A docstring example is what a reader copies: one that needs more epochs
    # than it gives (a ConvergenceWarning) fails instead of printing a warning.
    mark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(mark)
