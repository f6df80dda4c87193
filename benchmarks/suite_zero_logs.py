"""What NAS-Bench-Suite-Zero's own XGBoost runs say about their pool (evidence for the reproduction).

NASLib's ``zerocost`` branch keeps every run of the published XGBoost-on-proxies experiment in
``run/results/xgb_correlation.zip``: per task and seed a ``log.log`` listing the 400 training and
200 test architectures in draw order and a ``scores.json`` with the config, Kendall τ and the
test targets and predictions. From those this script prints, per task, the published mean τ over
seeds 9000–9009, the share of *valid* cells (no dead edge) among the drawn archs, and the τ of
the same published predictions on the valid test cells only. predbench's data hold the proxies
for valid cells only (NB201 CIFAR-10, TNB101-micro class_scene), so the last column is the
published model's own figure on the kind of cells a predbench pool contains.

    python benchmarks/suite_zero_logs.py --zip <NASLib zerocost>/run/results/xgb_correlation.zip

The zip is read in place and nothing from it is written anywhere.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from featurizers.spaces import get_space  # noqa: E402
from predbench.evaluation.metrics import kendall_tau  # noqa: E402

#: NASLib search-space names → predbench spaces (the ones with a validity rule).
SPACES = {"nasbench201": "nb201", "transbench101_micro": "tnb101_micro"}
_ENCODING = re.compile(r"with encoding (\(.*?\))")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, required=True, help="run/results/xgb_correlation.zip")
    args = parser.parse_args(argv)
    runs: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    with zipfile.ZipFile(args.zip) as archive:
        names = set(archive.namelist())
        for name in sorted(names):
            parts = name.split("/")
            if len(parts) != 6 or parts[-1] != "scores.json" or parts[1] not in SPACES:
                continue
            config, scores = json.load(io.BytesIO(archive.read(name)))
            log = archive.read(name.replace("scores.json", "log.log")).decode()
            drawn = _ENCODING.findall(log)
            n_train = config["train_size"]
            space = get_space(SPACES[parts[1]])
            valid = np.asarray(space.is_valid(space.parse_many(drawn)), dtype=bool)
            truth = np.asarray(scores["full_ytest"], dtype=float)
            predicted = np.asarray(scores["full_testpred"], dtype=float)
            test_valid = valid[n_train:]
            runs[(parts[1], parts[2])].append((
                scores["kendalltau"], valid.mean(),
                kendall_tau(truth[test_valid], predicted[test_valid]),
            ))  # fmt: skip
    print(
        "| task | runs | published τ | valid share of drawn cells | published τ on valid test cells |"
    )
    print("|---|---|---|---|---|")
    for (space, task), values in sorted(runs.items()):
        v = np.asarray(values)
        print(f"| {space}/{task} | {len(v)} | {v[:, 0].mean():.3f} | {v[:, 1].mean():.2f} "
              f"| {v[:, 2].mean():.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
