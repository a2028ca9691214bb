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


# --- Word-level cues (issue 17): WebVTT timestamp tags from the manifest's word times -----------------

TAG = re.compile(r"<(\d\d:\d\d:\d\d\.\d{3})>")


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def parse_word_cues(vtt: str) -> list[tuple[float, float, str, list[float]]]:
    """(start, end, text without tags, tag times) of each cue, read by webvtt-py, a real WebVTT parser."""
    import webvtt

    found = []
    for caption in webvtt.from_string(vtt).captions:
        times = [seconds(stamp) for stamp in TAG.findall(caption.raw_text)]
        found.append((seconds(caption.start), seconds(caption.end), TAG.sub("", caption.raw_text), times))
    return found


def check_word_cues(vtt: str) -> list[tuple[float, float, str, list[float]]]:
    """Every tag strictly inside its cue and after the one before it, as the WebVTT spec requires."""
    found = parse_word_cues(vtt)
    for start, end, _, times in found:
        assert all(a < b for a, b in zip([start, *times], [*times, end], strict=True)), (start, times, end)
    return found


WORDS = {
    **MANIFEST,
    "entries": [
        {**MANIFEST["entries"][0], "words": [100, 0, 6, 900, 11, 15]},  # "Rivers", "Seas" ("-->" unread)
        {
            **MANIFEST["entries"][1],
            "written": "Water  flows\n<downhill> 🚀 & far.",
            "words": [0, 0, 5, 400, 7, 12, 700, 13, 23, 1100, 24, 26, 1500, 29, 32],
        },
        MANIFEST["entries"][2],  # no word times: a plain cue
        {**MANIFEST["entries"][3], "written": "A long sentence, and more.", "words": [0, 0, 1, 300, 2, 6]},
        {**MANIFEST["entries"][4], "written": "A long sentence, and more.", "words": [0, 2, 6, 200, 17, 20]},
    ],
}


def test_word_times_become_timestamp_tags_inside_their_cues():
    vtt = manifest_to_vtt(WORDS)
    found = check_word_cues(vtt)
    assert found[0][2] == "Rivers --&gt; Seas" and found[0][3] == [0.1, 0.9]
    # Spaces squeezed, an emoji (two UTF-16 units) before "far": each tag still stands before its own word.
    assert "Water <00:00:02.900>flows <00:00:03.200>&lt;downhill&gt; <00:00:03.600>🚀 &amp; <00:00:04.000>far." in vtt
    assert found[1][3] == [2.9, 3.2, 3.6, 4.0]  # the first word starts with its cue: no tag of its own
    assert found[2][3] == []
    # A sentence in two chunks: one cue; the span read on across the cut gets one tag, "and" its own.
    assert "A <00:00:08.300>long sentence, <00:00:12.200>and more." in vtt
    assert found[3][3] == [8.3, 12.2]


def test_word_tags_that_would_break_the_spec_are_left_out():
    late = {
        "title": "T",
        "entries": [
            {**entry(0, 1, "paragraph", "One two three.", 1.0, 1.0), "words": [0, 0, 3, 500, 4, 7, 500, 8, 13]}
        ],
    }
    found = check_word_cues(manifest_to_vtt(late))
    assert found[0][3] == [1.5]  # "three" at the same ms as "two": no second tag at that time
    beyond = {
        "title": "T",
        "entries": [{**entry(0, 1, "paragraph", "One two.", 1.0, 1.0), "words": [0, 0, 3, 2000, 4, 7]}],
    }
    assert check_word_cues(manifest_to_vtt(beyond))[0][3] == []  # past the cue's end
    wrong = {"title": "T", "entries": [{**entry(0, 1, "paragraph", "One.", 1.0, 1.0), "words": [10, 0, 40]}]}
    assert "<" not in manifest_to_vtt(wrong).split("\n", 2)[2]  # offsets not of this sentence: no tags
