"""The bundled demo article (the seed page this product started from), shipped as package data."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["demo_article_path"]


def demo_article_path() -> Path:
    """Path of the bundled demo article's HTML page."""
    return Path(str(files("reader") / "data" / "demo" / "seed_article.html"))
