"""Show artwork: generated from the title when none is given, checked and fitted when one is."""

from __future__ import annotations

import pytest
from PIL import Image

from reader.errors import InputError
from reader.publish import make_artwork, prepare_artwork


def test_generated_artwork_is_a_square_rgb_jpeg_apple_accepts(tmp_path):
    path = make_artwork("Long Reads, Read Aloud: the weekly show", tmp_path / "artwork.jpg")
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (1400, 1400)
        # The title is drawn: the centre holds light text on the dark background.
        colours = image.crop((300, 500, 1100, 900)).getcolors(1_000_000)
        assert max(sum(c[:3]) for _, c in colours) > 600 and min(sum(c[:3]) for _, c in colours) < 300


def test_generated_artwork_is_stable_and_differs_by_title(tmp_path):
    a = make_artwork("Show A", tmp_path / "a.jpg").read_bytes()
    assert make_artwork("Show A", tmp_path / "a2.jpg").read_bytes() == a
    assert make_artwork("Show B", tmp_path / "b.jpg").read_bytes() != a


def test_large_png_and_very_long_title(tmp_path):
    path = make_artwork("word " * 80, tmp_path / "big.png", side=3000)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (3000, 3000)


def test_given_artwork_is_cropped_square_and_scaled_into_range(tmp_path):
    Image.new("RGBA", (4000, 3200), (10, 200, 30, 255)).save(tmp_path / "wide.png")
    path = prepare_artwork(tmp_path / "wide.png", tmp_path / "out.jpg")
    with Image.open(path) as image:
        assert image.size == (3000, 3000) and image.mode == "RGB"


def test_small_or_broken_artwork_is_refused_clearly(tmp_path):
    Image.new("RGB", (600, 600)).save(tmp_path / "small.jpg")
    with pytest.raises(InputError, match=r"600×600.*at least 1400×1400"):
        prepare_artwork(tmp_path / "small.jpg", tmp_path / "out.jpg")
    (tmp_path / "fake.jpg").write_bytes(b"not an image")
    with pytest.raises(InputError, match="not a readable image"):
        prepare_artwork(tmp_path / "fake.jpg", tmp_path / "out.jpg")
    with pytest.raises(InputError, match="not found"):
        prepare_artwork(tmp_path / "none.jpg", tmp_path / "out.jpg")
    assert not (tmp_path / "out.jpg").exists()


def _text_bands_at_55_px(path) -> tuple[int, list[tuple[int, int]]]:
    """The cover as podcast apps list it (55 px): its background level, and each band of rows holding
    type, as (height in pixels, brightest pixel)."""
    with Image.open(path) as image:
        small = image.convert("L").resize((55, 55), Image.Resampling.LANCZOS)
    pixels = small.load()
    rows = [max(pixels[x, y] for x in range(55)) for y in range(55)]
    levels = sorted(pixels[x, y] for x in range(55) for y in range(55))
    bands: list[list[int]] = [[]]
    for y, level in enumerate(rows):
        if level >= 170:
            bands[-1].append(y)
        elif bands[-1]:
            bands.append([])
    return levels[len(levels) // 2], [(len(band), max(rows[y] for y in band)) for band in bands if band]


@pytest.mark.parametrize(
    "title",
    ["Harbour Reads", "A", "Long Reads, Read Aloud: The Best of the Weekly Magazine", "word " * 80],
)
def test_generated_artwork_stays_legible_at_55_px(tmp_path, title):
    """Big, heavy type on a dark ground: downsized to 55 px, each line of the title is still a band of
    near-white rows at least 4 px tall (thin strokes smear into grey), in at most three lines."""
    background, bands = _text_bands_at_55_px(make_artwork(title, tmp_path / "cover.jpg"))
    assert background < 100
    assert 1 <= len(bands) <= 3, bands
    assert all(height >= 4 and peak >= 230 for height, peak in bands), bands
    assert sum(height for height, _ in bands) >= 12, bands  # the type fills a fair share of the cover
