"""Word times through the render path (issue 17): worker → store sidecar → manifest, with real engines.

eSpeak NG through pyttsx3 renders in real worker processes; gTTS runs in-process (``InlinePool``) against
its faked Google endpoint, the only thing faked.
"""

from __future__ import annotations

import json

import pytest
import responses

from reader.article import Article, Block
from reader.backends import get_backend, gives_word_times
from reader.render import RenderOptions, plan, render
from reader.render.sentence_words import SentenceWords, utf16_offsets
from reader.render.workers import InlinePool
from reader.store import LocalStore, Manifest, ManifestEntry, join_words
from reader.text import Chunk, Sentence

ARTICLE = Article(
    title="Plants and money",
    blocks=(Block("paragraph", "Northwind raised $3.5bn on 4 July 2025. The money pays for two plants."),),
    lang="en",
)


def _entry(sentence: int, part: int, start: float, words: tuple[int, ...] | None) -> ManifestEntry:
    return ManifestEntry("0" * 64, sentence, part, 1, "paragraph", "w", "s", start, 1.0, words=words)


def test_the_engines_that_say_when_words_start_are_the_ones_registered():
    assert gives_word_times(get_backend("pyttsx3")) and gives_word_times(get_backend("piper"))
    assert not gives_word_times(get_backend("gtts"))


def test_an_install_whose_entry_points_name_the_plain_classes_still_gets_the_timed_ones():
    import tomllib
    from pathlib import Path

    from reader.backends import _TIMED, _load_spec

    for plain, timed in _TIMED.items():
        assert issubclass(_load_spec(timed), _load_spec(plain))
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["reader.backends"]
    assert {declared[name] for name in ("pyttsx3", "espeak", "piper")} == set(_TIMED.values())


def test_the_chunk_key_names_the_word_times_so_chunks_cached_before_them_render_again():
    job = plan(ARTICLE, RenderOptions(backend="pyttsx3"))
    backend = get_backend("pyttsx3")
    from reader.backends.pyttsx3_backend import Pyttsx3Backend
    from reader.text import chunk_key

    plain = {**Pyttsx3Backend.identity(backend, job.speech), **job.options.audio.chunk_identity()}
    assert job.keys[0] != chunk_key(job.chunks[0].text, plain)


def test_a_render_stores_each_chunks_times_beside_it_and_the_manifest_maps_them_to_written_spans(tmp_path):
    store = LocalStore(tmp_path)
    result = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=store)
    deal = next(e for e in result.manifest.entries if "$3.5bn" in e.written)
    stored = json.loads(store.read_words(deal.key))
    assert stored["words"][:3] == ["Northwind", "raised", "three"]
    assert len(stored["starts_ms"]) == len(stored["words"])
    words = deal.words
    spans = [deal.written[words[i + 1] : words[i + 2]] for i in range(0, len(words), 3)]
    assert spans == ["Northwind", "raised", "$3.5bn", "on", "4 July 2025"]
    # Each triple's time is its first spoken word's, as stored ("three" starts the amount), moved from the chunk
    # played alone onto the assembled file's timeline: its LAME tag has players trim the 1,105-sample MP3 delay.
    assert words[6] == stored["starts_ms"][2] - 50
    assert list(words[0::3]) == sorted(words[0::3]) and words[-3] < deal.duration * 1000
    # The manifest on disk keeps them; a render of the same article from the cache gives the same.
    assert store.read_manifest(result.article_id).entries == result.manifest.entries
    again = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=LocalStore(tmp_path), pool=None)
    assert [e.words for e in again.manifest.entries] == [e.words for e in result.manifest.entries]


def test_a_chunk_whose_times_are_missing_gets_no_words_and_its_sentence_none(tmp_path):
    store = LocalStore(tmp_path)
    first = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=store)
    lost = first.manifest.entries[1]
    store.chunk_path(lost.key).with_suffix(".words.json").unlink()
    store.article_dir(first.article_id).joinpath("manifest.json").unlink()  # render the manifest again
    again = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=store)
    assert again.rendered == 0  # the audio is cached: missing times mean "no times", not a re-render
    assert again.manifest.entries[1].words is None and again.manifest.entries[0].words is not None
    assert again.manifest.sentence_words()[lost.sentence] is None


def test_word_times_are_put_once_first_writer_wins(tmp_path):
    store = LocalStore(tmp_path)
    key = "ab" * 32
    assert store.read_words(key) is None
    store.put_words(key, b'{"words":["a"],"starts_ms":[5]}')
    store.put_words(key, b'{"words":["a"],"starts_ms":[9]}')
    assert store.read_words(key) == b'{"words":["a"],"starts_ms":[5]}'
    assert not [p for p in store.chunk_path(key).parent.iterdir() if p.name.startswith(".")]
    store.discard_chunk(key)
    assert store.read_words(key) is None


