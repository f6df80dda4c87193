"""``predbench predictors``: list the predictor zoo."""

from __future__ import annotations

import typer

from predbench.cli._ui import console


def register(app: typer.Typer) -> None:
    """Add the ``predictors`` command to ``app``."""
    app.command("predictors")(predictors_command)


def predictors_command() -> None:
    """List every predictor: name for suites, library, what it reads, and its parameters."""
    from rich.table import Table

    from predbench.predictors import PREDICTORS

    table = Table(title="predbench predictors")
    for column in ("name", "library", "what it is", "inputs", "parameters (defaults)"):
        table.add_column(column)
    for name, cls in PREDICTORS.items():
        params = cls().get_params()
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items() if k != "random_state")
        table.add_row(name, cls.library, cls.summary, cls.inputs, shown)
    console().print(table)
