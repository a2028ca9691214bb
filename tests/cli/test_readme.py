"""The README is the user's reference: every setting the code reads and every command is in it, and
every link between the README and docs/ leads somewhere.

Settings are found the way a reader of the code would find them: any ``READER_…`` name in the
sources of ``reader/`` and ``web/``, plus each key of the web server's defaults (read as
``READER_<KEY>``). A new setting or command without a README line fails here.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click
import pytest

from reader.cli.commands import cli

REPO = Path(__file__).resolve().parent.parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = sorted((REPO / "docs").glob("*.md"))

# Names the code sets for itself, never for people to set; each with why.
INTERNAL = {
    "READER_POOL_SIZE": "set by the engine pool for its own worker processes",
    "READER_PIPER_VOICE_PATHS": "set by the CLI when --voice names a file, inherited by its workers",
    "READER_SERVER_THREADS": "set by `reader serve` from --threads for its own workers",
    "READER_SERVER_URL": "set by `reader serve` to the address it listens on",
    "READER_USE_X_SENDFILE": "Flask's own key, set by the app when READER_AUDIO_OFFLOAD=x-sendfile",
    "READER_LIBRARY_CLASS": "a test hook: the web app's Library class, given in code, not by people",
}
_WEB_KEY = re.compile(  # app.config.get("KEY", …), app.config["KEY"], web/feed.py's _config("KEY")
    r'config(?:\.get)?\(\s*"([A-Z][A-Z0-9_]+)"|config\["([A-Z][A-Z0-9_]+)"\]|_config\("([A-Z][A-Z0-9_]+)"'
)


def _settings_in_code() -> set[str]:
    names: set[str] = set()
    for folder in ("reader", "web"):
        for path in (REPO / folder).rglob("*.py"):
            names |= set(re.findall(r"\bREADER_[A-Z][A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))
    from web.config import DEFAULTS

    names |= {f"READER_{key}" for key in DEFAULTS}
    for path in (REPO / "web").rglob("*.py"):  # keys the app reads with a default of its own, not in DEFAULTS
        for groups in _WEB_KEY.findall(path.read_text(encoding="utf-8")):
            names.add("READER_" + next(key for key in groups if key))
    return names - {"READER_"}


def _commands(group: click.Group, prefix: str = "reader") -> list[str]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


@pytest.mark.parametrize("name", sorted(_settings_in_code() - set(INTERNAL)))
def test_every_setting_the_code_reads_is_in_the_readme_configuration(name: str) -> None:
    configuration = README[README.index("### Configuration") : README.index("### Python API")]
    assert f"`{name}`" in configuration, f"{name} is read by the code but not in the README's configuration tables"


def test_every_setting_in_the_readme_is_read_by_the_code() -> None:
    """No stale rows: a setting the README documents must still exist."""
    configuration = README[README.index("### Configuration") : README.index("### Python API")]
    listed = set(re.findall(r"`(READER_[A-Z0-9_]+)`", configuration))
    assert listed <= _settings_in_code(), sorted(listed - _settings_in_code())


def test_internal_names_are_still_used() -> None:
    """An entry here for a name the code no longer uses would hide a real one later."""
    assert set(INTERNAL) <= _settings_in_code()


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_has_a_row_in_the_cli_reference(command: str) -> None:
    reference = README[README.index("### CLI") : README.index("### HTTP API")]
    assert f"| `{command} " in reference or f"| `{command}`" in reference


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = "".join(ch for ch in text if ch in " -" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(match) for match in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("page", [REPO / "README.md", *DOCS], ids=lambda p: p.name)
def test_links_between_readme_and_docs_lead_somewhere(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        assert linked.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{page.name} links to {target}: no such heading"


def test_every_doc_is_linked_from_the_readme() -> None:
    for doc in DOCS:
        assert f"](docs/{doc.name}" in README, f"docs/{doc.name} is not linked from the README"


def test_the_readme_is_task_first() -> None:
    """Quick start, then the three recipes, then the reference; internals live in docs/."""
    order = [
        "## Quick start",
        "./quickstart.sh demo",
        "./quickstart.sh test",
        "## Recipe: add a listen button to your site",
        "## Recipe: make a podcast",
        "## Recipe: export audio",
        "## Reference",
    ]
    positions = [README.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert README.count("\n## ") <= 12, "a new top-level section: does it belong in docs/?"


def test_every_benchmark_script_is_in_the_benchmarks_index() -> None:
    index = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for script in sorted((REPO / "bench").glob("*.py")):
        assert f"`bench/{script.name}`" in index, f"bench/{script.name} is not listed in docs/benchmarks.md"
