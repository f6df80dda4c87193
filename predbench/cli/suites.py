"""``predbench suites``: the suites shipped with predbench, one line each."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``suites`` command to ``app``."""
    app.command("suites")(suites_command)


def suites_command() -> None:
    """List the built-in suites. Run one by name: ``predbench compare quickstart`` or
    ``predbench search --suite search_quick``; copy its file to change it."""
    import pandas as pd

    from predbench.cli._ui import console, print_frame
    from predbench.runs.suitefile import builtin_folder, builtin_suites, describe

    rows = [describe(path) for path in builtin_suites().values()]
    print_frame(pd.DataFrame(rows), title="built-in suites")
    console().print(f"files in {builtin_folder()}", highlight=False)
