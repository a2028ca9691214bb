"""Show artwork: a square image of 1400-3000 px, generated from the title when none is given.

Apple Podcasts refuses a show without artwork of at least 1400×1400 (and at most
3000×3000), JPEG or PNG, in RGB. A generated cover keeps a new show valid from
its first build; a given one is checked, cropped square and scaled into range.
"""

from __future__ import annotations

import hashlib
import io
import logging
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from reader.atomic import atomic_write
from reader.errors import InputError

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


def _fit_lines(draw: ImageDraw.ImageDraw, title: str, side: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest font size at which the wrapped title fits in 80% of the square."""
    for size in range(side // 7, side // 40, -side // 140 or -1):
        font = ImageFont.load_default(size=size)
        width = max(8, int(len(title) * 0.8) if size > side // 12 else 24)
        for chars in range(min(width, 40), 5, -2):
            lines = textwrap.wrap(title, chars, break_long_words=True) or [title]
            boxes = [draw.textbbox((0, 0), line, font=font) for line in lines]
            text_w = max(b[2] - b[0] for b in boxes)
            text_h = sum(b[3] - b[1] for b in boxes) + size // 4 * (len(lines) - 1)
            if text_w <= side * 0.8 and text_h <= side * 0.7:
                return lines, font  # type: ignore[return-value]
    font = ImageFont.load_default(size=max(12, side // 40))
    return textwrap.wrap(title, 40) or [title], font  # type: ignore[return-value]


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
    gap = font.size // 4
    heights = [draw.textbbox((0, 0), line, font=font)[3] - draw.textbbox((0, 0), line, font=font)[1] for line in lines]
    y = (side - (sum(heights) + gap * (len(lines) - 1))) // 2
    for line, height in zip(lines, heights, strict=True):
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((side - (box[2] - box[0])) // 2 - box[0], y - box[1]), line, font=font, fill=(250, 250, 245))
        y += height + gap
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
        raise InputError(f"artwork is not a readable image: {source} ({error})") from None
    width, height = image.size
    side = min(width, height)
    if side < MIN_SIDE:
        raise InputError(
            f"artwork {source} is {width}×{height}; podcast apps need at least {MIN_SIDE}×{MIN_SIDE} pixels",
            cause="use a larger image, or leave 'artwork' out to generate one from the show title",
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
