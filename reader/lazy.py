"""Doors that load what they name on first use (PEP 562), so ``import reader`` and ``reader --help``
cost a few milliseconds instead of every stage's imports (trafilatura, numpy, the engines…).

A door keeps a table of its names by the module that defines them; ``lazy_door`` turns it into the
module's ``__getattr__`` and ``__dir__``. A name is imported the first time it is asked for and then
kept on the door as a plain attribute. ``tests/test_package_layout.py`` reads these tables as imports.

``call`` makes the door's module callable: ``reader.render`` is both the render stage (a package)
and the public ``render()`` function, and ``reader.normalize`` likewise. Calling the package calls the
function, so ``reader.render(article)`` and ``import reader.render.background`` both work in any order.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_door"]


def lazy_door(
    package: str, table: dict[str, tuple[str, ...]], *, call: str | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose names live in the modules of ``table``
    (module → names; a name listed under ``package.name`` is that subpackage itself).

    ``call`` ("module:function") makes the package callable as that function."""
    where = {name: module for module, names in table.items() for name in names}
    door = sys.modules[package]

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module == f"{package}.{name}":  # a subpackage: importing it sets it on the door
            return importlib.import_module(module)
        value = getattr(importlib.import_module(module), name)
        setattr(door, name, value)  # once found, a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(door), *where})

    if call is not None:
        door.__class__ = _callable_module(call)
    return __getattr__, __dir__


def _callable_module(target: str) -> type[types.ModuleType]:
    module_name, _, function_name = target.partition(":")

    class CallableDoor(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module_name), function_name)(*args, **kwargs)

    CallableDoor.__call__.__doc__ = f"Call ``{module_name}.{function_name}``."
    return CallableDoor
