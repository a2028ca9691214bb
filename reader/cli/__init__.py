"""The `reader` command: one module per group of verbs.

The door of this stage: what the other stages and web/ may use."""

from reader.lazy import lazy_door

__all__ = [
    "main",
]

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.cli.commands": ("main",),
    },
)
