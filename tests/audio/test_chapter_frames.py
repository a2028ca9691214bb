"""ID3 chapters: the CHAP frames lie in the file in time order, whatever their titles' lengths.

mutagen writes frames ordered by size, so a short title ("Notes") used to come before a long
one that plays earlier; players that read CHAP frames in file order listed them shuffled. The
check reads the tag's raw frames, as such a player does, and mutagen and ffprobe read it too.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from mutagen.id3 import ID3

from reader.audio.chapters import Chapter
from reader.audio.tags import Tags, write_id3

TITLES = [
    "Spring tides reach the old quay, and the ferry runs to time",
    "Notes",
    "What the harbour master said about the lower car park",
    "Why",
    "The stone",
    "A much longer heading about the council's plans for next winter's storms",
    "Boats",
    "Costs",
    "The fishing fleet returns to the inner harbour",
    "Next",
    "Ten",
    "Eleven and the last of them",
]


def _raw_chapter_starts(path: Path) -> list[tuple[str, int]]:
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 3
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    tag, position, found = data[10 : 10 + size], 0, []
    while position + 10 <= len(tag) and tag[position : position + 4].strip(b"\0"):
        length = int.from_bytes(tag[position + 4 : position + 8], "big")
        if tag[position : position + 4] == b"CHAP":
            body = tag[position + 10 : position + 10 + length]
            element, rest = body.split(b"\0", 1)
            found.append((element.decode(), int.from_bytes(rest[:4], "big")))
        position += 10 + length
    return found


def test_chap_frames_are_written_in_time_order(tmp_path: Path) -> None:
    mp3 = tmp_path / "tone.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=13", "-ac", "1", str(mp3)],
        check=True,
    )
    chapters = [Chapter(title, float(i), float(i + 1)) for i, title in enumerate(TITLES)]
    write_id3(mp3, Tags(title="Harbour"), chapters)

    starts = _raw_chapter_starts(mp3)
    assert [start for _, start in starts] == [i * 1000 for i in range(len(TITLES))]
    assert [element for element, _ in starts] == [f"chp{i}" for i in range(len(TITLES))]

    tags = ID3(mp3)  # still a valid tag: every frame read back
    assert [frame.sub_frames["TIT2"].text[0] for frame in sorted(tags.getall("CHAP"), key=lambda f: f.start_time)] == (
        TITLES
    )
    assert tags["TIT2"].text == ["Harbour"] and tags.getall("CTOC")[0].child_element_ids == [e for e, _ in starts]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-show_entries", "format=duration", "-of", "json", str(mp3)],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert [c["tags"]["title"] for c in info["chapters"]] == TITLES
    assert float(info["format"]["duration"]) > 12
