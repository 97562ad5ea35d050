"""The derivation as code: skmlp._backprop against finite differences and hand arithmetic."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from skmlp._backprop import Workspace, backward, forward, loss, loss_and_gradients

HIDDEN_ACTIVATIONS = ["identity", "logistic", "tanh", "relu"]
OUTPUT_ACTIVATIONS = ["logistic", "softmax"]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _units(X, coefs):
    return [X.shape[1]] + [W.shape[1] for W in coefs]


def _loss_through_forward(X, Y, coefs, intercepts, act, out_act, alpha, sw):
    """J from skmlp's forward pass and loss, in a fresh workspace."""
    ws = Workspace.allocate(_units(X, coefs), X.shape[0], X.dtype)
    forward(X, coefs, intercepts, act, out_act, ws)
    return loss(ws.Z_out, Y, out_act, coefs, alpha, sw)


def _hidden_preactivations(X, coefs, intercepts, act):
    """Z of every hidden layer, computed here in plain numpy."""
    phi = {"identity": lambda z: z, "logistic": sigmoid, "tanh": np.tanh}
    phi["relu"] = lambda z: np.maximum(z, 0)
    A, Zs = X, []
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        Z = A @ W + b
        Zs.append(Z)
        A = phi[act](Z)
    return Zs


def _small_problem(seed, out_act, n=7, units=(4, 5, 3, 3)):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, units[0]))
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(units[:-1], units[1:])]
    intercepts = [rng.normal(scale=0.3, size=b) for b in units[1:]]
    t = units[-1]
    if out_act == "softmax":
        Y = np.eye(t)[rng.randint(t, size=n)]
    else:  # one sigmoid per output: any 0/1 pattern (multilabel)
        Y = rng.randint(2, size=(n, t)).astype(float)
    return X, Y, coefs, intercepts


