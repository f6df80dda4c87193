"""``predbench proxies``: output layout, resume after a kill, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from featurizers.spaces import nb201, nb301
from featurizers.zerocost import ProxyEngine
from featurizers.zerocost.store import read_scores
from predbench.cli import app

pytestmark = pytest.mark.filterwarnings("ignore:.*gave NaN/inf:RuntimeWarning")
ROOT = Path(__file__).resolve().parents[2]
ARCHS = [
    "(4, 0, 3, 1, 4, 3)",
    "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|",
    "(1, 1, 1, 1, 1, 1)",
]


def run(*args: str):
    return CliRunner().invoke(app, ["proxies", *args])


def arch_file(tmp_path: Path, archs, name="archs.txt") -> Path:
    path = tmp_path / name
    path.write_text("# archs to score\n" + "\n".join(archs) + "\n\n")
    return path


def test_json_layout_matches_suite_zero(tmp_path):
    out = tmp_path / "scores.json"
    result = run(
        "--archs", str(arch_file(tmp_path, ARCHS)), "--proxies", "synflow,params,jacov",
        "--dataset", "ImageNet16-120", "--batch-size", "8", "--device", "cpu", "-o", str(out),
        "--keys", "suite-zero",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert list(data) == ["ImageNet16-120"]
    keys = [nb201.to_tuple_key(a) for a in ARCHS]
    assert sorted(data["ImageNet16-120"]) == sorted(keys)
    entry = data["ImageNet16-120"]["(4, 0, 3, 1, 4, 3)"]
    assert set(entry) == {"synflow", "params", "jacov"}
    assert set(entry["params"]) == {"score", "time"}
    assert entry["params"]["score"] == pytest.approx(0.136456)
    assert data["ImageNet16-120"]["(1, 1, 1, 1, 1, 1)"]["jacov"]["score"] == -1e8
    assert "NaN/inf" in result.output and "jacov: 1" in result.output
    assert not (tmp_path / "scores.json.parts").exists()
    # the same run, in-process, gives the same numbers
    expected = (
        ProxyEngine(
            proxies="synflow,params,jacov", dataset="ImageNet16-120", batch_size=8, device="cpu"
        )
        .score(ARCHS)
        .scores
    )
    back = read_scores(out, nb201.parse_many)
    pd.testing.assert_frame_equal(
        back.loc[expected.index, expected.columns], expected, check_names=False
    )


def test_parquet_output_and_overwrite_guard(tmp_path):
    out = tmp_path / "scores.parquet"
    args = [
        "--archs",
        str(arch_file(tmp_path, ARCHS[:2])),
        "--proxies",
        "params,flops",
        "-o",
        str(out),
    ]
    assert run(*args).exit_code == 0
    table = pd.read_parquet(out)
    assert list(table.columns[:3]) == ["arch", "net", "dataset"]
    assert {"params", "flops", "params_time", "flops_time"} <= set(table.columns)
    assert table.loc[table["net"] == "(4, 0, 3, 1, 4, 3)", "flops"].item() == pytest.approx(
        19.248832
    )
    again = run(*args)
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert run(*args, "--overwrite").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--proxies", "snip,bogus"], "unknown proxy 'bogus'"),
        (["--batch-size", "0"], "batch size must be an integer ≥ 2"),
        (["--dataset", "mnist"], "nb201: no network for dataset 'mnist'"),
        (["--space", "nb101", "--dataset", "svhn"], "nb101: no network for dataset 'svhn'"),
        (["--archs", "missing.txt"], "does not exist"),
        (["-o", "scores.csv"], "must end in .json or .parquet"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, args, message):
    base = {"--archs": str(arch_file(tmp_path, ARCHS[:1])), "-o": str(tmp_path / "s.json")}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for kv in base.items() for x in kv]
    result = run(*flat, "--device", "cpu", "--batch-size", base.get("--batch-size", "4"))
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_arch_outside_the_space_names_file_and_line(tmp_path):
    path = arch_file(tmp_path, ["(4, 0, 3, 1, 4, 3)", "(4, 0, 3, 1, 4, 5)"])
    result = run("--archs", str(path), "--proxies", "params", "-o", str(tmp_path / "s.json"))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "archs.txt line 3" in text and "(4, 0, 3, 1, 4, 5)" in text


def test_cuda_requested_without_gpu(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = run(
        "--archs",
        str(arch_file(tmp_path, ARCHS[:1])),
        "--device",
        "cuda",
        "-o",
        str(tmp_path / "s.json"),
    )
    assert result.exit_code == 2
    assert "CUDA is not available" in " ".join(result.output.split())


def test_other_settings_do_not_mix_with_unfinished_parts(tmp_path):
    out = tmp_path / "s.json"
    parts = tmp_path / "s.json.parts"
    parts.mkdir()
    (parts / "settings.json").write_text(json.dumps({"seed": 1}))
    result = run(
        "--archs", str(arch_file(tmp_path, ARCHS[:1])), "--proxies", "params", "-o", str(out)
    )
    assert result.exit_code == 2
    assert "other settings" in " ".join(result.output.split())


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path):
    archs = nb201.sample(40, random_state=3)
    archs = list(dict.fromkeys(archs))
    path = arch_file(tmp_path, archs)
    out = tmp_path / "scores.json"
    parts = tmp_path / "scores.json.parts"
    cmd = [
        sys.executable, "-m", "predbench", "proxies", "--archs", str(path), "--proxies", "zen,synflow,params",
        "--dataset", "ImageNet16-120", "--batch-size", "8", "--chunk-size", "2", "--device", "cpu",
        "--threads", "1", "-o", str(out), "--keys", "suite-zero",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 120
    while time.time() < deadline and not list(parts.glob("chunk-*.json")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = sorted(parts.glob("chunk-*.json"))
    assert finished, "no chunk finished before the kill"
    assert not out.exists()
    resumed = [a for f in finished for a in json.loads(f.read_text())["archs"]]
    assert 0 < len(resumed) < len(archs)
    assert not list(parts.glob("*.tmp"))
    second = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    message = " ".join(second.stderr.split())
    assert f"{len(archs) - len(resumed)} to score ({len(resumed)} resumed" in message
    data = json.loads(out.read_text())["ImageNet16-120"]
    assert sorted(data) == sorted(nb201.to_tuple_key(a) for a in archs)
    assert not parts.exists()
    expected = (
        ProxyEngine(
            proxies="zen,synflow,params",
            dataset="ImageNet16-120",
            batch_size=8,
            device="cpu",
            chunk_size=2,
        )
        .score(archs)
        .scores
    )
    got = read_scores(out, nb201.parse_many).loc[expected.index, expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)


NB301_ARCHS = nb301.sample(3, random_state=11)


def test_other_space_dask_local_equals_local_run(tmp_path, monkeypatch):
    from predbench.cli import proxies as cli

    monkeypatch.setattr(cli, "PROBE_ABOVE", 1)  # time a probe before this (small) run
    path = arch_file(tmp_path, NB301_ARCHS)
    common = ["--space", "nb301", "--dataset", "ninapro", "--archs", str(path), "--proxies",
              "params,synflow,zen", "--batch-size", "4", "--device", "cpu", "--chunk-size", "1"]  # fmt: skip
    local = run(*common, "-o", str(tmp_path / "local.json"))
    assert local.exit_code == 0, local.output
    text = " ".join(local.output.split())
    assert "timed 2 archs" in text and "estimated" in text
    spread = run(*common, "--dask-local", "2", "-o", str(tmp_path / "dask.json"))
    assert spread.exit_code == 0, spread.output
    a = json.loads((tmp_path / "local.json").read_text())["ninapro"]
    b = json.loads((tmp_path / "dask.json").read_text())["ninapro"]
    assert sorted(a) == sorted(nb301.parse(x) for x in NB301_ARCHS)  # canonical keys
    assert {k: {p: v["score"] for p, v in e.items()} for k, e in a.items()} == {
        k: {p: v["score"] for p, v in e.items()} for k, e in b.items()
    }


def test_other_space_interrupted_run_resumes_to_the_same_scores(tmp_path, monkeypatch):
    from featurizers.zerocost import store

    path = arch_file(tmp_path, NB301_ARCHS)
    common = ["--space", "nb301", "--dataset", "ninapro", "--archs", str(path), "--proxies",
              "params,synflow,nwot", "--batch-size", "4", "--device", "cpu", "--chunk-size", "1"]  # fmt: skip
    whole = run(*common, "-o", str(tmp_path / "whole.json"))
    assert whole.exit_code == 0, whole.output
    real_save = store.ResumableRun.save
    saved = []

    def save_then_die(self, chunk):
        if saved:
            raise RuntimeError("killed")
        saved.append(chunk.archs)
        real_save(self, chunk)

    monkeypatch.setattr(store.ResumableRun, "save", save_then_die)
    out = tmp_path / "cut.json"
    assert run(*common, "-o", str(out)).exit_code == 2
    assert not out.exists() and len(list((tmp_path / "cut.json.parts").glob("chunk-*"))) == 1
    monkeypatch.setattr(store.ResumableRun, "save", real_save)
    resumed = run(*common, "-o", str(out))
    assert resumed.exit_code == 0, resumed.output
    assert "2 to score (1 resumed" in " ".join(resumed.output.split())
    a = json.loads((tmp_path / "whole.json").read_text())["ninapro"]
    b = json.loads(out.read_text())["ninapro"]
    assert {k: {p: v["score"] for p, v in e.items()} for k, e in a.items()} == {
        k: {p: v["score"] for p, v in e.items()} for k, e in b.items()
    }


def test_computed_proxies_of_another_space_feed_featurize(tmp_path):
    path = arch_file(tmp_path, NB301_ARCHS[:2])
    scores = tmp_path / "scores.json"
    result = run("--space", "nb301", "--dataset", "svhn", "--archs", str(path), "--proxies",
                 "params,flops", "--device", "cpu", "-o", str(scores))  # fmt: skip
    assert result.exit_code == 0, result.output
    table_path = tmp_path / "features.csv"
    made = CliRunner().invoke(
        app,
        ["featurize", "--space", "nb301", "--features", "zcp", "--archs", str(path),
         "--proxies-file", str(scores), "-o", str(table_path)],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    table = pd.read_csv(table_path, index_col=0)
    assert len(table) == 2
    flops = [c for c in table.columns if c.endswith("flops")]
    assert flops and (table[flops[0]] > 100).all()  # MFLOPs of a 3×32×32 DARTS net
