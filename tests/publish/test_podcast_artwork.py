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
