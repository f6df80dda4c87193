"""The store base: one DuckDB file for comparison, search and explanation results.

What every kind of result shares lives here; each kind adds thin tables of its own (registered
with :meth:`Store.register_tables`):

* **Connections** are short-lived and retry while another process holds the file's lock, so two
  ``predbench`` commands on one store take turns instead of failing
  (:class:`StoreBusyError` after ``lock_timeout`` seconds).
* **One schema version** (table ``predbench_meta``). A file written by another schema — or by
  predbench 0.1.0, whose run ids did not cover the pool, protocol and data identity — is refused
  with :class:`StoreVersionError` naming the file and what to do, never silently mixed.
* **Transactions** (:func:`transaction`): a run's rows go in whole or not at all; if ``COMMIT``
  itself fails (disk full), the error that says why is the one raised, not the rollback's.
* **Suite membership** (table ``suite_runs``): suites and runs are many-to-many. Running a suite
  records exactly the run ids it names (replacing its previous list), whether they were computed
  now or reused from another suite, so a suite's view shows exactly what its run printed.
* **Claims** (table ``run_claims``): a process claims the runs it is about to execute, so two
  ``compare`` commands on one store share a suite instead of both running every run. A claim of a
  process that died (same machine: its pid is gone; another machine: older than
  :data:`CLAIM_TTL_SECONDS`) is taken over.
* **Queries** take parameters (``?``), never values pasted into SQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

#: Default location of the store, relative to the working directory.
DEFAULT_STORE = Path("results") / "predbench.duckdb"

#: Version of the tables' layout and of the identity scheme of the ids they hold.
SCHEMA_VERSION: int = 2

META_TABLE = "predbench_meta"
MEMBERSHIP_TABLE = "suite_runs"
CLAIMS_TABLE = "run_claims"
#: A claim from another machine older than this is taken to be abandoned.
CLAIM_TTL_SECONDS = 6 * 3600

_BASE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS {MEMBERSHIP_TABLE} (
    suite VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (suite, kind, run_id)
);
CREATE TABLE IF NOT EXISTS {CLAIMS_TABLE} (
    run_id VARCHAR PRIMARY KEY,
    owner VARCHAR NOT NULL,
    host VARCHAR NOT NULL,
    pid INTEGER NOT NULL,
    claimed_at DOUBLE NOT NULL
);
"""

#: Tables of predbench 0.1.0 stores (no meta table): their presence without one means 0.1.0.
_LEGACY_TABLES = frozenset({"runs", "search_runs", "explain_runs"})


class StoreBusyError(RuntimeError):
    """Another process kept the store locked longer than the wait allowed."""


class StoreVersionError(RuntimeError):
    """The file was written by another store schema (e.g. predbench 0.1.0)."""


@contextmanager
def transaction(con: Any) -> Iterator[None]:
    """``BEGIN`` … ``COMMIT``; on failure roll back and raise the *original* error."""
    import duckdb

    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed COMMIT has already ended the transaction; keep the real error
        raise


def _pid_alive(pid: int) -> bool:
    import os

    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_owner() -> str:
    """A claim owner name unique to this invocation: ``host:pid:random``."""
    import os
    import socket
    import uuid

    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def table_names(con: Any) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


