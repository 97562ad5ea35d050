"""
====================================================
Exporting a pipeline to ONNX and running onnxruntime
====================================================

A fitted :class:`skmlp.MLPClassifier` can leave Python as an ONNX graph:
after :func:`skmlp.onnx.register`, skl2onnx converts it alone or inside a
``Pipeline``, and onnxruntime (or any ONNX runtime, in C++, C#, Java or
JavaScript) runs the graph without skmlp. Here a ``StandardScaler`` and the
default sigmoid network are trained on the 8x8 digits, exported, saved, loaded
into an onnxruntime session and compared with ``predict`` and
``predict_proba`` on the test rows. It needs the ``onnx`` extra
(``pip install "skmlp[onnx]"``).
"""

# %%
# Train and export
# ----------------
# ``options={"zipmap": False}`` asks for the probabilities as a matrix (in the
# model's dtype) instead of skl2onnx's default list of dicts.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime
import skl2onnx
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmlp.onnx
from skmlp import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
clf = MLPClassifier(hidden_layer_sizes=(32,), max_iter=400, random_state=0)
pipe = make_pipeline(StandardScaler(), clf).fit(X_train, y_train)

skmlp.onnx.register()
onx = skl2onnx.to_onnx(pipe, X_train[:1], options={"zipmap": False})
path = Path(tempfile.mkdtemp()) / "digits.onnx"
path.write_bytes(onx.SerializeToString())
print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")
print("operators:", sorted({node.op_type for node in onx.graph.node}))

# %%
# Run it and compare
# ------------------
# The session takes the raw pixels: the scaler is in the graph. Its labels are
# ``predict``'s and its probabilities ``predict_proba``'s to float32 rounding.
session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
labels, proba = session.run(None, {input_name: X_test})
expected = pipe.predict_proba(X_test)
print("inputs:", [(i.name, i.type, i.shape) for i in session.get_inputs()])
print("outputs:", [(o.name, o.type) for o in session.get_outputs()])
print("labels identical to predict:", np.array_equal(labels, pipe.predict(X_test)))
print(f"largest |p_onnx - predict_proba|: {np.abs(proba - expected).max():.1e}")
print(f"test accuracy from the ONNX labels: {np.mean(labels == y_test):.3f}")

# %%
# The probabilities side by side
# ------------------------------
# Each point is one class probability of one test row: onnxruntime's against
# skmlp's. They lie on the diagonal.
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot([0, 1], [0, 1], color="lightgrey", lw=1)
ax.scatter(expected.ravel(), proba.ravel(), s=4)
ax.set_xlabel("skmlp predict_proba")
ax.set_ylabel("onnxruntime")
ax.set_title("Digits test rows, every class")
fig.tight_layout()
plt.show()
