"""WebVTT transcripts and chapters from a manifest (object or JSON dict): timing and text as a listener sees them."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from reader.audio import chapters_from_manifest, chapters_json, ffmetadata, manifest_to_vtt
from reader.audio.captions import cues, vtt_timestamp


def entry(sentence, block, kind, written, start, duration, part=0):
    return {
        "key": f"k{sentence}-{part}",
        "sentence": sentence,
        "part": part,
        "block": block,
        "kind": kind,
        "written": written,
        "spoken": written.lower(),
        "start": start,
        "duration": duration,
    }


MANIFEST = {
    "title": "Rivers --> Seas",
    "duration": 20.0,
    "entries": [
        entry(0, 0, "title", "Rivers --> Seas", 0.0, 2.0),
        entry(1, 1, "paragraph", "Water flows <downhill> & far.", 2.5, 3.0),
        entry(2, 2, "heading", "The delta", 6.0, 1.5),
        entry(3, 3, "paragraph", "A very long sentence, first part,", 8.0, 4.0, part=0),
        entry(3, 3, "paragraph", "and its second part.", 12.0, 3.0, part=1),
        entry(4, 4, "heading", "The sea", 15.5, 1.0),
        entry(5, 5, "paragraph", "Salt.", 17.0, 3.0),
    ],
}


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "00:00:00.000"),
        (1.2345, "00:00:01.234"),
        (61.5, "00:01:01.500"),
        (3723.007, "01:02:03.007"),
        (-1, "00:00:00.000"),
    ],
)
def test_vtt_timestamps(seconds, expected):
    assert vtt_timestamp(seconds) == expected


def test_one_cue_per_sentence_with_parts_joined():
    found = cues(MANIFEST)
    assert [c.text for c in found][3] == "A very long sentence, first part, and its second part."
    assert (found[3].start, found[3].end) == (8.0, 15.0)
    assert len(found) == 6


def test_vtt_document_is_well_formed_and_escaped():
    vtt = manifest_to_vtt(MANIFEST)
    assert vtt.startswith("WEBVTT")
    blocks = vtt.strip().split("\n\n")[1:]
    assert len(blocks) == 6
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        assert lines[0] == str(number)
        assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}", lines[1])
        assert "-->" not in "\n".join(lines[2:])  # a stray arrow in text would end the cue early
    assert "Water flows &lt;downhill&gt; &amp; far." in vtt
    assert "00:00:02.500 --> 00:00:05.500" in vtt


def test_vtt_accepts_manifest_objects_too():
    objects = SimpleNamespace(title="T", duration=3.0, entries=[SimpleNamespace(**e) for e in MANIFEST["entries"]])
    assert manifest_to_vtt(objects).split("\n", 1)[1] == manifest_to_vtt({**MANIFEST, "title": "T"}).split("\n", 1)[1]


def test_not_a_manifest_is_a_clear_type_error():
    with pytest.raises(TypeError, match="entries"):
        manifest_to_vtt({"title": "x"})


def test_chapters_open_at_title_then_each_heading():
    chapters = chapters_from_manifest(MANIFEST)
    assert [(c.title, c.start, c.end) for c in chapters] == [
        ("Rivers --> Seas", 0.0, 6.0),
        ("The delta", 6.0, 15.5),
        ("The sea", 15.5, 20.0),
    ]


def test_podcast_chapters_json_follows_the_podcasting_2_0_format():
    document = json.loads(chapters_json(chapters_from_manifest(MANIFEST)))
    assert document["version"] == "1.2.0"
    assert [c["startTime"] for c in document["chapters"]] == [0.0, 6.0, 15.5]
    assert all(isinstance(c["title"], str) and c["title"] for c in document["chapters"])


def test_ffmetadata_escapes_special_characters():
    text = ffmetadata({"title": "a=b;c#d", "comment": ""}, chapters_from_manifest(MANIFEST))
    assert text.startswith(";FFMETADATA1\n")
    assert "title=a\\=b\\;c\\#d" in text
    assert "comment" not in text
    assert text.count("[CHAPTER]") == 3
    assert "START=6000" in text and "END=15500" in text
