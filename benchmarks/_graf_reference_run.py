"""Run the reference GRAF implementation (``graf_nas``) on archs given by the benchmark.

Executed by ``bench_featurizers.py`` in a subprocess whose ``PYTHONPATH`` holds a GRAF checkout
and the NASLib stand-in (``../shared/reference/generator/naslib_standin``); nothing of the
reference is part of this project. Input: a pickle ``{"space", "config", "archs", "repeats"}``;
output: a pickle ``{"table": DataFrame, "times": [seconds, ...]}``.

Arch inputs per space (all prepared by the benchmark from predbench's arrays):

* ``nb201`` / ``tnb101_micro`` / ``tnb101_macro``: tuple-key strings, the reference's own nets.
* ``nb101``: ``(adjacency, ops)`` of the pruned cell. The reference's ``NB101`` class cannot parse
  keys at its pinned commit, so its graph class ``OpNodesNetGraph`` is built directly here (as its
  ``nb101_to_graph`` would) and its feature functions run unchanged.
* ``nb301``: DARTS genotype cells (``(op name, input)`` pairs); graphs come from its own
  ``darts_cell_to_graph``. Its ``max_op_on_path`` wrapper raises at the pinned commit, so that
  group is left out of the config and computed by its ``max_num_on_path`` with the ``out`` edge
  allowed by op id (the wrapper appends the string ``'out'`` instead of id 0), minus that edge.

Only ``create_dataset`` / the feature loop is timed.
"""

from __future__ import annotations

import pickle
import sys
import time

import pandas as pd


class _Net:
    """Duck-typed network: what ``create_dataset`` needs (``get_hash``, ``to_graph``)."""

    def __init__(self, key: str, graph_factory) -> None:
        self.key = key
        self.graph_factory = graph_factory

    def get_hash(self) -> str:
        return self.key

    def to_graph(self):
        return self.graph_factory()


def _nets(space: str, archs: list):
    from graf_nas.search_space import get_searchspace_classes

    if space in ("nb201", "tnb101_micro", "tnb101_macro"):
        cls = get_searchspace_classes()[space]
        return [cls(key) for key in archs]
    if space == "nb101":
        import networkx as nx
        import numpy as np
        from graf_nas.search_space.base import OpNodesNetGraph
        from graf_nas.search_space.nasbench101 import get_op_map_nb101

        names = {i: op for op, i in get_op_map_nb101().items()}

        def factory(adjacency, ops):
            def build():
                graph = nx.from_numpy_array(np.asarray(adjacency), create_using=nx.DiGraph)
                return OpNodesNetGraph(names, list(ops), graph)

            return build

        return [_Net(str(i), factory(a, o)) for i, (a, o) in enumerate(archs)]
    if space == "nb301":
        from graf_nas.search_space.darts import darts_cell_to_graph

        def factory(normal, reduce):
            return lambda: (darts_cell_to_graph(normal), darts_cell_to_graph(reduce))

        return [_Net(str(i), factory(n, r)) for i, (n, r) in enumerate(archs)]
    raise KeyError(space)


def _darts_max_paths(nets, config) -> pd.DataFrame:
    """The reference's DARTS max-path group through its ``max_num_on_path``, fixed as stated."""
    from graf_nas.features.base import max_num_on_path
    from graf_nas.features.config import get_op_combinations
    from graf_nas.search_space.darts import get_op_map_darts

    entry = next(e for e in config if e["name"] == "max_op_on_path")
    op_map = get_op_map_darts()
    rows = []
    for net in nets:
        cells = net.to_graph()
        row = {}
        for subset in get_op_combinations(entry["allowed"]):
            allowed = [*(op_map[op] for op in subset), op_map["out"]]
            for cell_name, cell in zip(("normal", "reduce"), cells, strict=True):
                for source in ("c_{k-2}", "c_{k-1}"):
                    edges = max_num_on_path(cell, allowed, start=source, end="c_{k}")
                    key = f"max_op_on_path_({','.join(subset)})_{cell_name}_{source}"
                    row[key] = edges - 1 if edges > 0 else 0
        rows.append(row)
    return pd.DataFrame(rows, index=[n.get_hash() for n in nets])


def main(job_path: str, out_path: str) -> None:
    from graf_nas import GRAF
    from graf_nas.features.config import load_from_config
    from graf_nas.graf import create_dataset

    with open(job_path, "rb") as fh:
        job = pickle.load(fh)
    space, config, archs = job["space"], job["config"], job["archs"]
    benchmark = "darts" if space == "nb301" else space
    runnable = [e for e in config if not (space == "nb301" and e["name"] == "max_op_on_path")]
    times, table = [], None
    for _ in range(job["repeats"]):
        features = load_from_config([dict(e) for e in runnable], benchmark)
        graf = GRAF(benchmark, features=features, cache_features=False)
        nets = list(_nets(space, archs))
        start = time.perf_counter()
        out = create_dataset(graf, nets, drop_unreachables=False, use_features=True, verbose=False)
        if space == "nb301":
            out = pd.concat([out, _darts_max_paths(nets, config)], axis=1)
        times.append(time.perf_counter() - start)
        table = out
    with open(out_path, "wb") as fh:
        pickle.dump({"table": table, "times": times}, fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
