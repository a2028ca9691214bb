"""Plain text → Article: text typed or pasted from a web page.

Pasted page text keeps the page's furniture as lines: a breadcrumb above the
title, a photo caption and its credit, "Listen to this article", a comment
form at the end. The same wording rules as for HTML drop them, plus two that
only text needs: a run of short lines holding a photo credit is a figure, and a
comment or related-links marker ends the article.
"""

from __future__ import annotations

import itertools
import re

from reader.article import Article, Block
from reader.normalize import detect_language
from reader.text.cleanup import clean_blocks, cut_tail, is_breadcrumb, require_body
from reader.text.furniture import FurnitureRules, count_words, default_rules
from reader.text.script import split_sentences

__all__ = ["extract_text"]

_BLANK_LINES = re.compile(r"\n\s*\n")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,3}[.)])\s+")
_QUOTE_MARKER = re.compile(r"^\s*>\s?")
_SENTENCE_END = re.compile(r"[.!?…:;,\"”’)。！？｡」』）]$")
_BYLINE = re.compile(r"^(?:by|written by)\s+(.+)$", re.IGNORECASE)
_MAX_TITLE_WORDS = 30
_MAX_HEADING_WORDS = 14
_FIGURE_LINE_WORDS = 25
_WRAP_EVENNESS = 2  # every wrapped line but the last is at least half as long as the longest
_TITLE_WORDS = 4  # menu items above a pasted title are shorter than this
_PROSE_WORDS = 20
_MENU_ITEMS = 2  # one short line above the title is a title itself ("Smart news"), not a menu
_MENU_TITLE_WORDS = 20  # a longer line under a menu is the body, not the title
_DATE_KIND = "byline or date stamp"


def _groups(text: str) -> list[list[str]]:
    """Paragraph groups (split at blank lines), each a list of its non-empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    groups = []
    for chunk in _BLANK_LINES.split(text):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            groups.append(lines)
    return groups


def _is_wrapped_prose(lines: list[str]) -> bool:
    """Whether a group's lines are one paragraph hard-wrapped (an e-mail, a README), not separate items."""
    if len(lines) < 2 or any(_LIST_MARKER.match(line) for line in lines[1:]):
        return False
    joins = sum(
        1 for line, following in itertools.pairwise(lines) if not _SENTENCE_END.search(line) or following[:1].islower()
    )
    longest = max(len(line) for line in lines)
    # Wrapped prose fills its lines to about the same width; a menu or a header has short items.
    even = all(len(line) * _WRAP_EVENNESS >= longest for line in lines[:-1])
    return joins * 2 >= len(lines) - 1 and longest >= 40 and even


def _mostly_furniture(lines: list[str], rules: FurnitureRules) -> bool:
    """Whether at least half the lines of a block of short lines are furniture."""
    return sum(1 for line in lines if rules.furniture_kind(line)) * 2 >= len(lines)


def _units(groups: list[list[str]], rules: FurnitureRules) -> list[tuple[str, bool]]:
    """Text units in order, each with whether it stood alone as a one-line paragraph."""
    units: list[tuple[str, bool]] = []
    in_body = False  # the header (title, byline, date) is never taken for a widget
    for lines in groups:
        short = all(count_words(line) <= _FIGURE_LINE_WORDS for line in lines)
        if len(lines) > 1 and short and any(rules.is_credit_line(line) for line in lines):
            continue  # a caption with its credit: the whole figure goes
        if in_body and len(lines) > 2 and short and _mostly_furniture(lines, rules):
            continue  # a widget in the body (a product card, a deal box): its name and label go with it
        in_body = in_body or any(count_words(line) >= _PROSE_WORDS for line in lines)
        if _is_wrapped_prose(lines):
            units.append((" ".join(lines), True))
        else:
            units.extend((line, len(lines) == 1) for line in lines)
    return units


