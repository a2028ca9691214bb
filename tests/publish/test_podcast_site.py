"""`reader podcast build`: a static podcast site from FEED.toml, rendered with the real offline voice.

Three short local articles (tests/fixtures/podcast) become a show; the feed is
read back with feedparser and checked against every element Apple Podcasts and
the Podcast Index require; rebuilds keep guids, URLs and dates, and render only
what is new or corrected.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import podcast_requirements as requirements
import pytest
from click.testing import CliRunner
from PIL import Image

from reader.audio import measure_loudness
from reader.cli.commands import cli
from reader.publish import build_site
from reader.store import open_store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "podcast"
BASE = "https://pod.example.org/harbour/"
FEED = f"""\
# The test show. This comment must survive `reader podcast add`.
[show]
title = "Harbour Reads"
description = "Local stories, read aloud."
author = "Harbour Desk"
language = "en"
base_url = "{BASE}"
owner_email = "desk@example.org"
owner_name = "Dana Desk"
category = "News"
subcategory = "Daily News"

[[episodes]]
source = "tides.html"

[[episodes]]
source = "bread.md"
title = "Slow bread (episode title from FEED.toml)"
"""


def _show(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for item in FIXTURES.iterdir():
        shutil.copy(item, folder / item.name)
    (folder / "FEED.toml").write_text(FEED, encoding="utf-8")
    return folder / "FEED.toml"


def _state(site: Path) -> dict:
    return json.loads((site / "episodes.json").read_text(encoding="utf-8"))["episodes"]


def _published(site: Path) -> dict[str, tuple]:
    """guid -> (enclosure URL, pubDate, file inode and mtime) for every episode in the feed."""
    parsed, _ = requirements.check_feed((site / "feed.xml").read_bytes())
    out = {}
    for entry in parsed.entries:
        url = entry.enclosures[0].href
        stat = (site / url.removeprefix(BASE)).stat()
        out[entry.id] = (url, entry.published, stat.st_ino, stat.st_mtime_ns, entry.title)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build two episodes, add the third with `reader podcast add`, rebuild: the site and both reports."""
    root = tmp_path_factory.mktemp("podcast")
    store = open_store(root / "cache")
    feed_toml = _show(root / "show")
    site = root / "site"
    first = build_site(feed_toml, site, store=store)
    before = _published(site)
    result = CliRunner().invoke(cli, ["podcast", "add", str(feed_toml), str(feed_toml.parent / "lanterns.txt")])
    assert result.exit_code == 0, result.output
    second = build_site(feed_toml, site, store=store)
    return {"root": root, "store": store, "feed": feed_toml, "site": site, "first": first, "second": second,
            "before": before}  # fmt: skip


def test_feed_of_three_articles_meets_every_requirement(built):
    parsed, failures = requirements.check_feed((built["site"] / "feed.xml").read_bytes())
    assert failures == []
    assert sorted(e.title for e in parsed.entries) == [
        "Lanterns Return to the Old Market",
        "Slow bread (episode title from FEED.toml)",
        "Why the Tides Turn Twice a Day",
    ]
    assert parsed.feed.title == "Harbour Reads"
    assert parsed.feed.link == BASE
    assert parsed.feed.image.href == BASE + "artwork.jpg"
    assert parsed.feed.publisher_detail == {"name": "Dana Desk", "email": "desk@example.org"}


def test_enclosures_are_the_real_files_with_their_byte_lengths(built):
    site = built["site"]
    parsed, _ = requirements.check_feed((site / "feed.xml").read_bytes())
    for entry in parsed.entries:
        enclosure = entry.enclosures[0]
        path = site / enclosure.href.removeprefix(BASE)
        assert int(enclosure.length) == path.stat().st_size
        assert path.read_bytes()[:3] == b"ID3"
        probed = json.loads(
            subprocess.run(
                ["ffprobe", "-v", "error", "-of", "json", "-show_format", str(path)], capture_output=True, check=True
            ).stdout
        )
        duration = float(probed["format"]["duration"])
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        assert abs(h * 3600 + m * 60 + s - duration) <= 1.0
        assert 5 < duration < 120


