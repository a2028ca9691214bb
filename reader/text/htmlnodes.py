"""Small helpers on parsed HTML shared by the page-cleaning passes (furniture, headline, notes).

They live apart so that each pass can be its own module without importing another.
"""

from __future__ import annotations

import re

from lxml import html

from reader.text.furniture import count_words

__all__ = [
    "HEADINGS",
    "MAX_NAME_LENGTH",
    "NAME_SPLIT",
    "drop",
    "flat_text",
    "name_tokens",
    "paragraph_words",
    "title_heading",
    "word_count",
]

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MAX_NAME_LENGTH = 200
NAME_SPLIT = re.compile(r"[^a-z0-9]+")


def drop(element: html.HtmlElement) -> None:
    """Remove an element and what it holds, keeping its tail text (that belongs to its parent)."""
    if element.getparent() is not None:
        element.drop_tree()


def word_count(element: html.HtmlElement) -> int:
    """Words of all the text inside ``element`` (CJK characters counted sensibly)."""
    return count_words(" ".join(element.itertext()))


def paragraph_words(element: html.HtmlElement) -> int:
    """Words in the paragraphs and quotes inside ``element``: prose, not menus or link lists."""
    return sum(word_count(p) for p in element.iter("p", "blockquote", "pre"))


def flat_text(element: html.HtmlElement) -> str:
    """An element's text on one line, whitespace runs collapsed."""
    return " ".join(" ".join(element.itertext()).split())


def name_tokens(element: html.HtmlElement) -> set[str]:
    """The words of an element's class, id, itemprop and short data-* values, lower-cased."""
    names = " ".join(
        value
        for attr, value in element.attrib.items()
        if attr in ("class", "id", "itemprop") or (attr.startswith("data-") and len(value) < MAX_NAME_LENGTH)
    )
    return set(NAME_SPLIT.split(names.lower())) - {""}


def title_heading(tree: html.HtmlElement, title: str) -> tuple[html.HtmlElement | None, bool]:
    """The h1 that carries the title (or the first h1), and whether it says the title."""
    headings = tree.xpath("//body//h1")
    wanted = " ".join(title.split()).casefold()
    for h1 in headings:
        if " ".join(" ".join(h1.itertext()).split()).casefold() == wanted:
            return h1, True
    return (headings[0] if headings else None), False
