"""Whole-file loudness (ebur128, dual mono), the second pass, formats, tags and chapters, on real speech.

The speech comes from eSpeak NG and ffmpeg, as in production; nothing is mocked.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from reader.audio import (
    FORMATS,
    Loudness,
    LoudnessTarget,
    Tags,
    correction_filter,
    encode,
    ffmetadata,
    ffmpeg_tags,
    measure_loudness,
    write_id3,
    write_vorbis_comments,
)
from reader.audio.chapters import Chapter
from reader.errors import AudioError

TEXT = (
    "The river rose in the night. By morning the bridge was closed, and the town waited. "
    "Engineers said the water would fall by Friday. Nobody believed them."
)


def ffprobe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", "-show_chapters", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def speech_mp3(tmp_path_factory):
    """About 10 s of eSpeak NG speech as the house MP3 format (22.05 kHz mono, 48 kbps), deliberately quiet."""
    folder = tmp_path_factory.mktemp("speech")
    wav, mp3 = folder / "speech.wav", folder / "speech.mp3"
    subprocess.run(["espeak-ng", "-w", str(wav), TEXT], check=True, capture_output=True)
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(wav),
            "-af",
            "volume=-9dB",
            "-ar",
            "22050",
            "-ac",
            "1",
            "-b:a",
            "48k",
            str(mp3),
        ],
        check=True,
    )
    return mp3


@pytest.fixture(scope="module")
def cover(tmp_path_factory):
    path = tmp_path_factory.mktemp("cover") / "cover.jpg"
    Image.new("RGB", (300, 300), (200, 40, 40)).save(path)
    return path


def test_measurement_follows_a_known_gain(speech_mp3, tmp_path):
    before = measure_loudness(speech_mp3)
    louder = encode(speech_mp3, tmp_path / "l.wav", FORMATS["wav"], sample_rate=22050, audio_filter="volume=4dB")
    after = measure_loudness(louder)
    assert after.integrated - before.integrated == pytest.approx(4.0, abs=0.3)
    assert -40 < before.integrated < -20  # deliberately quiet: needs a second pass


def test_dual_mono_reads_3_lu_louder_than_plain_mono(speech_mp3):
    dual, plain = measure_loudness(speech_mp3), measure_loudness(speech_mp3, dual_mono=False)
    assert dual.integrated - plain.integrated == pytest.approx(3.0, abs=0.2)


def test_no_second_pass_inside_the_tolerance():
    target = LoudnessTarget()
    assert correction_filter(Loudness(-16.8, -3.0, 2.0, -27.0), target) is None
    assert correction_filter(Loudness(-15.1, -1.2, 2.0, -27.0), target) is None
    assert correction_filter(Loudness(-17.2, -3.0, 2.0, -27.0), target) == "volume=1.20dB"
    assert correction_filter(Loudness(-16.0, -0.5, 2.0, -27.0), target).startswith("volume=0.00dB,alimiter")


@pytest.mark.parametrize("name", ["mp3", "m4b", "ogg", "wav"])
def test_second_pass_brings_every_format_to_minus_16_lufs(speech_mp3, tmp_path, name):
    target = LoudnessTarget()
    audio_filter = correction_filter(measure_loudness(speech_mp3), target)
    out = encode(speech_mp3, tmp_path / f"x.{name}", FORMATS[name], sample_rate=22050, audio_filter=audio_filter)
    measured = measure_loudness(out)
    assert measured.integrated == pytest.approx(-16.0, abs=1.0)
    assert measured.true_peak <= -1.0
    stream = ffprobe(out)["streams"][0]
    assert stream["codec_name"] == {"mp3": "mp3", "m4b": "aac", "ogg": "vorbis", "wav": "pcm_s16le"}[name]
    assert stream["channels"] == 1


def test_m4b_carries_native_chapters_tags_and_cover(speech_mp3, tmp_path, cover):
    chapters = [Chapter("Opening", 0.0, 4.0), Chapter("The bridge = closed; #2", 4.0, 9.5)]
    tags = Tags(title="Flood", artist="A. Writer", album="Daily", date="2024-05-01", url="https://x.example/flood")
    meta = tmp_path / "meta.txt"
    meta.write_text(ffmetadata(ffmpeg_tags(tags), chapters), encoding="utf-8")
    out = encode(speech_mp3, tmp_path / "x.m4b", FORMATS["m4b"], sample_rate=22050, metadata_file=meta, cover=cover)
    probed = ffprobe(out)
    assert [(c["tags"]["title"], float(c["start_time"])) for c in probed["chapters"]] == [
        ("Opening", 0.0),
        ("The bridge = closed; #2", 4.0),
    ]
    assert {k: probed["format"]["tags"][k] for k in ("title", "artist", "album", "comment")} == {
        "title": "Flood",
        "artist": "A. Writer",
        "album": "Daily",
        "comment": "Source: https://x.example/flood",
    }
    assert any(s["disposition"]["attached_pic"] == 1 for s in probed["streams"])


def test_id3_tags_cover_and_chapters_read_back_with_mutagen(speech_mp3, tmp_path, cover):
    out = tmp_path / "x.mp3"
    out.write_bytes(speech_mp3.read_bytes())
    tags = Tags("Flood", "A. Writer", "Daily", "2024-05-01", "https://x.example/flood", "en", cover.read_bytes())
    write_id3(out, tags, [Chapter("Opening", 0.0, 4.0), Chapter("Bridge", 4.0, 9.5)])
    id3 = ID3(out)
    assert id3["TIT2"].text == ["Flood"] and id3["TPE1"].text == ["A. Writer"] and id3["TALB"].text == ["Daily"]
    assert str(id3["TDRC"].text[0]).startswith("2024")
    assert id3.getall("COMM")[0].text == ["Source: https://x.example/flood"]
    assert id3.getall("APIC")[0].data == cover.read_bytes()
    toc = id3.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1"]
    chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in chaps] == [
        ("Opening", 0, 4000),
        ("Bridge", 4000, 9500),
    ]
    assert MP3(out).info.length == pytest.approx(MP3(speech_mp3).info.length, abs=0.05)  # audio untouched


def test_ogg_vorbis_comments_and_cover(speech_mp3, tmp_path, cover):
    out = encode(speech_mp3, tmp_path / "x.ogg", FORMATS["ogg"], sample_rate=22050)
    write_vorbis_comments(out, Tags("Flood", "A. Writer", url="https://x.example/f", cover=cover.read_bytes()))
    ogg = OggVorbis(out)
    assert ogg["TITLE"] == ["Flood"] and ogg["ARTIST"] == ["A. Writer"]
    assert ogg["COMMENT"] == ["Source: https://x.example/f"]
    assert "METADATA_BLOCK_PICTURE" in ogg


def test_silence_and_garbage_are_clear_audio_errors(tmp_path):
    silent = tmp_path / "silent.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "2", str(silent)], check=True
    )
    with pytest.raises(AudioError, match="silent"):
        measure_loudness(silent)
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"\x00" * 1000)
    with pytest.raises(AudioError):
        measure_loudness(junk)


def test_remembered_loudness_measures_once_per_file(speech_mp3, tmp_path, monkeypatch):
    from reader.audio import transcode as transcode

    audio = tmp_path / "a.mp3"
    audio.write_bytes(speech_mp3.read_bytes())
    (tmp_path / "old.mp3.loudness.json").write_text("{}")  # a note about a file no longer there
    first = transcode.remembered_loudness(audio)
    assert first == measure_loudness(audio)
    assert not (tmp_path / "old.mp3.loudness.json").exists()
    calls = []
    monkeypatch.setattr(transcode, "measure_loudness", lambda *a, **k: calls.append(a) or first)
    assert transcode.remembered_loudness(audio) == first and calls == []
    audio.write_bytes(speech_mp3.read_bytes() + b"\0" * 10)  # a changed file is measured again
    transcode.remembered_loudness(audio)
    assert len(calls) == 1
