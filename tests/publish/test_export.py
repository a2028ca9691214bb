"""`reader export`: the seed article to MP3 and M4B (tags, chapters, loudness, transcript); batches.

Everything real: eSpeak NG through pyttsx3, ffmpeg, mutagen and ffprobe reading
the files back. The one "bad URL" is refused by the safe fetcher before any
network use (there is no network here).
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from reader.audio import measure_loudness
from reader.cli.commands import cli
from reader.cli.demo import demo_article_path
from reader.errors import InputError
from reader.publish import ExportSettings, export_article, read_source_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "podcast"
SEED_TITLE = "US Push for Ukraine Peace ‘Not a Betrayal,’ Says Hegseth"
SEED_HEADINGS = ["US Commitment to Ukraine", "The Future of NATO and Ukraine", "Global Reactions and Uncertainty"]


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", "-show_chapters", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("export-cache")


@pytest.fixture
def env_cache(cache, monkeypatch) -> Path:
    monkeypatch.setenv("READER_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(scope="module")
def seed_mp3(cache, tmp_path_factory):
    from reader.store import open_store

    out = tmp_path_factory.mktemp("mp3")
    return export_article(str(demo_article_path()), out, ExportSettings(format="mp3"), store=open_store(cache))


def test_mp3_is_named_from_the_title_with_a_transcript_beside_it(seed_mp3):
    assert seed_mp3.path.name == f"{SEED_TITLE}.mp3"
    assert seed_mp3.transcript == seed_mp3.path.with_suffix(".vtt")
    vtt = seed_mp3.transcript.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "There is no betrayal there" in re.sub(r"<[0-9:.]+>", "", vtt)
    assert re.search(r" <\d\d:\d\d:\d\d\.\d{3}>\w", vtt)  # word-level cues: the default voice gives word times
    assert [p.name for p in seed_mp3.path.parent.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_mp3_tags_and_chapters_read_back_with_mutagen(seed_mp3):
    id3 = ID3(seed_mp3.path)
    assert id3["TIT2"].text == [SEED_TITLE]
    assert id3["TPE1"].text == ["Staff Reporter"]
    assert id3["TALB"].text == ["The Daily Ledger"]
    assert str(id3["TDRC"].text[0]).startswith("2025")
    comment = id3.getall("COMM")[0].text[0]
    assert comment == "Source: https://example.com/trump/us-push-for-ukraine-peace-not-a-betrayal-says-hegseth/"
    chapters = sorted(id3.getall("CHAP"), key=lambda chap: chap.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [SEED_TITLE, *SEED_HEADINGS]
    assert id3.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]
    length_ms = MP3(seed_mp3.path).info.length * 1000
    assert chapters[0].start_time == 0 and abs(chapters[-1].end_time - length_ms) < 100
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chapters))


def test_mp3_measures_minus_16_lufs_dual_mono(seed_mp3):
    loudness = measure_loudness(seed_mp3.path)
    assert loudness.integrated == pytest.approx(-16.0, abs=1.0)
    assert loudness.true_peak <= -1.0


def test_m4b_has_native_chapters_tags_and_loudness(cache, tmp_path, seed_mp3):
    from reader.store import open_store

    exported = export_article(str(demo_article_path()), tmp_path, ExportSettings(format="m4b"), store=open_store(cache))
    assert exported.path.name == f"{SEED_TITLE}.m4b"
    assert exported.rendered_chunks == 0  # the MP3 test rendered it; the cache served every chunk
    probed = ffprobe(exported.path)
    assert [c["tags"]["title"] for c in probed["chapters"]] == [SEED_TITLE, *SEED_HEADINGS]
    assert float(probed["chapters"][0]["start_time"]) == 0.0
    assert probed["streams"][0]["codec_name"] == "aac"
    tags = probed["format"]["tags"]
    assert tags["title"] == SEED_TITLE and tags["artist"] == "Staff Reporter" and tags["album"] == "The Daily Ledger"
    assert tags["comment"].startswith("Source: https://example.com/")
    loudness = measure_loudness(exported.path)
    assert loudness.integrated == pytest.approx(-16.0, abs=1.0) and loudness.true_peak <= -1.0


def test_lead_image_becomes_cover_art(cache, tmp_path):
    from reader.store import open_store

    exported = export_article(str(FIXTURES / "tides.html"), tmp_path, store=open_store(cache))
    (cover,) = ID3(exported.path).getall("APIC")
    assert cover.mime == "image/jpeg" and cover.data[:2] == b"\xff\xd8"


def test_no_chapters_option(cache, tmp_path):
    from reader.store import open_store

    settings = ExportSettings(format="mp3", chapters=False)
    exported = export_article(str(FIXTURES / "bread.md"), tmp_path, settings, store=open_store(cache))
    assert ID3(exported.path).getall("CHAP") == []


def test_batch_with_a_bad_url_exits_nonzero_and_exports_the_good_file(env_cache, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["export", "http://localhost/no-such-article", str(FIXTURES / "lanterns.txt"), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert (out / "Lanterns Return to the Old Market.mp3").stat().st_size > 10_000
    assert (out / "Lanterns Return to the Old Market.vtt").exists()
    assert "1 of 2 articles failed" in result.output
    assert "http://localhost/no-such-article: refused" in result.output
    assert "Traceback" not in result.output


def test_from_file_list_with_comments_and_two_articles_of_one_title(env_cache, tmp_path):
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "lanterns.txt").write_text((FIXTURES / "lanterns.txt").read_text(), encoding="utf-8")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# my reading list\n\n{FIXTURES / 'lanterns.txt'}\ncopy/lanterns.txt\n", encoding="utf-8")
    assert read_source_list(listing) == [str(FIXTURES / "lanterns.txt"), str(tmp_path / "copy" / "lanterns.txt")]
    result = CliRunner().invoke(cli, ["export", "--from-file", str(listing), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").glob("*.mp3"))
    assert names == ["Lanterns Return to the Old Market (2).mp3", "Lanterns Return to the Old Market.mp3"]


def test_reexport_replaces_the_file_instead_of_adding_a_copy(env_cache, tmp_path):
    for _ in range(2):
        result = CliRunner().invoke(cli, ["export", str(FIXTURES / "lanterns.txt"), "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Lanterns Return to the Old Market.mp3",
        "Lanterns Return to the Old Market.vtt",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x"], "nothing to export"),
        (["lanterns.txt", "-o", "x", "--bitrate", "50"], "bitrate"),
        (["lanterns.txt", "-o", "x", "--format", "flac"], "flac"),
        (["--from-file", "missing-list.txt", "-o", "x"], "list file not found"),
    ],
)
def test_bad_options_are_clean_errors(env_cache, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(FIXTURES)
    args = [a if a != "x" else str(tmp_path / "x") for a in args]
    result = CliRunner().invoke(cli, ["export", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_settings_validate_their_values():
    with pytest.raises(InputError, match="unknown export format"):
        ExportSettings(format="aiff")


def test_batch_reports_outcomes_in_order_while_writing_alongside_rendering(cache, tmp_path):
    from reader.publish import export_batch
    from reader.store import open_store

    sources = [str(FIXTURES / "lanterns.txt"), "http://localhost/nothing", str(FIXTURES / "bread.md")]
    seen = []
    report = export_batch(sources, tmp_path, store=open_store(cache), on_done=lambda outcome: seen.append(outcome))
    assert [outcome.source for outcome in seen] == sources
    assert [type(outcome).__name__ for outcome in seen] == ["Exported", "Failed", "Exported"]
    assert [e.path.name for e in report.exported] == [
        "Lanterns Return to the Old Market.mp3",
        "The Slow Bread Revival.mp3",
    ]
    assert report.failed[0].reason.startswith("refused")


@pytest.mark.parametrize(("fmt", "codec"), [("ogg", "vorbis"), ("wav", "pcm_s16le")])
def test_ogg_and_wav_exports_carry_tags_and_loudness(cache, tmp_path, fmt, codec):
    from reader.store import open_store

    exported = export_article(
        str(FIXTURES / "lanterns.txt"), tmp_path, ExportSettings(format=fmt), store=open_store(cache)
    )
    assert exported.path.name == f"Lanterns Return to the Old Market.{fmt}"
    probed = ffprobe(exported.path)
    assert probed["streams"][0]["codec_name"] == codec
    tags = {key.lower(): value for key, value in probed["format"].get("tags", {}).items()}
    if fmt == "ogg":
        tags = {key.lower(): value for key, value in probed["streams"][0].get("tags", {}).items()} | tags
    assert tags["title"] == "Lanterns Return to the Old Market"
    loudness = measure_loudness(exported.path)
    assert loudness.integrated == pytest.approx(-16.0, abs=1.0) and loudness.true_peak <= -1.0


@pytest.mark.parametrize("command", [["export"], ["podcast"], ["podcast", "build"], ["podcast", "add"]])
def test_commands_have_help_with_an_example_and_a_readme_row(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")
    if command != ["podcast"]:
        assert f"| `reader {' '.join(command)} " in readme
