"""``python -m reader`` runs the command-line interface."""

from reader.cli import main

main()
