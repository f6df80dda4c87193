"""The tutorials are committed with their outputs; check what those outputs may and may not hold.

Executed notebooks show their tables and plots when browsing the repository, but whatever a
notebook prints is committed with it. So every committed notebook must:

* have been executed top to bottom in one kernel (every code cell numbered 1, 2, 3, …);
* show no error, no warning and nothing on stderr;
* hold no absolute path (``/tmp/…``, this checkout's folder), and no host name;
* print aggregates only — never rows of the benchmark data: no architecture id in any output
  (a table indexed by arch ids is exactly how rows of a task table look);
* use only public names of predbench and featurizers (no ``_private`` module, name or attribute);
* stay small (plots as PNG, all notebooks together under 1 MiB) and free of run-to-run metadata.

The checks run on the files as committed; ``scripts/execute_notebooks.py`` refreshes them, and
``pytest --nbmake notebooks/`` executes them from scratch without writing them back. Each check is
also run on a notebook made to break it, so a check that cannot fail would show.
"""

from __future__ import annotations

import ast
import html
import importlib
import re
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from featurizers.spaces import SPACES, get_space

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_TOTAL_BYTES = 1024 * 1024
KEPT_METADATA = {"kernelspec", "language_info"}
#: Our own packages: imports from these must use public names only.
OWN_PACKAGES = ("predbench", "featurizers")

#: An absolute POSIX path (two components at least) or a Windows drive path, as printed.
ABSOLUTE_PATH = re.compile(r"(?:^|[\s'\"(=:])(/[\w.-]+/[\w.-]+)|\b([A-Za-z]:\\[\w.-]+)")
#: Shapes of architecture ids, also when pandas cuts a long one short with "...":
#: ``op~k|`` (NB201, NB301 genotypes, NB101 cells), TransNAS-Bench-101 ids, tuple keys.
ARCH_PATTERNS = (
    re.compile(r"\b[a-z][a-z0-9_]*~\d+\|"),
    re.compile(r"\b\d+-\d{4,6}-(?:basic|\d_\d\d_\d{3})\b"),
    re.compile(r"\(\s*\d+(?:\s*,\s*\d+){5,}"),
    re.compile(r"\(\(\s*\d+\s*,\s*\d+\s*\)"),
)
WARNING_TEXT = re.compile(r"\b\w*(?:Warning|Error):|Traceback \(most recent call last\)")
TABLE_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def text_outputs(nb: nbformat.NotebookNode) -> Iterator[tuple[int, str, str]]:
    """(cell index, kind, text) of every textual output: streams and text/* representations."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                yield index, f"stream {output.name}", output.text
            elif output.output_type == "error":
                yield index, "error", "\n".join(output.traceback)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    yield index, mime, value if isinstance(value, str) else "".join(value)


def unexecuted_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Code cells not run, or not run top to bottom in one kernel (counts 1, 2, 3, …)."""
    problems = []
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        if cell.execution_count != number:
            problems.append(f"code cell {number} has execution_count {cell.execution_count}")
    if not any(cell.get("outputs") for cell in code):
        problems.append("no code cell has an output")
    return problems


def warning_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Errors, stderr streams and warning text in the outputs."""
    problems = []
    for index, kind, text in text_outputs(nb):
        if kind in ("error", "stream stderr"):
            problems.append(f"cell {index}: {kind} output {text.strip()[:120]!r}")
        elif match := WARNING_TEXT.search(text):
            problems.append(f"cell {index}: {kind} output shows {match.group(0)!r}")
    return problems


def leaked_paths(nb: nbformat.NotebookNode, machine_names: tuple[str, ...]) -> list[str]:
    """Absolute paths, this machine's folders or host name in text outputs or metadata."""
    problems = []
    texts = [(index, kind, text) for index, kind, text in text_outputs(nb)]
    texts.append((-1, "notebook metadata", str(nb.metadata)))
    texts += [(i, "cell metadata", str(cell.metadata)) for i, cell in enumerate(nb.cells)]
    for index, kind, text in texts:
        if match := ABSOLUTE_PATH.search(text):
            problems.append(f"cell {index}: {kind} holds the path {match.group(0).strip()!r}")
        problems += [
            f"cell {index}: {kind} holds {name!r} (a folder or the host name of this machine)"
            for name in machine_names
            if name in text
        ]
    return problems