def test_transcripts_and_chapters_are_served_beside_the_audio(built):
    site = built["site"]
    parsed, _ = requirements.check_feed((site / "feed.xml").read_bytes())
    tides = next(e for e in parsed.entries if e.title.startswith("Why the Tides"))
    assert tides.link == "https://coast.example.org/science/why-the-tides-turn"
    vtt = (site / "episodes" / "why-the-tides-turn-twice-a-day.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "Twice each day the sea climbs the harbour wall" in vtt
    assert "<00:" not in vtt  # plain cues for podcast apps, without the word timestamp tags captions.vtt has
    chapters = json.loads((site / "episodes" / "why-the-tides-turn-twice-a-day.chapters.json").read_text())
    assert [c["title"] for c in chapters["chapters"]] == [
        "Why the Tides Turn Twice a Day",
        "The second bulge",
        "Spring and neap",
    ]
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert starts[0] == 0 and starts == sorted(starts) and starts[-1] > 5


def test_artwork_is_generated_at_1400_pixels(built):
    with Image.open(built["site"] / "artwork.jpg") as image:
        assert image.format == "JPEG" and image.size == (1400, 1400) and image.mode == "RGB"


def test_episodes_measure_minus_16_lufs_with_peaks_under_minus_1(built):
    for mp3 in sorted((built["site"] / "episodes").glob("*.mp3")):
        loudness = measure_loudness(mp3)  # ffmpeg ebur128, dual mono
        assert loudness.integrated == pytest.approx(-16.0, abs=1.0), mp3.name
        assert loudness.true_peak <= -1.0, mp3.name


def test_index_page_lists_every_episode_with_a_player(built):
    page = (built["site"] / "index.html").read_text(encoding="utf-8")
    assert page.count("<audio ") == 3
    assert 'href="feed.xml"' in page and "Slow bread (episode title from FEED.toml)" in page


def test_rebuild_after_adding_one_article_renders_only_that_one(built):
    first, second = built["first"], built["second"]
    assert len(first.rendered) == 2 and first.kept == () and first.failed == ()
    assert len(second.rendered) == 1 and set(second.kept) == set(first.rendered) and second.failed == ()
    after = _published(built["site"])
    for guid, (url, date, inode, mtime, _title) in built["before"].items():
        assert after[guid][:4] == (url, date, inode, mtime)  # same guid, URL, date, and the very same file
    assert built["feed"].read_text(encoding="utf-8").startswith(FEED)  # `podcast add` kept the comments


def test_corrected_article_keeps_its_guid_url_and_date(built, tmp_path):
    feed_toml = _show(tmp_path / "show")
    (tmp_path / "show" / "FEED.toml").write_text(built["feed"].read_text(encoding="utf-8"), encoding="utf-8")
    site = tmp_path / "site"
    shutil.copytree(built["site"], site)
    before = _published(site)
    tides = feed_toml.parent / "tides.html"
    corrected = tides.read_text(encoding="utf-8").replace("Why the Tides Turn Twice a Day", "Why Tides Turn Daily")
    tides.write_text(corrected.replace("harbour wall", "old harbour wall"), encoding="utf-8")

    report = build_site(feed_toml, site, store=built["store"])
    after = _published(site)
    assert len(report.rendered) == 1 and len(report.kept) == 2
    assert set(after) == set(before)
    (guid,) = report.rendered
    url, date, _inode, _mtime, title = after[guid]
    assert (url, date) == before[guid][:2]
    assert title == "Why Tides Turn Daily" != before[guid][4]
    vtt = (site / url.removeprefix(BASE)).with_suffix(".vtt").read_text(encoding="utf-8")
    assert "old harbour wall" in vtt


def test_guids_survive_a_lost_state_file(built, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built["site"], site)
    before = set(_published(site))
    (site / "episodes.json").unlink()
    build_site(built["feed"], site, store=built["store"])
    assert set(_published(site)) == before


def test_cli_build_reports_a_failing_episode_and_still_writes_the_feed(built, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(built["root"] / "cache"))
    feed_toml = _show(tmp_path / "show")
    (feed_toml.parent / "empty.txt").write_text("   \n", encoding="utf-8")
    with feed_toml.open("a", encoding="utf-8") as handle:
        handle.write('\n[[episodes]]\nsource = "empty.txt"\n')
    result = CliRunner().invoke(cli, ["podcast", "build", str(feed_toml), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "Traceback" not in result.output
    parsed, failures = requirements.check_feed((tmp_path / "site" / "feed.xml").read_bytes())
    assert failures == [] and len(parsed.entries) == 2


def test_cli_bad_feed_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "FEED.toml"
    bad.write_text('[show]\ntitle = "x"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["podcast", "build", str(bad), "-o", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "[show] is missing description" in result.output and "Traceback" not in result.output


def test_too_small_artwork_fails_before_anything_renders(tmp_path):
    feed_toml = _show(tmp_path / "show")
    Image.new("RGB", (800, 800), (0, 0, 0)).save(feed_toml.parent / "small.jpg")
    feed_toml.write_text(FEED.replace('category = "News"', 'category = "News"\nartwork = "small.jpg"'), "utf-8")
    result = CliRunner().invoke(cli, ["podcast", "build", str(feed_toml), "-o", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "800×800" in result.output and "1400×1400" in result.output
    assert not (tmp_path / "site" / "episodes").exists()


def test_given_artwork_is_used(built, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(built["root"] / "cache"))
    feed_toml = _show(tmp_path / "show")
    Image.new("RGB", (2000, 1600), (0, 128, 0)).save(feed_toml.parent / "cover.png")
    feed_toml.write_text(FEED.replace('category = "News"', 'category = "News"\nartwork = "cover.png"'), "utf-8")
    result = CliRunner().invoke(cli, ["podcast", "build", str(feed_toml), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "site" / "artwork.jpg") as image:
        assert image.size == (1600, 1600) and image.getpixel((800, 800))[1] > 100


def test_a_podcast_apps_parser_reads_the_feed(built):
    """gPodder's podcastparser, as a podcast app reads a feed: show, cover, and each episode's file and length."""
    import podcastparser

    site = built["site"]
    with (site / "feed.xml").open("rb") as handle:
        show = podcastparser.parse(BASE + "feed.xml", handle)
    assert (show["title"], show["link"], show["language"]) == ("Harbour Reads", BASE, "en")
    assert show["cover_url"] == BASE + "artwork.jpg"
    assert show["itunes_owner"] == {"name": "Dana Desk", "email": "desk@example.org"}
    assert show["itunes_categories"] == [["News", "Daily News"]] and show["explicit"] is False
    assert sorted(e["number"] for e in show["episodes"]) == [1, 2, 3]
    for episode in show["episodes"]:
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        path = site / enclosure["url"].removeprefix(BASE)
        assert enclosure["file_size"] == path.stat().st_size
        assert episode["total_time"] > 5 and episode["guid"].startswith("urn:uuid:") and episode["published"] > 0


def test_an_episode_that_now_fails_keeps_its_last_good_version(built, tmp_path):
    feed_toml = _show(tmp_path / "show")
    (tmp_path / "show" / "FEED.toml").write_text(built["feed"].read_text(encoding="utf-8"), encoding="utf-8")
    site = tmp_path / "site"
    shutil.copytree(built["site"], site)
    before = _published(site)
    (feed_toml.parent / "bread.md").write_text("   \n", encoding="utf-8")  # the source broke since the last build
    report = build_site(feed_toml, site, store=built["store"])
    assert [source for source, _ in report.failed] == [str(feed_toml.parent / "bread.md")]
    assert report.rendered == () and len(report.kept) == 2
    assert _published(site) == before  # still three episodes, the broken one as it was
