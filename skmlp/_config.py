"""Package-wide settings: which kernels run the elementwise steps of training, and
whether training on torch's GPUs replays CUDA graphs.

``kernels`` (numpy input):

* ``"auto"`` (the default): the compiled kernels when numba is installed
  (the ``fast`` extra: ``pip install -e ".[fast]"`` in a checkout) and the
  call's work pays for loading them (see :func:`set_config`), the numpy ones
  otherwise;
* ``"numba"``: the compiled kernels, an error if numba is missing;
* ``"numpy"``: the numpy reference kernels.

Both do the same operations in the same order; the compiled ones fuse several
numpy passes into one. The tests check that the two agree to the last bit
everywhere but in the output layer, whose ``exp`` and ``log`` come from
different math libraries and agree to rounding.
``cuda_graphs`` (torch CUDA tensors, with scikit-learn's Array API dispatch):
True (the default) replays the full minibatches of an unweighted fit as one
captured CUDA graph (:mod:`skmlp._graph_step`); False runs every step eagerly.

The defaults come from the environment variables ``SKMLP_KERNELS`` and
``SKMLP_CUDA_GRAPHS`` ("0" turns graphs off), which joblib's worker processes
inherit. As in scikit-learn, the settings are
per thread: ``set_config`` and ``config_context`` change the calling thread's
settings, and a new thread starts from the defaults.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

KERNEL_CHOICES = ("auto", "numba", "numpy")
ENV_VAR = "SKMLP_KERNELS"
GRAPHS_ENV_VAR = "SKMLP_CUDA_GRAPHS"

_defaults = {
    "kernels": os.environ.get(ENV_VAR, "auto"),
    "cuda_graphs": os.environ.get(GRAPHS_ENV_VAR, "1").strip().lower() not in ("0", "false", "no"),
}
_local = threading.local()


def _settings() -> dict:
    """This thread's settings (a copy of the defaults on its first use)."""
    settings = getattr(_local, "settings", None)
    if settings is None:
        settings = _local.settings = dict(_defaults)
    return settings


def _check_kernels(value, where: str) -> str:
    if value not in KERNEL_CHOICES:
        raise ValueError(
            f"{where} must be one of {', '.join(map(repr, KERNEL_CHOICES))}; got {value!r}."
        )
    return value


def get_config() -> dict:
    """The current values of skmlp's settings.

    Returns
    -------
    config : dict
        ``{"kernels": ..., "cuda_graphs": ...}``; see :func:`set_config`.

    See Also
    --------
    set_config : Change the settings.
    config_context : Change them inside a ``with`` block.

    Examples
    --------
    >>> import skmlp
    >>> skmlp.get_config()["kernels"] in ("auto", "numba", "numpy")
    True
    """
    return dict(_settings())


def set_config(kernels=None, cuda_graphs=None) -> None:
    """Change skmlp's settings for the calling thread.

    Parameters
    ----------
    kernels : {"auto", "numba", "numpy"}, default=None
        Which implementation runs the elementwise steps of training and
        prediction (bias and activation, activation derivatives, the L2
        gradient, the optimizer updates). ``"auto"`` uses numba when it is
        installed (the ``fast`` extra) and the call's work is large enough
        to pay for loading it (0.3 to 2 s in a new process): a ``fit``
        whose ``n_samples * n_parameters * max_iter`` is at least ``1e10``
        (``partial_fit`` and predictions count one epoch), e.g. 20,000
        MNIST rows, 100 hidden units and ``max_iter >= 6``. Smaller work
        runs on numpy and never imports numba; the choice depends on the
        call only, never on what the process loaded before.
        ``"numba"`` uses numba for every call, and raises an ImportError at
        the next fit or prediction if numba is missing; ``"numpy"``
        always uses the numpy reference. Both give the same numbers, up to
        the last bit of the output layer's ``exp`` and ``log``. ``None``
        leaves the setting unchanged. The environment variable
        ``SKMLP_KERNELS`` sets the default, also in joblib's worker processes.

    cuda_graphs : bool, default=None
        On torch CUDA tensors (with scikit-learn's Array API dispatch), whether
        the full minibatches of an unweighted fit replay one captured CUDA
        graph (True, the default), which removes the per-kernel launch
        overhead that dominates small batches on a GPU, or run every step
        eagerly (False). Both compute the same steps. Other arrays ignore
        it. ``None`` leaves the setting unchanged; the environment variable
        ``SKMLP_CUDA_GRAPHS=0`` makes False the default.

    See Also
    --------
    get_config : The current settings.
    config_context : Change the settings inside a ``with`` block.
    skmlp.kernel_backend : The kernels that ``"auto"`` gives large work.

    Examples
    --------
    >>> import skmlp
    >>> previous = skmlp.get_config()["kernels"]
    >>> skmlp.set_config(kernels="numpy")
    >>> skmlp.kernel_backend()
    'numpy'
    >>> skmlp.set_config(kernels=previous)
    """
    if kernels is not None:
        _settings()["kernels"] = _check_kernels(kernels, "kernels")
    if cuda_graphs is not None:
        if not isinstance(cuda_graphs, bool):
            raise ValueError(f"cuda_graphs must be True or False; got {cuda_graphs!r}.")
        _settings()["cuda_graphs"] = cuda_graphs


@contextmanager
def config_context(*, kernels=None, cuda_graphs=None):
    """Change skmlp's settings inside a ``with`` block, and restore them after.

    Parameters
    ----------
    kernels : {"auto", "numba", "numpy"}, default=None
        See :func:`set_config`. ``None`` keeps the current value.

    cuda_graphs : bool, default=None
        See :func:`set_config`. ``None`` keeps the current value.

    Yields
    ------
    None

    See Also
    --------
    set_config : Change the settings for the rest of the process.

    Examples
    --------
    >>> import skmlp
    >>> with skmlp.config_context(kernels="numpy"):
    ...     skmlp.kernel_backend()
    'numpy'
    """
    previous = get_config()
    set_config(kernels=kernels, cuda_graphs=cuda_graphs)
    try:
        yield
    finally:
        _settings().update(previous)
