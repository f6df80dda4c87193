"""``python -m predbench`` runs the command-line interface."""

from predbench.cli import main

main()