class Store:
    """A DuckDB results file (see the module docstring).

    Parameters
    ----------
    path
        The ``.duckdb`` file (created with its folder on first write).
    lock_timeout
        Seconds to keep retrying while another process holds the file.
    """

    #: DDL of every kind's tables, by kind name; created on the first write connection.
    _schemas: ClassVar[dict[str, str]] = {}
    #: (file, kinds) whose tables this process has created already: later connections skip it.
    _ready: ClassVar[set[tuple[str, frozenset[str]]]] = set()

    def __init__(self, path: str | Path = DEFAULT_STORE, lock_timeout: float = 120.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @classmethod
    def register_tables(cls, kind: str, ddl: str) -> None:
        """Declare the tables of a kind of result (``CREATE TABLE IF NOT EXISTS`` statements)."""
        Store._schemas[kind] = ddl

    def exists(self) -> bool:
        return self.path.exists()

    # -------------------------------------------------------------------------- connection
    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Any]:
        """A connection that waits for another process's lock; checks the schema version."""
        import duckdb

        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no results store at {self.path}")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as err:
                locked = "lock" in str(err).lower()
                if locked and time.monotonic() <= deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if locked:
                    raise StoreBusyError(
                        f"results store {self.path} stayed locked by another process for "
                        f"{self.lock_timeout:.0f} s: {err}"
                    ) from err
                raise
        try:
            ready = (str(self.path.resolve()), frozenset(self._schemas))
            if ready not in Store._ready:
                self._check_version(con, read_only)
            if not read_only and ready not in Store._ready:
                con.execute(_BASE_SCHEMA + "".join(self._schemas.values()))
                con.execute(
                    f"INSERT INTO {META_TABLE} VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                    [str(SCHEMA_VERSION)],
                )
                Store._ready.add(ready)
            yield con
        finally:
            con.close()

    def _check_version(self, con: Any, read_only: bool) -> None:
        names = table_names(con)
        if META_TABLE not in names:
            legacy = sorted(names & _LEGACY_TABLES)
            if legacy:
                raise StoreVersionError(
                    f"{self.path} was written by predbench 0.1.0 (tables {legacy}, no schema "
                    "version): its run ids do not cover the pool, protocol and data identity, so "
                    "its results cannot be mixed with new ones. Move it aside (e.g. "
                    f"`mv {self.path} {self.path}.v0.1`) and rerun the suites into a new store."
                )
            return
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} has store schema {version}; this predbench reads schema "
                f"{SCHEMA_VERSION}. Use the predbench version that wrote it, or write to a new "
                "store (--store)."
            )

    # ------------------------------------------------------------------------------- reads
    def has_tables(self, *names: str) -> bool:
        """Whether the file exists and holds every table in ``names``."""
        if not self.path.exists():
            return False
        with self.connect(read_only=True) as con:
            return set(names) <= table_names(con)

    def read(
        self, sql: str, params: Sequence[Any] = (), *, tables: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Rows of a parameterized query; ``None`` when the file or one of ``tables`` is missing."""
        if not self.path.exists():
            return None  # type: ignore[return-value]
        with self.connect(read_only=True) as con:
            if not set(tables) <= table_names(con):
                return None  # type: ignore[return-value]
            return con.execute(sql, list(params)).df()

    def ids_in(self, table: str, ids: Iterable[str] | None = None, *, where: str = "") -> set[str]:
        """``run_id`` values present in ``table`` (optionally with an extra SQL condition on
        constant text, and restricted to ``ids``): the one "done" notion of every kind."""
        sql = f"SELECT DISTINCT run_id FROM {table}" + (f" WHERE {where}" if where else "")
        frame = self.read(sql, tables=[table])
        found = set() if frame is None else set(frame["run_id"])
        return found if ids is None else found & set(ids)

    # ----------------------------------------------------------------------------- claims
    def claim(
        self,
        run_ids: Sequence[str],
        owner: str,
        limit: int | None = None,
        done_table: str | None = None,
    ) -> list[str]:
        """Claim (at most ``limit`` of) the ``run_ids`` nobody else holds, in order; returns the
        ids among ``run_ids`` now held by ``owner``. Ids that already have a row in
        ``done_table`` are not claimed (checked in the same transaction)."""
        import os
        import socket

        host, now = socket.gethostname(), time.time()
        ids = list(dict.fromkeys(run_ids))
        if not ids:
            return []
        with self.connect() as con, transaction(con):
            held = con.execute(
                f"SELECT run_id, owner, host, pid, claimed_at FROM {CLAIMS_TABLE} "
                "WHERE list_contains(?::VARCHAR[], run_id)",
                [ids],
            ).fetchall()
            stale = [
                run_id
                for run_id, who, where, pid, at in held
                if who != owner
                and (
                    (where == host and not _pid_alive(pid))
                    or (where != host and now - at > CLAIM_TTL_SECONDS)
                )
            ]
            if stale:
                con.execute(
                    f"DELETE FROM {CLAIMS_TABLE} WHERE list_contains(?::VARCHAR[], run_id)",
                    [stale],
                )
            taken = {r[0] for r in held} - set(stale)
            if done_table is not None and done_table in table_names(con):
                taken |= {
                    r[0]
                    for r in con.execute(
                        f"SELECT run_id FROM {done_table} WHERE list_contains(?::VARCHAR[], run_id)",
                        [ids],
                    ).fetchall()
                }
            free = [i for i in ids if i not in taken]
            frame = pd.DataFrame({"run_id": free if limit is None else free[:limit]})
            con.register("wanted", frame)
            con.execute(
                f"INSERT INTO {CLAIMS_TABLE} SELECT run_id, ?, ?, ?, ? FROM wanted "
                "ON CONFLICT DO NOTHING",
                [owner, host, os.getpid(), now],
            )
            con.unregister("wanted")
            mine = con.execute(
                f"SELECT run_id FROM {CLAIMS_TABLE} WHERE owner = ? "
                "AND list_contains(?::VARCHAR[], run_id)",
                [owner, ids],
            ).fetchall()
        found = {r[0] for r in mine}
        return [i for i in ids if i in found]

    def release(self, owner: str, run_ids: Sequence[str] | None = None) -> None:
        """Drop ``owner``'s claims (only those of ``run_ids`` when given)."""
        if not self.path.exists():
            return
        with self.connect() as con:
            if run_ids is None:
                con.execute(f"DELETE FROM {CLAIMS_TABLE} WHERE owner = ?", [owner])
            else:
                con.execute(
                    f"DELETE FROM {CLAIMS_TABLE} WHERE owner = ? "
                    "AND list_contains(?::VARCHAR[], run_id)",
                    [owner, list(run_ids)],
                )

    # ------------------------------------------------------------------------- membership
    def set_suite(self, suite: str, kind: str, run_ids: Sequence[str]) -> None:
        """Record that suite ``suite`` consists of exactly ``run_ids`` (its previous list goes)."""
        ids = list(dict.fromkeys(run_ids))
        frame = pd.DataFrame(
            {"suite": suite, "kind": kind, "run_id": ids, "position": range(len(ids))}
        )
        with self.connect() as con, transaction(con):
            con.execute(
                f"DELETE FROM {MEMBERSHIP_TABLE} WHERE suite = ? AND kind = ?", [suite, kind]
            )
            con.register("members", frame)
            con.execute(
                f"INSERT INTO {MEMBERSHIP_TABLE} SELECT suite, kind, run_id, position FROM members"
            )
            con.unregister("members")

    def suite_runs(self, suite: str, kind: str) -> list[str] | None:
        """Run ids of ``suite`` for ``kind`` in suite order; ``None`` for a suite never run."""
        frame = self.read(
            f"SELECT run_id FROM {MEMBERSHIP_TABLE} WHERE suite = ? AND kind = ? ORDER BY position",
            [suite, kind],
            tables=[MEMBERSHIP_TABLE],
        )
        if frame is None or frame.empty:
            return None
        return list(frame["run_id"])

    def suites(self, kind: str | None = None) -> list[str]:
        """Names of the suites recorded in the store (of ``kind`` when given)."""
        sql = f"SELECT DISTINCT suite FROM {MEMBERSHIP_TABLE}"
        params: list[Any] = []
        if kind is not None:
            sql, params = sql + " WHERE kind = ?", [kind]
        frame = self.read(sql + " ORDER BY suite", params, tables=[MEMBERSHIP_TABLE])
        return [] if frame is None else list(frame["suite"])
