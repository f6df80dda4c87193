"""The ``predbench`` command: one typer app, one module per subcommand group.

Each module in this package defines a ``register(app)`` function that adds its commands; heavy
imports happen inside the commands, so ``predbench --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="predbench",
    help="Benchmark performance predictors for neural architecture search.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _root() -> None:
    """Benchmark performance predictors for neural architecture search."""
    # A callback keeps subcommands subcommands even while only one module registers one.


#: Modules of this package that register commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "data",
    "featurize",
    "proxies",
    "predictors",
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
