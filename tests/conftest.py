"""Shared fixtures: the seed fixtures from ../shared, and paths tests may write to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (main, CI); a helper's worktree sits one level deeper.
SHARED_FIXTURES = next(
    (p / "shared" / "fixtures" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "fixtures").is_dir()),
    REPO.parent / "shared" / "fixtures",
)
LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
