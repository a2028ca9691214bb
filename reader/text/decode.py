"""Bytes → text, the way a browser would: BOM, HTTP header, meta charset, then detection.

Refuses what is not text at all (images, PDFs, archives, executables) with a
message that says what it looks like, so a user who pipes the wrong file in
learns why nothing was read.
"""

from __future__ import annotations

import codecs
import logging
import re

from reader.errors import InputError

__all__ = ["decode_bytes", "looks_binary", "sniff_binary", "utf16_without_bom"]

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of the binary files people most often hand a text tool by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF file (WAV audio or WebP image)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"PK\x03\x04", "a ZIP archive (or a DOCX/EPUB/ODT document)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# Labels that pages declare when they mean Windows-1252 (WHATWG encoding standard).
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def sniff_binary(data: bytes) -> str | None:
    """Say what a binary file looks like (``"a PNG image"``), or None when it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` looks like UTF-16 without a byte order mark
    (mostly-ASCII text has a NUL in every other byte, on one side only), else None."""
    head = data[:8192]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_nuls, odd_nuls = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if odd_nuls > pairs * 0.4 and even_nuls < pairs * 0.02:
        return "utf-16-le"
    if even_nuls > pairs * 0.4 and odd_nuls < pairs * 0.02:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> str | None:
    """A description of why ``data`` is not text, or None when it may be text."""
    what = sniff_binary(data)
    if what:
        return what
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS) or utf16_without_bom(head):
        return None  # UTF-16/32 text has NUL bytes by design
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    return None


def _codec(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        log.debug("unknown charset label %r ignored", label)
        return None


def _decode_declared(data: bytes, codec: str) -> str | None:
    """Decode with a declared charset; None when the declaration is plainly wrong."""
    if codec in ("cp1252", "iso8859-1", "ascii") and not data.isascii():
        # Pages often declare Latin-1 and send UTF-8; valid multi-byte UTF-8 is no accident.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") > max(8, len(text) // 200):
            return None
        return text


def decode_bytes(data: bytes, *, header_charset: str | None = None, html: bool = True, name: str = "the input") -> str:
    """Decode ``data`` by BOM, then ``header_charset``, then a meta charset (HTML), then detection.

    Raises ``InputError`` for empty or binary input, naming it as ``name`` in the message.
    """
    if not data.strip():
        raise InputError(f"{name} is empty")
    why = looks_binary(data)
    if why:
        raise InputError(f"{name} is not text but {why}")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    utf16 = utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if _CONTROL.search(text[:8192]):  # real UTF-16 text has no control characters
            raise InputError(f"{name} is not text but binary data (it contains NUL bytes)")
        return text
    declared = [_codec(header_charset)]
    if html:
        match = _META_CHARSET.search(data[:4096])
        declared.append(_codec(match.group(1).decode("ascii", "ignore")) if match else None)
    for codec in declared:
        if codec:
            text = _decode_declared(data, codec)
            if text is not None:
                return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for text that is not UTF-8 and names no charset

    best = from_bytes(data[:200_000]).best()
    if best is None or not best.encoding:
        raise InputError(f"{name} is not text in any encoding that could be detected")
    text = data.decode(best.encoding, errors="replace")
    if len(_CONTROL.findall(text[:8192])) > len(text[:8192]) // 20:
        raise InputError(f"{name} is not text but binary data")
    log.debug("detected encoding %s", best.encoding)
    return text
