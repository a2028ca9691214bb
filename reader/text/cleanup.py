"""The listener's cleanup that every kind of source shares, applied to blocks.

HTML, plain text and Markdown each find their blocks their own way; then the
same rules drop furniture by wording, speak the title exactly once, and refuse
a source with nothing left to read.
"""

from __future__ import annotations

import re

from reader.article import Block
from reader.errors import ExtractError
from reader.text.furniture import FurnitureRules, count_words, normalize_for_compare

__all__ = ["clean_blocks", "cut_tail", "is_breadcrumb", "require_body"]

_SPEAKABLE = re.compile(r"\w")
# The words a breadcrumb may put before the title: "Home", "News › World", "Home / Politics".
_MAX_CRUMB_WORDS = 8
_MIN_PREFIX_TITLE_WORDS = 3  # shorter titles ("Hegseth") may well start a sentence on purpose
_WORD = re.compile(r"[^\W_]+")
_PROSE_WORDS = 20  # a block this long after a weak end marker means the article goes on
# Reference marks inside text ("[12]", "[citation needed]", "[edit]"): pointers, not words to read.
_NOTE_MARK = re.compile(
    r"\[(?:\d{1,3}|citation needed|clarification needed|edit|note \d+|nb \d+)\]|\[\^[\w-]{1,20}\]:?", re.IGNORECASE
)
_LABEL_WORDS = 4
_SENTENCE_BREAK = re.compile(r"(?<=[.!?。！？])\s+(?=[\"“'‘(\[]?[A-Z0-9@#])")
_MAX_TRAILING_SENTENCES = 3
_TRAILING_BLOCKS = 8  # the author's and the site's pitches close the article
# Kinds of furniture that a site glues to the end of a paragraph as whole sentences.
_TRAILING_KINDS = frozenset(
    {
        "call to action",
        "author contact line",
        "share, print or follow prompt",
        "newsletter sign-up",
        "sign-up prompt",
        "copyright line",
        "link line",
    }
)
_BOX_TITLE_WORDS = 5
# Furniture that comes in a box with a name of its own above it (a newsletter's, a promo's).
_BOXED_KINDS = frozenset({"newsletter sign-up", "sign-up prompt"})
# Sentence ends in every script: "。", "！" and "？" end Chinese and Japanese sentences.
_SENTENCE_END = re.compile(r"[.!?…\"”’)\]。！？｡」』）]\W*$")
# The media link an embedded post carries ("pic.twitter.com/…", "t.co/…"): an address, not words.
_EMBED_LINK = re.compile(r"(?:https?://|(?<!\S))(?:pic\.twitter\.com|t\.co|pic\.x\.com)/\S+", re.IGNORECASE)
# A pull quote repeats a sentence of the body nearby, shorter than the paragraph it comes from.
_PULL_QUOTE_WORDS = 40
_PULL_QUOTE_REACH = 3  # blocks either side where the paragraph it repeats sits


def is_breadcrumb(line: str, title: str) -> bool:
    """Whether ``line`` is a breadcrumb trail that ends in the title ("Home Trump <title>")."""
    line_n, title_n = normalize_for_compare(line), normalize_for_compare(title)
    if not title_n or line_n == title_n or not line_n.endswith(" " + title_n):
        return False
    return len(line_n[: -len(title_n)].split()) <= _MAX_CRUMB_WORDS


def cut_tail(blocks: list[Block], rules: FurnitureRules) -> list[Block]:
    """Drop a trailing comment form or related-links list, from its marker line on.

    Only for sources without structure (text, Markdown); only once the article has begun,
    so a marker-like line before any prose cannot swallow the article. A weak marker
    ("More from Technology") ends the article only when no prose follows it.
    """
    seen_prose = False
    for index, block in enumerate(blocks):
        if seen_prose and rules.is_tail_marker(block.text):
            return blocks[:index]
        if seen_prose and rules.is_weak_tail_marker(block.text):
            rest = blocks[index + 1 :]
            if not any(count_words(b.text) >= _PROSE_WORDS and b.kind != "heading" for b in rest):
                return blocks[:index]
        if block.kind != "heading" and count_words(block.text) >= 12:
            seen_prose = True
    return blocks


