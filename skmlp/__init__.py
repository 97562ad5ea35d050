"""skmlp: a multilayer-perceptron classifier for scikit-learn, built on one derivation."""

from ._classifier import MLPClassifier
from ._config import config_context, get_config, set_config
from ._kernels import kernel_backend

__version__ = "0.1.0"
__all__ = [
    "MLPClassifier",
    "config_context",
    "get_config",
    "kernel_backend",
    "set_config",
    "__version__",
]
