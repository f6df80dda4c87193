"""The per-network engine path (any space) and the computed-score cache.

The Dask LocalCluster run is checked end to end through the CLI (``test_zc_cli.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from featurizers.spaces import nb301
from featurizers.zerocost import PROXIES, ProxyEngine, reference
from featurizers.zerocost._modular import default_features
from featurizers.zerocost.cache import MinibatchKey, ScoreCache, computed_proxies
from featurizers.zerocost.cluster import merge_chunks
from featurizers.zerocost.networks import nb301 as net301
from featurizers.zerocost.networks._taskio import loss_fn

pytestmark = pytest.mark.filterwarnings("ignore:.*gave NaN/inf:RuntimeWarning")

NB201_ARCHS = ["(2, 3, 4, 0, 2, 3)", "(4, 0, 3, 1, 4, 3)", "(1, 1, 1, 1, 1, 1)"]
NB301_ARCHS = nb301.sample(3, random_state=5)
#: A cheap NB101 cell (one 1×1 conv vertex) and a cheap NB301 task (1×16×52 inputs).
NB101_ARCH = "c1~0|out~1"


def _close(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> None:
    b = b.loc[a.index, a.columns]
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=rtol, atol=1e-9)


def test_per_network_path_equals_grouped_nb201():
    kwargs = dict(proxies="all", dataset="cifar10", batch_size=8, seed=3, device="cpu")
    grouped = ProxyEngine("nb201", grouped=True, **kwargs).score(NB201_ARCHS).scores
    modular = ProxyEngine("nb201", grouped=False, **kwargs).score(NB201_ARCHS).scores
    _close(modular, grouped, rtol=1e-4)


@pytest.mark.parametrize(
    ("space", "arch", "dataset"),
    [("nb101", NB101_ARCH, "cifar10"), ("nb301", NB301_ARCHS[0], "ninapro")],
)
def test_all_13_equal_one_proxy_per_pass(space, arch, dataset):
    engine = ProxyEngine(space, "all", dataset, batch_size=4, seed=1, device="cpu")
    fast = engine.score([arch]).scores
    assert list(fast.columns) == list(PROXIES)
    assert np.isfinite(fast.to_numpy()).all() and (fast.to_numpy() > -1e7).all()
    seed = int(engine.arch_seeds([arch])[0])
    z1, z2 = engine.zen_inputs()
    slow = reference.score_network(
        engine.build(arch, seed),
        list(PROXIES),
        engine.batch.images,
        engine.batch.labels,
        zen_inputs=(lambda: engine.build(arch, seed, zen=True), z1, z2),
        loss=loss_fn(engine.io),
        features=getattr(engine.network, "zen_features", default_features),
    )
    _close(fast, pd.DataFrame([slow], index=fast.index), rtol=1e-4)


def test_scores_do_not_depend_on_chunking_or_order():
    kwargs = dict(proxies="synflow,zen,nwot,snip", dataset="ninapro", batch_size=4, device="cpu")
    one = ProxyEngine("nb301", chunk_size=1, **kwargs).score(NB301_ARCHS).scores
    two = ProxyEngine("nb301", chunk_size=2, **kwargs).score(NB301_ARCHS[::-1]).scores
    _close(one, two, rtol=1e-6)
    other_seed = ProxyEngine("nb301", seed=1, **kwargs).score(NB301_ARCHS[:1]).scores
    assert not np.allclose(other_seed.to_numpy(), one.iloc[:1].to_numpy())


def test_cache_computes_only_what_is_missing(tmp_path, monkeypatch):
    kwargs = dict(dataset="ninapro", batch_size=4, device="cpu", cache_dir=tmp_path)
    first = computed_proxies("nb301", NB301_ARCHS[:2], "synflow,params", **kwargs)
    assert list(first.index) == [nb301.parse(a) for a in NB301_ARCHS[:2]]
    expected = ProxyEngine("nb301", "synflow,params", "ninapro", 4, device="cpu")
    _close(first, expected.score(NB301_ARCHS[:2]).scores, rtol=1e-12)

    calls: list[tuple[tuple[str, ...], list[str]]] = []
    real = ProxyEngine.iter_chunks

    def spy(self, archs, *args, **kw):
        calls.append((self.proxies, list(archs)))
        return real(self, archs, *args, **kw)

    monkeypatch.setattr(ProxyEngine, "iter_chunks", spy)
    again = computed_proxies("nb301", NB301_ARCHS[:2], "params,synflow", **kwargs)
    assert calls == []  # all from the cache
    _close(again, first, rtol=0)
    more = computed_proxies("nb301", NB301_ARCHS, "synflow,params,l2_norm", **kwargs)
    third = nb301.parse(NB301_ARCHS[2])
    assert sorted(calls) == sorted(
        [(("l2_norm",), [nb301.parse(a) for a in NB301_ARCHS[:2]]),
         (("l2_norm", "params", "synflow"), [third])]
    )  # fmt: skip
    _close(more[["synflow", "params"]].iloc[:2], first, rtol=0)
    # another minibatch definition or network version is another key
    cache = ScoreCache(tmp_path)
    key = MinibatchKey("ninapro", 4, 0, "synthetic", "float32")
    assert cache.get("nb301", [third], ["synflow"], key, 1).notna().all().all()
    assert cache.get("nb301", [third], ["synflow"], key, 999).isna().all().all()
    other = MinibatchKey("ninapro", 8, 0, "synthetic", "float32")
    assert cache.get("nb301", [third], ["synflow"], other, 1).isna().all().all()


def test_task_batch_matches_nb201_synthetic_batch():
    from featurizers.zerocost.data import synthetic_minibatch, synthetic_task_batch
    from featurizers.zerocost.networks import nb201

    a = synthetic_minibatch("cifar10", 8, 4)
    b = synthetic_task_batch(nb201.task_io("cifar10"), 8, 4)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    c = synthetic_task_batch(net301.task_io("ninapro"), 8, 4)
    assert c.images.shape == (8, 1, 16, 52) and int(c.labels.max()) < 18


def test_transformer_for_another_space_reads_through_the_cache(tmp_path):
    from featurizers.zerocost import ZeroCostProxies

    zcp = ZeroCostProxies(
        space="nb301", proxies=["synflow", "params"], dataset="ninapro", batch_size=4,
        device="cpu", cache_dir=tmp_path,
    ).fit()  # fmt: skip
    got = zcp.transform(NB301_ARCHS[:2])
    assert (tmp_path / "proxies.sqlite").is_file()
    expected = ProxyEngine("nb301", "params,synflow", "ninapro", 4, device="cpu")
    want = expected.score(NB301_ARCHS[:2]).scores[["params", "synflow"]].to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert list(zcp.get_feature_names_out()) == ["zcp:params", "zcp:synflow"]


def test_merged_chunks_equal_one_chunk():
    engine = ProxyEngine("nb301", "params,synflow", "ninapro", 4, device="cpu", chunk_size=1)
    parts = list(engine.iter_chunks([nb301.parse(a) for a in NB301_ARCHS]))
    assert len(parts) == 3
    merged = merge_chunks(parts)
    assert merged.archs == [a for p in parts for a in p.archs]
    whole = engine.collect(merged.archs, [merged], 0.0).scores
    _close(whole, engine.collect(merged.archs, parts, 0.0).scores, rtol=0)


@pytest.mark.parametrize(
    ("space", "arch", "dataset", "batch"),
    [
        ("nb301", NB301_ARCHS[1], "ninapro", 4),
        # a spectral-normalised discriminator: its conv weights are computed from weight_orig
        ("tnb101_micro", "64-41414-1_02_100", "autoencoder", 2),
    ],
)
def test_shared_pass_leaves_parameters_as_it_found_them(space, arch, dataset, batch):
    """The shared pass takes BatchNorm's affine pair and biases out of autograd while it runs
    (no proxy differentiates them); afterwards every parameter is trainable again, so params
    (trainable parameters) and later passes see the network unchanged, and the scores equal
    those of the pass run with every parameter left trainable."""
    from featurizers.zerocost._modular import SHARED

    engine = ProxyEngine(space, "all", dataset, batch_size=batch, seed=2, device="cpu")
    net = engine.build(arch, int(engine.arch_seeds([arch])[0]))
    before = [(n, p.requires_grad) for n, p in net.named_parameters()]
    layer_weights = {
        id(m.weight) for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))
    }
    assert any(id(p) not in layer_weights for p in net.parameters())  # something to freeze
    scorer = engine._scorer()
    frozen = scorer.shared(net, set(SHARED))
    assert [(n, p.requires_grad) for n, p in net.named_parameters()] == before
    assert all(p.grad is None for p in net.parameters())
    for proxy in ("grad_norm", "snip", "fisher", "grasp", "jacov", "nwot"):
        assert np.isfinite(frozen[proxy]), proxy  # the loss proxies run on every task
    unfrozen = scorer._shared(net, set(SHARED))
    for proxy in SHARED:
        assert frozen[proxy] == pytest.approx(unfrozen[proxy], rel=1e-5, abs=1e-9, nan_ok=True)
