"""The `reader` command: one module per group of verbs.

The door of this stage: what the other stages and web/ may use."""

from reader.cli.commands import main

__all__ = [
    "main",
]
