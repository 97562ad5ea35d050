"""Arrays of any Array API library: which namespace and device, and moving between them.

With ``sklearn.set_config(array_api_dispatch=True)``, an X from torch, CuPy or
array-api-strict is trained on where it lies: the model's parameters are
arrays of X's namespace on X's device, and the training loop runs the same
:mod:`skmlp._backprop` on them through :mod:`skmlp._kernels_xp`. Without
dispatch, or for numpy and scipy.sparse input, everything stays numpy (and the
numpy or numba kernels). scikit-learn's helpers find the namespace; this
module gives skmlp's code the few operations it needs on top.
"""

from __future__ import annotations

import contextlib

import numpy as np
from scipy import sparse
from sklearn import get_config


def namespace_and_device(X):
    """``(xp, device)`` of a validated X, or ``(None, None)`` for the numpy path.

    The numpy path is taken for numpy arrays and sparse matrices, and for every
    input when scikit-learn's ``array_api_dispatch`` is off (X was then
    converted to numpy by the validation).
    """
    if type(X) is np.ndarray or sparse.issparse(X) or not get_config()["array_api_dispatch"]:
        return None, None
    from sklearn.utils._array_api import _is_numpy_namespace, get_namespace_and_device

    try:
        xp, _, device = get_namespace_and_device(X)
    except TypeError:  # not an array (a DataFrame, say): validation makes it numpy
        return None, None
    if _is_numpy_namespace(xp):
        return None, None
    if getattr(X, "layout", None) is not None and "sparse" in str(X.layout):
        raise TypeError(
            f"X is a sparse torch tensor (layout {X.layout}); skmlp trains on dense "
            "tensors only. Pass X.to_dense(), or a scipy.sparse matrix (trained on "
            "the CPU)."
        )
    return xp, device


def namespace_of(a):
    """The namespace to call functions on for array ``a``: numpy for ndarrays."""
    if isinstance(a, np.ndarray):
        return np
    return _compat().array_namespace(a)


def _compat():
    """array-api-compat: the copy scikit-learn's own get_namespace uses."""
    try:
        from sklearn.externals import array_api_compat
    except ImportError:  # scikit-learn < 1.8 uses the array-api-compat package
        import array_api_compat
    return array_api_compat


def float_dtypes(xp) -> tuple:
    """The float dtypes validation accepts; X keeps its own, others take the first.

    numpy input of another dtype (float16, integers) becomes float64, as in
    scikit-learn; on a device it becomes float32, which GPUs compute far
    faster (a float16 or bfloat16 tensor is trained in float32).
    """
    return (np.float64, np.float32) if xp is None else (xp.float32, xp.float64)


def torch_of(X):
    """The torch module when X is a torch tensor, else None (without importing torch)."""
    if type(X).__module__.split(".")[0] != "torch":
        return None
    import torch

    return torch


def detached(X):
    """X itself, or for a torch tensor that requires gradients, the same data without
    them (the validation would otherwise copy it with a warning from torch)."""
    return X.detach() if getattr(X, "requires_grad", False) and torch_of(X) else X


def no_autograd(X):
    """torch's ``no_grad()`` for a torch X, else a context that does nothing.

    Training computes its own gradients (the derivation's); torch's autograd
    would only record every operation, and refuses the ``out=`` products
    when X requires gradients.
    """
    torch = torch_of(X)
    return contextlib.nullcontext() if torch is None else torch.no_grad()


def numpy_dtype(xp, dtype):
    """numpy's float dtype of the same width as ``xp``'s ``dtype``."""
    if xp is None:
        return dtype
    return np.dtype(np.float32) if dtype == xp.float32 else np.dtype(np.float64)


def to_numpy(a) -> np.ndarray:
    """A numpy copy (or view, on the CPU) of any namespace's array; None stays None."""
    if a is None or isinstance(a, np.ndarray) or sparse.issparse(a):
        return a
    from sklearn.utils._array_api import _convert_to_numpy

    return _convert_to_numpy(a, namespace_of(a))


def to_device(a, xp, device):
    """``a`` (numpy, or any namespace's array) as an array of ``xp`` on ``device``."""
    if a is None:
        return None
    if not isinstance(a, np.ndarray) and namespace_of(a) is not xp:
        a = to_numpy(a)  # from another library: through the host
    return xp.asarray(a, device=device)


def copy(a):
    """A copy of array ``a`` in its own namespace and device."""
    if isinstance(a, np.ndarray):
        return a.copy()
    return namespace_of(a).asarray(a, copy=True)


def ravel_concat(arrays: list):
    """One flat vector of the arrays' entries, one array after the other."""
    if isinstance(arrays[0], np.ndarray):
        return np.concatenate([a.ravel() for a in arrays])
    xp = namespace_of(arrays[0])
    return xp.concat([xp.reshape(a, (-1,)) for a in arrays])


def take_rows(a, rows):
    """The rows ``rows`` (a numpy index array) of ``a``, in ``a``'s namespace."""
    if isinstance(a, np.ndarray) or sparse.issparse(a):
        return a[rows]
    xp = namespace_of(a)
    return xp.take(a, xp.asarray(rows, device=_device(a)), axis=0)


def reshape(a, shape):
    """``a`` reshaped; a view of ``a`` when it is contiguous (the flat parameters)."""
    if isinstance(a, np.ndarray):
        return a.reshape(shape)
    return namespace_of(a).reshape(a, shape)


def check_same_place(est, X, method: str) -> None:
    """Raise when X is not of the namespace and device the model was fitted on.

    A model fitted on torch CUDA tensors predicts on CUDA tensors of the same
    device; numpy input to it, or CUDA input to a numpy model under dispatch,
    is an error naming both (scikit-learn's estimators say the same).
    """
    xp_X, device_X = namespace_and_device(X)
    fitted = est.coefs_[0]
    if xp_X is None and isinstance(fitted, np.ndarray):
        return
    xp_fit, device_fit = namespace_of(fitted), _device(fitted)
    if xp_X is None:  # numpy X, or dispatch off: the model's arrays are elsewhere
        if not get_config()["array_api_dispatch"]:
            raise ValueError(
                f"This model was fitted on {_name(xp_fit)} arrays (device {device_fit}) "
                f"with array_api_dispatch=True; call {type(est).__name__}.{method}() "
                "within sklearn.config_context(array_api_dispatch=True), with X of the "
                "same namespace and device."
            )
        got = "numpy"
    elif xp_fit is xp_X and device_fit == device_X:
        return
    else:
        got = f"{_name(xp_X)} (device {device_X})"
    raise ValueError(
        f"Inputs passed to {type(est).__name__}.{method}() must use the same namespace "
        f"and the same device as those passed to fit(): the model was fitted on "
        f"{_name(xp_fit)} arrays (device {device_fit}), X is {got}. Move X there "
        "(e.g. torch's X.to(device)), or refit the model on X's namespace and device."
    )


def _name(xp) -> str:
    """The library's own name: "torch" for array-api-compat's wrapper of it."""
    return xp.__name__.rpartition("array_api_compat.")[2]


def _device(a):
    if isinstance(a, np.ndarray):
        return "cpu"
    return _compat().device(a)  # whatever scikit-learn's dispatch setting
