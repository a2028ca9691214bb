"""The extract cache: a page read again is not parsed again, and never gives another article.

``reader script`` and ``reader speak`` keep what they extracted under the cache root
(``reader.text.extract_cache``); a second start of the same page skips trafilatura and lxml.
Every entry is keyed by the decoded page, the extractor's version and the options that change
extraction, so any of them changing misses; an entry torn in half is a miss, written again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.text import extract_cache, extraction
from reader.text.extract_cache import ExtractCache
from reader.text.input_limits import InputLimits

PAGE = """<!doctype html><html lang="en"><head><title>Harbour ferry timetable changes | The Gazette</title>
<link rel="canonical" href="https://gazette.example/harbour-ferry"></head><body><article>
<h1>Harbour ferry timetable changes</h1><p class="byline">By Ann Lee</p>
<p>The harbour board met on Tuesday to discuss the new ferry timetable, which adds two
crossings in the morning and one late in the evening for commuters from the islands.</p>
<p>Board members said the change follows a survey of 1,200 passengers last spring, in which most
asked for an earlier first boat and a later last one on weekdays.</p>
<h2>What changes</h2><p>The first ferry will leave at 5:40 instead of 6:15, and the last at 23:10.
Fares stay the same until the end of the year, the board said in a statement.</p>
</article></body></html>"""


@pytest.fixture
def counted(monkeypatch):
    """Calls of the real extractor (a cache hit makes none)."""
    calls = []
    real = extraction.extract_document

    def counting(*args, **kwargs):
        calls.append(args[0].name)
        return real(*args, **kwargs)

    monkeypatch.setattr(extraction, "extract_document", counting)
    return calls


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "extracted").glob("*/*.json"))


def test_a_page_read_again_comes_from_the_cache_as_the_same_article(cache_dir, tmp_path, counted):
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    first = extraction.extract(page, cache=True)
    again = extraction.extract(page, cache=True)
    assert counted == [str(page)]  # extracted once
    assert again == first and again.source_text == first.source_text
    assert again.identity_url == first.identity_url and again.url == "https://gazette.example/harbour-ferry"
    assert [b.kind for b in again.blocks] == [b.kind for b in first.blocks]
    assert "heading" in {b.kind for b in again.blocks}
    (entry,) = entries(cache_dir)
    assert json.loads(entry.read_text())["article"]["title"] == "Harbour ferry timetable changes"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("note.md", "# A note on ferries\n\nThe **first** ferry leaves at nine.\n\n- one\n- two\n"),
        ("note.txt", "A note on ferries\n\nThe first ferry leaves at nine every morning from the pier.\n"),
    ],
)
def test_markdown_and_text_round_trip_whole(cache_dir, tmp_path, counted, name, content):
    page = tmp_path / name
    page.write_text(content, encoding="utf-8")
    first = extraction.extract(page, cache=True)
    again = extraction.extract(page, cache=True)
    assert len(counted) == 1
    assert again == first and again.source_text == first.source_text is not None


def test_a_changed_page_misses(cache_dir, tmp_path, counted):
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    first = extraction.extract(page, cache=True)
    page.write_text(PAGE.replace("two\ncrossings", "three\ncrossings"), encoding="utf-8")
    changed = extraction.extract(page, cache=True)
    assert len(counted) == 2
    assert "three crossings" in changed.blocks[0].text + changed.blocks[1].text
    assert changed != first and len(entries(cache_dir)) == 2


def test_another_extractor_version_misses(cache_dir, tmp_path, counted, monkeypatch):
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    extraction.extract(page, cache=True)
    version = extract_cache.extractor_version()
    # A library upgraded under the cache (its stamp: where it lives, its size and time) is another version.
    monkeypatch.setattr(extract_cache, "_library_stamp", lambda name: f"{name}=upgraded")
    extract_cache.extractor_version.cache_clear()
    try:
        assert extract_cache.extractor_version() != version
        extraction.extract(page, cache=True)
    finally:
        extract_cache.extractor_version.cache_clear()
    assert len(counted) == 2 and len(entries(cache_dir)) == 2


def test_the_version_covers_the_extractor_code(monkeypatch, tmp_path):
    """An edit of the package's own extraction code (here: a copy of it, touched) changes the version."""
    stamps = extract_cache._own_code_stamps()
    assert any(s.startswith("text/extract_html.py=") for s in stamps)
    assert any(s.startswith("normalize/") for s in stamps) and any(s.startswith("data/furniture") for s in stamps)
    fake = tmp_path / "reader"
    (fake / "text").mkdir(parents=True)
    (fake / "text" / "extract_html.py").write_text("one")
    monkeypatch.setattr(extract_cache, "_OWN_CODE", ("text",))
    monkeypatch.setattr(extract_cache, "__file__", str(fake / "text" / "extract_cache.py"))
    before = extract_cache._own_code_stamps()
    os.utime(fake / "text" / "extract_html.py", ns=(1, 1))
    assert extract_cache._own_code_stamps() != before


