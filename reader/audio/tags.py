"""Tags and chapters written into exported files, so players show what an article is.

MP3 gets ID3v2.3 (the version every player reads): title, artist, album, date,
the source URL in a comment and a URL frame, cover art, and CHAP/CTOC
chapters. Ogg Vorbis gets Vorbis comments and a cover picture block. M4B and
WAV get theirs from ffmpeg while encoding (see ``ffmpeg_tags``), since ffmpeg
writes MP4 chapters natively.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path

from mutagen.flac import Picture
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TYER, WOAS, CTOCFlags
from mutagen.oggvorbis import OggVorbis

from reader.audio.chapters import Chapter
from reader.errors import AudioError

__all__ = ["Tags", "ffmpeg_tags", "write_id3", "write_vorbis_comments"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str | None = None  # the byline, else the site
    album: str | None = None  # the site's name
    date: str | None = None  # ISO 8601, as published
    url: str | None = None  # the article's source, kept in a comment
    language: str | None = None
    cover: bytes | None = None  # JPEG or PNG bytes of the page's lead image
    cover_mime: str = "image/jpeg"

    @property
    def comment(self) -> str | None:
        return f"Source: {self.url}" if self.url else None


def ffmpeg_tags(tags: Tags) -> dict[str, str]:
    """Global tags in ffmpeg's names (MP4 ©nam/©ART/©alb/©day/©cmt; WAV INFO chunks)."""
    values = {
        "title": tags.title,
        "artist": tags.artist or "",
        "album_artist": tags.artist or "",
        "album": tags.album or "",
        "date": tags.date or "",
        "comment": tags.comment or "",
        "genre": "Speech",
        "language": tags.language or "",
    }
    return {key: value for key, value in values.items() if value}


def write_id3(path: str | Path, tags: Tags, chapters: list[Chapter] | None) -> None:
    """Replace the MP3's ID3 tag with ours: text frames, cover, and CHAP/CTOC chapters when given."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    if tags.album:
        id3.add(TALB(encoding=3, text=tags.album))
    if tags.date:
        id3.add(TDRC(encoding=3, text=tags.date))
        id3.add(TYER(encoding=3, text=tags.date[:4]))
    if tags.language:
        id3.add(TLAN(encoding=3, text=tags.language))
    if tags.url:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
        id3.add(WOAS(url=tags.url))
    if tags.cover:
        id3.add(APIC(encoding=3, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
    if chapters:
        ids = [f"chp{number}" for number in range(len(chapters))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids))
        for element_id, chapter in zip(ids, chapters, strict=True):
            start, end = round(chapter.start * 1000), round(chapter.end * 1000)
            frame = CHAP(element_id=element_id, start_time=start, end_time=end, sub_frames=[TIT2(text=chapter.title)])
            id3.add(frame)
    try:
        id3.save(str(path), v2_version=3)
        if chapters:
            _chapters_in_time_order(Path(path))
    except Exception as error:  # mutagen raises several unrelated types for I/O and format problems
        raise AudioError(f"could not write ID3 tags to {path}: {error}") from error


def _chapters_in_time_order(path: Path) -> None:
    """Put the CHAP frames in time order inside the tag mutagen wrote.

    mutagen orders frames by size to make its output stable, so a chapter with a short title
    ("Notes") was written before a long one that plays earlier, and players that list CHAP frames
    as they find them (rather than by the CTOC) showed the chapters shuffled. The other frames keep
    their order and the CHAP frames follow them, by start time: the tag keeps its size.
    """
    with path.open("r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] & 0xC0:  # v2.3, no unsync or extended header
            return
        size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]
        tag = handle.read(size)
        frames: list[tuple[int, int]] = []  # (offset, length) of each frame, in the tag's order
        position = 0
        while position + 10 <= len(tag) and tag[position : position + 4].strip(b"\0"):
            length = 10 + int.from_bytes(tag[position + 4 : position + 8], "big")
            frames.append((position, length))
            position += length
        slots = [(offset, length) for offset, length in frames if tag[offset : offset + 4] == b"CHAP"]

        def start_ms(frame: tuple[int, int]) -> int:
            body = tag[frame[0] + 10 : frame[0] + frame[1]]
            after_id = body.index(b"\0") + 1
            return int.from_bytes(body[after_id : after_id + 4], "big")

        ordered = sorted(slots, key=start_ms)
        if ordered == slots:
            return
        others = [frame for frame in frames if frame not in slots]
        rewritten = b"".join(tag[offset : offset + length] for offset, length in [*others, *ordered])
        handle.seek(10)
        handle.write(rewritten)  # the same frames, the same length: the padding after them is untouched


def write_vorbis_comments(path: str | Path, tags: Tags) -> None:
    """Vorbis comments (TITLE, ARTIST, …) and a METADATA_BLOCK_PICTURE cover in an Ogg Vorbis file."""
    try:
        audio = OggVorbis(str(path))
    except Exception as error:
        raise AudioError(f"could not read the Ogg file {path} to tag it: {error}") from error
    audio.delete()
    for key, value in ffmpeg_tags(tags).items():
        audio[key.upper()] = [value]
    if tags.url:
        audio["CONTACT"] = [tags.url]
    if tags.cover:
        picture = Picture()
        picture.type = 3
        picture.mime = tags.cover_mime
        picture.desc = "Cover"
        picture.data = tags.cover
        audio["METADATA_BLOCK_PICTURE"] = [base64.b64encode(picture.write()).decode("ascii")]
    audio.save()
