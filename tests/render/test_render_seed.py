"""Speak the seed article with the real default engine (eSpeak NG through pyttsx3) and check the MP3.

Real parts only: pyttsx3 in worker processes, lameenc, ffmpeg/ffprobe to read
the result back, mutagen for tags and chapters.
"""

from __future__ import annotations

import audio_support as support
import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from reader.audio import AudioSettings
from reader.audio.ffmpeg import ffprobe
from reader.render import RenderOptions, render
from reader.store import open_store


@pytest.fixture(scope="module")
def seed_render(tmp_path_factory, seed_html):
    store = open_store(tmp_path_factory.mktemp("cache"))
    return store, render(seed_html, RenderOptions(), store=store)


def test_seed_article_is_one_house_format_mp3_as_long_as_its_manifest(seed_render):
    _, result = seed_render
    probe = ffprobe(result.audio_path)
    (stream,) = probe["streams"]
    assert probe["format"]["format_name"] == "mp3"
    assert stream["codec_name"] == "mp3"
    assert stream["channels"] == 1
    assert int(stream["sample_rate"]) == 22050
    assert result.manifest.duration > 60
    assert abs(float(probe["format"]["duration"]) - result.manifest.duration) < 0.01 * result.manifest.duration
    assert result.manifest.status == "complete"
    assert result.rendered == len(result.manifest.entries)


def test_decoded_length_matches_the_manifest_to_the_frame(seed_render):
    _, result = seed_render
    decoded = support.decode(result.audio_path)
    assert abs(decoded.size / 22050 - result.manifest.duration) < 0.03


def test_every_sentence_starts_where_the_manifest_says(seed_render):
    """The silence before each sentence ends where the manifest puts the sentence (plus its trim pad)."""
    _, result = seed_render
    signal = support.decode(result.audio_path)
    pad = AudioSettings().trim_pad_ms / 1000
    sentences = result.manifest.sentences()
    assert len(sentences) > 15
    for (_, text, start, _), (_, _, _previous_start, previous_end) in zip(sentences[1:], sentences, strict=False):
        gap_from = previous_end - pad + 0.03  # inside the pause between the two sentences
        quiet = signal[int(gap_from * 22050) : int((start + pad - 0.03) * 22050)]
        assert quiet.size and np.max(np.abs(quiet)) < 0.01, f"sound in the pause before {text!r}"
        onset = support.onset_after(signal, 22050, gap_from)
        assert onset is not None
        assert abs(onset - (start + pad)) < 0.05, f"{text!r} starts at {onset:.3f}, manifest says {start + pad:.3f}"


def test_tags_and_chapters_read_back(seed_render):
    _, result = seed_render
    tags = ID3(result.audio_path)
    manifest = result.manifest
    assert str(tags["TIT2"]) == manifest.title
    assert "Hegseth" in manifest.title
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    headings = [e.written for e in manifest.entries if e.kind == "heading"]
    assert len(headings) >= 2
    assert [str(c.sub_frames["TIT2"]) for c in chapters][1:] == headings
    for chapter, heading in zip(chapters[1:], [e for e in manifest.entries if e.kind == "heading"], strict=True):
        assert abs(chapter.start_time - heading.start * 1000) <= 1
    (toc,) = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in chapters]
    info = MP3(result.audio_path).info
    assert abs(info.length - manifest.duration) < 0.01 * manifest.duration


def test_a_second_render_renders_nothing(seed_render, seed_html):
    store, first = seed_render
    again = render(seed_html, RenderOptions(), store=store)
    assert again.rendered == 0
    assert again.audio_path == first.audio_path
    assert again.manifest.entries == first.manifest.entries
