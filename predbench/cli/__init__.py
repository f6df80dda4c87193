"""The ``predbench`` command: one typer app, one module per subcommand group.

Each module in this package defines a ``register(app)`` function that adds its commands; heavy
imports happen inside the commands, so ``predbench --help`` stays fast. Every command runs inside
:class:`~predbench.cli._errors.ErrorHandlingGroup`: a user or environment error ends in one
``error:`` line and exit code 1; ``predbench --debug`` shows tracebacks.
"""

from __future__ import annotations

import importlib

import typer

from ._errors import DEBUG, ErrorHandlingGroup

app = typer.Typer(
    name="predbench",
    cls=ErrorHandlingGroup,
    help="Benchmark performance predictors for neural architecture search.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        from predbench import __version__

        typer.echo(f"predbench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help="Show the full traceback of an error instead of one line (also PREDBENCH_DEBUG=1).",
    ),
) -> None:
    """Benchmark performance predictors for neural architecture search."""
    # A callback keeps subcommands subcommands even while only one module registers one.
    DEBUG["on"] = debug


#: Modules of this package that register commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "data",
    "featurize",
    "proxies",
    "predictors",
    "suites",
    "compare",
    "results",
    "search",
    "explain",
    "report",
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
