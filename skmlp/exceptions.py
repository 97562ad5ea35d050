"""Warnings that skmlp emits."""

from __future__ import annotations

from sklearn.exceptions import InconsistentVersionWarning as SklearnInconsistentVersionWarning


class InconsistentVersionWarning(SklearnInconsistentVersionWarning):
    """A model pickled by one version of skmlp was loaded by another.

    The attributes an estimator stores can change between versions, so a
    model loaded under another version may predict differently or fail.
    Refit it with the installed version, or install the version that saved it.

    A subclass of scikit-learn's ``sklearn.exceptions.InconsistentVersionWarning``
    (and of ``UserWarning``), so that one filter set for scikit-learn's warning
    catches skmlp's too; its attributes name skmlp's versions.

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
    warning into an error, refusing such models; the same filter with
    scikit-learn's class refuses both libraries' version changes.
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version
        # scikit-learn's __init__ takes its own version keywords: the message is
        # set as any Warning's is.
        UserWarning.__init__(self, str(self))

    def __str__(self):
        return (
            f"{self.estimator_name} was saved by skmlp {self.original_version} and is "
            f"loaded by skmlp {self.current_version}; it may predict differently or "
            "fail. Refit it, or load it with the version that saved it."
        )
