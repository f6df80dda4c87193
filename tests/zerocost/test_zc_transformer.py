"""The ``zcp`` feature family from computed scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from featurizers.spaces import nb201
from featurizers.zerocost import ProxyEngine, ZeroCostProxies, proxies_frame

ARCHS = ["(4, 0, 3, 1, 4, 3)", "(2, 2, 2, 2, 2, 2)", "(4, 0, 3, 1, 4, 3)"]


def test_transform_keeps_order_and_duplicates():
    zcp = ZeroCostProxies(proxies=["flops", "params", "synflow"], batch_size=4, device="cpu").fit()
    x = zcp.transform(ARCHS)
    assert x.shape == (3, 3)
    np.testing.assert_array_equal(x[0], x[2])
    assert x[1, 0] == pytest.approx(222.860992) and x[1, 1] == pytest.approx(1.531546)
    assert list(zcp.get_feature_names_out()) == ["zcp:flops", "zcp:params", "zcp:synflow"]
    engine = ProxyEngine(proxies="flops,params,synflow", batch_size=4, device="cpu")
    np.testing.assert_array_equal(x[:2], engine.score(ARCHS[:2]).scores.to_numpy())


def test_sklearn_conventions():
    zcp = ZeroCostProxies(proxies="params", random_state=3)
    assert clone(zcp).get_params() == zcp.get_params()
    with pytest.raises(NotFittedError):
        zcp.transform(ARCHS)
    assert not hasattr(zcp, "proxies_")  # __init__ only stores
    bad = ZeroCostProxies(proxies="nope")
    with pytest.raises(ValueError, match="unknown proxy"):
        bad.fit()
    assert ZeroCostProxies(random_state=np.random.RandomState(0)).fit().seed_ == (
        ZeroCostProxies(random_state=np.random.RandomState(0)).fit().seed_
    )


def test_proxies_frame_indexed_by_canonical_id():
    frame = proxies_frame(ARCHS, "params,l2_norm", batch_size=4, device="cpu")
    assert list(frame.columns) == ["l2_norm", "params"]
    assert list(frame.index) == nb201.parse_many(ARCHS[:2])
