"""Issue 16 item 4, the server half: the voice menu in groups by language (the reader's first, the best
neural voice first, "Other languages" last), readable names, and /api/voices in the same order.

Real engines' voice lists (Piper's installed voice, eSpeak NG's through pyttsx3); the page's variables
are read with Flask's ``template_rendered`` signal (the markup is the front end's)."""

from __future__ import annotations

import time

import pytest
from flask import template_rendered

from reader.backends import Voice, list_voices
from web.voicemenu import OTHER_LANGUAGES, language_name, readable, voice_groups

PIPER = any(v.backend == "piper" for v in list_voices(backend=None))


def _context(app, client, path: str, template: str, headers: dict | None = None) -> dict:
    seen: list = []

    def record(sender, template, context, **extra) -> None:
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        assert client.get(path, headers=headers or {}).status_code == 200
    finally:
        template_rendered.disconnect(record, app)
    return next(context for name, context in seen if name == template)


def test_the_menu_puts_the_readers_language_first_and_the_rest_last(app, client):
    groups = _context(app, client, "/", "library.html")["voice_groups"]
    assert groups[0]["label"] == "English" and groups[-1]["label"] == OTHER_LANGUAGES
    english = groups[0]["voices"]
    assert all(v["lang"].lower().startswith("en") for v in english)
    assert [v["neural"] for v in english] == sorted((v["neural"] for v in english), reverse=True)  # neural first
    if PIPER:
        assert english[0]["name"] == "Joe (American English, neural)"
    ids = [v["id"] for group in groups for v in group["voices"]]
    assert len(ids) == len(set(ids))  # each choice once, though two engines list eSpeak's voices
    assert not any("Hz" in v["name"] for group in groups for v in group["voices"])
    others = [v["name"] for v in groups[-1]["voices"]]
    assert others == sorted(others, key=str.casefold) and "German (eSpeak)" in others

    german = _context(app, client, "/", "library.html", {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    labels = [group["label"] for group in german["voice_groups"]]
    assert labels[:2] == ["German", "English"] and labels[-1] == OTHER_LANGUAGES
    assert "German (eSpeak)" not in [v["name"] for v in german["voice_groups"][-1]["voices"]]


def test_api_voices_have_readable_names_in_the_menus_order(client):
    voices = client.get("/api/voices", headers={"Accept-Language": "fr"}).get_json()["voices"]
    assert voices[0]["lang"].startswith("fr")
    english = client.get("/api/voices?lang=en").get_json()["voices"]
    assert english and all(v["lang"].startswith("en") for v in english)
    if PIPER:
        assert english[0] == {**english[0], "name": "Joe (American English, neural)", "neural": True}
    assert {"id", "name", "engine_name", "lang", "backend", "neural"} <= set(english[0])
    espeak = client.get("/api/voices?backend=pyttsx3&lang=en-gb").get_json()["voices"]
    assert espeak[0]["name"] == "English (Great Britain, eSpeak)"


@pytest.mark.skipif(not PIPER, reason="the default voice is Piper's only when a Piper voice is installed")
def test_the_article_page_names_its_voice(app, client, make_article):
    article_id = client.post("/api/articles", json={"text": make_article(20, "A short story")}).get_json()["id"]
    deadline = time.monotonic() + 120
    while client.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    view = _context(app, client, f"/articles/{article_id}", "article.html")["a"]
    assert view["voice_name"] == "Joe (American English, neural)"


@pytest.mark.parametrize(
    ("tag", "ui", "name"),
    [
        ("en-us", "en", "American English"),
        ("en-gb", "en", "British English"),
        ("pt-BR", "en", "Brazilian Portuguese"),
        ("de", "en", "German"),
        ("de", "de", "Deutsch"),
        ("fr-ca", "xx-nonsense", "Canadian French"),  # an unknown interface language: English
        ("zz", "en", "zz"),  # no CLDR name: the tag itself
    ],
)
def test_language_names_come_from_cldr(tag, ui, name):
    assert language_name(tag, ui) == name


def test_readable_names_say_person_language_and_kind():
    assert readable(Voice("de_DE-thorsten-high", "thorsten (de, high)", "de", None, "piper")) == (
        "Thorsten (German, neural)"
    )
    assert readable(Voice("en-us", "English (America)", "en-us", "male", "pyttsx3")) == "English (America, eSpeak)"
    assert readable(Voice("af", "Afrikaans", "af", "male", "espeak")) == "Afrikaans (eSpeak)"


def test_groups_leave_out_languages_without_voices():
    entries = [
        {"id": "a", "name": "B voice", "lang": "en", "neural": False},
        {"id": "b", "name": "A voice", "lang": "en-gb", "neural": True},
        {"id": "c", "name": "Z voice", "lang": "fr", "neural": False},
    ]
    groups = voice_groups(entries, ["xx", "en"])
    assert [g["label"] for g in groups] == ["English", OTHER_LANGUAGES]
    assert [v["id"] for v in groups[0]["voices"]] == ["b", "a"]
    assert voice_groups(entries[:2], ["en"]) == [{"label": "English", "voices": [entries[1], entries[0]]}]


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"backend": "pyttsx3", "voice": "en-gb"}, "English (Great Britain, eSpeak)"),
        ({"backend": "pyttsx3", "voice": "no-such-voice"}, None),
        pytest.param({}, "Joe (American English, neural)", marks=pytest.mark.skipif(not PIPER, reason="no Piper")),
    ],
)
def test_the_api_names_an_article_s_voice_for_the_embed(client, cache_dir, options, name):
    """The embed shows "voice · length" from ``GET /api/articles/<id>``: ``voice_name`` as on the page."""
    from reader.store import Manifest, open_store

    manifest = Manifest("voiced-article", "0123abcd", "complete", "A voiced article", lang="en", options=options)
    open_store(cache_dir).write_manifest(manifest)
    data = client.get("/api/articles/voiced-article").get_json()
    assert "voice_name" in data and data["voice_name"] == name
    spec = client.get("/api/openapi.json").get_json()
    assert "voice_name" in spec["components"]["schemas"]["Article"]["properties"]
