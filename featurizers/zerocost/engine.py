"""The proxy engine: the 13 NAS-Bench-Suite-Zero proxies for many architectures per call.

Passes are planned from the requested proxies, not run once per proxy:

* **static** — no network: ``params``, ``flops`` (closed-form counts, :mod:`.networks.nb201`).
* **weights** — the initial weights only: ``l2_norm``.
* **shared** — one train-mode forward on the minibatch (ReLU inputs hooked for ``nwot``, layer
  outputs kept for ``fisher``), then on the same graph: the cross-entropy gradient w.r.t. the
  weights and layer outputs (``grad_norm``, ``snip``, ``plain``, ``fisher``; built
  differentiably when ``grasp`` is asked), the Hessian-gradient product ``H·g`` (``grasp``), and
  the gradient of the summed outputs w.r.t. the input (``jacov``, ``epe_nas``).
* **synflow** — one forward and one backward in float64 with ``|W|``, BatchNorm off, all-ones
  input.
* **zen** — two forwards with Gaussian weights.

All 13 cost 4 forwards and 4 backwards per chunk of archs, against 14 forwards and 9 backwards when
each proxy runs alone (:data:`.reference.PASSES`). Sharing does not change any value: in NASLib
every measure runs on a fresh copy of the *same* initial weights in train mode, so every one of
its forward passes on the minibatch computes the same function; the tests compare the engine
with the one-proxy-per-copy reference (:mod:`.reference`).

Two paths share these passes. NB201 on CIFAR-10/100 and ImageNet16-120 takes the **grouped**
path: archs are scored in chunks, all archs of a chunk in one grouped computation (:mod:`._grouped`);
on the CPU a chunk is one arch (dense convolutions are faster there than grouped ones). Randomness is tied to the arch, not to the chunk: arch ``a`` (enumeration
index ``i``) gets its initial weights from seed ``(seed, i)`` and its ``zen`` weights from
``(seed, i, zen)``; the minibatch and the ``zen`` inputs come from the run seed and are shared by
all archs (NASLib drew a new batch per arch and proxy; one shared batch compares archs on equal
terms). So a score does not depend on which archs share its chunk, beyond float rounding of the
kernels (bit-identical for a fixed chunk size).

Every other space and task (NB101, NB301, NB201's NAS-Bench-360 tasks, TransNAS-Bench-101) takes
the **per-network** path (:mod:`._modular`): the space's network module
(:mod:`.networks.registry`) builds one ``torch.nn.Module`` per arch, its seeded initial weights
come from the module's own init rule, and the same passes run on it with the task's loss
(:mod:`.networks._taskio`). Its chunks (8 archs on the CPU, 32 on CUDA) are the unit of
resumption and of Dask tasks; one network is alive at a time, so memory is bounded by the largest
network. Archs of spaces without an enumeration index are seeded by a hash of their canonical id.
On NB201 CIFAR-10 both paths give the same scores (float rounding aside).

On CUDA the engine turns off TF32 and (by default) picks deterministic cuDNN kernels while it
runs (restored afterwards); sizes chunks from free device memory, learning the real footprint from
each chunk and halving a chunk that runs out of memory; and draws the next chunk's weights on a
worker thread while the device computes the current one.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from ..proxy_names import PROXY_NAMES
from ..spaces import get_space, space_name
from . import _scores
from ._datasets import DATASETS, DatasetInfo, get_dataset
from ._grouped import GroupedNB201, Recorder, Segment
from ._modular import NetworkScorer, default_features
from .data import Minibatch, _seed_words, load_minibatch, load_task_batch
from .networks import _init
from .networks import nb201 as net201
from .networks._taskio import class_labels
from .networks.registry import find_task, network_module

#: The 13 NAS-Bench-Suite-Zero proxies, in its (alphabetical) order.
PROXIES: tuple[str, ...] = PROXY_NAMES
FAILED_PROXY = _scores.FAILED_PROXY

STATIC = frozenset({"params", "flops"})
WEIGHTS = frozenset({"l2_norm"})
CROSS_ENTROPY = frozenset({"grad_norm", "snip", "plain", "fisher", "grasp"})
JACOBIAN = frozenset({"jacov", "epe_nas"})
SHARED = CROSS_ENTROPY | JACOBIAN | {"nwot"}

#: zen's input perturbation scale (NASLib ``mixup_gamma``).
ZEN_MIXUP = 1e-2
_ZEN_STREAM = 1
#: Most archs per chunk. On the CPU one arch at a time is fastest: its dense convolutions beat
#: grouped ones plus the gather/scatter copies (measured ≈2× slower at 4–8 archs per chunk,
#: benchmarks/bench_proxies.py); grouping pays where kernel launches dominate, on the GPU.
_MAX_CHUNK = {"cuda": 512, "cpu": 1}
#: Archs per chunk on the per-network path (any space): a chunk is the unit of resumption and of
#: Dask tasks; its archs run one after another, so memory holds one network at a time.
_MODULAR_CHUNK = {"cuda": 32, "cpu": 8}
#: Archs per chunk when only closed-form proxies (params, flops) are asked: no network is built.
_STATIC_CHUNK = 4096


# ----------------------------------------------------------------------------- arguments
def resolve_proxies(proxies: str | Iterable[str]) -> tuple[str, ...]:
    """Validated proxy names in :data:`PROXIES` order (``"all"``, a comma list or an iterable)."""
    if isinstance(proxies, str):
        if proxies.strip().lower() == "all":
            return PROXIES
        proxies = [p for p in proxies.split(",")]
    names = [str(p).strip() for p in proxies if str(p).strip()]
    unknown = [p for p in names if p not in PROXIES]
    if unknown:
        raise ValueError(f"unknown proxy {unknown[0]!r}; choose from {list(PROXIES)} or 'all'")
    if not names:
        raise ValueError(f"no proxy requested; choose from {list(PROXIES)} or 'all'")
    return tuple(p for p in PROXIES if p in names)


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` → CUDA when available, else CPU; an explicit CUDA request must be satisfiable."""
    if isinstance(device, torch.device):
        device = str(device)
    text = str(device).strip().lower()
    if text == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(text)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r}; use 'auto', 'cpu' or 'cuda[:index]'") from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"device {device!r} was requested but CUDA is not available (torch "
                f"{torch.__version__}, built with CUDA {torch.version.cuda or 'none'}); use "
                "--device cpu or auto, or install a CUDA build of torch on a machine with a GPU"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise RuntimeError(
                f"device {device!r} was requested but only {torch.cuda.device_count()} CUDA "
                "device(s) are visible"
            )
    elif dev.type != "cpu":
        raise ValueError(f"unsupported device {device!r}; use 'auto', 'cpu' or 'cuda[:index]'")
    return dev


def pass_plan(proxies: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Passes ``name → (forwards, backwards)`` one chunk needs for ``proxies``."""
    wanted = set(proxies)
    plan: dict[str, tuple[int, int]] = {}
    if wanted & SHARED:
        backwards = int(bool(wanted & CROSS_ENTROPY)) + int("grasp" in wanted)
        backwards += int(bool(wanted & JACOBIAN))
        plan["shared"] = (1, backwards)
    if "synflow" in wanted:
        plan["synflow"] = (1, 1)
    if "zen" in wanted:
        plan["zen"] = (2, 0)
    return plan


# -------------------------------------------------------------------------------- results
@dataclass
class ChunkResult:
    """Scores of one chunk: per proxy an array over ``archs`` (recorded form), failures, timing."""

    archs: list[str]
    scores: dict[str, np.ndarray]
    failed: dict[str, np.ndarray]
    seconds_per_arch: dict[str, float]
    pass_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class ProxyScores:
    """Everything one scoring run produced, indexed by canonical arch id.

    Attributes
    ----------
    scores
        One column per proxy, values as recorded (NaN/inf already :data:`FAILED_PROXY`).
    times
        Seconds per arch spent on each proxy (shared passes split evenly among their proxies).
    failed
        True where a proxy came out NaN/±inf and was replaced.
    passes
        Forward and backward passes per chunk (``{"forward": f, "backward": b}``).
    """

    scores: pd.DataFrame
    times: pd.DataFrame
    failed: pd.DataFrame
    passes: dict[str, int]
    device: str
    seconds: float


@dataclass
class _Prepared:
    """Host-side work of one chunk: the grouped structure and packed weights (CPU tensors)."""

    net: GroupedNB201 | None
    weights: torch.Tensor | None
    zen_weights: torch.Tensor | None
    seconds: float


# -------------------------------------------------------------------------------- recorder
class _SharedRecorder(Recorder):
    """Collects what the shared forward pass exposes: ReLU codes (nwot), layer outputs (fisher)."""

    def __init__(self, n_archs: int, batch: int, device: torch.device, nwot: bool, fisher: bool):
        self.kernel = (
            torch.zeros(n_archs, batch, batch, dtype=torch.float64, device=device) if nwot else None
        )
        self.outputs: list[tuple[torch.Tensor, Segment]] | None = [] if fisher else None

    def relu_input(self, x: torch.Tensor, positions: torch.Tensor | None) -> None:
        if self.kernel is None:
            return
        with torch.no_grad():
            n = x.shape[0]
            groups = self.kernel.shape[0] if positions is None else positions.numel()
            code = (x > 0).to(torch.float32).reshape(n, groups, -1).transpose(0, 1)
            units = code.shape[2]
            same_on = code @ code.transpose(1, 2)  # exact: integer counts < 2**24
            on = code.sum(dim=2)
            # c cᵀ + (1−c)(1−c)ᵀ = 2 c cᵀ − |c_i| − |c_j| + D
            k = 2.0 * same_on - on[:, :, None] - on[:, None, :] + float(units)
            if positions is None:
                self.kernel += k.to(torch.float64)
            else:
                self.kernel.index_add_(0, positions, k.to(torch.float64))

    def conv_output(self, x: torch.Tensor, segment: Segment) -> None:
        if self.outputs is not None:
            self.outputs.append((x, segment))

    def linear_output(self, x: torch.Tensor, segment: Segment) -> None:
        if self.outputs is not None:
            self.outputs.append((x, segment))


# ---------------------------------------------------------------------------------- engine
class ProxyEngine:
    """Scores architectures of a space with zero-cost proxies, in device-sized chunks.

    Parameters
    ----------
    space
        Search space name; any space with a network module (:mod:`.networks.registry`).
    proxies
        ``"all"``, a comma-separated string or an iterable of names from :data:`PROXIES`.
    dataset
        A dataset or task of the space's network module (``task_io``): input shape, outputs,
        loss (NB201: ``"cifar10"``, ``"cifar100"``, ``"ImageNet16-120"``, ``"ninapro"``, ...).
    batch_size
        Minibatch size (NAS-Bench-Suite-Zero's recorded NB201 values need 64).
    seed
        Seeds the minibatch, every arch's initial weights and zen's draws.
    device
        ``"auto"``, ``"cpu"`` or ``"cuda[:i]"``.
    data_root
        Local dataset folder (see :mod:`.data`); ``None`` uses a synthetic batch.
    chunk_size
        Archs per grouped computation; ``None`` chooses from free memory.
    minibatch
        A ready :class:`~.data.Minibatch` instead of ``data_root``/synthetic (its size wins).
    dtype
        Floating type of every pass but synflow (always float64): ``"float32"`` as the recorded
        benchmarks, ``"float64"`` to see scores without float32 rounding (networks with exploding
        gradients at init move by up to a few percent in grasp/fisher between the two).
    deterministic
        On CUDA, use deterministic cuDNN kernels (same scores run after run). ``False`` lets
        cuDNN pick the fastest kernels, whose float sums may differ in the last bits between runs.
    grouped
        Use NB201's grouped fast path (``None``: for NB201 on CIFAR-10/100 and ImageNet16-120).
        ``False`` scores one ``torch.nn.Module`` at a time, the path of every other space; both
        give the same numbers up to float rounding.
    """

    def __init__(
        self,
        space: str = "nb201",
        proxies: str | Iterable[str] = "all",
        dataset: str | DatasetInfo = "cifar10",
        batch_size: int = 64,
        seed: int = 0,
        device: str | torch.device = "auto",
        data_root: str | Path | None = None,
        chunk_size: int | None = None,
        minibatch: Minibatch | None = None,
        dtype: str | torch.dtype = "float32",
        deterministic: bool = True,
        grouped: bool | None = None,
    ) -> None:
        name = space_name(space)
        self.space = get_space(name)
        self.network = network_module(name)
        self.proxies = resolve_proxies(proxies)
        dataset_text = dataset.name if isinstance(dataset, DatasetInfo) else str(dataset)
        tasks = getattr(self.network, "TASKS", None)
        self.dataset = find_task(name, tasks, dataset_text) if tasks else dataset_text
        self.io = self.network.task_io(self.dataset)
        can_group = name == "nb201" and self.dataset in DATASETS
        if grouped and not can_group:
            raise ValueError(
                f"the grouped path covers NB201 on {sorted(DATASETS)} only, not "
                f"{name}/{self.dataset}; use grouped=False"
            )
        self.grouped = can_group if grouped is None else bool(grouped)
        self.info = get_dataset(dataset) if self.grouped else None
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.seed = int(seed)
        if chunk_size is not None and (
            not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1
        ):
            raise ValueError(f"chunk size must be a positive integer, got {chunk_size!r}")
        self.chunk_size = chunk_size
        self.device = resolve_device(device)
        if self.grouped:
            self.batch = minibatch or load_minibatch(self.info, batch_size, self.seed, data_root)
        else:
            self.batch = minibatch or load_task_batch(
                self.io, self.dataset, batch_size, self.seed, data_root
            )
        if tuple(self.batch.images.shape[1:]) != tuple(self.io.input_shape):
            raise ValueError(
                f"minibatch images have shape {tuple(self.batch.images.shape)}; {self.dataset} "
                f"needs (N, {', '.join(str(v) for v in self.io.input_shape)})"
            )
        self.dtype = _resolve_dtype(dtype)
        self.deterministic = bool(deterministic)
        self.plan = pass_plan(self.proxies)
        # Bytes per activation unit (:meth:`_units` × batch): ≈ 4–6 measured on CPU for all 13
        # proxies; learnt from each chunk's peak on CUDA.
        self._bytes_per_unit = 10.0
        self._prefetch = self.device.type == "cuda"

    # ------------------------------------------------------------------------- public
    @property
    def passes(self) -> dict[str, int]:
        """Forward and backward passes per chunk for the requested proxies."""
        return {
            "forward": sum(f for f, _ in self.plan.values()),
            "backward": sum(b for _, b in self.plan.values()),
        }

    def score(self, archs: Iterable[object], progress: bool = False) -> ProxyScores:
        """Scores of every arch (duplicates scored once), as DataFrames indexed by canonical id."""
        ids = list(dict.fromkeys(self.space.parse_many(archs)))
        start = time.perf_counter()
        chunks = list(self.iter_chunks(ids, progress=progress))
        return self.collect(ids, chunks, time.perf_counter() - start)

    def collect(
        self, ids: Sequence[str], chunks: Sequence[ChunkResult], seconds: float
    ) -> ProxyScores:
        """Assemble chunk results into :class:`ProxyScores` in the order of ``ids``."""
        frames = {"scores": [], "failed": [], "times": []}
        for c in chunks:
            index = pd.Index(c.archs, name="arch")
            frames["scores"].append(pd.DataFrame(c.scores, index=index))
            frames["failed"].append(pd.DataFrame(c.failed, index=index))
            times = {p: np.full(len(c.archs), c.seconds_per_arch[p]) for p in self.proxies}
            frames["times"].append(pd.DataFrame(times, index=index))
        out = {}
        for key, parts in frames.items():
            table = pd.concat(parts) if parts else pd.DataFrame(columns=list(self.proxies))
            out[key] = table.reindex(
                index=pd.Index(list(ids), name="arch"), columns=list(self.proxies)
            )
        return ProxyScores(
            out["scores"],
            out["times"],
            out["failed"].astype(bool),
            self.passes,
            str(self.device),
            seconds,
        )

    def iter_chunks(
        self,
        archs: Sequence[str],
        progress: bool = False,
        on_failure: Callable[[str, list[str]], None] | None = None,
    ) -> Iterator[ChunkResult]:
        """Yield one :class:`ChunkResult` per chunk, in order (canonical ids expected).

        ``on_failure(proxy, archs)`` is called for proxies that came out NaN/±inf in a chunk;
        by default a :class:`RuntimeWarning` names them.
        """
        if not self.grouped:
            yield from self._iter_modular(list(archs), progress, on_failure)
            return
        ids = list(archs)
        ops = self.space.to_ops(ids).astype(np.int64)
        index = self.space.to_index(ids)
        bar = _progress() if progress else contextlib.nullcontext()
        networks = bool(set(self.proxies) - STATIC)
        cap = self.chunk_size or (_MAX_CHUNK[self.device.type] if networks else _STATIC_CHUNK)
        # On CUDA a worker thread draws and packs the next chunk's weights while the device works.
        pool = ThreadPoolExecutor(1) if self._prefetch else None
        ahead: tuple[int, int, Future] | None = None

        def prepare(lo: int, hi: int):
            if pool is None:
                return _Done(self._prepare(ops[lo:hi], index[lo:hi]))
            return pool.submit(self._prepare, ops[lo:hi], index[lo:hi])

        lo = 0
        try:
            with bar as tracker, self._device_settings():
                task = tracker.add_task("scoring", total=len(ids)) if tracker else None
                while lo < len(ids):
                    if ahead is not None and ahead[0] == lo:
                        hi, job = ahead[1], ahead[2]
                    else:
                        hi = self._chunk_end(ops, lo, cap)
                        job = prepare(lo, hi)
                    ahead = None
                    if pool is not None and hi < len(ids):
                        nxt = self._chunk_end(ops, hi, cap)
                        ahead = (hi, nxt, prepare(hi, nxt))
                    try:
                        result = self._score_chunk(ids[lo:hi], ops[lo:hi], job.result())
                    except torch.cuda.OutOfMemoryError:
                        if hi - lo == 1:
                            raise
                        result = None  # handled below, once the failed chunk's tensors are freed
                    if result is None:
                        ahead = None
                        gc.collect()
                        torch.cuda.empty_cache()
                        cap = max(1, (hi - lo) // 2)
                        self._bytes_per_unit *= 1.5
                        continue
                    for proxy, bad in result.failed.items():
                        if bad.any():
                            names = [a for a, b in zip(result.archs, bad, strict=True) if b]
                            (on_failure or _warn_failure)(proxy, names)
                    if tracker is not None:
                        tracker.advance(task, hi - lo)
                    lo = hi
                    yield result
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------- per-network path
    def arch_seeds(self, ids: Sequence[str]) -> np.ndarray:
        """The integer each arch's random streams are derived from: its enumeration index where
        the space has one (the grouped path's choice), else a hash of its canonical id."""
        if hasattr(self.space, "to_index"):
            return np.asarray(self.space.to_index(list(ids)), dtype=np.int64)
        return np.array([_id_hash(a) for a in ids], dtype=np.int64)

    def build(self, arch: str, arch_seed: int, zen: bool = False) -> torch.nn.Module:
        """The network of ``arch`` with its seeded initial (or ``zen``) weights, on the device."""
        net = self.network.build_network(arch, self.dataset)
        if zen:
            init = getattr(self.network, "zen_init", _init.gaussian_init)
            init(net, self._generator(arch_seed, _ZEN_STREAM))
        else:
            init = getattr(self.network, "init_weights", None)
            if init is None:  # TNB modules name it init_parameters(net, generator)
                init = getattr(self.network, "init_parameters", _init.default_init)
            init(net, self._generator(arch_seed, 0))
        return net.to(self.device, self.dtype)

    def _scorer(self) -> NetworkScorer:
        labels = class_labels(self.io, self.batch.labels)
        features = getattr(self.network, "zen_features", default_features)
        return NetworkScorer(
            self.io, self.batch.images, self.batch.labels, labels, self.device, self.dtype, features
        )

    def _iter_modular(
        self,
        ids: list[str],
        progress: bool,
        on_failure: Callable[[str, list[str]], None] | None,
    ) -> Iterator[ChunkResult]:
        cap = self.chunk_size or _MODULAR_CHUNK[self.device.type]
        seeds = self.arch_seeds(ids)
        scorer = self._scorer()
        zen_x = self.zen_inputs() if "zen" in self.proxies else None
        bar = _progress() if progress else contextlib.nullcontext()
        with bar as tracker, self._device_settings():
            task = tracker.add_task("scoring", total=len(ids)) if tracker else None
            for lo in range(0, len(ids), cap):
                chunk = ids[lo : lo + cap]
                rows, seconds = (
                    [],
                    dict.fromkeys(("static", "weights", "shared", "synflow", "zen"), 0.0),
                )
                for arch, seed in zip(chunk, seeds[lo : lo + cap], strict=True):
                    raw, spent = self.score_network(arch, int(seed), scorer, zen_x)
                    rows.append(raw)
                    for k, v in spent.items():
                        seconds[k] += v
                    if tracker is not None:
                        tracker.advance(task, 1)
                scores, failed = {}, {}
                for proxy in self.proxies:
                    values = np.array([r[proxy] for r in rows], dtype=np.float64)
                    scores[proxy], failed[proxy] = _scores.finalize(proxy, values)
                result = ChunkResult(
                    list(chunk), scores, failed, self._attribute(seconds, len(chunk)), seconds
                )
                for proxy, bad in failed.items():
                    if bad.any():
                        names = [a for a, b in zip(chunk, bad, strict=True) if b]
                        (on_failure or _warn_failure)(proxy, names)
                yield result

    def score_network(
        self,
        arch: str,
        arch_seed: int,
        scorer: NetworkScorer | None = None,
        zen_x: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Raw (not yet finalised) scores of one arch and the seconds each pass took."""
        scorer = scorer or self._scorer()
        wanted = set(self.proxies)
        raw: dict[str, float] = {}
        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        net = self.build(arch, arch_seed)
        if wanted & STATIC:
            raw.update(scorer.static(net, wanted))
        seconds["static"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if "l2_norm" in wanted:
            raw["l2_norm"] = scorer.l2_norm(net)
        seconds["weights"] = time.perf_counter() - t0
        if wanted & SHARED:
            t0 = time.perf_counter()
            raw.update(scorer.shared(net, wanted))
            self._sync()
            seconds["shared"] = time.perf_counter() - t0
        if "synflow" in wanted:
            t0 = time.perf_counter()
            raw["synflow"] = scorer.synflow(net)
            self._sync()
            seconds["synflow"] = time.perf_counter() - t0
        if "zen" in wanted:
            t0 = time.perf_counter()
            x1, x2 = zen_x if zen_x is not None else self.zen_inputs()
            raw["zen"] = scorer.zen(self.build(arch, arch_seed, zen=True), x1, x2, ZEN_MIXUP)
            self._sync()
            seconds["zen"] = time.perf_counter() - t0
        return raw, seconds

    # ---------------------------------------------------------------------- chunking
    def _units(self, ops_row: np.ndarray) -> int:
        """Activation elements per sample one arch keeps alive (a rough, monotone estimate)."""
        sizes = [self.info.resolution // 2**s for s in range(3)]
        per_edge = {
            net201.CONV3: 6,
            net201.CONV1: 6,
            net201.POOL: 3,
            net201.SKIP: 1,
            net201.NONE: 0,
        }
        cell = 3 + sum(per_edge[int(o)] for o in ops_row)
        units = sum(
            net201.CELLS_PER_STAGE * cell * c * h * h
            for c, h in zip(net201.STAGE_CHANNELS, sizes, strict=True)
        )
        return units + 12 * net201.STAGE_CHANNELS[0] * sizes[0] ** 2

    def _budget(self) -> float:
        if self.device.type == "cuda":
            free, _total = torch.cuda.mem_get_info(self.device)
            cached = torch.cuda.memory_reserved(self.device) - torch.cuda.memory_allocated(
                self.device
            )
            return 0.7 * (free + cached)  # blocks torch caches are free to this run
        return 0.4 * _available_host_memory()

    def _chunk_end(self, ops: np.ndarray, lo: int, cap: int) -> int:
        """End of the chunk starting at ``lo``: at most ``cap`` archs, within the memory budget."""
        n = ops.shape[0]
        if self.chunk_size is not None or not set(self.proxies) - STATIC:
            return min(n, lo + min(cap, self.chunk_size or cap))
        budget = self._budget()
        per_unit = self._bytes_per_unit * len(self.batch)
        hi, used = lo, 0.0
        while hi < n and hi - lo < cap:
            cost = self._units(ops[hi]) * per_unit
            if hi > lo and used + cost > budget:
                break
            used += cost
            hi += 1
        return hi

    @contextlib.contextmanager
    def _device_settings(self) -> Iterator[None]:
        if self.device.type != "cuda":
            yield
            return
        saved = (
            torch.backends.cudnn.deterministic,
            torch.backends.cudnn.benchmark,
            torch.backends.cudnn.allow_tf32,
            torch.backends.cuda.matmul.allow_tf32,
        )
        torch.backends.cudnn.deterministic = self.deterministic
        torch.backends.cudnn.benchmark = not self.deterministic
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        try:
            with torch.cuda.device(self.device):
                yield
        finally:
            (
                torch.backends.cudnn.deterministic,
                torch.backends.cudnn.benchmark,
                torch.backends.cudnn.allow_tf32,
                torch.backends.cuda.matmul.allow_tf32,
            ) = saved

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    # ------------------------------------------------------------------------ scoring
    def _generator(self, arch_index: int, stream: int) -> torch.Generator:
        return torch.Generator().manual_seed(_seed_words(self.seed, stream, arch_index))

    def initial_parameters(
        self, ops_row: Sequence[int], arch_index: int
    ) -> dict[str, torch.Tensor]:
        """Default-init weights of one arch (what every proxy but zen sees)."""
        return net201.init_parameters(
            ops_row, self.info.num_classes, self._generator(arch_index, 0)
        )

    def zen_parameters(self, ops_row: Sequence[int], arch_index: int) -> dict[str, torch.Tensor]:
        """zen's Gaussian weights of one arch."""
        gen = self._generator(arch_index, _ZEN_STREAM)
        return net201.init_parameters(ops_row, self.info.num_classes, gen, scheme="gaussian")

    def zen_inputs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """zen's two N(0, 1) draws of the minibatch shape, shared by all archs of the run."""
        g = torch.Generator().manual_seed(_seed_words(self.seed, "zen-inputs"))
        shape = tuple(self.batch.images.shape)
        return torch.randn(shape, generator=g), torch.randn(shape, generator=g)

    def _prepare(self, ops: np.ndarray, index: np.ndarray) -> _Prepared:
        """Draw and pack the chunk's weights (default init; zen's Gaussian one when asked)."""
        t0 = time.perf_counter()
        wanted = set(self.proxies)
        if not wanted - STATIC:
            return _Prepared(None, None, None, 0.0)
        net = GroupedNB201(ops, self.info.num_classes, self.device)
        pairs = list(zip(ops, index, strict=True))
        weights = net.pack([self.initial_parameters(o, i) for o, i in pairs])
        zen = None
        if "zen" in wanted:
            zen = net.pack([self.zen_parameters(o, i) for o, i in pairs])
        if self.device.type == "cuda":
            weights = weights.pin_memory()
            zen = zen.pin_memory() if zen is not None else None
        return _Prepared(net, weights, zen, time.perf_counter() - t0)

    def _score_chunk(self, ids: list[str], ops: np.ndarray, prepared: _Prepared) -> ChunkResult:
        wanted = set(self.proxies)
        raw: dict[str, np.ndarray] = {}
        seconds: dict[str, float] = {}
        n_archs = len(ids)

        t0 = time.perf_counter()
        if wanted & STATIC:
            if "params" in wanted:
                raw["params"] = net201.count_params(ids, self.info.num_classes) / 1e6
            if "flops" in wanted:
                raw["flops"] = (
                    net201.count_flops(ids, self.info.resolution, self.info.num_classes) / 1e6
                )
        seconds["static"] = time.perf_counter() - t0

        if wanted - STATIC:
            t0 = time.perf_counter()
            net = prepared.net
            flat = prepared.weights.to(self.device, self.dtype, non_blocking=True)
            if "l2_norm" in wanted:
                weights = net.weights(net.unpack(flat))
                raw["l2_norm"] = _np(net.reduce_weights(lambda w: w.norm(dim=1), weights))
            self._sync()
            # weight drawing may have overlapped the previous chunk; it is counted either way
            seconds["weights"] = time.perf_counter() - t0 + prepared.seconds
            if self.device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(self.device)
            if "shared" in self.plan:
                t0 = time.perf_counter()
                raw.update(self._shared_pass(net, flat, wanted))
                self._sync()
                seconds["shared"] = time.perf_counter() - t0
                self._learn_footprint(ops)
            if "synflow" in self.plan:
                t0 = time.perf_counter()
                raw["synflow"] = self._synflow_pass(net, flat)
                self._sync()
                seconds["synflow"] = time.perf_counter() - t0
            if "zen" in self.plan:
                t0 = time.perf_counter()
                raw["zen"] = self._zen_pass(net, prepared.zen_weights)
                self._sync()
                seconds["zen"] = time.perf_counter() - t0

        scores, failed = {}, {}
        for proxy in self.proxies:
            scores[proxy], failed[proxy] = _scores.finalize(proxy, raw[proxy])
        return ChunkResult(ids, scores, failed, self._attribute(seconds, n_archs), seconds)

    def _attribute(self, seconds: dict[str, float], n_archs: int) -> dict[str, float]:
        """Seconds per arch per proxy: each pass split evenly among the proxies it served."""
        wanted = set(self.proxies)
        served = {
            "static": wanted & STATIC,
            "weights": wanted - STATIC,
            "shared": wanted & SHARED,
            "synflow": wanted & {"synflow"},
            "zen": wanted & {"zen"},
        }
        out = dict.fromkeys(self.proxies, 0.0)
        for name, t in seconds.items():
            users = served[name]
            for p in users:
                out[p] += t / len(users) / n_archs
        return out

    def _learn_footprint(self, ops: np.ndarray) -> None:
        if self.device.type != "cuda":
            return
        peak = torch.cuda.max_memory_allocated(self.device)
        units = sum(self._units(o) for o in ops) * len(self.batch)
        if units:
            self._bytes_per_unit = max(self._bytes_per_unit * 0.5, 1.25 * peak / units)

    def _shared_pass(
        self, net: GroupedNB201, flat: torch.Tensor, wanted: set[str]
    ) -> dict[str, np.ndarray]:
        n_archs, batch = net.n_archs, len(self.batch)
        x = self.batch.images.to(self.device, self.dtype).repeat(1, n_archs, 1, 1)
        y = self.batch.labels.to(self.device)
        need_ce = bool(wanted & CROSS_ENTROPY)
        need_jac = bool(wanted & JACOBIAN)
        grasp = "grasp" in wanted
        rec = _SharedRecorder(n_archs, batch, self.device, "nwot" in wanted, "fisher" in wanted)
        params = net.unpack(flat, requires_grad=need_ce)
        weights = net.weights(params)
        x.requires_grad_(need_jac)
        out: dict[str, np.ndarray] = {}
        with torch.set_grad_enabled(need_ce or need_jac):
            logits, _ = net.forward(x, params, recorder=rec)
        if need_jac:
            jac = None
            if logits.requires_grad:
                jac = torch.autograd.grad(logits.sum(), x, retain_graph=need_ce, allow_unused=True)[
                    0
                ]
            if jac is None:
                jac = torch.zeros_like(x)
            rows = jac.reshape(batch, n_archs, -1).transpose(0, 1)
            corr = _np(_scores.correlations(rows))
            if "jacov" in wanted:
                out["jacov"] = _scores.jacov(corr)
            if "epe_nas" in wanted:
                labels = self.batch.labels.numpy()
                out["epe_nas"] = _scores.epe_nas(corr, labels, self.info.num_classes)
        if need_ce:
            target = y[:, None].expand(batch, n_archs)
            loss = F.cross_entropy(logits.permute(0, 2, 1), target, reduction="sum") / batch
            outputs = [o for o, _ in rec.outputs] if rec.outputs is not None else []
            grads = torch.autograd.grad(
                loss, [*weights, *outputs], create_graph=grasp, allow_unused=True
            )
            g, output_grads = grads[: len(weights)], grads[len(weights) :]
            if "grad_norm" in wanted:
                out["grad_norm"] = _np(net.reduce_weights(lambda gr: gr.norm(dim=1), g))
            if "snip" in wanted:
                out["snip"] = _np(
                    net.reduce_weights(lambda gr, w: (gr * w).abs().sum(1), g, weights)
                )
            if "plain" in wanted:
                out["plain"] = _np(net.reduce_weights(lambda gr, w: (gr * w).sum(1), g, weights))
            if "fisher" in wanted:
                out["fisher"] = self._fisher(net, rec.outputs or [], output_grads)
            if grasp:
                z = sum((gr.detach() * gr).sum() for gr in g if gr is not None)
                hg = torch.autograd.grad(z, weights, allow_unused=True)
                out["grasp"] = _np(net.reduce_weights(lambda w, h: (-w * h).sum(1), weights, hg))
        if "nwot" in wanted:
            out["nwot"] = _scores.nwot(_np(rec.kernel))
        return out

    def _fisher(
        self,
        net: GroupedNB201,
        outputs: list[tuple[torch.Tensor, Segment]],
        grads: Sequence[torch.Tensor | None],
    ) -> np.ndarray:
        total = torch.zeros(net.n_archs, dtype=torch.float64, device=self.device)
        for (act, seg), grad in zip(outputs, grads, strict=True):
            if grad is None:
                continue  # the layer does not reach the loss: zero, as NASLib's zero gradient
            prod = act.detach() * grad.detach()
            positions = torch.as_tensor(seg.positions, device=self.device)
            if prod.dim() == 4:  # conv output (N, S·C, H, W)
                per_channel = prod.sum(dim=(2, 3)).pow(2).mean(0).mul(0.5).abs()
                channels = seg.shape[0] // len(seg.positions)
                fan_in = seg.per_arch // channels
                per_arch = per_channel.view(len(seg.positions), channels).sum(1) * fan_in
            else:  # logits (N, A, K)
                per_channel = prod.pow(2).mean(0).mul(0.5).abs()
                per_arch = per_channel.sum(1) * seg.shape[2]
            total.index_add_(0, positions, per_arch.to(torch.float64))
        return _np(total)

    def _synflow_pass(self, net: GroupedNB201, flat: torch.Tensor) -> np.ndarray:
        params = net.unpack(flat.detach().abs().to(torch.float64), requires_grad=True)
        weights = net.weights(params)
        r = self.info.resolution
        ones = torch.ones(1, 3 * net.n_archs, r, r, dtype=torch.float64, device=self.device)
        logits, _ = net.forward(ones, params, batchnorm=False)
        g = torch.autograd.grad(logits.sum(), weights, allow_unused=True)
        return _np(net.reduce_weights(lambda w, gr: (w * gr).abs().sum(1), weights, g))

    def _zen_pass(self, net: GroupedNB201, flat: torch.Tensor) -> np.ndarray:
        params = net.unpack(flat.to(self.device, self.dtype, non_blocking=True))
        x1, x2 = (t.to(self.device, self.dtype) for t in self.zen_inputs())
        mixed = x1 + ZEN_MIXUP * x2
        stats: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        with torch.no_grad():
            _, f1 = net.forward(x1.repeat(1, net.n_archs, 1, 1), params, running_stats=stats)
            _, f2 = net.forward(mixed.repeat(1, net.n_archs, 1, 1), params, running_stats=stats)
            n = f1.shape[0]
            delta = (f1 - f2).abs().reshape(n, net.n_archs, -1).sum(2).mean(0)
            log_bn = torch.zeros(net.n_archs, dtype=torch.float64, device=self.device)
            for key, (_mean, var) in stats.items():
                seg = net.segments[key]
                per = var.view(len(seg.positions), -1).mean(1).sqrt().log()
                positions = torch.as_tensor(seg.positions, device=self.device)
                log_bn.index_add_(0, positions, per.to(torch.float64))
            with np.errstate(divide="ignore"):
                return np.log(_np(delta).astype(np.float64)) + _np(log_bn)


# --------------------------------------------------------------------------------- helpers
class _Done:
    """A finished ``Future`` look-alike for work done in the calling thread."""

    def __init__(self, value: _Prepared) -> None:
        self._value = value

    def result(self) -> _Prepared:
        return self._value


def _id_hash(arch: str) -> int:
    """A stable 62-bit integer of a canonical id (seeds archs of spaces without an index)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(arch.encode()).digest()[:8], "little") >> 2


def _resolve_dtype(dtype: str | torch.dtype) -> torch.dtype:
    table = {"float32": torch.float32, "float64": torch.float64}
    if isinstance(dtype, torch.dtype) and dtype in table.values():
        return dtype
    if str(dtype) in table:
        return table[str(dtype)]
    raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().to("cpu").numpy()


def _warn_failure(proxy: str, archs: list[str]) -> None:
    shown = ", ".join(archs[:3]) + (", ..." if len(archs) > 3 else "")
    warnings.warn(
        f"{proxy}: {len(archs)} arch(s) gave NaN/inf, recorded as {FAILED_PROXY:g} ({shown})",
        RuntimeWarning,
        stacklevel=3,
    )


def _available_host_memory() -> float:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 4e9


def _progress():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class ArchRate(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- archs/s" if speed is None else f"{speed:.2f} archs/s")

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        ArchRate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )


def score_archs(
    archs: Iterable[object],
    proxies: str | Iterable[str] = "all",
    *,
    dataset: str = "cifar10",
    batch_size: int = 64,
    seed: int = 0,
    device: str = "auto",
    data_root: str | Path | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    space: str = "nb201",
) -> ProxyScores:
    """Score ``archs`` (any accepted form of ``space``) with ``proxies``; see :class:`ProxyEngine`."""
    engine = ProxyEngine(space, proxies, dataset, batch_size, seed, device, data_root, chunk_size)
    return engine.score(archs, progress=progress)
