"""Loading MNIST for examples and benchmarks, from a local file or OpenML."""

from __future__ import annotations

import os

import numpy as np

MNIST_ENV = "SKMLP_MNIST"


def load_mnist(path=None, *, dtype=np.float64):
    """Load MNIST scaled to [0, 1]: ``(X_train, y_train, X_test, y_test)``.

    Parameters
    ----------
    path : str or path-like, default=None
        An ``.npz`` file with the arrays ``X_train``, ``y_train``, ``X_test``
        and ``y_test`` (pixels 0..255, digits 0..9). When None, the
        environment variable ``SKMLP_MNIST`` is used; when that is unset too,
        ``sklearn.datasets.fetch_openml("mnist_784")`` downloads the data
        (split 60,000 / 10,000 as usual).
    dtype : numpy dtype, default=np.float64
        The dtype of the returned X arrays.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Images as rows of 784 pixels divided by 255, and integer labels.

    Raises
    ------
    FileNotFoundError
        When ``path`` (or ``SKMLP_MNIST``) names no file.
    RuntimeError
        When no path is given and OpenML cannot be reached.

    Examples
    --------
    A file in MNIST's layout (here a tiny one made on the spot):

    >>> import os, tempfile
    >>> import numpy as np
    >>> from skmlp.datasets import load_mnist
    >>> rng = np.random.default_rng(0)
    >>> path = os.path.join(tempfile.mkdtemp(), "mnist.npz")
    >>> pixels = rng.integers(0, 256, size=(8, 784), dtype=np.uint8)
    >>> np.savez(path, X_train=pixels[:6], y_train=np.arange(6, dtype=np.uint8),
    ...          X_test=pixels[6:], y_test=np.arange(2, dtype=np.uint8))
    >>> X_train, y_train, X_test, y_test = load_mnist(path, dtype=np.float32)
    >>> X_train.shape, X_train.dtype, bool(X_train.max() <= 1.0)
    ((6, 784), dtype('float32'), True)
    """
    path = path if path is not None else os.environ.get(MNIST_ENV)
    if path is not None:
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"No MNIST file at {path!r}. Pass the path of an .npz file with "
                f"X_train, y_train, X_test and y_test, or unset {MNIST_ENV} to "
                "download MNIST from OpenML."
            )
        with np.load(path) as data:
            X_train, y_train = data["X_train"], data["y_train"]
            X_test, y_test = data["X_test"], data["y_test"]
    else:
        from sklearn.datasets import fetch_openml

        try:
            X, y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False)
        except Exception as exc:  # no network, no cache
            raise RuntimeError(
                "MNIST is not at hand: give the path of mnist.npz (argument or the "
                f"{MNIST_ENV} environment variable), or connect to the internet so "
                f"that fetch_openml('mnist_784') can download it. ({exc})"
            ) from exc
        y = y.astype(np.int64)
        X_train, X_test, y_train, y_test = X[:60000], X[60000:], y[:60000], y[60000:]
    dtype = np.dtype(dtype)
    scale = dtype.type(1 / 255)
    return (
        X_train.astype(dtype) * scale,
        y_train.astype(np.int64),
        X_test.astype(dtype) * scale,
        y_test.astype(np.int64),
    )