def _block(text: str, alone: bool, next_text: str | None) -> Block:
    if _LIST_MARKER.match(text) and not re.match(r"^\d{4}[.)]", text):
        return Block("list_item", _LIST_MARKER.sub("", text, count=1))
    if _QUOTE_MARKER.match(text):
        return Block("quote", _QUOTE_MARKER.sub("", text, count=1))
    words = count_words(text)
    if alone and words <= _MAX_HEADING_WORDS and not _SENTENCE_END.search(text) and next_text is not None:
        return Block("heading", text, 2)
    return Block("paragraph", text)


def _is_title_line(text: str) -> bool:
    return count_words(text) <= _MAX_TITLE_WORDS and not text.endswith((".", "。"))


def _skip_menu(units: list[tuple[str, bool]], rules: FurnitureRules) -> int:
    """Where the title is in a page's pasted header: past a menu of one- to three-word lines.

    Page text copied from a browser starts with the site's menu ("World", "Business",
    "Register"). The title is the first header line of several words; when the header
    has none, the first line is taken as before.
    """
    menu_items = 0
    for index, (text, _alone) in enumerate(units):
        words = count_words(text)
        if words > _MENU_TITLE_WORDS or (not _is_title_line(text) and words >= _TITLE_WORDS):
            return 0  # the body began without a title of several words
        if rules.furniture_kind(text):
            continue
        if words >= _TITLE_WORDS:
            return index if menu_items >= _MENU_ITEMS else 0
        menu_items += 1
    return 0


def _dated_title(units: list[tuple[str, bool]], rules: FurnitureRules) -> int | None:
    """Where the title is when a blog's header puts the post's date right above it.

    Pasted blog pages start with the blog's own name and description; the post title is
    the line under the date stamp, with the post's prose right after it.
    """
    for index, (text, _alone) in enumerate(units[:-2]):
        title, prose = units[index + 1][0], units[index + 2][0]
        if count_words(text) >= _PROSE_WORDS or count_words(title) >= _PROSE_WORDS:
            return None  # the body began
        if (
            rules.furniture_kind(text) == _DATE_KIND
            and _is_title_line(title)
            and not rules.furniture_kind(title)
            and count_words(prose) >= _PROSE_WORDS
        ):
            return index + 1
    return None


def _title_and_rest(units: list[tuple[str, bool]], rules: FurnitureRules) -> tuple[str, list[tuple[str, bool]]]:
    """The title line (skipping furniture, a menu, and a breadcrumb that repeats it) and the units after it."""
    dated = _dated_title(units, rules)
    if dated is not None:
        return units[dated][0], units[dated + 1 :]
    start = _skip_menu(units, rules)
    for index, (text, _alone) in enumerate(units[start:], start):
        following = units[index + 1][0] if index + 1 < len(units) else None
        if following and is_breadcrumb(text, following):
            continue
        if rules.furniture_kind(text):
            continue
        if _is_title_line(text):
            return text, units[index + 1 :]
        # No title line: the first sentence stands in for one, spoken once.
        sentences = split_sentences(text)
        rest = text[len(sentences[0]) :].strip() if sentences else ""
        remaining = ([(rest, True)] if rest else []) + units[index + 1 :]
        return (sentences[0] if sentences else text), remaining
    return "", []


def extract_text(text: str, *, rules: FurnitureRules | None = None, source: str = "the text") -> Article:
    """Read plain text into an Article. Pure: no network, no files."""
    rules = rules or default_rules()
    title, units = _title_and_rest(_units(_groups(text), rules), rules)
    byline = None
    blocks: list[Block] = []
    for index, (unit, alone) in enumerate(units):
        match = _BYLINE.match(unit)
        if byline is None and match and count_words(unit) <= 8 and not blocks:
            byline = match.group(1).strip()
        following = units[index + 1][0] if index + 1 < len(units) else None
        blocks.append(_block(unit, alone, following))
    blocks = cut_tail(blocks, rules)
    blocks = clean_blocks(blocks, rules, title=title)
    require_body(blocks, source)
    lang = detect_language(text) or "en"  # plain text declares no language: the one detector says
    return Article(title=title, blocks=tuple(blocks), byline=byline, lang=lang, source_text=text)
