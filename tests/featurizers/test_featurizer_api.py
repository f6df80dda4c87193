"""Featurizers follow scikit-learn's transformer contract (own checks: inputs are arch ids)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from featurizers import Graf, OneHot, PathEncoding, RecordedProxies
from featurizers.spaces import get_space

PROXIES = pd.DataFrame(
    {"synflow": [1.0, 2.0], "jacov": [-3.0, -4.0]},
    index=["(0, 0, 0, 0, 0, 0)", "(2, 2, 2, 2, 2, 2)"],
)
FEATURIZERS = [
    OneHot(space="nb201"),
    PathEncoding(space="nb201", cutoff=40),
    Graf(space="nb201", config=[{"name": "op_count"}]),
    RecordedProxies(space="nb201", proxies=PROXIES, names=["jacov"]),
]
ARCHS = [
    "(0, 0, 0, 0, 0, 0)",
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|"
    "nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
]


@pytest.mark.parametrize("featurizer", FEATURIZERS, ids=lambda f: type(f).__name__)
def test_clone_round_trip_and_params(featurizer):
    twin = clone(featurizer)
    assert type(twin) is type(featurizer)
    params, twin_params = featurizer.get_params(), twin.get_params()
    assert params.keys() == twin_params.keys()
    for key, value in params.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, twin_params[key])
        else:
            assert value == twin_params[key]
    assert not hasattr(twin, "feature_names_out_")


@pytest.mark.parametrize("featurizer", FEATURIZERS, ids=lambda f: type(f).__name__)
def test_fit_transform_and_feature_names(featurizer):
    est = clone(featurizer)
    with pytest.raises(NotFittedError):
        est.transform(ARCHS)
    assert est.fit(ARCHS) is est
    x = est.transform(ARCHS)
    names = est.get_feature_names_out()
    assert x.shape == (2, len(names)) and len(set(names)) == len(names)
    assert all(n.startswith(f"{est.family}:") for n in names)
    np.testing.assert_array_equal(est.fit_transform(ARCHS), x)
    frame = est.transform_frame(ARCHS)
    assert list(frame.columns) == list(names)
    assert list(frame.index) == get_space("nb201").parse_many(ARCHS)
    np.testing.assert_array_equal(frame.to_numpy(x.dtype), x)


@pytest.mark.parametrize("featurizer", FEATURIZERS, ids=lambda f: type(f).__name__)
def test_fitted_featurizers_pickle(featurizer):
    est = clone(featurizer).fit()
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.transform(ARCHS), est.transform(ARCHS))


def test_init_only_stores_and_fit_checks():
    est = Graf(space="no-such-space", config="not a file")
    assert est.space == "no-such-space" and est.config == "not a file"
    with pytest.raises(KeyError, match="unknown search space"):
        est.fit()
    est.set_params(space="nb201", config=None)
    assert est.fit().n_features_out_ == 191


def test_pandas_output_and_pipeline():
    enc = Graf("nb201").set_output(transform="pandas").fit()
    out = enc.transform(ARCHS)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(enc.get_feature_names_out())
    archs = get_space("nb201").sample(200, random_state=0)
    y = Graf("nb201").fit().transform_frame(archs)["graf:max_path_len[nor_conv_3x3]"].to_numpy()
    model = make_pipeline(Graf("nb201"), Ridge(alpha=1e-6)).fit(archs, y)
    assert np.allclose(model.predict(archs), y, atol=1e-3)


def test_many_input_containers():
    est = OneHot("nb201").fit()
    expected = est.transform(ARCHS)
    for container in (tuple(ARCHS), np.asarray(ARCHS), pd.Series(ARCHS), pd.Index(ARCHS)):
        np.testing.assert_array_equal(est.transform(container), expected)
    ops = get_space("nb201").to_ops(ARCHS)
    np.testing.assert_array_equal(est.transform(ops), expected)  # (n, 6) rows of op ids
    with pytest.raises(TypeError, match="single string"):
        est.transform(ARCHS[0])
