"""Console helpers shared by the comparison commands (rich is imported lazily)."""

from __future__ import annotations

from typing import Any

import typer


def console() -> Any:
    """stdout console; wide when not a terminal (pipes, logs) so tables keep their columns."""
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=200)


def error_line(message: str) -> None:
    """Print ``error: message`` on stderr as one line (never wrapped, whatever the width)."""
    from rich.console import Console
    from rich.markup import escape

    text = " ".join(str(message).split())
    Console(stderr=True).print(
        f"[bold red]error:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True
    )


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr (one line) and return the exit to raise."""
    error_line(message)
    return typer.Exit(code=1)


def print_frame(frame: Any, title: str | None = None) -> None:
    """Print a DataFrame of strings/numbers as a rich table."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for column in frame.columns:
        numeric = str(column).startswith("n=")
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(Text(str(v)) for v in row))  # text as written: "zcp[a,b]" is no markup
    console().print(table)
