"""skl2onnx's parser, shape calculator and converter for :class:`skmlp.MLPClassifier`.

The ONNX graph is the forward pass of :meth:`MLPClassifier._logits` followed by
what :meth:`~MLPClassifier.predict` and :meth:`~MLPClassifier.predict_proba`
do with the logits ``Z_out``, written with elementary operators that
onnxruntime runs in float32 and in float64 alike (it has no float64 kernel of
``Softplus``, for one) and whose results stay finite far in the tails::

    A[0] = X, cast to the model's dtype
    Z[l] = A[l-1] W[l] + b[l]             A[l] = phi(Z[l])   (hidden layers)
    Z_out = A[L-1] W[L] + b[L]
    labels: argmax_j Z_out (Z_out > 0 for one output unit, or per label)
    probabilities: see _probabilities

Importing this module imports skl2onnx; :func:`skmlp.onnx.register` does so
only when it is called.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.utils.validation import check_is_fitted

from ._array_api import to_numpy

ALIAS = "SkmlpMLPClassifier"

# skl2onnx's usual classifier options: ZipMap (the probabilities as one dict per
# row, the default) and the class labels as an extra output, which skl2onnx's
# classifier parser adds after the converter; nocl, the class indices 0..C-1 as
# labels. Any other option raises skl2onnx's NameError, which lists these.
OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False, True],
    "output_class_labels": [False, True],
}

_PROTO = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}
_TENSOR = {np.dtype(np.float32): FloatTensorType, np.dtype(np.float64): DoubleTensorType}


# ------------------------------------------------------------- the model's state
def _weights(model):
    """``coefs_`` and ``intercepts_`` as numpy arrays (a model fitted on a device
    holds them in its Array API library)."""
    coefs = [np.asarray(to_numpy(W)) for W in model.coefs_]
    intercepts = [np.asarray(to_numpy(b)) for b in model.intercepts_]
    return coefs, intercepts


def _class_labels(model, nocl: bool = False):
    """``classes_`` as the graph outputs them: int64 or str, or None (multilabel).

    Integer, bool and (integral) float labels come out as int64, equal to
    ``predict``'s (int64 must hold them); text labels as strings; with
    skl2onnx's ``nocl`` option, the class indices 0..C-1.
    """
    if model._multilabel:
        return None
    classes = np.asarray(model.classes_)
    if nocl:
        return np.arange(len(classes), dtype=np.int64)
    if classes.dtype.kind in "biuf":
        values = classes.tolist()
        as_int = [int(c) if np.isfinite(c) else None for c in values]
        if as_int == values and all(-(2**63) <= c < 2**63 for c in as_int):
            return np.array(as_int, dtype=np.int64)
    elif all(isinstance(c, str) for c in classes):
        return classes.astype(str)
    raise TypeError(
        f"The model's classes_ {classes.tolist()!r} (dtype {classes.dtype}) cannot be "
        "ONNX labels, which are int64 or strings. Fit the model on integer or string "
        "labels (e.g. y.astype(str), or sklearn.preprocessing.LabelEncoder)."
    )


def _probability_dtype(scope, model, dtype):
    """predict_proba's dtype, the model's; float32 under ZipMap, which takes no other."""
    options = scope.get_options(model, {"zipmap": True})
    return np.dtype(np.float32) if options["zipmap"] is True else dtype


def _nocl(scope, model) -> bool:
    return bool(scope.get_options(model, {"nocl": False})["nocl"])


def check_convertible(model) -> None:
    """Raise, saying why, when the converter cannot write ``model`` as it predicts."""
    check_is_fitted(model)
    fitted = getattr(model, "_fitted_activation", model.activation)
    if model.activation != fitted:
        raise ValueError(
            f"activation={model.activation!r} differs from the activation the model was "
            f"fitted with ({fitted!r}); the ONNX graph would not be the trained network. "
            f"Set activation={fitted!r} again (or refit) before converting."
        )
    _class_labels(model)


# --------------------------------------------------------------------- skl2onnx
def make_parser(classifier_parser):
    """A parser that checks the model, then runs skl2onnx's ``classifier_parser``."""

    def parse_skmlp_classifier(scope, model, inputs, custom_parsers=None):
        check_convertible(model)  # before skl2onnx's parser reads classes_
        return classifier_parser(scope, model, inputs, custom_parsers=custom_parsers)

    return parse_skmlp_classifier


