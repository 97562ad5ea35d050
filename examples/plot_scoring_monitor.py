"""
=====================================================
Per-epoch scores with scikit-learn's ScoringMonitor
=====================================================

scikit-learn 1.9 added a callback API (:mod:`sklearn.callback`): objects set
on an estimator with ``set_callbacks`` that are told when each task of a fit
begins and ends. skmlp's :class:`~skmlp.MLPClassifier` makes each epoch of
"sgd" and "adam" (each iteration of "lbfgs") one task, so
:class:`sklearn.callback.ScoringMonitor` scores the model as it stands after
every epoch, with any scikit-learn scorer, and keeps the scores in a log.

Here it follows the training accuracy and log-loss of Adam and of SGD with
momentum on the 8x8 digits, epoch by epoch, in one grid search whose fits run
in two processes: the monitor collects the scores of every fit.
"""

# %%
# A monitor on the classifier, a search around it
# -----------------------------------------------
# The monitor is set on the classifier; ``GridSearchCV`` clones it for each
# fit with the same monitor, including in its worker processes.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

try:
    from sklearn.callback import ScoringMonitor
except ImportError:  # scikit-learn < 1.9
    raise SystemExit("This example needs scikit-learn >= 1.9 (sklearn.callback).") from None

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

monitor = ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
clf = MLPClassifier(hidden_layer_sizes=(32,), max_iter=25, random_state=0)
search = GridSearchCV(
    clf.set_callbacks(monitor),
    {"solver": ["adam", "sgd"], "learning_rate_init": [0.001, 0.01]},
    cv=2,
    n_jobs=2,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of 25 epochs
    search.fit(X, y)
print("best parameters:", search.best_params_)

# %%
# The log
# -------
# One row per task that was scored: the root task of each fit ("fit") and
# each of its epochs ("epoch"). ``parent_task_id_path`` tells the fits apart.
log = monitor.get_logs().data_as_pandas
epochs = log[log.task_name == "epoch"]
print(f"{len(epochs)} epoch rows for {epochs.parent_task_id_path.nunique()} fits")
print(epochs[["parent_task_id_path", "task_id", "accuracy", "neg_log_loss"]].head())

# %%
# The curves
# ----------
# The search's ``cv_results_`` lists the candidates in the order of the fits'
# task ids: candidate ``i`` on split ``k`` is fit number ``i * n_splits + k``.
# The refit of the best candidate is the search's last task.
n_splits = search.n_splits_
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
for path, rows in epochs.groupby("parent_task_id_path"):
    fit_id = path[-1]
    if len(path) == 2:  # the refit, a direct child of the search's root task
        continue
    params = search.cv_results_["params"][fit_id // n_splits]
    if fit_id % n_splits:  # one split per candidate is enough for the plot
        continue
    label = f"{params['solver']}, learning_rate_init={params['learning_rate_init']}"
    rows = rows.sort_values("task_id")
    axes[0].plot(rows.task_id + 1, rows.accuracy, label=label)
    axes[1].plot(rows.task_id + 1, -rows.neg_log_loss, label=label)
axes[0].set(xlabel="epoch", ylabel="training accuracy")
axes[1].set(xlabel="epoch", ylabel="training log-loss", yscale="log")
axes[0].legend(fontsize="small")
fig.suptitle("ScoringMonitor: one score per epoch of every fit of the search")
fig.tight_layout()
plt.show()
