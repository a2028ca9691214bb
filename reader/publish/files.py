"""Output files people keep: names safe on every file system, and writes that appear whole.

Exported audio, podcast sites and transcripts are copied to USB sticks, synced
to phones and served by web hosts, so a title must become a name that FAT32,
NTFS, APFS and ext4 all accept, and a file must never be visible half-written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["safe_filename", "slugify"]

# Windows reserves these device names with any extension ("CON.mp3" cannot be created).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MAX_NAME_BYTES = 180  # well under the 255-byte limit, leaving room for " (12).m4b" and temp suffixes


def safe_filename(title: str, extension: str, *, taken: Iterable[str] = (), fallback: str = "article") -> str:
    """A file name from ``title`` that every common file system accepts, unique against ``taken``.

    Keeps letters of any script (NFC, as macOS would otherwise store decomposed
    forms), replaces path separators and the characters Windows forbids, drops
    trailing dots and spaces, avoids reserved device names, and caps the UTF-8
    length. Names compare case-insensitively against ``taken`` because two
    names differing only in case collide on Windows and macOS.
    """
    name = unicodedata.normalize("NFC", title)
    name = _BIDI_CONTROLS.sub("", name)  # a right-to-left override makes "…3pm.exe" show as "…exe.mp3"
    name = _FORBIDDEN.sub(" ", name.replace("/", " - ").replace(":", " -"))
    name = " ".join(name.split()).strip(" .-")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = f"{name}_"
    encoded = name.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        name = encoded[:_MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" .-")
    extension = extension.lstrip(".")
    lowered = {n.lower() for n in taken}

    candidate = f"{name}.{extension}"
    number = 2
    while candidate.lower() in lowered:
        candidate = f"{name} ({number}).{extension}"
        number += 1
    return candidate


def slugify(title: str, *, max_length: int = 60, fallback: str = "episode") -> str:
    """An ASCII, lower-case, URL-safe slug (for episode URLs, which some podcast apps mangle otherwise)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback
