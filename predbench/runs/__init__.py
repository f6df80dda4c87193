"""The run substrate shared by ``compare``, ``search`` and ``explain``.

One notion of a run, whatever its kind:

* **identity** (:mod:`.identity`) — a run's id is the hash of every setting that changes its
  numbers; its *condition* is that identity minus the seed; tables aggregate seeds within one
  condition only;
* **one task cache** (:mod:`.cache`) per process, and the fingerprint of a task's data files;
* **one executor** (:mod:`.executor`) — this process, local worker processes or a Dask cluster;
* **one store base** (:mod:`.store`) — a DuckDB file with lock-retrying connections, one schema
  version, suite membership (suites and runs are many-to-many) and thin per-kind tables;
* **one suite-file grammar** for the keys every suite kind shares (:mod:`.suitefile`).
"""

from predbench.runs.identity import (
    HARNESS_VERSION,
    canonical_json,
    condition_settings,
    digest,
    library_versions,
)
from predbench.runs.store import SCHEMA_VERSION, Store, StoreBusyError, StoreVersionError

__all__ = [
    "HARNESS_VERSION",
    "SCHEMA_VERSION",
    "Store",
    "StoreBusyError",
    "StoreVersionError",
    "canonical_json",
    "condition_settings",
    "digest",
    "library_versions",
]
