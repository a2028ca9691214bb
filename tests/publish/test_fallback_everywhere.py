"""A fallback backend for `reader export` and `reader podcast build`, keyed as on the web (issue 19 item 4);
podcasts default to the best offline voice, as everything else does (issue 13).

The fake backend refuses any sentence with "failalways" in it; the fallback is the real pyttsx3
(eSpeak NG) in real worker processes. The same text posted to the web app gives the rescued
sentence the same chunk key as the command line's, so either path reuses the other's audio.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import audio_support as support
import pytest
from click.testing import CliRunner

from reader.article import Article, Block
from reader.cli.commands import cli
from reader.errors import InputError
from reader.render import RenderOptions, plan
from reader.store import open_store

TEXT = "The Story\n\nA river bridge opened. Then a failalways signal broke. The market stayed open.\n"
GERMAN = (
    "Die Brücke\n\nDie neue Brücke über den Fluss wurde am Dienstag eröffnet. Viele Menschen kamen, um sie zu "
    "sehen, und der Bürgermeister hielt eine kurze Rede über die Zukunft der Stadt und ihre Bewohner.\n"
)
FEED = """\
[show]
title = "Harbour Reads"
description = "Local stories, read aloud."
author = "Harbour Desk"
language = "{lang}"
base_url = "https://pod.example.org/harbour/"
owner_email = "desk@example.org"
{backend}
[[episodes]]
source = "story.txt"
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("READER_FALLBACK_BACKEND", raising=False)
    return tmp_path


def _manifests(cache: Path) -> list:
    return list(open_store(cache).iter_manifests())


def _rescued(manifest) -> tuple[str, str]:
    entry = next(e for e in manifest.entries if "failalways" in e.spoken)
    return entry.backend, entry.key


def _show(folder: Path, text: str, lang: str = "en", backend: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.txt").write_text(text, encoding="utf-8")
    line = f'backend = "{backend}"\n' if backend else ""
    (folder / "FEED.toml").write_text(FEED.format(lang=lang, backend=line), encoding="utf-8")
    return folder / "FEED.toml"


def test_export_falls_back_with_the_web_paths_chunk_key(env):
    from web import create_app

    source = env / "story.txt"
    source.write_text(TEXT)
    runner = CliRunner()
    failed = runner.invoke(cli, ["export", str(source), "-o", str(env / "out0"), "--backend", "fake"])
    assert failed.exit_code != 0 and "failalways" in failed.output
    done = runner.invoke(
        cli, ["export", str(source), "-o", str(env / "out"), "--backend", "fake", "--fallback-backend", "pyttsx3"]
    )
    assert done.exit_code == 0, done.output
    assert len(list((env / "out").glob("*.mp3"))) == 1
    (manifest,) = [m for m in _manifests(env / "cache") if m.status == "complete"]
    backend, cli_key = _rescued(manifest)
    assert backend == "pyttsx3"

    web_cache = env / "web-cache"  # a cache of its own: the same key is computed, not found
    web_cache.mkdir()
    app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(web_cache), "RATE_LIMIT_PER_MINUTE": 0})
    client = app.test_client()
    posted = client.post("/api/articles", json={"text": TEXT, "backend": "fake", "fallback_backend": "pyttsx3"})
    assert posted.status_code == 202, posted.get_data(as_text=True)
    article_id = posted.get_json()["id"]
    deadline = time.monotonic() + 120
    while (data := client.get(f"/api/articles/{article_id}").get_json())["status"] == "rendering":
        assert time.monotonic() < deadline, data
        time.sleep(0.2)
    assert data["status"] == "complete", data
    web_manifest = open_store(web_cache).read_manifest(article_id)
    assert _rescued(web_manifest) == ("pyttsx3", cli_key)  # one key for the rescued sentence, on either path


def test_export_takes_the_fallback_from_the_environment(env, monkeypatch):
    source = env / "story.txt"
    source.write_text(TEXT)
    monkeypatch.setenv("READER_FALLBACK_BACKEND", "pyttsx3")
    done = CliRunner().invoke(cli, ["export", str(source), "-o", str(env / "out"), "--backend", "fake"])
    assert done.exit_code == 0, done.output
    bad = CliRunner().invoke(cli, ["export", str(source), "-o", str(env / "o2"), "--fallback-backend", "nope"])
    assert bad.exit_code == 2 and "unknown backend 'nope'" in bad.output and bad.output.count("\n") == 1


