"""The batched engine against the one-proxy-per-copy reference, and its guarantees."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from featurizers.spaces import nb201
from featurizers.zerocost import FAILED_PROXY, PROXIES, ProxyEngine, pass_plan, reference
from featurizers.zerocost.data import Minibatch
from featurizers.zerocost.networks import nb201 as net201

pytestmark = pytest.mark.filterwarnings("ignore:.*gave NaN/inf:RuntimeWarning")

# conv/pool/skip mixes, a dead conv edge (node 1 feeds nothing), the all-none cell
ARCHS = [
    "(4, 0, 3, 1, 4, 3)",
    "(2, 1, 1, 1, 1, 1)",
    "(0, 2, 4, 3, 1, 0)",
    "(3, 0, 1, 2, 2, 4)",
    "(1, 1, 1, 1, 1, 1)",
]


def reference_scores(
    engine: ProxyEngine, archs, dtype=torch.float32
) -> dict[str, dict[str, float]]:
    """Every proxy of every arch, one fresh copy per proxy, with the engine's randomness."""
    x, y = engine.batch.images.to(dtype), engine.batch.labels
    z1, z2 = (t.to(dtype) for t in engine.zen_inputs())
    out = {}
    for arch in nb201.parse_many(archs):
        ops, index = nb201.to_ops([arch])[0], nb201.to_index([arch])[0]
        net = net201.NB201Network(arch, engine.info.num_classes).to(dtype)
        net.load_parameters(engine.initial_parameters(ops, index))
        zen_w = {k: v.to(dtype) for k, v in engine.zen_parameters(ops, index).items()}
        out[arch] = reference.score_network(
            net, list(engine.proxies), x, y, zen_inputs=(zen_w, z1, z2)
        )
    return out


def assert_scores_close(engine_scores, expected, rtol, atol=1e-9):
    for arch, row in expected.items():
        for proxy, value in row.items():
            got = engine_scores.loc[arch, proxy]
            assert got == pytest.approx(value, rel=rtol, abs=atol), (arch, proxy, got, value)


@pytest.fixture(scope="module")
def small_cifar_batch():
    """6 CIFAR-sized images, 3 classes × 2 samples (exercises epe_nas's K ≤ 100 blocks)."""
    g = torch.Generator().manual_seed(11)
    return Minibatch(
        torch.randn(6, 3, 32, 32, generator=g), torch.tensor([0, 1, 2, 0, 1, 2]), "test"
    )


def test_engine_equals_one_proxy_per_copy_float64_imagenet16():
    engine = ProxyEngine(
        dataset="ImageNet16-120", batch_size=8, seed=5, device="cpu", dtype="float64"
    )
    got = engine.score(ARCHS).scores
    assert_scores_close(got, reference_scores(engine, ARCHS, torch.float64), rtol=1e-9)


def test_engine_equals_one_proxy_per_copy_float64_cifar(small_cifar_batch):
    archs = ["(4, 0, 3, 1, 4, 3)", "(0, 3, 1, 4, 1, 2)"]
    engine = ProxyEngine(seed=2, device="cpu", dtype="float64", minibatch=small_cifar_batch)
    got = engine.score(archs).scores
    assert (got["epe_nas"] > 0).all()
    assert_scores_close(got, reference_scores(engine, archs, torch.float64), rtol=1e-9)


def test_engine_float32_matches_reference_float32():
    """float32 sums in another order: grasp (second order) and plain (a signed sum that cancels)
    are the sensitive ones; float64 above shows the definitions agree exactly."""
    engine = ProxyEngine(dataset="ImageNet16-120", batch_size=8, seed=1, device="cpu")
    archs = ARCHS[:4]
    got = engine.score(archs).scores
    expected = reference_scores(engine, archs)
    sensitive = {"grasp", "plain"}
    robust = {
        a: {p: v for p, v in row.items() if p not in sensitive} for a, row in expected.items()
    }
    assert_scores_close(got, robust, rtol=2e-3, atol=1e-5)
    loose = {a: {p: row[p] for p in sensitive} for a, row in expected.items()}
    assert_scores_close(got, loose, rtol=5e-2, atol=1e-4)


def test_sharing_passes_changes_nothing():
    """Each proxy alone (its own passes) equals the same proxy computed with all 13 shared."""
    kwargs = dict(dataset="ImageNet16-120", batch_size=8, seed=3, device="cpu")
    archs = ARCHS[:3]
    together = ProxyEngine(**kwargs).score(archs).scores
    for proxy in ("grad_norm", "snip", "plain", "fisher", "grasp", "jacov", "nwot", "zen"):
        alone = ProxyEngine(proxies=[proxy], **kwargs).score(archs).scores[proxy]
        np.testing.assert_allclose(alone, together[proxy], rtol=1e-6, atol=1e-9, err_msg=proxy)


def test_chunking_does_not_change_scores():
    kwargs = dict(dataset="ImageNet16-120", batch_size=8, seed=4, device="cpu")
    one = ProxyEngine(chunk_size=1, **kwargs).score(ARCHS[:4]).scores
    grouped = ProxyEngine(chunk_size=3, **kwargs).score(ARCHS[:4]).scores
    np.testing.assert_allclose(grouped, one, rtol=1e-4, atol=1e-7)


