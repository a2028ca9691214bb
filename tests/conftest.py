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
processes = _services.processes


# --- The web app (issue 5): app -> client, and `reader serve` started for real -----------------------


@pytest.fixture
def app(cache_dir: Path):
    """The Flask app over an empty cache, open to anonymous changes (OPEN, as `reader serve --open`);
    tests pass config as a dict (the factory's test_config)."""
    from web import create_app

    return create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0})


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """`reader serve` (gunicorn, threaded workers) in its own process, on a free port, with its own cache."""

    def __init__(
        self, cache: Path, workdir: Path, workers: int = 2, env: dict[str, str] | None = None, open_server: bool = True
    ) -> None:
        import os
        import subprocess
        import sys
        import time
        import urllib.request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cache = cache
        environment = {
            **os.environ,
            "READER_CACHE_DIR": str(cache),
            "READER_RATE_LIMIT_PER_MINUTE": "0",
            # one synthesis process per server process: the tests share two cores, and a render that
            # lasts a few seconds is what the streaming tests need to watch
            "READER_WORKERS": "1",
            **(env or {}),
        }
        command = [sys.executable, "-m", "reader", "serve", "--port", str(self.port), "--workers", str(workers)]
        if open_server:  # the web tests exercise changes anonymously: they pass --open, as the demo does
            command.append("--open")
        # cwd outside the checkout, so the installed package is what runs when testing the wheel
        self.process = subprocess.Popen(command, cwd=workdir, env=environment, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90  # /healthz says ready once the warm-up is done (web/readiness.py)
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                if self.process.poll() is None:
                    self.process.kill()
                    self.process.wait()
                error = self.process.stderr.read()  # before stop() closes it
                self.stop()
                raise RuntimeError(f"reader serve did not start: {error[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("live")
    (root / "cache").mkdir()
    server = LiveServer(root / "cache", root)
    yield server
    server.stop()


@pytest.fixture
def start_live_server(tmp_path_factory: pytest.TempPathFactory):
    """``start_live_server(env={...}, workers=1, open_server=True)``: another `reader serve` (with --open
    unless ``open_server=False``), stopped after the test."""
    servers: list[LiveServer] = []

    def start(env: dict[str, str] | None = None, workers: int = 1, open_server: bool = True) -> LiveServer:
        root = tmp_path_factory.mktemp("live")
        (root / "cache").mkdir()
        servers.append(LiveServer(root / "cache", root, workers=workers, env=env, open_server=open_server))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def generated_article(words: int, title: str = "A generated article for the reader's tests") -> str:
    """Plain text of about ``words`` words in paragraphs of varied sentences (deterministic)."""
    import random
    import re

    rng = random.Random(words)
    vocabulary = tuple(
        re.findall(
            r"\w+",
            "the council said new plans for the river would bring homes jobs and parks to the town over the next "
            "ten years while residents asked how the work would be paid for and who would decide which streets "
            "came first in a debate that ran late into the evening at the old library",
        )
    )
    paragraphs, count, sentence_no = [], 0, 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            sentence_no += 1
            length = rng.randint(8, 18)
            body = " ".join(rng.choice(vocabulary) for _ in range(length))
            sentences.append(f"Point {sentence_no}: {body[0].upper()}{body[1:]}.")
            count += length + 2
        paragraphs.append(" ".join(sentences))
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="session")
def make_article():
    """``make_article(words)``: a deterministic generated article as plain text."""
    return generated_article
