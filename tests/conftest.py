import numpy as np
import pytest
from sklearn.datasets import make_blobs


@pytest.fixture
def blobs3():
    """Three well-separated classes in 4 features, 60 samples."""
    X, y = make_blobs(n_samples=60, centers=3, n_features=4, cluster_std=1.0, random_state=0)
    return X, y


@pytest.fixture
def blobs2():
    """Two well-separated classes in 4 features, 40 samples."""
    X, y = make_blobs(n_samples=40, centers=2, n_features=4, cluster_std=1.0, random_state=1)
    return X, y


@pytest.fixture
def multilabel():
    """A 3-label indicator target that depends on the signs of the features."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] < 0.3]).astype(int)
    return X, Y
