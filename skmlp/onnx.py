"""ONNX export: run a fitted :class:`~skmlp.MLPClassifier` outside Python.

After :func:`register`, skl2onnx's ``to_onnx`` and ``convert_sklearn`` convert
an :class:`~skmlp.MLPClassifier`, alone or in a ``Pipeline``, into an ONNX graph
whose labels are :meth:`~skmlp.MLPClassifier.predict`'s and whose
probabilities are :meth:`~skmlp.MLPClassifier.predict_proba`'s. Needs the
``onnx`` extra: ``pip install skmlp[onnx]``.
"""

from __future__ import annotations

__all__ = ["register"]

_INSTALL = 'pip install "skmlp[onnx]"'


def register() -> None:
    """Register skmlp's converter for :class:`~skmlp.MLPClassifier` with skl2onnx.

    Call it once per process, before ``skl2onnx.to_onnx`` or
    ``skl2onnx.convert_sklearn``; calling it again changes nothing. The
    converter writes the fitted network's forward pass and turns its outputs
    into labels and probabilities exactly as ``predict`` and ``predict_proba``
    do, in the model's dtype (float32 or float64) whatever the input's. The
    usual classifier options of skl2onnx apply: ``zipmap`` (True by default:
    the probabilities as one dict per row, which ONNX's ``ZipMap`` holds in
    float32; ``False`` keeps the probability matrix in the model's dtype) and
    ``output_class_labels``.

    Do not register skl2onnx's own converter of scikit-learn's MLPClassifier
    for skmlp models instead: it writes the raw sigmoid of each output unit,
    not skmlp's normalised probabilities.

    Raises
    ------
    ImportError
        When skl2onnx (or onnx) is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> import skmlp.onnx
    >>> from skl2onnx import to_onnx
    >>> from sklearn.datasets import load_iris
    >>> from skmlp import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> skmlp.onnx.register()
    >>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
    >>> [output.name for output in onx.graph.output]
    ['label', 'probabilities']
    """
    try:
        from skl2onnx import update_registered_converter

        from . import _onnx
    except ImportError as exc:
        raise ImportError(
            f"ONNX export needs skl2onnx (and onnx): {_INSTALL}, or pip install "
            "skl2onnx; onnxruntime runs the exported models."
        ) from exc
    from ._classifier import MLPClassifier

    update_registered_converter(
        MLPClassifier,
        _onnx.ALIAS,
        _onnx.calculate_output_shapes,
        _onnx.convert_skmlp_classifier,
        parser=_onnx.make_parser(_classifier_parser()),
        options=_onnx.OPTIONS,
    )


def _classifier_parser():
    """skl2onnx's parser of classifiers (probabilities, ZipMap, class labels).

    ``update_registered_converter`` installs this same parser for any model
    registered with the ``zipmap`` option; skmlp wraps it to check the model
    first, so that an unfitted model fails with scikit-learn's NotFittedError.
    """
    from skl2onnx._parse import _parse_sklearn_classifier

    return _parse_sklearn_classifier
