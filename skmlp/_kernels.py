"""Choose the kernels (numpy or numba) that the ``kernels`` setting asks for.

Both modules provide the same functions with the same signatures:
``bias_activation``, ``output_activation``, ``data_loss``,
``activation_derivative``, ``add_scaled``, ``sgd_update`` and
``adam_update``. :func:`active` returns the module to call.

"auto" picks per call (``fit``, ``partial_fit``, a prediction) from an
estimate of the call's work, so that a small fit never pays for loading
numba (0.3 to 2 s in a fresh process, more than a whole digits fit takes):
see :func:`for_work`.

Arrays of another Array API library (torch, CuPy, ...; with scikit-learn's
``array_api_dispatch``) get :class:`skmlp._kernels_xp.ArrayAPIKernels`, bound
to their namespace and device, whatever the setting: :func:`for_namespace`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from types import ModuleType

from . import _config, _kernels_numpy, _kernels_xp
from ._array_api import namespace_and_device

_numba_kernels: ModuleType | None = None
_numba_tried = False
_numba_error: str = "numba is not installed"
_numba_lock = threading.Lock()
_call = threading.local()  # .module: the kernels chosen for the running call

#: Work (``n_samples * n_parameters * epochs``) from which "auto" loads the
#: compiled kernels. Measured on a 2-core machine: loading them costs 0.3 to
#: 2 s in a fresh process; once loaded they save about 1e-10 s per unit of
#: work (MNIST-sized networks). They pay for their loading from about 1e10
#: (e.g. 20,000 MNIST rows, 100 hidden units, 6 epochs; digits with 64 hidden
#: units for 60 epochs is 5e8).
AUTO_NUMBA_WORK = 1e10


def _numba_kernels_or_none() -> ModuleType | None:
    """:mod:`skmlp._kernels_numba`, or None when it cannot be loaded.

    Loaded once, under a lock: a thread that asks while another is importing
    (about half a second) waits for the outcome. Besides a missing numba,
    loading fails when numba rejects the installed numpy, or cannot set up
    its on-disk cache (no writable cache directory; ``NUMBA_CACHE_DIR``
    names one). "auto" then runs on numpy; "numba" reports the reason.
    """
    global _numba_kernels, _numba_tried, _numba_error
    with _numba_lock:
        if not _numba_tried:
            try:
                from . import _kernels_numba
            except ModuleNotFoundError as exc:
                if exc.name not in ("numba", "llvmlite"):
                    _numba_error = f"numba failed to load the compiled kernels ({exc})"
            except Exception as exc:  # numba present but unusable here
                _numba_error = f"numba failed to load the compiled kernels ({exc})"
            else:
                _numba_kernels = _kernels_numba
            _numba_tried = True
    return _numba_kernels


def active() -> ModuleType:
    """The kernel module for the current ``kernels`` setting (called per batch).

    Inside :func:`using` (a fit or prediction under way), "auto" means the
    module chosen for that call; elsewhere it means the kernels of large work.
    """
    choice = _config._settings()["kernels"]
    chosen = getattr(_call, "module", None)
    if chosen is not None and (choice == "auto" or chosen.NAME == _kernels_xp.NAME):
        return chosen  # the call's choice, or the kernels of its arrays' device
    if choice == "numpy":
        return _kernels_numpy
    if _numba_kernels is not None and (choice == "auto" or choice == "numba"):
        return _numba_kernels
    return _resolve(choice)


def for_work(work: float, X=None) -> ModuleType:
    """The kernels for a call on ``X`` doing ``work`` (``n_samples * n_parameters * epochs``).

    Inside a fit (early stopping's validation pass), the fit's kernels are
    kept. An X of another Array API library gets the kernels of its namespace
    and device (:func:`for_namespace`), whatever the setting. Otherwise
    "numpy" and "numba" are obeyed whatever the work; "auto" takes the
    compiled kernels (loading numba if needed) only from
    :data:`AUTO_NUMBA_WORK` on, and never imports numba below it. The rule
    depends on the call alone, not on what the process loaded before, so the
    same fit gives the same numbers in any process.
    """
    if getattr(_call, "module", None) is not None:
        return active()  # the kernels of the fit under way
    on_device = None if X is None else for_namespace(X)
    if on_device is not None:
        return on_device
    choice = _config._settings()["kernels"]
    if choice != "auto":
        return active()  # a setting to obey
    if work < AUTO_NUMBA_WORK:
        return _kernels_numpy
    return _numba_kernels if _numba_kernels is not None else _resolve(choice)


def n_parameters(units: list) -> int:
    """The weights and biases of a network of layer sizes ``units``."""
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(units, units[1:]))


def fit_work(n_samples: int, units: list, epochs: int) -> float:
    """The work of a fit, as ``kernels="auto"`` counts it: rows x parameters x epochs."""
    return float(n_samples) * n_parameters(units) * epochs


def for_fit(n_samples: int, units: list, epochs: int, X=None) -> ModuleType:
    """:func:`for_work` for a fit on ``X`` of ``epochs`` over ``n_samples`` rows of a
    network of layer sizes ``units``: its work counts every weight and bias."""
    return for_work(fit_work(n_samples, units, epochs), X)


def for_namespace(X):
    """The kernels of X's namespace and device, or None for numpy and sparse X."""
    xp, device = namespace_and_device(X)
    if xp is None:
        return None
    if xp.__name__.endswith("torch"):  # array-api-compat's wrapper of torch
        return _kernels_xp.TorchKernels(xp, device)
    return _kernels_xp.ArrayAPIKernels(xp, device)


@contextmanager
def using(module: ModuleType):
    """Make ``module`` what :func:`active` returns for "auto" in this thread."""
    previous = getattr(_call, "module", None)
    _call.module = module
    try:
        yield module
    finally:
        _call.module = previous


def check_setting() -> None:
    """Raise now if the setting is unusable: a wrong environment variable, or
    "numba" without numba. "auto" loads nothing here."""
    choice = _config._settings()["kernels"]
    if choice != "auto":
        active()
    else:
        _config._check_kernels(choice, f"The environment variable {_config.ENV_VAR}")


def _resolve(choice: str) -> ModuleType:
    """``active()`` for "auto"/"numba" before numba is loaded, or a wrong setting."""
    # set_config validates its argument; only the environment variable can be wrong.
    _config._check_kernels(choice, f"The environment variable {_config.ENV_VAR}")
    compiled = _numba_kernels_or_none()
    if compiled is not None:
        return compiled
    if choice == "numba":
        raise ImportError(
            f"kernels='numba' needs numba, but {_numba_error}. Install numba (pip "
            'install numba, or pip install -e ".[fast]" in a checkout of skmlp), or '
            'choose kernels="auto" or "numpy" '
            f"(skmlp.set_config, or the {_config.ENV_VAR} environment variable)."
        )
    return _kernels_numpy


def kernel_backend() -> str:
    """The kernels that large work uses now: ``"numba"`` or ``"numpy"``.

    This resolves the ``kernels`` setting (see :func:`skmlp.set_config`):
    ``"auto"`` is ``"numba"`` when numba is installed (the ``fast`` extra:
    ``pip install -e ".[fast]"`` in a checkout of skmlp) and ``"numpy"``
    otherwise; under ``"auto"``, fits and predictions whose work is small run
    on numpy all the same (the rule is in :func:`skmlp.set_config`). Asking
    loads numba under ``"auto"``.

    Returns
    -------
    name : str
        ``"numba"`` or ``"numpy"``.

    See Also
    --------
    skmlp.set_config : Choose the kernels.

    Examples
    --------
    >>> import skmlp
    >>> skmlp.kernel_backend() in ("numba", "numpy")
    True
    """
    return active().NAME