def test_same_seed_same_scores_other_seed_other_scores():
    kwargs = dict(dataset="ImageNet16-120", batch_size=8, device="cpu", chunk_size=2)
    a = ProxyEngine(seed=9, **kwargs).score(ARCHS[:3]).scores
    b = ProxyEngine(seed=9, **kwargs).score(ARCHS[:3]).scores
    c = ProxyEngine(seed=10, **kwargs).score(ARCHS[:3]).scores
    assert a.equals(b)
    assert not np.allclose(a["grad_norm"], c["grad_norm"])
    assert (a[["params", "flops"]] == c[["params", "flops"]]).all().all()


def test_all_none_cell_as_recorded(recorded):
    none = nb201.parse("(1, 1, 1, 1, 1, 1)")
    engine = ProxyEngine(batch_size=8, seed=0, device="cpu")
    with pytest.warns(RuntimeWarning, match="gave NaN/inf"):
        result = engine.score([none])
    row = result.scores.loc[none]
    for proxy in ("epe_nas", "jacov", "nwot", "zen"):
        assert row[proxy] == FAILED_PROXY == recorded.loc[none, proxy]
        assert result.failed.loc[none, proxy]
    for proxy in ("grad_norm", "grasp", "plain", "snip", "synflow"):
        assert row[proxy] == 0.0 == recorded.loc[none, proxy]
    assert row["params"] == recorded.loc[none, "params"]
    assert row["flops"] == recorded.loc[none, "flops"]
    # fisher is not 0: the classifier output (its bias) still meets a loss gradient
    assert 0 < row["fisher"] < 0.1 and 0 < recorded.loc[none, "fisher"] < 0.1


@pytest.mark.parametrize(
    ("dataset", "expected", "recorded_value"),
    [("cifar10", 27.79, 27.760574), ("ImageNet16-120", 32.29, None)],
)
def test_l2_norm_of_all_none_cell_matches_expectation(dataset, expected, recorded_value):
    """8 layers, each E‖W‖² = C_out/3 under the default init: Σ √(C_out/3)."""
    c_outs = [16, 32, 32, 32, 64, 64, 64, 10 if dataset == "cifar10" else 120]
    assert sum(np.sqrt(c / 3) for c in c_outs) == pytest.approx(expected, abs=0.01)
    scores = [
        ProxyEngine(proxies="l2_norm", dataset=dataset, batch_size=2, seed=s, device="cpu")
        .score(["(1, 1, 1, 1, 1, 1)"])
        .scores.iloc[0, 0]
        for s in range(5)
    ]
    assert np.mean(scores) == pytest.approx(expected, abs=0.15)
    if recorded_value is not None:
        assert np.mean(scores) == pytest.approx(recorded_value, abs=0.15)


def test_pass_plan_counts():
    assert pass_plan(PROXIES) == {"shared": (1, 3), "synflow": (1, 1), "zen": (2, 0)}
    engine_passes = sum(sum(v) for v in pass_plan(PROXIES).values())
    naive_passes = sum(sum(v) for v in reference.PASSES.values())
    assert (engine_passes, naive_passes) == (8, 23)
    assert pass_plan(["params", "flops", "l2_norm"]) == {}
    assert pass_plan(["nwot"]) == {"shared": (1, 0)}
    assert pass_plan(["jacov", "snip"]) == {"shared": (1, 2)}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(proxies="snip,foo"), "unknown proxy 'foo'"),
        (dict(proxies=""), "no proxy requested"),
        (dict(batch_size=0), "batch size must be an integer ≥ 2"),
        (dict(dataset="mnist"), "nb201: no network for dataset 'mnist'"),
        (dict(space="nb101", dataset="svhn"), "nb101: no network for dataset 'svhn'"),
        (dict(space="nb301", grouped=True), "grouped path covers NB201"),
        (dict(space="nb201", dataset="ninapro", grouped=True), "grouped path covers NB201"),
        (dict(device="tpu"), "unknown device|unsupported device"),
        (dict(seed=-1), "non-negative"),
        (dict(chunk_size=0), "chunk size"),
        (dict(dtype="float16"), "float32' or 'float64"),
    ],
)
def test_bad_settings_raise_clear_errors(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        ProxyEngine(**{"device": "cpu", **kwargs})


def test_cuda_without_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        ProxyEngine(device="cuda")


def test_arch_outside_the_space_is_named():
    engine = ProxyEngine(proxies="params", batch_size=2, device="cpu")
    with pytest.raises(ValueError, match=r"\(2, 2, 7, 2, 2, 2\)"):
        engine.score(["(2, 2, 7, 2, 2, 2)"])


def test_out_of_memory_halves_the_chunk_and_loses_nothing(monkeypatch):
    kwargs = dict(proxies="synflow,l2_norm,params", dataset="ImageNet16-120", batch_size=2)
    expected = ProxyEngine(device="cpu", chunk_size=1, **kwargs).score(ARCHS).scores
    engine = ProxyEngine(device="cpu", chunk_size=4, **kwargs)
    real = engine._score_chunk
    sizes = []

    def tight_memory(ids, ops, prepared):
        sizes.append(len(ids))
        if len(ids) > 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return real(ids, ops, prepared)

    monkeypatch.setattr(engine, "_score_chunk", tight_memory)
    got = engine.score(ARCHS).scores
    assert sizes[:3] == [4, 2, 1]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_prefetching_next_chunk_gives_the_same_scores():
    kwargs = dict(dataset="ImageNet16-120", batch_size=4, chunk_size=2, device="cpu")
    plain = ProxyEngine(**kwargs).score(ARCHS).scores
    engine = ProxyEngine(**kwargs)
    engine._prefetch = True  # the CUDA code path: weights drawn on a worker thread
    assert engine.score(ARCHS).scores.equals(plain)
