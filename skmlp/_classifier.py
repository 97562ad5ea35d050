"""The estimator: :class:`MLPClassifier`, scikit-learn's API around the derivation."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from . import _array_api, _kernels
from ._activations import log_logistic, log_softmax, logsumexp_rows
from ._array_api import namespace_and_device, numpy_dtype, to_device, to_numpy
from ._callbacks import (
    CALLBACK_ATTRIBUTES,
    HAVE_CALLBACKS,
    CallbackSupportMixin,
    begin_fit,
    end_fit,
)
from ._dropout import dropout_rates
from ._initialization import auto_learning_rate, initial_parameters
from ._optimizers import optimizer_from_dict, optimizer_to_dict
from ._split import validation_split
from ._training import fit_lbfgs, fit_stochastic
from ._validation import check_sample_weight, class_weight_per_sample
from .exceptions import InconsistentVersionWarning

if TYPE_CHECKING:  # the public API's types, for type checkers (the package ships py.typed)
    from typing import TypeAlias

    from numpy.typing import ArrayLike, NDArray

    #: ``X``: numpy arrays, anything numpy converts (lists, DataFrames), arrays of
    #: an Array API library under dispatch, or SciPy sparse matrices and arrays.
    MatrixLike: TypeAlias = ArrayLike | sparse.spmatrix | sparse.sparray

    _F = TypeVar("_F", bound=Callable[..., Any])

    # scikit-learn ships no annotations: its decorators would hide the typed
    # signatures below behind Any. Type checkers read these instead.
    def _fit_context(*, prefer_skip_nested_validation: bool) -> Callable[[_F], _F]: ...

    def available_if(check: Callable[[Any], bool]) -> Callable[[_F], _F]: ...

else:
    from sklearn.base import _fit_context
    from sklearn.utils.metaestimators import available_if

_Self = TypeVar("_Self", bound="MLPClassifier")


def _partial_fit_available(estimator) -> bool:
    """partial_fit exists for the stochastic solvers without early stopping.

    Otherwise ``hasattr(clf, "partial_fit")`` is False, as meta-estimators and
    scikit-learn's checks test it, and calling it raises an AttributeError
    whose cause says why.
    """
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for the stochastic solvers "
            f"('sgd', 'adam'), not for solver={estimator.solver!r}."
        )
    if estimator.early_stopping:
        raise AttributeError(
            "partial_fit does not support early_stopping=True: each call sees one "
            "chunk of the data, so no validation split can be held out across "
            "calls. Set early_stopping=False, and score a held-out set yourself "
            "between calls if you need to."
        )
    return True


class MLPClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """Multilayer perceptron classifier trained by backpropagation.

    The API of :class:`sklearn.neural_network.MLPClassifier` (the same
    parameters and fitted attributes with the same meanings), not its default
    network. By default it is the network of the derivation that skmlp is
    built on: sigmoid hidden units and one sigmoid output per class, trained
    on the cross-entropy summed over the outputs (so its losses are about
    three times scikit-learn's on ten classes), whose output-layer gradients
    are ``A_h.T @ (A_out - Y)`` and ``(A_out - Y).sum(axis=0)``.
    ``MLPClassifier(activation="relu", output_activation="softmax")`` is
    scikit-learn's network. See the :ref:`user_guide` and
    :doc:`/coming_from_sklearn`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {"identity", "logistic", "tanh", "relu"}, default="logistic"
        Activation of the hidden units. scikit-learn's default is "relu";
        skmlp's is the sigmoid of the derivation.

    output_activation : {"logistic", "softmax"}, default="logistic"
        Output layer for multiclass targets. "logistic" is one sigmoid per
        class trained on the binary cross-entropy summed over the classes (the
        derivation's network); :meth:`predict_proba` then divides each row by
        its sum. "softmax" is the usual softmax with categorical cross-entropy
        (scikit-learn's choice). Binary targets always use one sigmoid unit
        and multilabel targets one sigmoid per label.

    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        "sgd" is minibatch gradient descent with momentum, "adam" the Adam
        optimizer, "lbfgs" scipy's L-BFGS-B on the whole data.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / (2 S) * sum ||W||^2``, with ``S``
        the number (or total weight) of samples in the batch.

    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Dropout rate of the hidden units: in each training step of "sgd" and
        "adam", each hidden activation is set to 0 with this probability and
        the others are scaled by ``1 / (1 - dropout)`` (inverted dropout), so
        that predictions use the whole network unscaled. One rate for every
        hidden layer, or one per hidden layer; each in [0, 1). 0 (the
        default) trains without dropout. The masks are drawn from
        ``random_state``. Predictions, and early stopping's validation score
        and loss, use no masks; ``loss_curve_`` is the training loss of the
        masked networks that the steps trained. "lbfgs" minimises a
        deterministic loss and refuses a rate above 0.

    batch_size : int or "auto", default="auto"
        Minibatch size for the stochastic solvers; "auto" is
        ``min(200, n_samples)``. Ignored by "lbfgs".

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule for ``solver="sgd"``. "invscaling" uses
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the number of
        samples seen so far, updated after each epoch; "adaptive" keeps
        ``learning_rate_init`` while the loss improves and divides the rate
        by 5 whenever it stalls for ``n_iter_no_change`` epochs.

    learning_rate_init : float or "auto", default="auto"
        Initial step size of "sgd" and "adam". "auto" is scikit-learn's 0.001,
        except for Adam on sigmoid hidden units (the default network): 0.01
        when an epoch has at most 30 minibatches, falling as
        ``0.01 * sqrt(30 / n_batches)`` beyond (0.0032 for 60,000 samples in
        batches of 200). The value used is ``learning_rate_init_``. Adam
        moves each weight by about this much per step, and the sigmoid
        network's output weights must grow larger than a relu network's: 0.001
        under-trains it on small data, 0.01 is too noisy with hundreds of
        steps per epoch (the docs' "Coming from scikit-learn" page has the
        accuracy table).

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or of iterations ("lbfgs").

    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch ("sgd", "adam").

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping
        split. An int gives the same model on every fit.

    tol : float, default=1e-4
        Training stops once the loss (or the validation score with
        ``early_stopping``) fails to improve by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs. For "lbfgs", the gradient
        tolerance.

    verbose : bool or "progress", default=False
        True prints the loss after each epoch; "progress" shows a progress
        bar (needs the ``progress`` extra, i.e. tqdm).

    warm_start : bool, default=False
        Reuse the previous fit's weights and the optimizer's state (Adam's
        moments, momentum velocities, step counter, current learning rate) and
        continue from there. See :meth:`reset_optimizer`.

    momentum : float, default=0.9
        Momentum of "sgd", between 0 and 1.

    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the distinct training samples
        (stratified for single-output targets; identical rows stay on one
        side), stop once the validation score stalls, and keep the weights
        that scored best. An epoch where the score holds its best value
        (within ``tol``) while the validation loss falls by ``tol`` counts as
        progress; among scores within ``tol`` of the best, the validation
        loss decides which weights are kept. With
        ``early_stopping=True`` the model has no ``partial_fit``.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Number of epochs without an improvement of ``tol`` that stops
        training ("sgd", "adam").

    max_fun : int, default=15000
        Maximum number of loss evaluations of "lbfgs".

    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into ``sample_weight``. "balanced" uses
        ``n_samples / (n_classes * np.bincount(y))``. Single-output targets
        only; ``partial_fit`` accepts a dict.

    scoring : str, callable or None, default=None
        Validation score used by early stopping: None is the accuracy (as in
        scikit-learn), "loss" the negative validation loss, any other string
        or callable a scikit-learn scorer.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.

    loss_ : float
        The loss after the last epoch.

    best_loss_ : float or None
        The smallest training loss reached; None with ``early_stopping``.

    loss_curve_ : list of float
        The training loss after each epoch (each iteration for "lbfgs"). With
        ``dropout``, that of the masked networks of the epoch's steps.

    validation_scores_ : list of float or None
        The validation score after each epoch with ``early_stopping``.

    validation_loss_curve_ : list of float or None
        The validation loss after each epoch with ``early_stopping``, on the
        same scale as ``loss_curve_``.

    best_validation_score_ : float or None
        The best validation score with ``early_stopping``.

    t_ : int
        Number of training samples seen.

    coefs_ : list of ndarray
        ``coefs_[i]`` has shape ``(n_units[i], n_units[i + 1])``: the weights
        ``W`` from layer i to layer i + 1.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape ``(n_units[i + 1],)``: the biases ``b``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (iterations for "lbfgs") run by the latest ``fit``
        or ``partial_fit`` call, as in scikit-learn; ``len(loss_curve_)``
        counts all the epochs since the model was built.

    learning_rate_init_ : float
        The initial learning rate used: ``learning_rate_init``, or the value
        that "auto" resolved to when the model was built.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        The output layer's activation, "logistic" or "softmax".

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The multilayer perceptron of scikit-learn.

    Notes
    -----
    The loss is the weighted mean over samples of the cross-entropy summed
    over the outputs, plus the L2 term: the derivation's ``J(W)`` divided by
    the number of samples, scaled as scikit-learn scales it so that learning
    rates carry over. float32 input is trained and predicted in float32.

    The weights start uniform in ``(-r, r)`` with
    ``r = sqrt(6 / (fan_in + fan_out))`` (Glorot and Bengio, 2010), four times
    that for sigmoid units (Bengio, 2012). For sigmoid hidden units the first
    layer then adapts to X: its weights are rescaled so that each unit's
    ``Z = X W + b`` has a standard deviation of 1 over the training rows, and
    its biases centre ``Z`` (a data-dependent initialisation; the network
    itself is unchanged). With the "auto" learning rate this lets the
    sigmoid network train as well as scikit-learn's relu network on raw,
    standardized and min-max scaled data alike (``benchmarks/bench_accuracy.py``).

    Ctrl-C (KeyboardInterrupt) during ``fit`` or ``partial_fit`` stops
    training with a warning and keeps what was learned, as in scikit-learn;
    any other error leaves a previously fitted model exactly as it was.

    With ``sklearn.set_config(array_api_dispatch=True)`` (and the environment
    variable ``SCIPY_ARRAY_API=1`` set before scipy is imported), X may be an
    array of any Array API library scikit-learn supports (torch, CuPy,
    array-api-strict; run so far on array-api-strict and torch's CPU tensors,
    not yet on a GPU): training runs on X's device,
    ``coefs_``, ``intercepts_`` and the optimizer's state are arrays of that
    library there, and predictions come back there (``classes_`` stays a
    numpy array). The model starts from the same random draws as on numpy,
    so it is the numpy fit's model to rounding. On torch CUDA tensors the
    full minibatches of an unweighted fit replay one captured CUDA graph (a
    path not yet run on a GPU).
    "lbfgs" runs scipy's L-BFGS-B on the host, sending the parameters to the
    device and the gradient back at each evaluation; early stopping's split
    is made on the host. A fitted model predicts on arrays of the namespace
    and device it was fitted on.

    References
    ----------
    Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training
    deep feedforward neural networks. AISTATS.

    Bengio, Y. (2012). Practical recommendations for gradient-based training of
    deep architectures. arXiv:1206.5533.

    Kingma, D. P. and Ba, J. (2014). Adam: A method for stochastic
    optimization. arXiv:1412.6980.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmlp import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
    >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> float(clf.predict_proba(X[:1]).sum().round(6))
    1.0
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "output_activation": [StrOptions({"logistic", "softmax"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose", StrOptions({"progress"})],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "scoring": [str, callable, None],
    }

    # Set by fit (see Attributes above); declared here for type checkers only.
    classes_: NDArray[Any]
    loss_: float
    best_loss_: float | None
    loss_curve_: list[float]
    validation_scores_: list[float] | None
    validation_loss_curve_: list[float] | None
    best_validation_score_: float | None
    t_: int
    coefs_: list[NDArray[Any]]
    intercepts_: list[NDArray[Any]]
    n_features_in_: int
    feature_names_in_: NDArray[Any]
    n_iter_: int
    learning_rate_init_: float
    n_layers_: int
    n_outputs_: int
    out_activation_: str

    def __init__(
        self,
        hidden_layer_sizes: int | Sequence[int] | NDArray[np.integer[Any]] = (100,),
        activation: Literal["identity", "logistic", "tanh", "relu"] = "logistic",
        *,
        output_activation: Literal["logistic", "softmax"] = "logistic",
        solver: Literal["lbfgs", "sgd", "adam"] = "adam",
        alpha: float = 0.0001,
        dropout: float | Sequence[float] = 0.0,
        batch_size: int | Literal["auto"] = "auto",
        learning_rate: Literal["constant", "invscaling", "adaptive"] = "constant",
        learning_rate_init: float | Literal["auto"] = "auto",
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: int | np.random.RandomState | None = None,
        tol: float = 1e-4,
        verbose: bool | int | Literal["progress"] = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int | float = 10,
        max_fun: int = 15000,
        class_weight: Mapping[Any, float] | Literal["balanced"] | None = None,
        scoring: str | Callable[..., float] | None = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.solver = solver
        self.alpha = alpha
        self.dropout = dropout
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.class_weight = class_weight
        self.scoring = scoring

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True  # with sklearn.set_config(array_api_dispatch=True)
        tags.classifier_tags.multi_label = self.output_activation == "logistic"
        return tags

    if HAVE_CALLBACKS:  # scikit-learn >= 1.9

        def set_callbacks(self, *callbacks):
            """Set scikit-learn callbacks (:mod:`sklearn.callback`) on the estimator.

            Each fit is one task and each of its epochs (each L-BFGS iteration
            for ``solver="lbfgs"``) one subtask, so that, e.g.,
            ``sklearn.callback.ScoringMonitor`` scores the model after every
            epoch. A callback whose ``on_fit_task_end`` returns True stops
            training after that epoch. Available with scikit-learn >= 1.9.

            Parameters
            ----------
            *callbacks : object
                Objects following ``sklearn.callback.FitCallback``; none
                removes the callbacks set before.

            Returns
            -------
            self : object
                The estimator.

            Examples
            --------
            >>> from sklearn.callback import ScoringMonitor
            >>> from sklearn.datasets import load_iris
            >>> from skmlp import MLPClassifier
            >>> X, y = load_iris(return_X_y=True)
            >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
            >>> monitor = ScoringMonitor(scoring="accuracy")
            >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=300,
            ...                     random_state=0).set_callbacks(monitor).fit(X, y)
            >>> log = monitor.get_logs().data
            >>> sum(row["task_name"] == "iteration" for row in log) == clf.n_iter_
            True
            """
            return super().set_callbacks(*callbacks)

    # ------------------------------------------------------------- pickling
    def __getstate__(self):
        """scikit-learn's state, plus the skmlp version that pickled it."""
        from . import __version__  # the package is loaded by the time a model pickles

        state = dict(super().__getstate__())  # a copy: never write to vars(self)
        state["_skmlp_version"] = __version__
        if "_optimizer" in state:  # plain data, see optimizer_to_dict
            state["_optimizer"] = optimizer_to_dict(state["_optimizer"])
        return state

    def __setstate__(self, state):
        """Warn when the pickle comes from another skmlp version, then load it."""
        from . import __version__

        state = dict(state)
        saved = state.pop("_skmlp_version", "unknown (before 0.1.0)")
        if saved != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=saved,
                ),
                stacklevel=2,
            )
        if isinstance(state.get("_optimizer"), dict):
            state["_optimizer"] = optimizer_from_dict(state["_optimizer"])
        if "coefs_" in state:  # fitted before these were recorded: what they meant then
            state.setdefault("_fitted_activation", state.get("activation"))
            optimizer = state.get("_optimizer")
            if optimizer is not None:
                state.setdefault("learning_rate_init_", optimizer.learning_rate_init)
        super().__setstate__(state)

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self: _Self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> _Self:
        """Fit the model to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a binary indicator matrix for multilabel targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; None weighs them equally.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
        >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", random_state=0)
        >>> clf.fit(X, y).n_features_in_
        4
        """
        return self._fit(X, y, sample_weight, classes=None, incremental=False)

    @available_if(_partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self: _Self,
        X: MatrixLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        classes: ArrayLike | None = None,
    ) -> _Self:
        """Update the model with one epoch over the given data.

        The optimizer's state is kept from one call to the next.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a binary indicator matrix for multilabel targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; None weighs them equally.

        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data. Required on the first call (unless
            y is a multilabel indicator matrix); on later calls it may be
            omitted, and must name the same classes if given.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifier(hidden_layer_sizes=(10,), random_state=0)
        >>> for X_part, y_part in zip(np.array_split(X, 3), np.array_split(y, 3)):
        ...     clf = clf.partial_fit(X_part, y_part, classes=[0, 1, 2])
        >>> len(clf.loss_curve_), clf.t_  # three epochs in all, over 150 samples
        (3, 150)
        """
        return self._fit(X, y, sample_weight, classes=classes, incremental=True)

    def reset_optimizer(self: _Self) -> _Self:
        """Forget the optimizer's state, keeping the weights.

        The next ``warm_start`` fit or ``partial_fit`` call starts with fresh
        Adam moments or momentum velocities and ``learning_rate_init``.

        Returns
        -------
        self : object
            The estimator.

        Examples
        --------
        Two epochs, then two more, give the weights of four epochs in a row;
        after ``reset_optimizer`` the last two are a fresh Adam's steps instead.

        >>> import copy
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> def epochs(clf, n):
        ...     for _ in range(n):
        ...         clf = clf.partial_fit(X, y, classes=[0, 1, 2])
        ...     return clf
        >>> four = epochs(MLPClassifier(hidden_layer_sizes=(10,), random_state=0), 4)
        >>> two = epochs(MLPClassifier(hidden_layer_sizes=(10,), random_state=0), 2)
        >>> reset = epochs(copy.deepcopy(two).reset_optimizer(), 2)
        >>> kept = epochs(two, 2)
        >>> np.array_equal(kept.coefs_[0], four.coefs_[0])
        True
        >>> np.array_equal(reset.coefs_[0], four.coefs_[0])
        False
        """
        self.__dict__.pop("_optimizer", None)
        return self

    def _fit(self, X, y, sample_weight, classes, incremental):
        fitted = hasattr(self, "coefs_")
        snapshot = self._fitted_state() if fitted else {}
        names_before = set(vars(self))
        try:
            with _array_api.no_autograd(X):
                self._fit_unsafe(X, y, sample_weight, classes, incremental, fitted)
        except BaseException:
            self._restore(snapshot, names_before)
            raise
        return self

    def _fitted_state(self) -> dict:
        """Deep copies of the fitted attributes (``name_``) and private state (``_name``).

        The callbacks' attributes are left out: they are not the model's state.
        """
        return {
            name: copy.deepcopy(value)
            for name, value in vars(self).items()
            if (name.endswith("_") or name.startswith("_")) and name not in CALLBACK_ATTRIBUTES
        }

    def _restore(self, snapshot: dict, names_before: set) -> None:
        """Undo a failed fit: drop what it added, put back what it changed."""
        for name in set(vars(self)) - names_before - CALLBACK_ATTRIBUTES:
            delattr(self, name)
        self.__dict__.update(snapshot)

    def _fit_unsafe(self, X, y, sample_weight, classes, incremental, fitted):
        rates = dropout_rates(self.dropout, len(self._hidden_sizes()))  # checked before any work
        if self.solver == "lbfgs" and any(rates):
            raise ValueError(
                f"dropout={self.dropout!r} needs a stochastic solver: L-BFGS minimises "
                "one deterministic loss, which random masks would change at every "
                'evaluation. Use solver="adam" or "sgd", or dropout=0.0 (alpha is '
                "L-BFGS's regulariser)."
            )
        _kernels.check_setting()  # usable (numba installed if asked for); loads nothing
        first_pass = not fitted or not (self.warm_start or incremental)
        if incremental and not fitted and classes is None and not _is_multilabel(y):
            raise ValueError(
                "classes must be passed on the first call to partial_fit: every "
                "class of the whole data, e.g. classes=np.unique(y_all)."
            )
        X = _array_api.detached(X)
        xp, device = namespace_and_device(X)
        if not first_pass:  # a continued fit continues where the model lies
            _array_api.check_same_place(self, X, "partial_fit" if incremental else "fit")
        if xp is not None:  # labels and weights are prepared on the host, then sent to X
            y, sample_weight = to_numpy(y), to_numpy(sample_weight)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=_array_api.float_dtypes(xp),
            reset=first_pass,
        )
        X = self._training_input(X, xp, first_pass)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        dtype = numpy_dtype(xp, X.dtype)  # of the targets and weights, made on the host
        Y = self._encode_targets(y, classes, first_pass, incremental, dtype)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], dtype)
        if self.class_weight is not None:
            if y.ndim != 1:
                raise ValueError(
                    "class_weight needs single-output targets; for multilabel y "
                    "pass sample_weight instead."
                )
            per_sample = class_weight_per_sample(
                self.class_weight, self.classes_, y, incremental
            ).astype(dtype)
            sample_weight = per_sample if sample_weight is None else per_sample * sample_weight
            if not sample_weight.any():
                raise ValueError(
                    "class_weight times sample_weight is zero for every sample: "
                    "nothing would be learned."
                )

        if xp is not None:  # train where X lies
            Y, sample_weight = to_device(Y, xp, device), to_device(sample_weight, xp, device)
        if first_pass:
            self._random_state = check_random_state(self.random_state)
            self._initialize(X, Y.shape[1], sample_weight)
        self._check_architecture()
        # Scores of an earlier early-stopping fit do not describe this one.
        self.validation_scores_ = self.validation_loss_curve_ = None
        self.best_validation_score_ = None

        # scikit-learn's callbacks: one task per epoch (per iteration for lbfgs,
        # plus the one L-BFGS begins after its last iteration).
        n_tasks = 1 if incremental else self.max_iter + (self.solver == "lbfgs")
        begin_fit(self, X, y, sample_weight, n_tasks)
        if self.solver == "lbfgs":
            self._resolve_learning_rate(X.shape[0], keep=False)  # unused by L-BFGS
            fit_lbfgs(self, X, Y, sample_weight)
        else:
            self._fit_stochastic(
                X, Y, y, sample_weight, incremental, incremental and not first_pass
            )
        end_fit(self, X, y, sample_weight)

    def _training_input(self, X, xp, first_pass: bool):
        """X as training reads it: in a continued fit's dtype; on numpy, CSR or C-ordered."""
        if xp is not None:
            return X if first_pass else xp.astype(X, self.coefs_[0].dtype, copy=False)
        if sparse.issparse(X):
            X = X.tocsr()  # row batches
        elif self.solver != "lbfgs" and not X.flags.c_contiguous:
            # One C-ordered copy per fit, before anything reads X: the shuffled
            # minibatches gather rows, and so does the first layer's start.
            X = np.ascontiguousarray(X)
        if first_pass or X.dtype == self.coefs_[0].dtype:
            return X
        with np.errstate(over="ignore"):  # checked below
            narrowed = X.astype(self.coefs_[0].dtype)
        if not _all_finite(narrowed.data if sparse.issparse(narrowed) else narrowed):
            raise ValueError(
                f"X has values beyond the range of {narrowed.dtype}, the dtype this model "
                f"was fitted in (the largest is {_max_abs(X):.3g}); warm_start and "
                "partial_fit train in that dtype. Scale X as for the first fit, or "
                "refit on float64 X with warm_start=False."
            )
        return narrowed

    def _resolve_learning_rate(self, n_rows: int, keep: bool) -> None:
        """Set ``learning_rate_init_``: the parameter, or what "auto" gives for ``n_rows``.

        ``keep``: a later partial_fit call keeps the rate "auto" chose on the
        first call (its chunk of rows may differ from the first one's).
        """
        if self.learning_rate_init != "auto":
            self.learning_rate_init_ = float(self.learning_rate_init)
        elif not (keep and getattr(self, "_auto_rate", False)):
            self.learning_rate_init_ = auto_learning_rate(
                self.activation, self.solver, n_rows, self.batch_size
            )
        self._auto_rate = self.learning_rate_init == "auto"

    def _fit_stochastic(self, X, Y, y, sample_weight, incremental, continued_partial_fit):
        validation = train_rows = None
        if self.early_stopping and not incremental:
            xp, device = namespace_and_device(X)
            train_rows, held_out = validation_split(
                to_numpy(X), to_numpy(Y), y, to_numpy(sample_weight),
                self.validation_fraction, self._random_state,
            )  # fmt: skip
            if xp is not None:  # the split is made on the host; the held-out rows go back
                X_val, Y_val, y_val, sw_val = held_out
                held_out = (
                    to_device(X_val, xp, device), to_device(Y_val, xp, device), y_val,
                    to_device(sw_val, xp, device),
                )  # fmt: skip
            # The scorer lives for this fit only: a model never keeps a callable
            # from an earlier fit's `scoring` (it may not pickle).
            scorer = None if self.scoring in (None, "loss") else check_scoring(self, self.scoring)
            validation = (*held_out, scorer)
            self.validation_scores_, self.validation_loss_curve_ = [], []
            self.best_validation_score_ = -np.inf
            self._best_validation_loss = np.inf
            self.best_loss_ = None
            self._no_improvement_count = 0
        n_rows = X.shape[0] if train_rows is None else len(train_rows)
        self._resolve_learning_rate(n_rows, keep=continued_partial_fit)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            fit_stochastic(self, X, Y, sample_weight, incremental, validation, train_rows)

    def _encode_targets(self, y, classes, first_pass, incremental, dtype):
        """One-hot (or indicator) targets Y in ``dtype``, setting or checking ``classes_``."""
        multilabel = _is_multilabel(y)
        if not first_pass and multilabel != self._multilabel:
            kinds = ("a multilabel indicator matrix", "class labels")
            raise ValueError(
                f"y is {kinds[not multilabel]} but the model was fitted on "
                f"{kinds[not self._multilabel]}; warm_start and partial_fit need "
                "targets of the same kind. Set warm_start=False to start afresh."
            )
        self._multilabel = multilabel
        if first_pass:
            binarizer = LabelBinarizer()
            if incremental and classes is not None and not self._multilabel:
                binarizer.fit(_classes_array(classes))
                if y.size:
                    _check_labels_in(y, binarizer.classes_, "classes given to partial_fit")
            else:
                binarizer.fit(y)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"y has one class only ({binarizer.classes_[0]!r}); a classifier "
                    "needs samples of at least two classes."
                )
            if self._multilabel and self.output_activation == "softmax":
                raise ValueError(
                    'output_activation="softmax" makes the outputs compete, which '
                    'multilabel targets must not; use output_activation="logistic".'
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        elif self.warm_start and not incremental:
            if set(unique_labels(y)) != set(self.classes_):
                raise ValueError(
                    "warm_start=True needs y with the same classes as the previous "
                    f"fit: had {list(self.classes_)}, y has {list(unique_labels(y))}. "
                    "Set warm_start=False to start afresh."
                )
        else:
            if incremental and classes is not None and not self._multilabel:
                given = np.unique(_classes_array(classes))
                if not np.array_equal(given, self.classes_):
                    raise ValueError(
                        f"classes={given.tolist()} differs from the classes of the first "
                        f"partial_fit call, {self.classes_.tolist()}; the network has one "
                        "output per class, fixed by that call. Pass the same classes, "
                        "or none after the first call, or call fit to start afresh."
                    )
            _check_labels_in(y, self.classes_, "classes of the first partial_fit call")
        if self._multilabel:
            return self._label_binarizer.transform(y).astype(dtype, copy=False)
        return _one_hot(y, self.classes_, dtype)

    def _initialize(self, X, n_outputs, sample_weight):
        hidden = self._hidden_sizes()
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(hidden) + 2
        multiclass = n_outputs > 1 and not self._multilabel
        self.out_activation_ = self.output_activation if multiclass else "logistic"
        self._fitted_activation = self.activation
        units = [X.shape[1]] + hidden + [n_outputs]
        xp, device = namespace_and_device(X)
        # Drawn on the host from the same random numbers whatever X's library, then
        # sent to X's device: a fit on a device starts where the numpy fit starts.
        coefs, intercepts = initial_parameters(
            units, self.activation, self._random_state, numpy_dtype(xp, X.dtype), X, sample_weight
        )
        if xp is not None:
            coefs = [to_device(W, xp, device) for W in coefs]
            intercepts = [to_device(b, xp, device) for b in intercepts]
        self.coefs_, self.intercepts_ = coefs, intercepts
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self.best_loss_ = np.inf
        self.__dict__.pop("_optimizer", None)

    def _hidden_sizes(self) -> list[int]:
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes, dtype=object))
        if sizes.ndim != 1 or not all(
            isinstance(u, Integral) and not isinstance(u, bool) and u > 0 for u in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive int or a sequence of positive "
                f"ints, e.g. (100,) or (64, 32); got {self.hidden_layer_sizes!r}."
            )
        return [int(u) for u in sizes]

    def _check_architecture(self):
        """A continued fit must continue the fitted network: same layers and outputs."""
        hidden = self._hidden_sizes()
        fitted = [W.shape[1] for W in self.coefs_[:-1]]
        differs = []
        if hidden != fitted:
            differs.append(f"hidden_layer_sizes={tuple(hidden)} (fitted: {tuple(fitted)})")
        if self.activation != self._fitted_activation:
            differs.append(f"activation={self.activation!r} (fitted: {self._fitted_activation!r})")
        multiclass = self.n_outputs_ > 1 and not self._multilabel
        if multiclass and self.output_activation != self.out_activation_:
            differs.append(
                f"output_activation={self.output_activation!r} (fitted: {self.out_activation_!r})"
            )
        if differs:
            raise ValueError(
                f"{' and '.join(differs)} differs from the fitted model; warm_start and "
                "partial_fit continue the same network. Set warm_start=False (or call "
                "fit) to start afresh."
            )

    # -------------------------------------------------------------- predict
    def _logits(self, X, X_given=None):
        """Z_out for X: the forward pass without the output activation.

        With ``X_given`` (the input as passed, before its cast to the
        model's dtype), raise a clear error for NaN or infinity in it. A NaN
        or an infinity in row i of X makes row i of ``Z[1] = X W[1]``
        non-finite too (``inf * 0`` is NaN), so X itself is scanned only when
        ``Z[1]`` is: a pass over ``n * units`` values instead of
        ``n * n_features``.
        """
        n_layers = len(self.coefs_)
        # The network as fitted: set_params(activation=...) after fit changes
        # the next fit's network, not this one (out_activation_ and coefs_'
        # shapes are the fitted output layer and hidden_layer_sizes).
        activation = self._fitted_activation
        kernels = _kernels.for_work(
            X.shape[0] * sum(W.shape[0] * W.shape[1] for W in self.coefs_), X
        )
        A = X
        for l, (W, b) in enumerate(zip(self.coefs_, self.intercepts_), start=1):
            Z = A @ W  # Z[l] = A[l-1] W[l]
            if sparse.issparse(A):
                Z = np.asarray(Z)
            if l == 1 and X_given is not None and not _all_finite(Z, by_sum=True):
                self._check_finite_input(X_given, X)
            if l < n_layers:
                kernels.bias_activation(Z, b, activation)  # A[l] = phi(Z[l] + b[l])
            else:
                Z += b  # Z_out = A[L-1] W[L] + b[L]
            A = Z
        return A

    def _check_finite_input(self, X_given, X) -> None:
        """scikit-learn's error for NaN/inf in X, or ours for a cast that overflowed."""
        check_array(X_given, accept_sparse=True, dtype=None, input_name="X", estimator=self)
        values = X.data if sparse.issparse(X) else X
        if X is not X_given and not _all_finite(values):
            raise ValueError(
                f"X has values beyond the range of {X.dtype}, the dtype this model was "
                f"fitted in (the largest is {_max_abs(X_given):.3g}). Scale X as "
                "for training, or fit the model on float64 data."
            )

    def _validated_logits(self, X, method: str):
        check_is_fitted(self)
        _array_api.check_same_place(self, X, method)  # the namespace and device of fit
        X = _array_api.detached(X)
        xp, _ = namespace_and_device(X)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=_array_api.float_dtypes(xp),
            reset=False,
            ensure_all_finite=sparse.issparse(X),  # dense X: checked through Z[1]
        )
        quiet = np.errstate(over="ignore", under="ignore", invalid="ignore")
        with quiet, _array_api.no_autograd(X):
            if xp is not None:
                X_model = xp.astype(X, self.coefs_[0].dtype, copy=False)  # the model's dtype
            else:
                X_model = X.astype(self.coefs_[0].dtype, copy=False)
            if isinstance(X_model, np.ndarray) and not (
                X_model.flags.c_contiguous or X_model.flags.f_contiguous
            ):
                # a strided slice: BLAS takes only contiguous operands, and some
                # numpy versions multiply others in a loop that rounds differently
                X_model = np.ascontiguousarray(X_model)
            Z = self._logits(X_model, X_given=X)
        if not _all_finite(Z):  # finite X, but products beyond the dtype's range
            raise ValueError(
                "The network's outputs are not finite for some rows of X: X's values "
                f"are so large (up to {_max_abs(X):.3g}) that the layers' "
                "products overflowed. Scale X as for training, e.g. with "
                "sklearn.preprocessing.StandardScaler."
            )
        return Z

    def decision_function(self, X: MatrixLike) -> NDArray[Any]:
        """The output layer's logits ``Z_out``, before the output activation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        Z_out : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per output unit; a 1-d array for binary targets, whose
            single output unit scores ``classes_[1]``.

        Examples
        --------
        >>> from sklearn.datasets import load_breast_cancer
        >>> from skmlp import MLPClassifier
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> clf = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs",
        ...                     random_state=0).fit(X / X.max(axis=0), y)
        >>> clf.decision_function(X[:4] / X.max(axis=0)).shape
        (4,)
        """
        Z = self._validated_logits(X, "decision_function")
        return Z[:, 0] if self.n_outputs_ == 1 and not self._multilabel else Z

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Predict the class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes; an indicator matrix for multilabel models.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
        >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
        ...                     random_state=0).fit(X, y)
        >>> clf.predict(X[[0, 50, 100]])
        array([0, 1, 2])
        """
        return self._predict_from_logits(self._validated_logits(X, "predict"))

    def _predict_from_logits(self, Z):
        """The predicted classes (or label indicators) for logits ``Z_out``.

        On another library's arrays they are arrays of it, on Z's device, when
        the classes are numbers; string classes come back as a numpy array.
        """
        xp = _array_api.namespace_of(Z)
        if self._multilabel:
            positive = Z > 0  # sigmoid(z) > 0.5
            labels = positive.astype(int) if xp is np else xp.astype(positive, xp.int64)
            if self._label_binarizer.sparse_input_:  # sparse predictions, as scikit-learn
                return sparse.csr_matrix(to_numpy(labels))
            return labels
        if self.n_outputs_ > 1:
            index = xp.argmax(Z, axis=1)  # the largest output wins
        elif xp is np:
            index = (Z[:, 0] > 0).astype(int)
        else:
            index = xp.astype(Z[:, 0] > 0, xp.int64)
        if xp is np:
            return self.classes_[index]
        if self.classes_.dtype.kind not in "biuf":  # labels a device cannot hold
            return self.classes_[to_numpy(index)]
        _, device = namespace_and_device(Z)
        return xp.take(xp.asarray(self.classes_, device=device), index, axis=0)

    def predict_proba(self, X: MatrixLike) -> NDArray[Any]:
        """Probability of each class for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``. Rows sum to 1
            except for multilabel models, whose columns are each label's
            probability.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
        >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
        ...                     random_state=0).fit(X, y)
        >>> proba = clf.predict_proba(X[:2])
        >>> proba.shape, proba.sum(axis=1).round(6).tolist()
        ((2, 3), [1.0, 1.0])
        """
        Z = self._validated_logits(X, "predict_proba")
        xp = _array_api.namespace_of(Z)
        if self._multilabel:
            return _sigmoid(Z, xp)
        if self.n_outputs_ == 1:
            return _side_by_side(_sigmoid(-Z, xp), _sigmoid(Z, xp), xp)
        return xp.exp(self._multiclass_log_proba(Z, xp))

    def predict_log_proba(self, X: MatrixLike) -> NDArray[Any]:
        """Log of the probability of each class, computed from the logits.

        Finite where the probability itself rounds to 0.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardise the features
        >>> clf = MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
        ...                     random_state=0).fit(X, y)
        >>> bool(np.allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X)))
        True
        """
        Z = self._validated_logits(X, "predict_log_proba")
        xp = _array_api.namespace_of(Z)
        if self._multilabel:
            return log_logistic(Z, xp)
        if self.n_outputs_ == 1:
            return _side_by_side(log_logistic(-Z, xp), log_logistic(Z, xp), xp)
        return self._multiclass_log_proba(Z, xp)

    def _multiclass_log_proba(self, Z, xp):
        if self.out_activation_ == "softmax":
            return log_softmax(Z, xp)
        # One sigmoid per class, normalised: log(s_j / sum_k s_k).
        log_s = log_logistic(Z, xp)
        return log_s - logsumexp_rows(log_s, xp)


def _side_by_side(left, right, xp):
    """The columns of ``left`` then those of ``right`` (numpy < 2 has no ``concat``)."""
    return np.hstack([left, right]) if xp is np else xp.concat([left, right], axis=1)


def _sigmoid(Z, xp):
    """1 / (1 + exp(-z)), for numpy or another namespace."""
    if xp is np:
        return expit(Z)
    return (xp.tanh(Z * 0.5) + 1.0) * 0.5  # cannot overflow


def _all_finite(Z, by_sum: bool = False) -> bool:
    """Whether every entry of Z is finite.

    ``by_sum``: on numpy, test the sum instead (faster; call it where numpy's
    warnings are silenced, since ``inf - inf`` warns).
    """
    if isinstance(Z, np.ndarray):
        return bool(np.isfinite(Z.sum()) if by_sum else np.isfinite(Z).all())
    xp = _array_api.namespace_of(Z)
    return bool(xp.all(xp.isfinite(Z)))


def _max_abs(X) -> float:
    if isinstance(X, np.ndarray) or sparse.issparse(X):
        return float(abs(X).max())
    xp = _array_api.namespace_of(X)
    return float(xp.max(xp.abs(X)))


def _one_hot(y, classes, dtype) -> np.ndarray:
    """Y[i, j] = 1 where y[i] is classes[j], written straight into ``dtype``.

    Two classes give one column, for ``classes[1]`` (one sigmoid unit). The
    same values as LabelBinarizer's, without its int64 matrix and the cast
    of it, which would weigh more than a narrow float32 X.
    """
    index = np.searchsorted(classes, y)
    if len(classes) == 2:
        return (index == 1).astype(dtype)[:, None]
    Y = np.zeros((len(y), len(classes)), dtype=dtype)
    Y[np.arange(len(y)), index] = 1
    return Y


def _is_multilabel(y) -> bool:
    return type_of_target(y).startswith("multilabel")


def _classes_array(classes) -> np.ndarray:
    """partial_fit's ``classes`` as a 1-d array, or an error that says what to pass."""
    if isinstance(classes, (set, frozenset, dict)):
        raise ValueError(
            f"classes must be an array-like of labels, such as np.unique(y_all); got a "
            f"{type(classes).__name__}, which numpy cannot read as one. Pass "
            "sorted(classes) instead."
        )
    array = np.asarray(classes)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            "classes must be a 1-d array-like of every class label, such as "
            f"np.unique(y_all); got an array of shape {array.shape}."
        )
    if array.dtype.kind in "fc" or array.dtype == object:
        nan = np.array([label != label for label in array.tolist()])  # only NaN differs
        if nan.any():
            raise ValueError(
                "classes contains NaN, which cannot be a class label (nor can y hold "
                "NaN). Drop it from classes, and the rows whose label is NaN from X "
                "and y."
            )
    return array


def _check_labels_in(y, classes, where: str) -> None:
    if _is_multilabel(y):
        if y.shape[1] != len(classes):
            raise ValueError(
                f"y has {y.shape[1]} labels but the model was fitted with {len(classes)}."
            )
        return
    unknown = np.setdiff1d(unique_labels(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {list(unknown)} that are not in the {where} "
            f"({list(classes)}). Pass every class of the whole data as classes "
            "on the first call."
        )