def arch_ids(text: str) -> list[str]:
    """Architecture ids of any space in ``text``: by shape, and every table cell parsed."""
    found = [m.group(0) for pattern in ARCH_PATTERNS for m in pattern.finditer(text)]
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in TABLE_CELL.findall(text)]
    for value in cells + text.split():
        for space in SPACES:
            try:
                get_space(space).parse(value)
            except Exception:  # not an id of this space: what we hope for
                continue
            found.append(value)
            break
    return found


def data_rows(nb: nbformat.NotebookNode) -> list[str]:
    """Outputs that show architecture ids, i.e. rows of a benchmark table."""
    problems = []
    for index, kind, text in text_outputs(nb):
        if ids := arch_ids(text):
            problems.append(
                f"cell {index}: {kind} shows arch ids, e.g. {ids[0]!r} ({len(ids)} in all)"
            )
    return problems


def code_of(cell: nbformat.NotebookNode) -> str:
    """A code cell's Python, IPython magics and shell lines blanked out."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines()
    )


def private_names(nb: nbformat.NotebookNode) -> list[str]:
    """Imports of private modules or names of our packages, and ``._private`` attributes."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(code_of(cell))):
            if isinstance(node, ast.ImportFrom) and node.module:
                problems += _import_problems(index, node.module, [a.name for a in node.names])
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    problems += _import_problems(index, alias.name, [])
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                problems.append(f"cell {index}: attribute {node.attr!r} is private")
    return problems


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _import_problems(index: int, module: str, names: list[str]) -> list[str]:
    if module.split(".")[0] not in OWN_PACKAGES:
        return []
    if any(_private(part) for part in module.split(".")):
        return [f"cell {index}: imports the private module {module!r}"]
    public = getattr(importlib.import_module(module), "__all__", None)
    return [
        f"cell {index}: imports {name!r} from {module}, which is not one of its public names"
        for name in names
        if _private(name) or (public is not None and name not in public)
    ]


def run_noise(nb: nbformat.NotebookNode) -> list[str]:
    """Metadata that changes from run to run (timings, kernel versions) or non-PNG images."""
    problems = [f"notebook metadata {key!r}" for key in set(nb.metadata) - KEPT_METADATA]
    if set(nb.metadata.get("language_info", {})) - {"name"}:
        problems.append("language_info holds more than the language name")
    for index, cell in enumerate(nb.cells):
        problems += [f"cell {index}: metadata {key!r}" for key in cell.metadata]
        for output in cell.get("outputs", []):
            images = {m for m in output.get("data", {}) if m.startswith("image/")}
            if images - {"image/png"}:
                problems.append(f"cell {index}: image output {sorted(images)} (expected PNG)")
    return problems


def machine_names() -> tuple[str, ...]:
    names = {str(ROOT), tempfile.gettempdir(), str(Path.home())}
    host = socket.gethostname()
    if len(host) >= 4:  # a very short name would match ordinary text
        names.add(host)
    return tuple(sorted(n for n in names if n not in ("/", "")))


CHECKS = {
    "executed": unexecuted_cells,
    "no warnings": warning_outputs,
    "no paths": lambda nb: leaked_paths(nb, machine_names()),
    "aggregates only": data_rows,
    "public names": private_names,
    "no run noise": run_noise,
}