def test_podcast_build_falls_back_with_the_same_keys_as_a_plan(env, monkeypatch):
    feed = _show(env / "show", TEXT, backend="fake")
    runner = CliRunner()
    failed = runner.invoke(cli, ["podcast", "build", str(feed), "-o", str(env / "site0")])
    assert failed.exit_code == 1 and "failalways" in failed.output
    monkeypatch.setenv("READER_FALLBACK_BACKEND", "pyttsx3")
    built = runner.invoke(cli, ["podcast", "build", str(feed), "-o", str(env / "site")])
    assert built.exit_code == 0, built.output
    assert len(list((env / "site" / "episodes").glob("*.mp3"))) == 1
    (manifest,) = [m for m in _manifests(env / "cache") if m.status == "complete"]
    job = plan(feed.parent / "story.txt", RenderOptions(backend="fake", fallback_backend="pyttsx3"))
    index = next(i for i, c in enumerate(job.chunks) if "failalways" in c.text)
    assert _rescued(manifest) == ("pyttsx3", job.fallback_key(index))
    flag = runner.invoke(cli, ["podcast", "build", str(feed), "-o", str(env / "s2"), "--fallback-backend", "nope"])
    assert flag.exit_code == 2 and "unknown backend 'nope'" in flag.output


def test_a_default_that_resolves_to_the_fallback_is_no_error(env, monkeypatch):
    """German has no Piper voice installed: the default is pyttsx3, and READER_FALLBACK_BACKEND=pyttsx3 with
    it simply means nothing to fall back to, on every path. Named explicitly, the clash is still an error."""
    article = Article(
        title="Die Brücke",
        blocks=(Block("paragraph", GERMAN.split("\n\n")[1].strip()),),
        lang="de",
    )
    job = plan(article, RenderOptions(fallback_backend="pyttsx3"))
    assert job.backend == "pyttsx3" and job.fallback_identity is None
    with pytest.raises(InputError, match="must differ"):
        plan(article, RenderOptions(backend="pyttsx3", fallback_backend="pyttsx3"))

    monkeypatch.setenv("READER_FALLBACK_BACKEND", "pyttsx3")
    source = env / "brucke.txt"
    source.write_text(GERMAN, encoding="utf-8")
    exported = CliRunner().invoke(cli, ["export", str(source), "-o", str(env / "out")])
    assert exported.exit_code == 0, exported.output
    feed = _show(env / "show", GERMAN, lang="de")
    built = CliRunner().invoke(cli, ["podcast", "build", str(feed), "-o", str(env / "site")])
    assert built.exit_code == 0, built.output
    manifests = _manifests(env / "cache")
    assert manifests and all(e.backend == "pyttsx3" for m in manifests for e in m.entries)


def test_a_podcast_without_a_backend_speaks_with_the_default_voice_and_keeps_old_episodes(env):
    """The show names no backend: English episodes render with Piper (the bundled voice), as `reader speak`
    does. A site built when podcasts defaulted to pyttsx3 keeps its published episodes untouched."""
    feed = _show(env / "show", TEXT.replace("failalways ", ""))
    site = env / "site"
    first = CliRunner().invoke(cli, ["podcast", "build", str(feed), "-o", str(site)])
    assert first.exit_code == 0, first.output
    (manifest,) = _manifests(env / "cache")
    assert {e.backend for e in manifest.entries} == {"piper"}

    # The same site as the old default left it: its record holds the id that hashed backend "pyttsx3".
    state_path = site / "episodes.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    job = plan(feed.parent / "story.txt", RenderOptions())
    old_id = plan(feed.parent / "story.txt", RenderOptions(backend="pyttsx3")).article_id
    assert old_id != job.article_id
    (record,) = state["episodes"].values()
    record["article_id"] = old_id
    state_path.write_text(json.dumps(state), encoding="utf-8")
    mp3 = next((site / "episodes").glob("*.mp3"))
    before = mp3.stat().st_mtime_ns
    again = CliRunner().invoke(cli, ["podcast", "build", str(feed), "-o", str(site)])
    assert again.exit_code == 0 and "(0 rendered, 1 unchanged)" in again.output, again.output
    assert mp3.stat().st_mtime_ns == before


def test_the_web_app_takes_a_german_article_with_the_default_and_its_fallback_setting(env):
    """READER_FALLBACK_BACKEND=pyttsx3 on the server (its FALLBACK_BACKEND) and a German article with no
    backend named: the default is pyttsx3 there, so the render simply has no fallback."""
    from web import create_app

    cache = env / "web-cache"
    cache.mkdir()
    config = {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache), "RATE_LIMIT_PER_MINUTE": 0}
    client = create_app({**config, "FALLBACK_BACKEND": "pyttsx3"}).test_client()
    posted = client.post("/api/articles", json={"text": GERMAN})
    assert posted.status_code == 202, posted.get_data(as_text=True)
    article_id = posted.get_json()["id"]
    deadline = time.monotonic() + 120
    while (data := client.get(f"/api/articles/{article_id}").get_json())["status"] == "rendering":
        assert time.monotonic() < deadline, data
        time.sleep(0.2)
    assert data["status"] == "complete", data
    manifest = open_store(cache).read_manifest(article_id)
    assert {e.backend for e in manifest.entries} == {"pyttsx3"}
