"""Choose the kernels (numpy or numba) that the ``kernels`` setting asks for.

Both modules provide the same functions with the same signatures:
``bias_activation``, ``output_activation``, ``data_loss``,
``activation_derivative``, ``add_scaled``, ``sgd_update`` and
``adam_update``. :func:`active` returns the module to call.
"""

from __future__ import annotations

import threading
from types import ModuleType

from . import _config, _kernels_numpy

_numba_kernels: ModuleType | None = None
_numba_tried = False
_numba_error: str = "numba is not installed"
_numba_lock = threading.Lock()


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
    """The kernel module for the current ``kernels`` setting (called per batch)."""
    choice = _config._settings()["kernels"]
    if choice == "numpy":
        return _kernels_numpy
    if _numba_kernels is not None and (choice == "auto" or choice == "numba"):
        return _numba_kernels
    return _resolve(choice)


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
    """The kernels that training and prediction use now: ``"numba"`` or ``"numpy"``.

    This resolves the ``kernels`` setting (see :func:`skmlp.set_config`):
    ``"auto"`` is ``"numba"`` when numba is installed (the ``fast`` extra:
    ``pip install -e ".[fast]"`` in a checkout of skmlp) and ``"numpy"`` otherwise.

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
