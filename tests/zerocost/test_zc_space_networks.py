"""NB101 and NB301 networks: exact params/FLOPs against NAS-Bench-Suite-Zero's recorded values."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from featurizers.spaces import nb101, nb301
from featurizers.zerocost.networks import _taskio
from featurizers.zerocost.networks import nb101 as net101
from featurizers.zerocost.networks import nb301 as net301
from predbench.data import load_task
from tests.conftest import shared_path

NB101_PILOT = "data/automl__NASLib/naslib/data/zc_nasbench101.json"


def _sample(items: list, n: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [
        items[i] for i in sorted(rng.choice(len(items), size=min(n, len(items)), replace=False))
    ]


def test_nb101_vertex_channels_hand_computed():
    # input → 1, 2, 3 → output: 128 = 43 + 43 + 42 (the first vertices take the remainder)
    m = np.zeros((5, 5), dtype=int)
    m[0, 1] = m[0, 2] = m[0, 3] = m[1, 4] = m[2, 4] = m[3, 4] = 1
    assert net101.vertex_channels(m, 64, 128) == [64, 43, 43, 42, 128]
    # 1 feeds only 2, which feeds the output: 1 takes 2's channels
    m = np.zeros((4, 4), dtype=int)
    m[0, 1] = m[1, 2] = m[2, 3] = 1
    assert net101.vertex_channels(m, 128, 256) == [128, 256, 256, 256]


def test_nb101_params_and_flops_equal_pilot_keys():
    pilot = json.loads(shared_path(NB101_PILOT).read_text())["nasbench101"]["cifar10"]
    keys = _sample(sorted(pilot), 12, seed=1)
    for key in keys:
        assert net101.count_params(key) == round(pilot[key]["params"] * 1e6), key
        assert net101.count_flops(key) == round(pilot[key]["flops"] * 1e6), key


def test_nb101_numbering_changes_channel_split_only_for_uneven_outputs():
    # 'c1~0|c1~01|mp~0|out~0123' splits 128 over 3 vertices: renumbering moves the extra
    # channel, so isomorphic numberings differ slightly; an even split does not.
    uneven_a = "c1~0|c1~01|mp~0|out~0123"
    uneven_b = "mp~0|c1~0|c1~02|out~0123"
    assert nb101.parse(uneven_a) == nb101.parse(uneven_b)
    assert net101.count_params(uneven_a) != net101.count_params(uneven_b)
    even_a, even_b = "c3~0|c1~0|out~12", "c1~0|c3~0|out~12"
    assert net101.count_params(even_a) == net101.count_params(even_b)


@pytest.mark.parametrize("task", ["cifar10", "ninapro", "svhn", "scifar100"])
def test_nb301_params_and_flops_equal_recorded(task):
    recorded = load_task(f"nb301/{task}").proxies[["params", "flops"]].dropna()
    for arch in _sample(list(recorded.index), 3, seed=2):
        assert net301.count_params(arch, task) == round(recorded.loc[arch, "params"] * 1e6), arch
        assert net301.count_flops(arch, task) == round(recorded.loc[arch, "flops"] * 1e6), arch


@pytest.mark.parametrize(
    ("module", "arch", "dataset"),
    [
        (net101, "c3~0|mp~01|out~02", "cifar10"),
        (net301, nb301.sample(1, random_state=0)[0], "ninapro"),
    ],
)
def test_forward_shapes_follow_task_io(module, arch, dataset):
    io = module.task_io(dataset)
    net = module.build_network(arch, dataset)
    x = torch.randn(2, *io.input_shape)
    assert net(x).shape == (2, io.num_outputs)
    targets = _taskio.synthetic_targets(io, x, torch.Generator().manual_seed(0))
    assert torch.isfinite(_taskio.loss_fn(io)(net(x), targets))


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="nb101: no network for dataset 'svhn'"):
        net101.task_io("svhn")


@pytest.mark.parametrize("task", ["ninapro", "svhn", "scifar100"])
def test_nb201_nine_x_tasks_params_and_flops_equal_recorded(task):
    from featurizers.zerocost.networks import _counting
    from featurizers.zerocost.networks import nb201 as net201

    recorded = load_task(f"nb201/{task}").proxies[["params", "flops"]].dropna()
    io = net201.task_io(task)
    for arch in _sample(list(recorded.index), 3, seed=3):
        params, flops = _counting.count_by_hooks(
            net201.build_network(arch, task), (1, *io.input_shape)
        )
        assert params == round(recorded.loc[arch, "params"] * 1e6), arch
        assert flops == round(recorded.loc[arch, "flops"] * 1e6), arch
