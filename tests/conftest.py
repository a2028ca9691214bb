"""Shared fixtures: the seed fixtures from ../shared, and paths tests may write to."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (main, CI); a helper's worktree sits one level deeper.
SHARED_FIXTURES = next(
    (p / "shared" / "fixtures" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "fixtures").is_dir()),
    REPO.parent / "shared" / "fixtures",
)
LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures"
_NOT_WORD = re.compile(r"[^\w]+")


def _flat(text: str) -> str:
    """Lowercase words only, padded, so phrases match on word boundaries with punctuation ignored."""
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


def _check_script(script, checks: dict) -> None:  # type: ignore[no-untyped-def]
    written = _flat(" ".join(s.written for s in script.sentences))
    spoken = _flat(" ".join(s.spoken for s in script.sentences))
    position = 0
    for phrase in checks["ordered"]:
        found = written.find(_flat(phrase), position)
        assert found >= 0, f"missing or out of order: {phrase!r}"
        position = found + 1
    for phrase in checks["once"]:
        assert written.count(_flat(phrase)) == 1, f"not read exactly once: {phrase!r}"
    for phrase in checks["absent"]:
        assert _flat(phrase) not in written, f"furniture read (written): {phrase!r}"
        assert _flat(phrase) not in spoken, f"furniture read (spoken): {phrase!r}"


@pytest.fixture(scope="session")
def check_script() -> Callable[..., None]:
    """Assert a Script passes checks shaped like seed_article.checks.json (ordered, once, absent).

    ``ordered`` and ``once`` are checked on the written text, ``absent`` on written and spoken,
    each case-insensitively with punctuation ignored.
    """
    return _check_script


@pytest.fixture(scope="session")
def local_fixtures() -> Path:
    return LOCAL_FIXTURES


@pytest.fixture(scope="session")
def seed_html() -> Path:
    return SHARED_FIXTURES / "seed_article.html"


@pytest.fixture(scope="session")
def seed_text() -> Path:
    return SHARED_FIXTURES / "seed_article.txt"


@pytest.fixture(scope="session")
def seed_checks() -> dict:
    return json.loads((SHARED_FIXTURES / "seed_article.checks.json").read_text())


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty audio cache for one test, also set as READER_CACHE_DIR."""
    path = tmp_path / "audio_cache"
    path.mkdir()
    monkeypatch.setenv("READER_CACHE_DIR", str(path))
    return path


# Real services for the `net` tests (redis-server, an S3-compatible server), started once per session.
def _load_services():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("reader_test_services", Path(__file__).with_name("services.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_services = _load_services()
redis_url = _services.redis_url
s3_endpoint = _services.s3_endpoint
s3_bucket = _services.s3_bucket
