"""Proxy definitions (conventions §3) on tiny networks worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from featurizers.zerocost import FAILED_PROXY, _scores, reference
from featurizers.zerocost._grouped import Segment
from featurizers.zerocost.engine import _SharedRecorder


def linear_net(*weights, bias=None):
    layers = []
    for w in weights:
        w = torch.tensor(w, dtype=torch.float32)
        layer = nn.Linear(w.shape[1], w.shape[0], bias=bias is not None)
        with torch.no_grad():
            layer.weight.copy_(w)
            if bias is not None:
                layer.bias.copy_(torch.tensor(bias, dtype=torch.float32))
        layers.append(layer)
    return nn.Sequential(*layers)


def test_synflow_two_layer_linear_net():
    # |W1| 1 = [3, 7]; R = |W2|·[3, 7] = 17; Σ|W2 ⊙ h| = 17; Σ|W1 ⊙ |W2|ᵢ xⱼ| = 1+2+6+8 = 17
    net = linear_net([[1.0, -2.0], [3.0, 4.0]], [[-1.0, 2.0]])
    raw = reference.synflow(net, torch.zeros(5, 2), torch.zeros(5, dtype=torch.long))
    assert raw == pytest.approx(34.0)
    assert _scores.finalize("synflow", np.array([raw]))[0][0] == pytest.approx(math.log(34.0))


def test_synflow_log_transform_and_failures():
    scores, failed = _scores.finalize("synflow", np.array([0.0, math.e, -math.e, np.nan, np.inf]))
    np.testing.assert_allclose(scores, [0.0, 1.0, -1.0, -math.log(1e8), -math.log(1e8)])
    assert failed.tolist() == [False, False, False, True, True]
    scores, failed = _scores.finalize("grad_norm", np.array([np.nan, -np.inf, 2.5]))
    assert scores.tolist() == [FAILED_PROXY, FAILED_PROXY, 2.5]


def _softmax_gradient():
    """CE gradient of logits z = W x for W = [[.5, -.5], [1, 0]], x = [2, 1], label 0."""
    z = [0.5 * 2 - 0.5 * 1, 1.0 * 2 + 0.0 * 1]  # [0.5, 2.0]
    p0 = math.exp(z[0]) / (math.exp(z[0]) + math.exp(z[1]))
    dz = [p0 - 1.0, 1.0 - p0]
    x = [2.0, 1.0]
    return [[dz[i] * x[j] for j in range(2)] for i in range(2)]


def test_gradient_proxies_one_layer_linear_net():
    w = [[0.5, -0.5], [1.0, 0.0]]
    net = linear_net(w, bias=[0.0, 0.0])
    x, y = torch.tensor([[2.0, 1.0]]), torch.tensor([0])
    g = _softmax_gradient()
    pairs = [(g[i][j], w[i][j]) for i in range(2) for j in range(2)]
    assert reference.grad_norm(net, x, y) == pytest.approx(math.sqrt(sum(a * a for a, _ in pairs)))
    assert reference.snip(net, x, y) == pytest.approx(sum(abs(a * b) for a, b in pairs))
    assert reference.plain(net, x, y) == pytest.approx(sum(a * b for a, b in pairs))
    assert reference.l2_norm(net, x, y) == pytest.approx(math.sqrt(0.25 + 0.25 + 1.0))


def test_grasp_is_minus_w_hessian_gradient():
    # One sample through one linear layer: H = (diag p − p pᵀ) ⊗ x xᵀ, so with g = (p − e_y) xᵀ
    # H g = ‖x‖² · ((diag p − p pᵀ)(p − e_y)) xᵀ, and grasp = Σ −W ⊙ H g.
    w = np.array([[0.5, -0.5], [1.0, 0.0]])
    x = np.array([2.0, 1.0])
    z = w @ x
    p = np.exp(z) / np.exp(z).sum()
    s = np.diag(p) - np.outer(p, p)
    hg = (x @ x) * np.outer(s @ (p - np.array([1.0, 0.0])), x)
    net = linear_net(w.tolist())
    got = reference.grasp(net, torch.tensor([x.tolist()]), torch.tensor([0]))
    assert got == pytest.approx(float((-w * hg).sum()), rel=1e-5)


def test_fisher_per_channel_times_fan_in():
    # Logits a = W x (+0 bias), ∂L/∂a = p − onehot; per class k: 0.5·(a_k·∂_k)², × fan-in 2.
    w = [[0.5, -0.5], [1.0, 0.0]]
    net = linear_net(w, bias=[0.0, 0.0])
    x, y = torch.tensor([[2.0, 1.0]]), torch.tensor([0])
    a = [0.5, 2.0]
    p0 = math.exp(a[0]) / (math.exp(a[0]) + math.exp(a[1]))
    da = [p0 - 1.0, 1.0 - p0]
    expected = 2 * sum(0.5 * (a[k] * da[k]) ** 2 for k in range(2))
    assert reference.fisher(net, x, y) == pytest.approx(expected)


def test_jacov_of_known_correlations():
    assert _scores.jacov(np.eye(3)[None])[0] == pytest.approx(
        -3 * (math.log(1 + 1e-5) + 1 / (1 + 1e-5))
    )
    rho = 0.6
    v = [1 - rho, 1 + rho]
    expected = -sum(math.log(e + 1e-5) + 1 / (e + 1e-5) for e in v)
    corr = np.array([[[1.0, rho], [rho, 1.0]]])
    assert _scores.jacov(corr)[0] == pytest.approx(expected)
    rows = torch.tensor([[[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.5]]])
    r = _scores.correlations(rows)
    np.testing.assert_allclose(r[0].numpy(), np.corrcoef(rows[0].numpy()), atol=1e-12)
    flat = torch.tensor([[[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]])  # a constant row: undefined
    assert np.isnan(_scores.jacov(_scores.correlations(flat).numpy())[0])


def test_epe_nas_class_blocks_by_hand():
    k = 1e-5
    corr = np.array(
        [[1.0, 0.5, 0.1, 0.2], [0.5, 1.0, 0.3, 0.4], [0.1, 0.3, 1.0, -0.8], [0.2, 0.4, -0.8, 1.0]]
    )
    labels = np.array([1, 1, 0, 0])
    s1 = 2 * math.log(1 + k) + 2 * math.log(0.5 + k)
    s0 = 2 * math.log(1 + k) + 2 * math.log(0.8 + k)
    assert _scores.epe_nas(corr[None], labels, 10)[0] == pytest.approx(abs(s0) + abs(s1))
    # K > 100: divided by class size, |s_c − s_c'| summed over ordered pairs, / classes
    expected = 2 * abs(s0 / 2 - s1 / 2) / 2
    assert _scores.epe_nas(corr[None], labels, 120)[0] == pytest.approx(expected)
    # a one-sample class: log(1 + 1e-5) with K ≤ 100, dropped with K > 100
    single = np.array([1, 1, 0, 2])
    s1b = s1
    s0b = math.log(1 + k)
    s2b = math.log(1 + k)
    assert _scores.epe_nas(corr[None], single, 10)[0] == pytest.approx(
        abs(s0b) + abs(s1b) + abs(s2b)
    )
    assert _scores.epe_nas(corr[None], single, 120)[0] == pytest.approx(0.0)


def test_epe_nas_reference_agrees_with_block_formula():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    x = torch.randn(7, 6)
    y = torch.tensor([0, 1, 0, 2, 1, 0, 2])
    jac = torch.autograd.functional.jacobian(lambda v: net(v).sum(), x)
    corr = np.corrcoef(jac.numpy())
    assert reference.epe_nas(net, x, y) == pytest.approx(
        _scores.epe_nas(corr[None], y.numpy(), 3)[0]
    )


def test_nwot_kernel_of_two_codes():
    # codes [1,0,1] and [0,0,1]: K = [[3, 2], [2, 3]], log det = log 5
    x = torch.tensor([[1.0, -1.0, 2.0], [-1.0, -2.0, 3.0]])
    rec = _SharedRecorder(1, 2, torch.device("cpu"), nwot=True, fisher=False)
    rec.relu_input(x.view(2, 1, 1, 3), None)
    np.testing.assert_array_equal(rec.kernel[0].numpy(), [[3.0, 2.0], [2.0, 3.0]])
    assert _scores.nwot(rec.kernel.numpy())[0] == pytest.approx(math.log(5.0))
    net = nn.Sequential(nn.ReLU(), nn.Linear(3, 1))
    assert reference.nwot(net, x, torch.zeros(2, dtype=torch.long)) == pytest.approx(math.log(5.0))


def test_nwot_kernel_per_arch_positions():
    # two archs side by side; only arch 1's channels are hooked here
    rec = _SharedRecorder(2, 2, torch.device("cpu"), nwot=True, fisher=False)
    x = torch.tensor([[1.0, -1.0], [-1.0, -1.0]]).view(2, 2, 1, 1)  # arch 1: 2 channels
    rec.relu_input(x, torch.tensor([1]))
    np.testing.assert_array_equal(rec.kernel[0].numpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(rec.kernel[1].numpy(), [[2.0, 1.0], [1.0, 2.0]])


def test_recorder_keeps_fisher_outputs_only_when_asked():
    seg = Segment("k", 0, (0,), (1, 1, 1, 1), 1, "conv")
    rec = _SharedRecorder(1, 2, torch.device("cpu"), nwot=False, fisher=True)
    rec.conv_output(torch.ones(2, 1, 1, 1), seg)
    assert len(rec.outputs) == 1 and rec.kernel is None
