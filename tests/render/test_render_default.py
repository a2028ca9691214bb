"""The default voice is "the best offline voice installed", and an article's id does not depend on it.

Before this change ``article_id`` hashed ``backend: "pyttsx3"`` for a default render. Now the id holds
only what the caller chose; the voice a default resolved to goes into the chunk keys and the manifest
entries. Articles rendered by the code before are still found by their URL and their id.
"""

from __future__ import annotations

import hashlib
import json

from reader.article import Article, Block
from reader.audio import AudioSettings
from reader.render import RenderOptions, article_id, legacy_article_id, plan, render
from reader.store import open_store

URL = "https://news.example/2026/harbour-bell"
ARTICLE = Article(
    title="The harbour bell",
    blocks=(Block("paragraph", "The keeper rang the bell twice."),),
    url=URL,
    identity_url=URL,  # fetched from its URL, as the pages whose ids the old default decided were
)


def _id_before_this_change(article: Article) -> str:
    """``article_id`` as the code before computed it for a default render (a copy, on purpose)."""
    options = {"backend": "pyttsx3", "voice": None, "rate": None, "lang": None, "audio": AudioSettings().to_dict()}
    value = {"source": article.url, "options": options}
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]


def test_a_default_render_uses_piper_for_english_and_names_it_in_the_manifest_not_the_id(cache_dir):
    job = plan(ARTICLE, RenderOptions())
    assert job.backend == "piper"
    assert job.article_id == article_id(ARTICLE, RenderOptions(lang=None))
    explicit = plan(ARTICLE, RenderOptions(backend="piper"))
    assert explicit.keys == job.keys  # same voice, same chunks
    assert explicit.article_id != job.article_id  # the caller's explicit choice is part of the id
    german = plan(Article(title="Die Glocke", blocks=(), url=URL, lang="de"), RenderOptions())
    assert german.backend == "pyttsx3"  # no German Piper voice installed
    assert german.article_id == article_id(german.article, RenderOptions())
    result = render(ARTICLE, RenderOptions(), store=open_store(cache_dir))
    assert {e.backend for e in result.manifest.entries} == {"piper"}
    assert result.manifest.options["backend"] is None


def test_articles_rendered_before_the_change_are_found_by_url_and_id(cache_dir):
    """A cache written as today's code wrote it: a default (pyttsx3) render, under the old id."""
    from web import create_app

    old_id = _id_before_this_change(ARTICLE)
    old = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=open_store(cache_dir))
    assert old.article_id == old_id  # an explicit pyttsx3 render hashes as the old default did
    assert legacy_article_id(ARTICLE, RenderOptions()) == old_id
    assert article_id(ARTICLE, RenderOptions()) != old_id

    client = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir)}).test_client()
    found = client.get("/api/articles", query_string={"url": URL}).get_json()["articles"]
    assert [a["id"] for a in found] == [old_id]
    by_id = client.get(f"/api/articles/{old_id}")
    assert by_id.status_code == 200 and by_id.get_json()["status"] == "complete"
    assert client.get(f"/articles/{old_id}").status_code == 200


def test_the_first_chunk_is_split_short_for_piper_and_the_head_plan_agrees():
    from reader.render import head_plan

    long_title = "A very long headline about the council, the river bridge and the budget that nobody has read yet"
    article = Article(title=long_title, blocks=(Block("paragraph", "The keeper rang the bell twice."),), url=URL)
    whole = plan(article, RenderOptions())
    assert all(len(c.text) <= 40 for c in whole.chunks if c.sentence == 0)
    assert len([c for c in whole.chunks if c.sentence == 0]) >= 2
    assert [c.part for c in whole.chunks if c.sentence == 0] == list(
        range(len([c for c in whole.chunks if c.sentence == 0]))
    )
    assert [c.index for c in whole.chunks] == list(range(len(whole.chunks)))
    head = head_plan(article, RenderOptions())
    assert head.keys == whole.keys[: len(head.keys)]
    espeak = plan(article, RenderOptions(backend="pyttsx3"))
    assert len([c for c in espeak.chunks if c.sentence == 0]) == 1  # a fast engine keeps it whole
