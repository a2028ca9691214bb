"""The house drawn from the imports: stages as rooms, arrows only down the flow, no cycles.

Every import between the package's own modules counts, late imports inside functions included
(they tie the design as much as the ones at the top); imports under ``TYPE_CHECKING`` do not.
A stage is entered only through its door (its ``__init__``): the modules inside are its own
business. A door that loads its names on first use (``reader.lazy.lazy_door``) imports the modules
its table names, as if it imported them at the top. The order is the flow of DESIGN.md: cli and
web → publish → render → backends → audio → text → normalize → store → the data model and errors.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import reader
import web

# Higher imports lower, never the reverse. ``reader`` itself is the public API over everything.
RANK = {
    "reader": 11,
    "__main__": 11,
    "cli": 10,
    "web": 9,
    "publish": 8,
    "render": 7,
    "backends": 6,
    "audio": 5,
    "text": 4,
    "normalize": 3,
    "store": 2,
    "article": 1,
    "atomic": 0,
    "lazy": 0,
    "safe_text": 0,
    "errors": 0,
}
DOORED = {"cli", "publish", "render", "backends", "audio", "text", "normalize", "store"}


def module_files(package_dir: Path, name: str) -> dict[str, Path]:
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = (name, *path.relative_to(package_dir).with_suffix("").parts)
        dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[dotted] = path
    return found


class _Imports(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[ast.Import | ast.ImportFrom] = []

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append(node)

    def visit_Call(self, node: ast.Call) -> None:
        """``lazy_door(__name__, {module: names}, call="module:function")``: an import of each module."""
        if isinstance(node.func, ast.Name) and node.func.id == "lazy_door":
            table = node.args[1] if len(node.args) > 1 else None
            modules = [k.value for k in getattr(table, "keys", []) if isinstance(k, ast.Constant)]
            modules += [k.value.value.partition(":")[0] for k in node.keywords if k.arg == "call"]
            self.found.extend(ast.Import(names=[ast.alias(name=m)]) for m in modules)
        self.generic_visit(node)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the project's modules it imports (a ``from pkg import mod`` names the module)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        visitor = _Imports()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        targets = set()
        for node in visitor.found:
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
                continue
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def stage_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "web":
        return "web"
    return parts[1] if len(parts) > 1 else "reader"


def against_the_flow(graph: dict[str, set[str]]) -> Iterator[str]:
    """Each import that goes up the flow, or into another stage past its door."""
    for importer, targets in sorted(graph.items()):
        for target in sorted(targets):
            here, there = stage_of(importer), stage_of(target)
            if here == there:
                continue
            if RANK[here] <= RANK[there]:
                yield f"{importer} -> {target}: {here} may not import {there}"
            elif there in DOORED and target != f"reader.{there}" and here != "reader":
                yield f"{importer} -> {target}: use the door reader.{there}"


def project_graph() -> dict[str, set[str]]:
    modules = module_files(Path(reader.__file__).parent, "reader")
    modules.update(module_files(Path(web.__file__).parent, "web"))
    return import_graph(modules)


def test_no_module_of_the_package_imports_itself_round_a_cycle():
    assert cycles(project_graph()) == []


def test_every_import_between_stages_runs_down_the_flow_through_a_door():
    assert list(against_the_flow(project_graph())) == []


def test_every_stage_module_belongs_to_a_known_stage():
    unknown = {stage_of(m) for m in project_graph()} - set(RANK)
    assert unknown == set(), f"modules outside the stages of DESIGN.md: {unknown}"


def _fake_package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path / "reader"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_files(root, "reader")


def test_the_checks_catch_a_late_import_cycle_and_an_import_up_the_flow(tmp_path):
    """The checks can fail: a late import inside a function still makes a cycle, an upward import
    is named, and reaching past a door is named; a TYPE_CHECKING import is no edge."""
    modules = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "store/__init__.py": "from reader.store.local import open_store\n",
            "store/local.py": "def open_store():\n    from reader.store import s3\n",
            "store/s3.py": "from reader.store.local import open_store\nfrom reader.cli import main\n",
            "cli/__init__.py": "",
            "render/__init__.py": "from reader.render.run import plan\n",
            "render/run.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reader.cli import x\n"
            "from reader.store.local import open_store\n",
        },
    )
    graph = import_graph(modules)
    assert ["reader.store.local", "reader.store.s3"] in cycles(graph)
    problems = list(against_the_flow(graph))
    assert any("reader.store.s3 -> reader.cli: store may not import cli" in p for p in problems)
    assert any("reader.render.run -> reader.store.local: use the door reader.store" in p for p in problems)
    assert not any("reader.render.run -> reader.cli" in p for p in problems)


def test_a_lazy_doors_table_counts_as_its_imports(tmp_path):
    """A name loaded on first use is still an import: a lazy door naming a module up the flow is caught."""
    modules = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "lazy.py": "",
            "cli/__init__.py": "",
            "cli/commands.py": "",
            "store/__init__.py": "from reader.lazy import lazy_door\n"
            '__getattr__, __dir__ = lazy_door(__name__, {"reader.store.local": ("open_store",)}, '
            'call="reader.cli.commands:main")\n',
            "store/local.py": "",
        },
    )
    graph = import_graph(modules)
    assert graph["reader.store"] == {"reader.lazy", "reader.store.local", "reader.cli.commands"}
    assert any("reader.store -> reader.cli.commands: store may not import cli" in p for p in against_the_flow(graph))
