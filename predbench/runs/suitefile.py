"""The grammar every suite file shares: reading TOML, keys, counts, seed lists, errors.

Comparison suites (:mod:`predbench.evaluation.suite`) and search suites
(:mod:`predbench.search._suite`) parse their own keys with these helpers, so the same mistake
gets the same message in both: an unknown key, ``seeds = 0``, a negative count or a wrong type
raises :class:`SuiteError` naming the file and the key before anything runs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from predbench.runs.identity import canonical_json


class SuiteError(ValueError):
    """A suite file that cannot run; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str):
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {problem}")


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed file; a missing, unreadable or malformed file raises :class:`SuiteError`."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise SuiteError(source, "file", "is a folder; give a suite .toml file")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(source, "file", "no such file") from None
    except UnicodeDecodeError:
        raise SuiteError(source, "file", "is not a text (UTF-8 TOML) file") from None
    except OSError as err:
        raise SuiteError(source, "file", f"cannot be read: {err.strerror or err}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SuiteError(source, "toml", str(err)) from None


def check_keys(
    source: str, data: Mapping[str, Any], allowed: Iterable[str], where: str = ""
) -> None:
    """Raise on the first key of ``data`` not in ``allowed``."""
    allowed = list(allowed)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        key = f"{where}.{unknown[0]}" if where else unknown[0]
        raise SuiteError(source, key, f"unknown key; allowed: {allowed}")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def int_list(source: str, key: str, value: Any, *, minimum: int) -> tuple[int, ...]:
    """One integer or a non-empty list of distinct integers, each ≥ ``minimum``."""
    values = value if isinstance(value, list) else [value]
    if not values or not all(is_int(v) for v in values):
        raise SuiteError(source, key, f"expected integers, got {value!r}")
    if any(v < minimum for v in values):
        raise SuiteError(source, key, f"values must be ≥ {minimum}, got {value!r}")
    if len(set(values)) != len(values):
        raise SuiteError(source, key, f"repeated value in {value!r}")
    return tuple(values)


def positive_int(source: str, key: str, value: Any) -> int:
    """A whole number ≥ 1."""
    if not is_int(value) or value < 1:
        raise SuiteError(source, key, f"expected a whole number ≥ 1, got {value!r}")
    return int(value)


def str_list(source: str, key: str, value: Any) -> list[str]:
    """One string or a non-empty list of strings."""
    values = [value] if isinstance(value, str) else value
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        raise SuiteError(source, key, f"expected a non-empty list of strings, got {value!r}")
    return values


def seeds(source: str, value: Any, key: str = "seeds") -> tuple[int, ...]:
    """``5`` → 0..4; ``[42, 43]`` → themselves; ``{start = 1000, count = 30}`` → 1000..1029.

    ``0`` or a negative count is an error (it would run nothing), as are repeats.
    """
    if is_int(value):
        if value < 1:
            raise SuiteError(source, key, f"a seed count must be ≥ 1, got {value!r}")
        return tuple(range(value))
    if isinstance(value, dict):
        check_keys(source, value, ("start", "count"), key)
        if set(value) != {"start", "count"}:
            raise SuiteError(source, key, f"a seed table needs 'start' and 'count', got {value!r}")
        start = int_list(source, f"{key}.start", value["start"], minimum=0)[0]
        count = positive_int(source, f"{key}.count", value["count"])
        return tuple(range(start, start + count))
    return int_list(source, key, value, minimum=0)


#: Keys of a ``tasks`` entry naming a user's own file.
FILE_TASK_KEYS: tuple[str, ...] = ("file", "space", "name", "dataset", "arch_column", "proxies")


def task_entries(
    source: str, value: Any, target: Any = None
) -> tuple[tuple[str, ...], dict[str, str]]:
    """Task keys, and the sources of the entries that name a user's own file.

    An entry is a task key or a table ``{ file, space, name, dataset, arch_column, proxies }``
    (the file resolved relative to the suite file); own files are registered in this process
    (:func:`predbench.runs.cache.register_file_task`) as ``"<space>/<name>"`` so the data checks
    can read them, and their sources travel with each run to the workers.
    """
    from featurizers.spaces import space_name
    from predbench.runs.cache import register_file_task

    items = value if isinstance(value, list) else [value]
    if not items:
        raise SuiteError(source, "tasks", "expected a non-empty list of tasks")
    keys, sources = [], {}
    base = Path(source).parent if source not in ("<suite>", "command line") else Path.cwd()
    for i, item in enumerate(items):
        where = f"tasks[{i}]"
        if isinstance(item, str) and item:
            keys.append(item)
            continue
        if not isinstance(item, dict):
            raise SuiteError(source, where, f"expected a task key or a file table, got {item!r}")
        check_keys(source, item, FILE_TASK_KEYS, where)
        for required in ("file", "space"):
            if not isinstance(item.get(required), str) or not item[required]:
                raise SuiteError(source, f"{where}.{required}", "missing: give a string")
        path = (base / item["file"]).resolve()
        if not path.is_file():
            raise SuiteError(source, f"{where}.file", f"no such file {str(path)!r}")
        try:
            space = space_name(item["space"])
        except KeyError as err:
            raise SuiteError(source, f"{where}.space", err.args[0]) from None
        name = item.get("name") or path.stem
        if not isinstance(name, str) or "/" in name:
            raise SuiteError(source, f"{where}.name", f"expected a name without '/', got {name!r}")
        args = {"path": str(path), "space": space, "name": name}
        for option in ("dataset", "arch_column", "proxies"):
            if option in item:
                args[option] = item[option]
        if isinstance(target, str):
            args["target"] = target
        key = f"{space}/{name}"
        task_source = canonical_json(args)
        register_file_task(key, task_source)
        keys.append(key)
        sources[key] = task_source
    if len(set(keys)) != len(keys):
        raise SuiteError(source, "tasks", f"a task is listed twice in {keys!r}")
    return tuple(keys), sources


# --------------------------------------------------------------------------- built-in suites


def builtin_folder() -> Path:
    """Folder of the suites shipped with the package (``predbench/suites``)."""
    from importlib.resources import files

    return Path(str(files("predbench") / "suites"))


def builtin_suites() -> dict[str, Path]:
    """Built-in suite name (file stem) → file."""
    folder = builtin_folder()
    return {p.stem: p for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def resolve(text: str | Path) -> Path:
    """A suite file: ``text`` itself when it exists, else the built-in suite of that name
    (``quickstart``, ``graf_table``, ...). A name that is neither raises :class:`SuiteError`
    listing the built-in suites."""
    path = Path(text)
    if path.exists():
        return path
    builtin = builtin_suites()
    stem = path.name.removesuffix(".toml")
    if path.parent == Path(".") and stem in builtin:
        return builtin[stem]
    raise SuiteError(
        str(text),
        "file",
        f"no such file, and no built-in suite of that name; built-in suites: {sorted(builtin)} "
        "(`predbench suites` describes them)",
    )


def describe(path: Path) -> dict[str, str]:
    """Name, kind (``compare`` / ``search``) and one line of description of a suite file."""
    data = read_toml(path)
    kind = "search" if "strategies" in data else "compare"
    text = str(data.get("description", "")).strip()
    if not text:
        comments = [
            line.lstrip("# ").strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        ]
        text = comments[0] if comments else ""
    return {"suite": path.stem, "kind": kind, "description": text}
