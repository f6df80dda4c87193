"""The NB201 torch network and its exact params/FLOPs (conventions §2)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from featurizers.spaces import nb201
from featurizers.zerocost.networks import nb201 as net201
from featurizers.zerocost.networks._counting import count_by_hooks
from tests.conftest import shared_path

ALL_OPS = nb201.to_ops(nb201.all_archs())
N3 = (ALL_OPS == 2).sum(axis=1)
N1 = (ALL_OPS == 3).sum(axis=1)
NA = (ALL_OPS == 4).sum(axis=1)
FEW = ["(2, 2, 2, 2, 2, 2)", "(4, 0, 3, 1, 4, 3)", "(1, 1, 1, 1, 1, 1)", "(3, 1, 4, 0, 2, 2)"]


@pytest.mark.parametrize("k", [10, 100, 120])
def test_params_closed_form_for_every_arch(k):
    expected = 72_656 + 65 * k + 243_040 * N3 + 28_000 * N1
    np.testing.assert_array_equal(net201.count_params(nb201.all_archs(), k), expected)


def test_flops_closed_form_for_every_arch():
    archs = nb201.all_archs()
    cifar = 7_943_872 + 35_819_520 * N3 + 4_362_240 * N1 + 1_290_240 * NA
    imagenet = 1_993_792 + 8_954_880 * N3 + 1_090_560 * N1 + 322_560 * NA
    np.testing.assert_array_equal(net201.count_flops(archs, 32, 10), cifar)
    np.testing.assert_array_equal(net201.count_flops(archs, 16, 120), imagenet)


def test_params_and_flops_equal_recorded_for_every_recorded_arch(recorded):
    archs = list(recorded.index)
    assert len(archs) == 9445
    np.testing.assert_allclose(
        net201.count_params(archs, 10) / 1e6, recorded["params"], rtol=0, atol=5e-13
    )
    np.testing.assert_allclose(
        net201.count_flops(archs, 32, 10) / 1e6, recorded["flops"], rtol=0, atol=5e-12
    )


def test_worked_examples():
    assert net201.count_params(["(4, 0, 3, 1, 4, 3)"], 120)[0] == 136_456
    assert net201.count_flops(["(4, 0, 3, 1, 4, 3)"], 16, 120)[0] == 4_820_032
    assert net201.count_flops(["(1, 1, 1, 1, 1, 1)"], 32, 10)[0] == 7_943_872


@pytest.mark.parametrize("k", [10, 100, 120])
@pytest.mark.parametrize("arch", FEW)
def test_torch_module_matches_counts(arch, k):
    net = net201.NB201Network(arch, k, generator=torch.Generator().manual_seed(0))
    ops = nb201.to_ops([arch])[0]
    n_params = sum(p.numel() for p in net.parameters())
    assert n_params == 72_656 + 65 * k + 243_040 * (ops == 2).sum() + 28_000 * (ops == 3).sum()
    params, flops = count_by_hooks(net, (1, 3, 16, 16))
    assert params == n_params
    assert flops == net201.count_flops([arch], 16, k)[0]


def test_hook_count_at_cifar_resolution():
    net = net201.NB201Network("(4, 0, 3, 1, 4, 3)", 10)
    assert count_by_hooks(net, (1, 3, 32, 32)) == (129_306, 19_248_832)


@pytest.mark.parametrize("arch", FEW)
def test_layout_is_the_module_parameter_order(arch):
    net = net201.NB201Network(arch, 100)
    layout = net201.parameter_layout(net.ops, 100)
    assert [(p.name, p.shape) for p in layout] == [
        (n, tuple(t.shape)) for n, t in net.named_parameters()
    ]


def test_initialisation_is_seeded_and_pytorch_default():
    ops = nb201.to_ops(["(2, 2, 2, 2, 2, 2)"])[0]
    a = net201.init_parameters(ops, 10, torch.Generator().manual_seed(7))
    b = net201.init_parameters(ops, 10, torch.Generator().manual_seed(7))
    c = net201.init_parameters(ops, 10, torch.Generator().manual_seed(8))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["stem.0.weight"], c["stem.0.weight"])
    w = a["layers.12.edges.0.1.weight"]  # 64×64×3×3: U(±1/√576)
    assert w.abs().max() <= 1 / 24 and w.abs().max() > 0.99 / 24
    assert abs(w.var().item() - (1 / 24) ** 2 / 3) < 2e-5
    assert torch.equal(a["layers.12.edges.0.2.weight"], torch.ones(64))
    assert torch.equal(a["head_bn.bias"], torch.zeros(64))
    bias = a["classifier.bias"]
    assert bias.abs().max() <= 1 / 8
    g = net201.init_parameters(ops, 10, torch.Generator().manual_seed(7), scheme="gaussian")
    assert torch.equal(g["classifier.bias"], torch.zeros(10))
    assert abs(g["layers.12.edges.0.1.weight"].std().item() - 1.0) < 0.02


def test_cell_semantics_on_hand_checkable_cells():
    """Only edge (0,3) = avg pool: the cell is a 3×3 pool that ignores padding."""
    cell = net201.Cell(nb201.to_ops(["(1, 1, 4, 1, 1, 1)"])[0], channels=1)
    x = torch.arange(9.0).view(1, 1, 3, 3)
    out = cell(x)
    assert out[0, 0, 0, 0].item() == pytest.approx((0 + 1 + 3 + 4) / 4)  # corner: 4 real pixels
    assert out[0, 0, 1, 1].item() == pytest.approx(4.0)
    skip_twice = net201.Cell(nb201.to_ops(["(0, 1, 0, 1, 0, 1)"])[0], channels=1)
    assert torch.equal(skip_twice(x), 2 * x)  # node 3 = x + node1, node1 = x
    zero = net201.Cell(nb201.to_ops(["(1, 1, 1, 1, 1, 1)"])[0], channels=1)
    assert torch.equal(zero(x), torch.zeros_like(x))


def test_relu_units_match_the_nwot_bound():
    assert net201.relu_units(nb201.to_ops(["(2, 2, 2, 2, 2, 2)"])[0], 32) == 901_120
    assert net201.relu_units(nb201.to_ops(["(2, 2, 2, 2, 2, 2)"])[0], 16) == 225_280


@pytest.mark.parametrize(
    ("dataset", "resolution", "k"),
    [("cifar10", 32, 10), ("cifar100", 32, 100), ("ImageNet16-120", 16, 120)],
)
def test_params_and_flops_equal_naslib_pilot_for_all_three_datasets(dataset, resolution, k):
    """NASLib's pilot file records params/flops for CIFAR-100 and ImageNet16-120 as well."""
    data = json.loads(
        shared_path("data/automl__NASLib/naslib/data/zc_nasbench201.json").read_text()
    )
    rows = data["nasbench201"][dataset]
    archs = nb201.parse_many(rows)
    assert len(archs) == 491
    flops = np.array([rows[key]["flops"] for key in rows])
    params = np.array([rows[key]["params"] for key in rows])
    np.testing.assert_allclose(net201.count_flops(archs, resolution, k) / 1e6, flops, atol=5e-12)
    np.testing.assert_allclose(net201.count_params(archs, k) / 1e6, params, atol=5e-13)