def test_options_that_change_extraction_are_in_the_key(cache_dir, tmp_path, counted):
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    extraction.extract(page, cache=True)
    extraction.extract(page, cache=True, trust_claimed_url=True)  # another identity URL
    extraction.extract(page, cache=True, limits=InputLimits(max_blocks=50))
    extraction.extract(page, cache=True, limits=InputLimits(max_blocks=50))
    assert len(counted) == 3


def test_custom_rules_and_the_switch_skip_the_cache(cache_dir, tmp_path, counted, monkeypatch):
    from reader.text.furniture import default_rules

    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    extraction.extract(page, cache=True, rules=default_rules())
    extraction.extract(page)  # the library's default: no cache
    monkeypatch.setenv("READER_EXTRACT_CACHE", "0")
    extraction.extract(page, cache=True)
    assert len(counted) == 3 and entries(cache_dir) == []


@pytest.mark.parametrize("damage", ["truncated", "empty", "another key", "bad block"])
def test_a_torn_entry_is_a_miss_and_is_written_again(cache_dir, tmp_path, counted, damage):
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    first = extraction.extract(page, cache=True)
    (entry,) = entries(cache_dir)
    whole = entry.read_bytes()
    broken = {
        "truncated": whole[: len(whole) // 2],
        "empty": b"",
        "another key": whole.replace(entry.stem.encode(), b"0" * 64, 1),
        "bad block": whole.replace(b'"paragraph"', b'"banner"', 1),
    }[damage]
    assert broken != whole
    entry.write_bytes(broken)
    again = extraction.extract(page, cache=True)
    assert len(counted) == 2 and again == first
    assert entry.read_bytes() == whole  # written again, whole


def test_an_unwritable_cache_only_costs_the_next_start(tmp_path, monkeypatch, counted):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("READER_CACHE_DIR", str(blocker))
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    assert extraction.extract(page, cache=True).title == "Harbour ferry timetable changes"
    assert extraction.extract(page, cache=True).title == "Harbour ferry timetable changes"
    assert len(counted) == 2


def test_the_entry_is_found_under_the_store_s_root(cache_dir):
    assert ExtractCache.default() == ExtractCache(cache_dir / "extracted")


def test_a_second_reader_script_prints_the_same_without_the_page_parser(tmp_path, seed_html):
    """Two fresh processes: the second prints exactly what the first did and never imports trafilatura
    or lxml (the modules it held are written out at exit)."""
    out = tmp_path / "modules.json"
    code = (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(out)!r}, 'w').write(json.dumps(sorted(sys.modules))))\n"
        "from reader.cli import main\nmain()\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "READER_CACHE_DIR": str(tmp_path / "audio_cache"),
    }

    def run() -> tuple[str, set[str]]:
        done = subprocess.run(
            [sys.executable, "-c", code, "script", str(seed_html)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        )
        return done.stdout, {m.split(".")[0] for m in json.loads(out.read_text())}

    first, first_modules = run()
    assert {"trafilatura", "lxml"} <= first_modules  # the first start did parse the page
    again, again_modules = run()
    assert again == first and "[heading]" in again and len(again) > 1000
    assert {"trafilatura", "lxml", "numpy", "charset_normalizer", "babel"} & again_modules == set()


def test_speak_plans_a_page_read_before_from_the_cache(cache_dir, tmp_path, counted):
    """``reader speak`` extracts through ``plan``: its second plan of a page does not extract again."""
    from reader.render import RenderOptions, plan

    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    first = plan(page, RenderOptions(backend="pyttsx3"))
    again = plan(page, RenderOptions(backend="pyttsx3"))
    assert len(counted) == 1
    assert again.keys == first.keys and again.article_id == first.article_id and again.revision == first.revision
