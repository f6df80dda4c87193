"""Console helpers shared by the comparison commands (rich is imported lazily)."""

from __future__ import annotations

from typing import Any

import typer


def console() -> Any:
    """stdout console; wide when not a terminal (pipes, logs) so tables keep their columns."""
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=200)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise."""
    from rich.console import Console

    Console(stderr=True, width=200).print(
        f"[bold red]error:[/] {message}", highlight=False, markup=True
    )
    return typer.Exit(code=1)


def print_frame(frame: Any, title: str | None = None) -> None:
    """Print a DataFrame of strings/numbers as a rich table."""
    from rich.table import Table

    table = Table(title=title)
    for column in frame.columns:
        numeric = str(column).startswith("n=")
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    console().print(table)