def clean_blocks(blocks: list[Block], rules: FurnitureRules, *, title: str, subtitle: str | None = None) -> list[Block]:
    """Drop furniture by wording, unspeakable blocks, breadcrumbs, and repeats of the title or subtitle."""
    repeats = {normalize_for_compare(t) for t in (title, subtitle) if t}
    crumb_words = max(count_words(title), count_words(subtitle or "")) + _MAX_CRUMB_WORDS
    kept: list[Block] = []
    texts = [" ".join(_EMBED_LINK.sub("", _NOTE_MARK.sub("", block.text)).split()) for block in blocks]
    kinds = [rules.furniture_kind(text) for text in texts]
    for index, (block, text) in enumerate(zip(blocks, texts, strict=True)):
        short = count_words(text) <= crumb_words
        if not _SPEAKABLE.search(text) or (short and normalize_for_compare(text) in repeats):
            continue
        if kinds[index] or (short and is_breadcrumb(text, title)):
            continue
        if index + 1 < len(blocks) and kinds[index + 1] in _BOXED_KINDS and _is_box_title(text):
            continue  # "The Morning Briefing" above its sign-up pitch: the box's own name
        if not kept and block.kind != "heading":
            text = _without_title_prefix(text, title)
        if block.kind != "heading" and index >= len(blocks) - _TRAILING_BLOCKS:
            text = _without_trailing_furniture(text, rules)
            if not text:
                continue  # every sentence of it was furniture ("Have a tip? X may be reached at …")
        kept.append(Block(block.kind, text, block.level))
    # A heading left with nothing under it (its section was all furniture) is not read either.
    # Nor is an author card's residue after the bio went: a name, an employer, bare short lines.
    while kept and (kept[-1].kind == "heading" or (_is_bare_label(kept[-1]) and len(kept) > 1)):
        kept.pop()
    return _without_pull_quotes(kept)


def _without_trailing_furniture(text: str, rules: FurnitureRules) -> str:
    """A paragraph without the furniture sentences glued to its end.

    "… is out now. Follow him on Twitter @name. Follow us on Facebook.": the author's or the
    site's pitch set in the last paragraph, where the whole block is too long to be furniture.
    Empty when every sentence is furniture.
    """
    sentences = _SENTENCE_BREAK.split(text)
    if len(sentences) < 2:
        return text
    cut = len(sentences)
    while cut > 0 and len(sentences) - cut < _MAX_TRAILING_SENTENCES:
        if rules.furniture_kind(sentences[cut - 1]) not in _TRAILING_KINDS:
            break
        cut -= 1
    return text if cut == len(sentences) else " ".join(sentences[:cut])


def _is_box_title(text: str) -> bool:
    return count_words(text) <= _BOX_TITLE_WORDS and not _SENTENCE_END.search(text)


def _is_bare_label(block: Block) -> bool:
    return (
        block.kind == "paragraph" and count_words(block.text) <= _LABEL_WORDS and not _SENTENCE_END.search(block.text)
    )


def _without_pull_quotes(blocks: list[Block]) -> list[Block]:
    """Drop pull quotes: short blocks that repeat words of a longer block a few places away.

    Magazines set a line of the body in large type beside it ("The lamp doesn't need me");
    read aloud, the listener would hear it twice.
    """
    compared: dict[int, str] = {}

    def words(j: int) -> str:
        if j not in compared:
            compared[j] = f" {normalize_for_compare(blocks[j].text)} "
        return compared[j]

    kept = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" or not 4 <= count_words(block.text) <= _PULL_QUOTE_WORDS:
            kept.append(block)
            continue
        key = max(_WORD.findall(block.text), key=len, default="").casefold()  # a cheap first test
        nearby = range(max(0, index - _PULL_QUOTE_REACH), min(len(blocks), index + _PULL_QUOTE_REACH + 1))
        if not any(
            j != index
            and len(blocks[j].text) > len(block.text)
            and key in blocks[j].text.casefold()
            and words(index) in words(j)
            for j in nearby
        ):
            kept.append(block)
    return kept


def _without_title_prefix(text: str, title: str) -> str:
    """The first paragraph without a copy of the title glued to its start ("<title> Washington: …")."""
    title_words = normalize_for_compare(title).split()
    if len(title_words) < _MIN_PREFIX_TITLE_WORDS:
        return text
    words = list(_WORD.finditer(text))
    if len(words) <= len(title_words):
        return text
    if [w.group().casefold() for w in words[: len(title_words)]] != title_words:
        return text
    rest = text[words[len(title_words) - 1].end() :].lstrip(" \t:;,.-–—|")
    return rest[:1].upper() + rest[1:]


def require_body(blocks: list[Block], source: str) -> None:
    """Raise ``ExtractError`` when a source holds no article text at all."""
    if not any(block.kind != "heading" for block in blocks):
        raise ExtractError(
            f"no article found in {source}: nothing is left to read once the page furniture is removed",
            cause="a front page, a login or cookie wall, or a page built by JavaScript",
        )