def test_the_tutorials_are_here():
    assert [p.name for p in NOTEBOOKS] == [
        "01_compare_predictors.ipynb",
        "02_explain_a_predictor.ipynb",
        "03_search_with_a_predictor.ipynb",
    ]


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook(path: Path, check: str):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    problems = CHECKS[check](nb)
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_committed_notebooks_show_plots_and_tables():
    """What makes browsing them worth it: each has at least one PNG plot or an HTML table."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        kinds = {m for c in nb.cells for o in c.get("outputs", []) for m in o.get("data", {})}
        assert kinds & {"image/png", "text/html"}, f"{path.name} shows neither a plot nor a table"


def test_committed_notebooks_stay_small():
    total = sum(path.stat().st_size for path in NOTEBOOKS)
    assert total < MAX_TOTAL_BYTES, f"notebooks take {total / 1024:.0f} KiB together"


# --- each check fails on a notebook made to break it ------------------------------------------


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3", "name": "python3"},
            "language_info": {"name": "python"},
        }
    )
    for number, cell in enumerate(cells, start=1):
        cell.execution_count = number
        nb.cells.append(cell)
    return nb


def _result(data: dict[str, str]) -> nbformat.NotebookNode:
    return new_output("execute_result", data=data, execution_count=1)


def _printed(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return new_code_cell("print(...)", outputs=[new_output("stream", name=name, text=text)])


def test_a_notebook_of_aggregates_passes_every_check():
    table = pd.DataFrame({"mean": [0.7, 0.6]}, index=pd.Index(["rf", "xgb"], name="predictor"))
    nb = _notebook(
        new_code_cell("from predbench.evaluation import aggregate"),
        new_code_cell(
            "table", outputs=[_result({"text/html": table.to_html(), "text/plain": str(table)})]
        ),
        _printed(
            "bananas[xgb/graf]: 91.23 on nb201/cifar10 after 60 queries; tutorial.html: 59 KiB\n"
        ),
    )
    assert {name: check(nb) for name, check in CHECKS.items()} == {name: [] for name in CHECKS}


def test_a_table_indexed_by_arch_ids_is_refused():
    """A task table's head: ids cut short by pandas, in text and HTML."""
    archs = {space: get_space(space).sample(3, random_state=0) for space in SPACES}
    for space, ids in archs.items():
        frame = pd.DataFrame({"val_accuracy": [90.1, 89.5, 70.2]}, index=pd.Index(ids, name="arch"))
        for data in ({"text/plain": str(frame)}, {"text/html": frame.to_html()}):
            problems = data_rows(
                _notebook(new_code_cell("task.targets.head(3)", outputs=[_result(data)]))
            )
            assert len(problems) == 1 and "arch ids" in problems[0], (space, data, problems)
        key = (
            get_space(space).to_tuple_key(ids[0])
            if hasattr(get_space(space), "to_tuple_key")
            else ids[0]
        )
        assert data_rows(_notebook(_printed(f"best: {key} at 91.2\n"))), space


def test_warnings_errors_and_stderr_are_refused():
    warned = _printed("x.py:3: FutureWarning: will change\n", name="stderr")
    in_stdout = _printed("sklearn/base.py:12: UserWarning: X has feature names\n")
    failed = new_code_cell(
        "1/0",
        outputs=[
            new_output(
                "error",
                ename="ZeroDivisionError",
                evalue="",
                traceback=["Traceback (most recent call last)"],
            )
        ],
    )
    for cell in (warned, in_stdout, failed):
        assert warning_outputs(_notebook(cell)), cell.outputs


def test_paths_and_host_names_are_refused():
    for text in (
        "/tmp/predbench-tutorial-x1/tutorial.html 59 KiB",
        "saved to 'C:\\Users\\me'",
        "store: /work/x/results.duckdb",
    ):
        assert leaked_paths(_notebook(_printed(text)), ()), text
    assert leaked_paths(_notebook(_printed("ran on box-17\n")), ("box-17",))
    nb = _notebook(_printed("fine\n"))
    nb.metadata["papermill"] = {"input_path": "/home/me/01.ipynb"}
    assert leaked_paths(nb, ())


def test_private_names_are_refused():
    for source in (
        "from predbench.explain._shap import explain_model",
        "from predbench.evaluation.features import _pool",
        "from predbench.evaluation import Summary, _claimed",
        "from predbench.search import trajectory_frame as tf, _run",
        "import predbench.search._run",
        "x = strategy._rng.integers(3)",
    ):
        assert private_names(_notebook(new_code_cell(source))), source
    public = "%matplotlib inline\nfrom predbench.search import run_search\nimport numpy._core\nx.__class__"
    assert private_names(_notebook(new_code_cell(public))) == []


def test_unexecuted_cells_and_run_noise_are_refused():
    nb = _notebook(_printed("1\n"), new_code_cell("x = 1"))
    nb.cells[1].execution_count = None
    assert unexecuted_cells(nb)
    nb = _notebook(_printed("1\n"))
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "2026-12-03T10:00:00Z"}
    nb.metadata["language_info"]["version"] = "3.11.2"
    assert len(run_noise(nb)) == 2


def test_importing_the_packages_in_a_kernel_warns_nothing():
    """What every tutorial's first cell does, in a real kernel with its default warning filters.

    (pooch imports ``tqdm.auto``, which in a kernel without ipywidgets warns "IProgress not
    found" on import unless the data layer keeps it quiet.)
    """
    from nbclient import NotebookClient

    nb = _notebook(
        new_code_cell(
            "import featurizers, predbench.data, predbench.evaluation, predbench.explain\n"
            "import predbench.predictors, predbench.report, predbench.search"
        )
    )
    nb.cells[0].execution_count = None
    # the kernel starts in the project root, so it imports this checkout first
    resources = {"metadata": {"path": str(ROOT)}}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
    assert warning_outputs(nb) == []
