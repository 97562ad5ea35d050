"""skmlp: a multilayer-perceptron classifier for scikit-learn, built on one derivation."""

from ._classifier import MLPClassifier

__version__ = "0.1.0"
__all__ = ["MLPClassifier", "__version__"]
