"""Warnings that skmlp emits."""

from __future__ import annotations


class InconsistentVersionWarning(UserWarning):
    """A model pickled by one version of skmlp was loaded by another.

    The attributes an estimator stores can change between versions, so a
    model loaded under another version may predict differently or fail.
    Refit it with the installed version, or install the version that saved it.

    Parameters
    ----------
    estimator_name : str
        The class of the loaded estimator.

    current_version : str
        The installed version of skmlp.

    original_version : str
        The version of skmlp that pickled the model.

    Examples
    --------
    >>> from skmlp.exceptions import InconsistentVersionWarning
    >>> warning = InconsistentVersionWarning(
    ...     estimator_name="MLPClassifier", current_version="0.2.0", original_version="0.1.0"
    ... )
    >>> warning.original_version
    '0.1.0'

    ``warnings.simplefilter("error", InconsistentVersionWarning)`` turns the
    warning into an error, refusing such models.
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version
        super().__init__(str(self))

    def __str__(self):
        return (
            f"{self.estimator_name} was saved by skmlp {self.original_version} and is "
            f"loaded by skmlp {self.current_version}; it may predict differently or "
            "fail. Refit it, or load it with the version that saved it."
        )