@responses.activate
def test_gtts_gives_no_word_times_and_the_api_no_words(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "backends"))
    from test_backends_gtts import URL, endpoint_body, tone_mp3  # the faked Google endpoint's answers

    monkeypatch.setattr(get_backend("gtts"), "backoff_seconds", 0.01)
    for _ in range(4):
        responses.post(URL, body=endpoint_body(tone_mp3(0.6)))
    store = LocalStore(tmp_path)
    result = render(ARTICLE, RenderOptions(backend="gtts"), store=store, pool=InlinePool("gtts"))
    assert all(e.words is None for e in result.manifest.entries)
    assert all(store.read_words(e.key) is None for e in result.manifest.entries)
    assert "words" not in json.loads(result.manifest.to_json())["entries"][0]

    from web import create_app

    app = create_app({"TESTING": True, "CACHE_DIR": str(tmp_path), "RATE_LIMIT_PER_MINUTE": 0})
    data = app.test_client().get(f"/api/articles/{result.article_id}").get_json()
    assert data["status"] == "complete"
    assert [s["words"] for s in data["sentences"]] == [None] * len(data["sentences"])


def test_the_parts_of_a_long_sentence_join_with_times_from_the_sentence_start():
    manifest = Manifest(
        "a",
        "r",
        "complete",
        "t",
        entries=(
            _entry(0, 0, 0.5, (10, 0, 5)),
            _entry(1, 0, 2.0, (0, 0, 3, 400, 4, 10)),
            _entry(1, 1, 3.25, (50, 4, 10, 300, 11, 14)),  # the span 4..10 read on across the cut: one triple
            _entry(2, 0, 5.0, (0, 0, 2)),
            _entry(2, 1, 6.0, None),  # a fallback part without times: the sentence has none
        ),
    )
    assert manifest.sentence_words() == {0: (10, 0, 5), 1: (0, 0, 3, 400, 4, 10, 1550, 11, 14), 2: None}
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert join_words((), (5, 0, 1), 100) == (105, 0, 1)
    assert join_words(None, (5, 0, 1), 0) is None


def test_a_chunk_of_a_long_sentence_maps_its_own_words_and_a_mismatch_maps_none():
    written = "It raised $3.5bn on 4 July 2025, then more."
    sentence = Sentence(
        0,
        1,
        "paragraph",
        written,
        "It raised three point five billion dollars on the fourth of July twenty twenty-five, then more.",
    )
    parts = (
        Chunk(0, 0, 0, "It raised three point five billion dollars"),
        Chunk(1, 0, 1, "on the fourth of July twenty twenty-five, then more."),
    )
    mapper = SentenceWords("en")
    times = {
        "words": ["on", "the", "fourth", "of", "July", "twenty", "twenty-five,", "then", "more."],
        "starts_ms": [0, 100, 200, 300, 400, 500, 600, 700, 800],
    }
    words = mapper.entry_words(sentence, parts, parts[1], json.dumps(times).encode())
    assert words == (0, 17, 19, 100, 20, 31, 700, 33, 37, 800, 38, 42)
    wrong = {**times, "words": ["no", *times["words"][1:]]}
    assert mapper.entry_words(sentence, parts, parts[1], json.dumps(wrong).encode()) is None
    assert mapper.entry_words(sentence, parts, parts[1], None) is None
    assert mapper.entry_words(sentence, parts, parts[1], b"not json") is None


@pytest.mark.parametrize(("text", "offsets"), [("ab", [0, 1, 2]), ("a🚀b", [0, 1, 3, 4]), ("", [0])])
def test_utf16_offsets_count_astral_characters_twice(text, offsets):
    assert utf16_offsets(text) == offsets


def test_word_times_are_moved_by_the_delay_players_trim_from_the_assembled_file(tmp_path):
    """ffmpeg (as Chromium and Firefox) honours the assembled file's LAME tag: a chunk's speech sounds 50 ms
    earlier there (after its entry's start) than in the chunk played alone; its words are moved by as much."""
    import subprocess

    import numpy as np

    store = LocalStore(tmp_path)
    result = render(ARTICLE, RenderOptions(backend="pyttsx3"), store=store)
    rate = 22050

    def onset_ms(data: bytes, start: float = 0.0) -> float:
        argv = ["ffmpeg", "-v", "error", "-i", "-", "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"]
        pcm = np.frombuffer(subprocess.run(argv, input=data, capture_output=True, check=True).stdout, dtype="<i2")
        return np.flatnonzero(np.abs(pcm[round(start * rate) :]) > 300)[0] * 1000 / rate

    whole = result.audio_path.read_bytes()
    for entry in result.manifest.entries:
        alone = onset_ms(store.read_chunk(entry.key))
        assert alone - onset_ms(whole, entry.start) == pytest.approx(1105 * 1000 / rate, abs=2)
        stored = json.loads(store.read_words(entry.key))["starts_ms"]
        assert list(entry.words[0::3])[:2] == [max(0, t - 50) for t in stored[:2]]