@pytest.mark.parametrize("with_weights", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("out_act", OUTPUT_ACTIVATIONS)
@pytest.mark.parametrize("act", HIDDEN_ACTIVATIONS)
def test_gradients_match_central_finite_differences(act, out_act, with_weights):
    X, Y, coefs, intercepts = _small_problem(0, out_act)
    if act == "relu":
        # Stay away from relu's kink: every hidden pre-activation must be
        # further from 0 than the finite-difference step could move it.
        X, Y, coefs, intercepts = _small_problem(3, out_act)
        for Z in _hidden_preactivations(X, coefs, intercepts, act):
            assert np.abs(Z).min() > 1e-3
    alpha = 0.3
    sw = None
    if with_weights:
        sw = np.random.RandomState(1).uniform(0.2, 3.0, size=X.shape[0])
        sw[2] = 0.0  # a zero weight is allowed

    J, dW, db = loss_and_gradients(X, Y, coefs, intercepts, act, out_act, alpha, sw)
    analytic = [g.copy() for g in dW + db]
    J_ref = _loss_through_forward(X, Y, coefs, intercepts, act, out_act, alpha, sw)
    assert J == pytest.approx(J_ref, rel=1e-12)

    eps = 1e-6
    params = coefs + intercepts
    numeric = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + eps
            J_plus = _loss_through_forward(X, Y, coefs, intercepts, act, out_act, alpha, sw)
            p[idx] = saved - eps
            J_minus = _loss_through_forward(X, Y, coefs, intercepts, act, out_act, alpha, sw)
            p[idx] = saved
            g[idx] = (J_plus - J_minus) / (2 * eps)
        numeric.append(g)

    a = np.concatenate([g.ravel() for g in analytic])
    f = np.concatenate([g.ravel() for g in numeric])
    assert np.linalg.norm(a) > 1e-3  # a non-trivial gradient
    rel_err = np.linalg.norm(a - f) / np.linalg.norm(a + f)
    assert rel_err < 1e-6
    # and parameter by parameter, so that a wrong but small block cannot hide
    for g_a, g_f in zip(analytic, numeric):
        assert_allclose(g_a, g_f, rtol=1e-5, atol=1e-8)


def test_alpha_adds_the_l2_term_to_loss_and_weight_gradients_only():
    X, Y, coefs, intercepts = _small_problem(5, "logistic")
    n = X.shape[0]
    J0, dW0, db0 = loss_and_gradients(X, Y, coefs, intercepts, "tanh", "logistic", 0.0)
    dW0, db0 = [g.copy() for g in dW0], [g.copy() for g in db0]
    alpha = 0.7
    J1, dW1, db1 = loss_and_gradients(X, Y, coefs, intercepts, "tanh", "logistic", alpha)
    penalty = sum((W**2).sum() for W in coefs)
    assert J1 == pytest.approx(J0 + alpha / (2 * n) * penalty, rel=1e-12)
    for g0, g1, W in zip(dW0, dW1, coefs):
        assert_allclose(g1, g0 + alpha / n * W, rtol=1e-12, atol=1e-15)
    for g0, g1 in zip(db0, db1):
        assert_allclose(g1, g0, rtol=1e-12, atol=1e-15)


def test_worked_example_m2_d2_t2_one_sample():
    # One sample through a 2-2-2 network of sigmoids, weights picked so that
    # every z is 0 or ln 3, where sigmoid(0) = 1/2 and sigmoid(ln 3) = 3/4.
    ln3 = math.log(3.0)
    x = np.array([[1.0, 2.0]])  # a^(in) = [1, 2]
    W_h = np.array([[1.0, 0.0], [-0.5, 0.5]])
    b_h = np.array([0.0, ln3 - 1.0])
    # z^(h)_1 = 1*1 + 2*(-0.5) + 0        = 0    -> a^(h)_1 = 1/2
    # z^(h)_2 = 1*0 + 2*0.5 + (ln 3 - 1)  = ln 3 -> a^(h)_2 = 3/4
    W_out = np.array([[2.0, -1.5], [0.0, 1.0]])
    b_out = np.array([ln3 - 1.0, 0.0])
    # z^(out)_1 = 1/2*2 + 3/4*0 + (ln 3 - 1) = ln 3 -> a^(out)_1 = 3/4
    # z^(out)_2 = 1/2*(-1.5) + 3/4*1 + 0     = 0    -> a^(out)_2 = 1/2
    y = np.array([[1.0, 0.0]])
    # delta^(out) = a^(out) - y = [3/4 - 1, 1/2 - 0] = [-1/4, 1/2]
    # dJ/dW^(out)_{ij} = a^(h)_i * delta^(out)_j   (seed, section 6):
    #   [[1/2 * -1/4, 1/2 * 1/2],    = [[-0.125,  0.25 ],
    #    [3/4 * -1/4, 3/4 * 1/2]]       [-0.1875, 0.375]]
    # dJ/db^(out) = delta^(out) = [-1/4, 1/2]       (seed, section 8)
    # Back to the hidden layer: delta^(out) W_out^T
    #   = [-1/4*2 + 1/2*(-1.5), -1/4*0 + 1/2*1] = [-1.25, 0.5]
    # times a^(h) (1 - a^(h)) = [1/2*1/2, 3/4*1/4] = [0.25, 0.1875]
    #   delta^(h) = [-1.25*0.25, 0.5*0.1875] = [-0.3125, 0.09375]
    # dJ/dW^(h)_{ij} = x_i * delta^(h)_j:
    #   [[1 * -0.3125, 1 * 0.09375],  = [[-0.3125, 0.09375],
    #    [2 * -0.3125, 2 * 0.09375]]     [-0.625,  0.1875 ]]
    # dJ/db^(h) = delta^(h) = [-0.3125, 0.09375]
    # J = -(1 * log 3/4 + 0) - (0 + 1 * log(1 - 1/2)) = log(8/3)
    expected_dW = [
        np.array([[1 * -0.3125, 1 * 0.09375], [2 * -0.3125, 2 * 0.09375]]),
        np.array([[0.5 * -0.25, 0.5 * 0.5], [0.75 * -0.25, 0.75 * 0.5]]),
    ]
    expected_db = [np.array([-0.3125, 0.09375]), np.array([-0.25, 0.5])]

    J, dW, db = loss_and_gradients(x, y, [W_h, W_out], [b_h, b_out], "logistic", "logistic")
    assert J == pytest.approx(math.log(8.0 / 3.0), rel=1e-12)
    for got, want in zip(dW, expected_dW):
        assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    for got, want in zip(db, expected_db):
        assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("with_weights", [False, True], ids=["unweighted", "weighted"])
def test_n_samples_gradient_is_the_sum_of_per_sample_outer_products(with_weights):
    # The seed's section 7: over n samples dJ/dW^(out) = sum_i a_h[i]^T delta[i].
    # skmlp's J is the (weighted) mean, so its gradient is that sum / S.
    rng = np.random.RandomState(11)
    n, m, d, t = 9, 3, 4, 3
    X = rng.normal(size=(n, m))
    Y = rng.randint(2, size=(n, t)).astype(float)
    W_h, b_h = rng.normal(size=(m, d)), rng.normal(size=d)
    W_out, b_out = rng.normal(size=(d, t)), rng.normal(size=t)
    sw = rng.uniform(0.5, 2.0, size=n) if with_weights else np.ones(n)

    sum_dW_h, sum_db_h = np.zeros((m, d)), np.zeros(d)
    sum_dW_out, sum_db_out = np.zeros((d, t)), np.zeros(t)
    for i in range(n):  # one sample at a time
        a_in = X[i]
        a_h = np.array([sigmoid(a_in @ W_h[:, k] + b_h[k]) for k in range(d)])
        a_out = np.array([sigmoid(a_h @ W_out[:, j] + b_out[j]) for j in range(t)])
        delta_out = a_out - Y[i]
        delta_h = np.array([(W_out[k] @ delta_out) * a_h[k] * (1 - a_h[k]) for k in range(d)])
        for k in range(d):
            for j in range(t):
                sum_dW_out[k, j] += sw[i] * a_h[k] * delta_out[j]
        for r in range(m):
            for k in range(d):
                sum_dW_h[r, k] += sw[i] * a_in[r] * delta_h[k]
        sum_db_out += sw[i] * delta_out
        sum_db_h += sw[i] * delta_h

    _, dW, db = loss_and_gradients(
        X,
        Y,
        [W_h, W_out],
        [b_h, b_out],
        "logistic",
        "logistic",
        sample_weight=sw if with_weights else None,
    )
    S = sw.sum()
    assert_allclose(dW[1], sum_dW_out / S, rtol=1e-12, atol=1e-15)
    assert_allclose(db[1], sum_db_out / S, rtol=1e-12, atol=1e-15)
    assert_allclose(dW[0], sum_dW_h / S, rtol=1e-12, atol=1e-15)
    assert_allclose(db[0], sum_db_h / S, rtol=1e-12, atol=1e-15)


def test_softmax_output_delta_is_a_out_minus_y():
    rng = np.random.RandomState(2)
    n, m, t = 6, 3, 4
    X = rng.normal(size=(n, m))
    Y = np.eye(t)[rng.randint(t, size=n)]
    W, b = rng.normal(size=(m, t)), rng.normal(size=t)
    Z = X @ W + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    J, dW, db = loss_and_gradients(X, Y, [W], [b], "logistic", "softmax")
    assert J == pytest.approx(-(Y * np.log(P)).sum() / n, rel=1e-12)
    assert_allclose(dW[0], X.T @ (P - Y) / n, rtol=1e-12, atol=1e-15)
    assert_allclose(db[0], (P - Y).sum(axis=0) / n, rtol=1e-12, atol=1e-15)


def test_loss_is_finite_where_the_output_saturates():
    # Logits of +-1000: sigmoid/softmax round to exactly 0 or 1, the log does not.
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    Y = np.array([[0.0, 1.0], [0.0, 1.0]])
    for out_act in OUTPUT_ACTIVATIONS:
        J = loss(Z, Y, out_act, [np.zeros((1, 1))], 0.0, None)
        assert np.isfinite(J)
        # the first sample is wrong by 2000 (softmax) or 1000 + 1000 (sigmoids)
        assert J == pytest.approx(1000.0, rel=1e-12)


def test_workspace_reuse_and_sparse_input_give_the_same_gradients():
    X, Y, coefs, intercepts = _small_problem(4, "softmax")
    J, dW, db = loss_and_gradients(X, Y, coefs, intercepts, "relu", "softmax", 0.1)
    expected = (J, [g.copy() for g in dW], [g.copy() for g in db])

    ws = Workspace.allocate(_units(X, coefs), X.shape[0], X.dtype)
    for Xin in (X, sparse.csr_matrix(X), X):  # the same workspace three times
        J2, dW2, db2 = loss_and_gradients(Xin, Y, coefs, intercepts, "relu", "softmax", 0.1, ws=ws)
        assert J2 == pytest.approx(expected[0], rel=1e-12)
        for got, want in zip(dW2 + db2, expected[1] + expected[2]):
            assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_short_batch_rows_of_a_workspace():
    X, Y, coefs, intercepts = _small_problem(6, "logistic", n=10)
    ws = Workspace.allocate(_units(X, coefs), 10, X.dtype)
    k = 3
    J, dW, db = loss_and_gradients(X[:k], Y[:k], coefs, intercepts, "tanh", "logistic")
    expected = [g.copy() for g in dW + db]
    J2, dW2, db2 = loss_and_gradients(
        X[:k], Y[:k], coefs, intercepts, "tanh", "logistic", ws=ws.rows(k)
    )
    assert J2 == pytest.approx(J, rel=1e-12)
    for got, want in zip(dW2 + db2, expected):
        assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_backward_with_the_batch_weight_given_is_backward_summing_it():
    """The training loop hands backward the total weight S it summed already."""
    X, Y, coefs, intercepts = _small_problem(5, "softmax", n=10)
    sw = np.random.default_rng(3).uniform(0.5, 2.0, X.shape[0])
    ws = Workspace.allocate(_units(X, coefs), X.shape[0], X.dtype)
    grads = []
    for S in (None, float(sw.sum())):
        forward(X, coefs, intercepts, "tanh", "softmax", ws)
        backward(Y, coefs, "tanh", 0.3, sw, ws, S=S)
        grads.append(ws.grad.copy())
    assert np.array_equal(grads[1], grads[0])
    forward(X, coefs, intercepts, "tanh", "softmax", ws)
    backward(Y, coefs, "tanh", 0.3, sw, ws, S=2 * float(sw.sum()))  # S scales every gradient
    assert_allclose(ws.grad, grads[0] / 2, rtol=1e-12)
