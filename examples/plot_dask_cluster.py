"""
====================================================================
Beyond one machine: a grid search on a Dask cluster, out-of-core fit
====================================================================

Two ways to outgrow one process with :class:`~skmlp.MLPClassifier`:

- **Many fits at once.** ``GridSearchCV`` runs its fits through joblib, and
  joblib's ``"dask"`` backend sends them to the workers of a Dask cluster. The
  code of the search does not change; only the ``parallel_backend`` around it.
  Here the cluster is a ``distributed.LocalCluster`` on this machine; on
  a real cluster, ``Client("tcp://scheduler-host:8786")`` connects to its
  scheduler instead.
- **More data than memory.** ``partial_fit`` runs one epoch over the rows it
  is given, keeping the optimizer's state between calls, so a model can be
  trained chunk by chunk from a Dask array (or a memory-mapped ``.npy`` file)
  without ever holding the whole data set.

This example needs ``dask[array]`` and ``distributed``
(``pip install -e ".[dask]"`` in a checkout of skmlp).
"""

# %%
# A grid search on a Dask cluster
# -------------------------------
# Two single-threaded workers, threads of this process so that the example
# starts fast; ``LocalCluster(n_workers=4)`` without ``processes=False``
# starts worker processes, and a remote scheduler's address spreads the fits
# over machines. The results are those of joblib's default (loky) backend.
import time
import warnings

import dask.array as da
import joblib
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
search = GridSearchCV(
    MLPClassifier(learning_rate_init=0.01, max_iter=30, random_state=0),
    {"hidden_layer_sizes": [(16,), (64,)], "alpha": [1e-4, 1e-1, 1.0]},
    cv=3,
    n_jobs=-1,
)

with (
    LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster,
    Client(cluster) as client,
):
    print("scheduler:", client.scheduler.address)
    start = time.perf_counter()
    with warnings.catch_warnings(), joblib.parallel_backend("dask"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    print(f"{len(search.cv_results_['params']) * 3} fits in {time.perf_counter() - start:.1f} s")
print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.3f}")

# %%
# Training out of core with partial_fit
# -------------------------------------
# A Dask array is cut into row blocks; each block is computed (read from disk,
# in a real data set) when its turn comes, and ``partial_fit`` takes one epoch
# over it. Three passes over 10 blocks of 2,000 rows, a held-out set scored
# after each pass.
X_big, y_big = make_classification(
    n_samples=22_000, n_features=40, n_informative=20, n_classes=4, random_state=0
)
X_big = X_big.astype(np.float32)  # float32 in, float32 weights
X_test, y_test = X_big[-2000:], y_big[-2000:]
X_dask = da.from_array(X_big[:-2000], chunks=(2000, 40))
y_dask = da.from_array(y_big[:-2000], chunks=2000)

clf = MLPClassifier(hidden_layer_sizes=(64,), learning_rate_init=0.01, random_state=0)
scores = []
for _ in range(3):
    for X_block, y_block in zip(X_dask.blocks, y_dask.blocks):
        clf.partial_fit(X_block.compute(), y_block.compute(), classes=np.arange(4))
        scores.append(clf.score(X_test, y_test))
# n_iter_ counts the latest call's epochs (1), as in scikit-learn; loss_curve_ has one
# loss per partial_fit call.
print(f"{len(clf.loss_curve_)} partial_fit calls, weights in {clf.coefs_[0].dtype}")
print(f"held-out accuracy after the last block: {scores[-1]:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(np.arange(1, len(scores) + 1), scores, marker=".")
for boundary in (10.5, 20.5):
    ax.axvline(boundary, color="0.8", linestyle="--")
ax.set(xlabel="blocks seen (3 passes of 10 blocks)", ylabel="held-out accuracy",
       title="partial_fit over the blocks of a Dask array")  # fmt: skip
fig.tight_layout()
plt.show()
