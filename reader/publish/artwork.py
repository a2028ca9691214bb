"""Show artwork: a square image of 1400-3000 px, generated from the title when none is given.

Apple Podcasts refuses a show without artwork of at least 1400×1400 (and at most
3000×3000), JPEG or PNG, in RGB. A generated cover keeps a new show valid from
its first build; a given one is checked, cropped square and scaled into range.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from reader.atomic import atomic_write
from reader.errors import InputError, os_reason

__all__ = ["MAX_SIDE", "MIN_SIDE", "make_artwork", "prepare_artwork"]

log = logging.getLogger(__name__)

MIN_SIDE = 1400
MAX_SIDE = 3000


def _palette(title: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Two dark colours picked from the title, so each show gets its own, stable look."""
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    top = (30 + digest[0] % 60, 30 + digest[1] % 60, 60 + digest[2] % 80)
    bottom = (top[0] // 3, top[1] // 3, top[2] // 3)
    return top, bottom


MAX_LINES = 3
MIN_FONT_SHARE = 1 / 9  # the smallest type, as a share of the side: 6 px tall in a 55 px thumbnail
STROKE_SHARE = 1 / 30  # the stroke around each glyph, as a share of the type size: bold enough to survive 55 px


def _wraps(words: list[str]) -> list[list[str]]:
    """Every way to put the words on 1 to MAX_LINES lines, in order."""
    if len(words) <= 1:
        return [[" ".join(words)]]
    found: list[list[str]] = [[" ".join(words)]]
    for first in range(1, len(words)):
        head = " ".join(words[:first])
        for rest in _wraps(words[first:]):
            if 1 + len(rest) <= MAX_LINES:
                found.append([head, *rest])
    return found


def _text_size(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    boxes = [draw.textbbox((0, 0), line, font=font, stroke_width=_stroke(font)) for line in lines]
    width = max(b[2] - b[0] for b in boxes)
    height = sum(b[3] - b[1] for b in boxes) + int(font.size * 0.25) * (len(lines) - 1)
    return width, height


def _stroke(font: ImageFont.FreeTypeFont) -> int:
    return max(1, round(font.size * STROKE_SHARE))


def _fit_lines(draw: ImageDraw.ImageDraw, title: str, side: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The title in at most three lines at the largest type that fits 84 % of the square.

    A cover is seen at 55 px in podcast apps' lists, so the type must stay at least a ninth of the
    side: a title too long for that keeps its first words and ends with "…" (the show's title is in
    the feed in full anyway).
    """
    words = title.split() or ["Podcast"]
    if len(words) > 3 * MAX_LINES:  # more than three lines of three words never fits at a legible size
        words = [*words[: 3 * MAX_LINES - 1], words[3 * MAX_LINES - 1].rstrip(",;:.") + "…"]
    smallest = int(side * MIN_FONT_SHARE)

    def fits(lines: list[str], size: int) -> bool:
        width, height = _text_size(draw, lines, ImageFont.load_default(size=size))  # type: ignore[arg-type]
        return width <= side * 0.84 and height <= side * 0.8

    while True:
        best: tuple[int, list[str]] | None = None
        for lines in _wraps(words):
            if not fits(lines, smallest) or (best is not None and not fits(lines, best[0] + 1)):
                continue
            low, high = smallest, side // 3  # the largest size that fits, by bisection
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if fits(lines, middle) else (low, middle - 1)
            if best is None or low > best[0]:
                best = (low, lines)
        if best is not None:
            return best[1], ImageFont.load_default(size=best[0])  # type: ignore[return-value]
        if len(words) == 1:  # one very long word: cut it
            words = [words[0][: max(1, len(words[0]) * 2 // 3)].rstrip("…") + "…"]
        else:
            words = [*words[:-2], words[-2].rstrip(",;:.") + "…"]


def _write_image(image: Image.Image, path: Path) -> None:
    buffer = io.BytesIO()
    if path.suffix.lower() == ".png":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="JPEG", quality=90)
    atomic_write(path, buffer.getvalue())


def make_artwork(title: str, path: str | Path, *, side: int = MIN_SIDE, subtitle: str | None = None) -> Path:
    """Draw ``title`` on a gradient square of ``side`` pixels and save it as JPEG (or PNG by suffix)."""
    if not MIN_SIDE <= side <= MAX_SIDE:
        raise InputError(f"artwork side must be between {MIN_SIDE} and {MAX_SIDE} pixels, not {side}")
    top, bottom = _palette(title)
    image = Image.new("RGB", (side, side), top)
    draw = ImageDraw.Draw(image)
    for y in range(0, side, 4):  # a vertical gradient, in bands cheap enough to draw fast
        mix = y / side
        colour = tuple(round(t + (b - t) * mix) for t, b in zip(top, bottom, strict=True))
        draw.rectangle((0, y, side, y + 4), fill=colour)
    lines, font = _fit_lines(draw, " ".join(title.split()) or "Podcast", side)
    stroke = _stroke(font)
    gap = int(font.size * 0.25)
    boxes = [draw.textbbox((0, 0), line, font=font, stroke_width=stroke) for line in lines]
    y = (side - (sum(b[3] - b[1] for b in boxes) + gap * (len(lines) - 1))) // 2
    white = (250, 250, 245)
    for line, box in zip(lines, boxes, strict=True):
        x = (side - (box[2] - box[0])) // 2 - box[0]
        draw.text((x, y - box[1]), line, font=font, fill=white, stroke_width=stroke, stroke_fill=white)
        y += box[3] - box[1] + gap
    if subtitle:
        small = ImageFont.load_default(size=side // 28)
        box = draw.textbbox((0, 0), subtitle, font=small)
        draw.text(((side - (box[2] - box[0])) // 2, side - side // 8), subtitle, font=small, fill=(210, 210, 200))
    path = Path(path)
    _write_image(image, path)
    return path


def prepare_artwork(source: str | Path, path: str | Path) -> Path:
    """Check a given cover and write it to ``path``: square, 1400-3000 px, RGB JPEG or PNG.

    A non-square image is centre-cropped and one larger than 3000 px scaled down;
    one smaller than 1400 px is refused, since enlarging it would only blur it.
    """
    source = Path(source)
    try:
        with Image.open(source) as opened:
            image = opened.convert("RGB")
    except FileNotFoundError:
        raise InputError(f"artwork not found: {source}") from None
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(f"artwork is not a readable image: {source} ({os_reason(error)})") from None
    width, height = image.size
    side = min(width, height)
    if side < MIN_SIDE:
        raise InputError(
            f"artwork {source} is {width}×{height}; podcast apps need at least {MIN_SIDE}×{MIN_SIDE} pixels",
            remedy="use a larger image, or leave 'artwork' out to generate one from the show title",
        )
    if width != height:
        log.info("cropping artwork %s from %d×%d to a square", source, width, height)
        left, top = (width - side) // 2, (height - side) // 2
        image = image.crop((left, top, left + side, top + side))
    if side > MAX_SIDE:
        image = image.resize((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    path = Path(path)
    _write_image(image, path)
    return path