def calculate_output_shapes(operator) -> None:
    """Outputs: the labels ``[N]`` (``[N, n_labels]`` multilabel), the probabilities ``[N, C]``."""
    model = operator.raw_operator
    check_convertible(model)
    if len(operator.inputs) != 1 or len(operator.outputs) != 2:
        raise RuntimeError(
            f"skmlp's ONNX converter takes 1 input and gives 2 outputs (labels, "
            f"probabilities); skl2onnx asked for {len(operator.inputs)} and "
            f"{len(operator.outputs)}."
        )
    input_type = operator.inputs[0].type
    if not isinstance(input_type, (FloatTensorType, DoubleTensorType)):
        raise TypeError(
            f"skmlp's ONNX converter takes a float or double tensor as input, not "
            f"{type(input_type).__name__}; declare the input as FloatTensorType or "
            "DoubleTensorType (to_onnx does so for float32 or float64 X)."
        )
    shape = input_type.shape
    if len(shape) == 2 and isinstance(shape[1], int) and shape[1] != model.n_features_in_:
        raise ValueError(
            f"The ONNX input has {shape[1]} features, but the model was fitted on "
            f"{model.n_features_in_}."
        )
    N = operator.inputs[0].get_first_dimension()
    coefs, _ = _weights(model)
    n_outputs = coefs[-1].shape[1]
    scope = operator.scope_inst
    classes = _class_labels(model, _nocl(scope, model))
    if classes is None:
        operator.outputs[0].type = Int64TensorType([N, n_outputs])
    elif classes.dtype.kind == "U":
        operator.outputs[0].type = StringTensorType([N])
    else:
        operator.outputs[0].type = Int64TensorType([N])
    n_columns = 2 if n_outputs == 1 and classes is not None else n_outputs
    dtype = _probability_dtype(scope, model, coefs[0].dtype)  # not X's
    operator.outputs[1].type = _TENSOR[dtype]([N, n_columns])


class _Graph:
    """Adds nodes to skl2onnx's container, each output a fresh name."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container = scope, container
        self.dtype, self.proto = dtype, _PROTO[dtype]

    def constant(self, name, value, dtype=None):
        value = np.asarray(value, dtype=dtype or self.dtype)
        unique = self.scope.get_unique_variable_name(name)
        proto = _PROTO.get(value.dtype, TensorProto.INT64)
        if value.dtype.kind == "U":
            proto, value = TensorProto.STRING, np.array([s.encode() for s in value.ravel()])
        self.container.add_initializer(unique, proto, list(value.shape), value.ravel())
        return unique

    def node(self, op, inputs, output=None, **attrs):
        output = output or self.scope.get_unique_variable_name(op.lower())
        self.container.add_node(
            op, inputs, output, name=self.scope.get_unique_operator_name(op), **attrs
        )
        return output

    def reduce_sum_rows(self, A):
        """sum_k A[:, k], as a column (ReduceSum's axes became an input in opset 13)."""
        if self.container.target_opset < 13:
            return self.node("ReduceSum", [A], axes=[1], keepdims=1)
        axes = self.constant("axes", [1], np.int64)
        return self.node("ReduceSum", [A, axes], keepdims=1)

    def sigmoid(self, Z):
        """(1 + tanh(z / 2)) / 2: as skmlp's hidden units compute it; cannot overflow."""
        half = self.constant("half", 0.5)
        T = self.node("Tanh", [self.node("Mul", [Z, half])])
        return self.node("Add", [self.node("Mul", [T, half]), half])

    def log_sigmoid(self, Z):
        """log sigmoid(z) = -(max(-z, 0) + log(1 + exp(-|z|))), finite for every z."""
        neg_Z = self.node("Neg", [Z])
        one = self.constant("one", 1.0)
        exp_minus_abs = self.node("Exp", [self.node("Neg", [self.node("Abs", [Z])])])
        tail = self.node("Log", [self.node("Add", [one, exp_minus_abs])])
        return self.node("Neg", [self.node("Add", [self.node("Relu", [neg_Z]), tail])])

    def normalise_exp(self, L, index_of_max):
        """exp(L_j) / sum_k exp(L_k) per row, shifted by the row's largest L."""
        L_max = self.node("GatherElements", [L, index_of_max], axis=1)
        E = self.node("Exp", [self.node("Sub", [L, L_max])])
        return self.node("Div", [E, self.reduce_sum_rows(E)])


def _hidden_activation(graph, Z, activation):
    """A = phi(Z) for the hidden layers, as skmlp._activations computes it."""
    if activation == "logistic":
        return graph.sigmoid(Z)
    if activation == "tanh":
        return graph.node("Tanh", [Z])
    if activation == "relu":
        return graph.node("Relu", [Z])
    return Z  # identity


def convert_skmlp_classifier(scope, operator, container) -> None:
    """Write the network's forward pass, labels and probabilities into ``container``."""
    model = operator.raw_operator
    coefs, intercepts = _weights(model)
    dtype = coefs[0].dtype
    graph = _Graph(scope, container, dtype)

    A = graph.node("Cast", [operator.inputs[0].full_name], to=graph.proto)  # A[0] = X
    n_layers = len(coefs)
    for l, (W, b) in enumerate(zip(coefs, intercepts), start=1):
        Z = graph.node("MatMul", [A, graph.constant(f"W{l}", W)])  # Z[l] = A[l-1] W[l]
        Z = graph.node("Add", [Z, graph.constant(f"b{l}", b[None, :])])  # + b[l]
        A = _hidden_activation(graph, Z, model.activation) if l < n_layers else Z
    Z_out = A

    labels, probabilities = (output.full_name for output in operator.outputs)
    classes = _class_labels(model, _nocl(scope, model))
    P = _probabilities(graph, model, coefs[-1].shape[1], Z_out)
    to = _PROTO[_probability_dtype(scope, model, dtype)]
    if to == graph.proto:
        graph.node("Identity", [P], probabilities)
    else:  # a float64 model's probabilities, for ZipMap
        graph.node("Cast", [P], probabilities, to=to)
    if classes is None:  # multilabel: label j is on where sigmoid(z_j) > 1/2, i.e. z_j > 0
        zero = graph.constant("zero", 0.0)
        graph.node("Cast", [graph.node("Greater", [Z_out, zero])], labels, to=TensorProto.INT64)
        return
    if coefs[-1].shape[1] == 1:  # one output unit, z > 0 picks classes_[1]
        z = graph.node("Reshape", [Z_out, graph.constant("flat", [-1], np.int64)])
        positive = graph.node("Greater", [z, graph.constant("zero", 0.0)])
        index = graph.node("Cast", [positive], to=TensorProto.INT64)
    else:  # the largest output wins (the first of equal ones, as numpy's argmax)
        index = graph.node("ArgMax", [Z_out], axis=1, keepdims=0)
    class_labels = graph.constant("classes", classes, classes.dtype)
    graph.node("Gather", [class_labels, index], labels, axis=0)


def _probabilities(graph, model, n_outputs, Z_out):
    """predict_proba from the logits.

    - multilabel: sigmoid(z_j) per label;
    - one output unit: [sigmoid(-z), sigmoid(z)];
    - softmax: exp(z_j - m) / sum_k exp(z_k - m), m the row's largest z;
    - one sigmoid per class (the default): s_j / sum_k s_k, computed as the
      softmax of log s (log s_j = log_sigmoid(z_j)) so that rows whose
      sigmoids all underflow still divide finite numbers, as skmlp's
      ``exp(log_s - logsumexp(log_s))`` does.
    """
    if model._multilabel:
        return graph.sigmoid(Z_out)
    if n_outputs == 1:
        half = graph.constant("half", 0.5)
        T = graph.node("Mul", [graph.node("Tanh", [graph.node("Mul", [Z_out, half])]), half])
        negative = graph.node("Sub", [half, T])  # sigmoid(-z) = (1 - tanh(z / 2)) / 2
        positive = graph.node("Add", [half, T])
        return graph.node("Concat", [negative, positive], axis=1)
    index_of_max = graph.node("ArgMax", [Z_out], axis=1, keepdims=1)
    if model.out_activation_ == "softmax":
        return graph.normalise_exp(Z_out, index_of_max)
    # log_sigmoid is increasing: the largest z has the largest log s
    return graph.normalise_exp(graph.log_sigmoid(Z_out), index_of_max)
