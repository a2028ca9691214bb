"""How much an article may be: caps that stop hostile input before it costs minutes or gigabytes.

Extraction costs about half a millisecond per block of text (trafilatura, the
furniture rules, cleanup), and every parsed copy of a page costs memory per
element; speech planning costs about a millisecond per sentence. A real article,
even a very long read, has a few hundred paragraphs; a hostile page can have
hundreds of thousands of tiny ones (a 4 MB page of 60,000 paragraphs took
27 s, a 19 MB one two minutes and 3 GB). So the page is measured before it is
parsed (elements), after it is parsed (blocks that hold text), Markdown before
markdown-it (table cells, link brackets: its slow paths), and the article after
it is read (blocks, characters, sentences), each with a cheap count, and refused
with an ``InputError`` that says which limit it passed.

Inline formatting is capped apart from that: trafilatura's cost grows with the square of the inline
elements it walks (``<b>word</b> `` 20,000 times in one paragraph took 1 GB; 80,000 over 800 paragraphs
took 96 s), so ``check_tree`` unwraps, keeping their text, the inline elements past the first
``MAX_INLINE`` of the page and those nested more than ``MAX_INLINE_DEPTH`` inline elements deep. No
article needs more to be read aloud: the formatting is not spoken. Likewise elements that hold nothing
(``<br>``, ``<img>``, empty ``<div>``) past the first ``MAX_EMPTY`` are removed: each costs every later
pass, and 240,000 of them took 10 s.

A "word" of thousands of characters without a space is no word, and costs the furniture rules' regexes
hundreds of bytes per character (a 1 MB one took 2 GB): in a page such runs are cut every
``MAX_WORD_CHARS`` characters; a text or Markdown paste holding one past ``MAX_PLAIN_WORD_CHARS`` is
refused (the text cannot be changed before it is read). HTML comments are
removed from the parsed page (never spoken; 500,000 of them took 48 s of main-content detection).

Separately, libxml2 stops parsing at a single text node over 10 MB (an inline
script or style, a comment) and silently drops the rest of the page, so
``drop_huge_inline`` removes such script, style and comment bodies first.

The limits are module constants; a deployment with other needs passes its own
``InputLimits`` (``reader.extract(..., limits=...)``) or sets
``READER_MAX_BLOCKS`` / ``READER_MAX_ARTICLE_CHARS`` / ``READER_MAX_SENTENCES`` (read by
``InputLimits.from_env``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.errors import InputError, InputTooCostly

if TYPE_CHECKING:  # lxml loads with the first page parsed, not with the limits (an extract cache hit needs them)
    from lxml import html

__all__ = [
    "InputLimits",
    "check_article",
    "check_markup",
    "check_plain",
    "check_tree",
    "drop_empty",
    "drop_huge_inline",
    "limit_inline",
    "split_long_words",
]

MAX_ELEMENTS = 250_000  # opening tags in the raw markup: bounds the parsed tree's memory
MAX_BLOCKS = 10_000  # blocks that hold text (paragraphs, items, cells, headings...)
MAX_ARTICLE_CHARS = 1_000_000  # about 170,000 words, some 19 hours of speech
MAX_SENTENCES = 20_000  # a 20,000-word long read has ~1,000; scripting costs 0.1-0.3 ms each
MAX_INLINE_CHARS = 1_000_000  # a script, style or comment larger than this is dropped before parsing
MAX_INLINE = 5_000  # inline elements (links, emphasis, spans) kept on a page; the rest are unwrapped
MAX_INLINE_DEPTH = 12  # inline elements nested deeper inside inline elements are unwrapped
MAX_WORD_CHARS = 10_000  # a longer run without spaces in a page is cut with spaces
MAX_PLAIN_WORD_CHARS = 100_000  # a longer one in a text or Markdown paste is refused
MAX_EMPTY = 20_000  # elements with neither text nor children (br, img, empty divs) kept; the rest removed
MAX_INLINE_COST = 50_000_000  # sum over blocks of inline elements × characters (~1 byte each at peak)

# Elements that only format a run of text: unwrapping one keeps its text and tail in place.
INLINE_TAGS = (
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
    "sup", "time", "tt", "u", "var",
)  # fmt: skip
_UNWRAP = "reader-unwrap"  # a tag no page uses: what is renamed to it is unwrapped in one pass

log = logging.getLogger(__name__)

_TEXT_BLOCKS = (
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt",
    "div", "section", "article", "figcaption", "caption",
)  # fmt: skip
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A run of non-space characters longer than MAX_WORD_CHARS, found only from its start (linear).
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_WORD_CHARS + 1}}}")
_LONG_PLAIN_RUN = re.compile(rf"(?<!\S)\S{{{MAX_PLAIN_WORD_CHARS + 1}}}")
_RUN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?。！？…]+(?=\s|$)")
_INLINE_START = re.compile(r"<(script|style)\b[^>]*>|<!--", re.IGNORECASE)
_INLINE_END = {
    "script": re.compile(r"</script", re.IGNORECASE),
    "style": re.compile(r"</style", re.IGNORECASE),
    "comment": re.compile(r"-->"),
}


@dataclass(frozen=True)
class InputLimits:
    """The caps; ``InputLimits()`` is the default a library call gets."""

    max_elements: int = MAX_ELEMENTS
    max_blocks: int = MAX_BLOCKS
    max_article_chars: int = MAX_ARTICLE_CHARS
    max_sentences: int = MAX_SENTENCES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InputLimits:
        """``READER_MAX_BLOCKS``, ``READER_MAX_ARTICLE_CHARS`` and ``READER_MAX_SENTENCES`` override the
        defaults (the element cap follows the block cap: 25 elements per block)."""
        environ = os.environ if environ is None else environ
        try:
            blocks = int(environ.get("READER_MAX_BLOCKS") or MAX_BLOCKS)
            chars = int(environ.get("READER_MAX_ARTICLE_CHARS") or MAX_ARTICLE_CHARS)
            sentences = int(environ.get("READER_MAX_SENTENCES") or MAX_SENTENCES)
        except ValueError as error:
            raise InputError(f"bad input limit in the environment: {error}") from None
        return cls(max(MAX_ELEMENTS, 25 * blocks), blocks, chars, sentences)


def _amount(number: int) -> str:
    """A count as people say it: "60,001", "2.1 million"."""
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}".removesuffix(".0") + " million"
    return f"{number:,}"


def _amounts(count: int, limit: int) -> tuple[str, str]:
    """A count and its limit as people say them, exact where rounding would make them look the same."""
    said = (_amount(count), _amount(limit))
    return said if said[0] != said[1] else (f"{count:,}", f"{limit:,}")


def _too_many(count: int, what: str, limit: int, source: str) -> InputError:
    count_said, limit_said = _amounts(count, limit)
    return InputTooCostly(
        f"{source} has {count_said} {what}; the limit is {limit_said} (READER_MAX_BLOCKS)",
        cause="not an article: a data dump, an archive page or a hostile page",
        remedy="raise READER_MAX_BLOCKS if it is an article",
    )


def drop_huge_inline(markup: str, limit: int = MAX_INLINE_CHARS) -> str:
    """``markup`` without the bodies of scripts, styles and comments longer than ``limit`` characters."""
    if len(markup) <= limit:
        return markup
    parts: list[str] = []
    kept_from = 0  # start of the markup not yet copied into parts
    scan = 0  # where to look for the next script, style or comment (never inside the last one)
    while (match := _INLINE_START.search(markup, scan)) is not None:
        closing = _INLINE_END["comment" if match.group(0) == "<!--" else match.group(1).lower()]
        found = closing.search(markup, match.end())
        end = found.start() if found else len(markup)
        if end - match.end() > limit:
            parts.append(markup[kept_from : match.end()])
            kept_from = end
        if found is None:
            break
        scan = found.end()
    if not parts:
        return markup
    parts.append(markup[kept_from:])
    return "".join(parts)


def check_markup(markup: str, source: str, limits: InputLimits) -> None:
    """Before parsing: no more opening tags than ``limits.max_elements``."""
    count = markup.count("<") - markup.count("</") - markup.count("<!")  # C speed, no list of matches
    if count > limits.max_elements:
        raise _too_many(count, "HTML elements", limits.max_elements, source)


def _unwrap_marked(tree: html.HtmlElement) -> None:
    """Replace every element tagged ``_UNWRAP`` by its text, children and tail, in one pass per parent.

    Neither ``strip_tags`` nor ``drop_tag`` will do: the first leaves each unwrapped run as its own text
    node, and lxml joins a run of text nodes by repeated concatenation each time ``.text`` is read
    (quadratic: 240,000 of them took 25 s); the second concatenates onto a growing text one by one."""
    parents: dict[html.HtmlElement, None] = {}
    for element in tree.iter(_UNWRAP):
        parent = element.getparent()
        if parent is not None and parent.tag != _UNWRAP:
            parents[parent] = None
    for parent in parents:
        head: list[str] = [parent.text or ""]
        kept: list[tuple[Any, list[str]]] = []
        _flatten(parent, head, kept)
        parent[:] = [child for child, _ in kept]
        parent.text = "".join(head) or None
        for child, tail in kept:
            child.tail = "".join(tail) or None


def _flatten(node: Any, run: list[str], kept: list[tuple[Any, list[str]]]) -> list[str]:
    """Gather ``node``'s children into ``kept`` (the elements that stay, each with its tail's pieces) and
    the texts of unwrapped ones into the current ``run``; return the run the next text goes to."""
    for child in node:
        if child.tag == _UNWRAP:
            run.append(child.text or "")
            run = _flatten(child, run, kept)
            run.append(child.tail or "")
        else:
            run = [child.tail or ""]
            kept.append((child, run))
    return run


def limit_inline(
    tree: html.HtmlElement,
    max_inline: int = MAX_INLINE,
    max_depth: int = MAX_INLINE_DEPTH,
    max_cost: int = MAX_INLINE_COST,
) -> int:
    """Unwrap inline elements, keeping their text and tails, where main-content detection would pay too
    much for them; return how many were unwrapped.

    A block (the nearest element that is not inline) costs its inline elements times its characters
    (trafilatura copies the block's text for each of them: 200 links in a 1 MB paragraph took 270 MB);
    blocks are taken in document order until their sum passes ``max_cost``, and every inline element of
    a block past it is unwrapped. Of the rest, those past the first ``max_inline`` of the page and those
    inside more than ``max_depth`` inline ancestors are unwrapped (the walk costs the square of their
    number: 80,000 took 96 s). Linear: one ``iterwalk`` with a stack, then ``_unwrap_marked``.
    """
    from lxml import etree

    inline = frozenset(INLINE_TAGS)
    stack: list[tuple[list[Any], int]] = []  # for each open element: its block's record, its inline depth
    blocks: list[list[Any]] = []  # [inline count, characters, [(element, depth), ...]] in document order
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if event == "end":
            stack.pop()
            if stack and element.tail:
                stack[-1][0][1] += len(element.tail)
            continue
        if stack and element.tag in inline:
            block, depth = stack[-1][0], stack[-1][1] + 1
            block[0] += 1
            block[2].append((element, depth))
        else:
            block, depth = [0, 0, []], 0
            blocks.append(block)
        block[1] += len(element.text or "")
        stack.append((block, depth))

    excess: list[html.HtmlElement] = []
    cost = kept = 0
    for count, chars, elements in blocks:
        if not count:
            continue
        cost += count * chars
        if cost > max_cost:
            excess.extend(element for element, _ in elements)
            continue
        for element, depth in elements:
            if kept >= max_inline or depth > max_depth:
                excess.append(element)
            else:
                kept += 1
    for element in excess:
        element.tag = _UNWRAP
    _unwrap_marked(tree)
    return len(excess)


def drop_empty(tree: html.HtmlElement, max_empty: int = MAX_EMPTY) -> int:
    """Remove, keeping their tails, the elements with neither text nor children past the first
    ``max_empty`` of the page; return how many. Each element costs every later pass (metadata, furniture,
    main-content detection) some 40 µs: 240,000 ``<br>`` took 10 s, yet carry nothing to read."""
    from lxml import etree

    empty = 0
    excess: list[html.HtmlElement] = []
    for element in tree.iter(etree.Element):
        if len(element) == 0 and not (element.text and element.text.strip()) and element.getparent() is not None:
            empty += 1
            if empty > max_empty:
                excess.append(element)
    for element in excess:
        element.tag = _UNWRAP
    _unwrap_marked(tree)
    return len(excess)


def _cut_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) <= MAX_WORD_CHARS:
        return run
    return " ".join(run[i : i + MAX_WORD_CHARS] for i in range(0, len(run), MAX_WORD_CHARS))


def split_long_words(tree: html.HtmlElement) -> int:
    """Cut every run of more than ``MAX_WORD_CHARS`` non-space characters in the page's text with spaces;
    return how many texts changed. Run after ``limit_inline``, which can join runs into one."""
    from lxml import etree

    changed = 0
    for element in tree.iter(etree.Element):
        for name in ("text", "tail"):
            value = getattr(element, name)
            if value and len(value) > MAX_WORD_CHARS and _LONG_RUN.search(value):
                setattr(element, name, _RUN.sub(_cut_run, value))
                changed += 1
    return changed


def check_tree(tree: html.HtmlElement, source: str, limits: InputLimits) -> None:
    """After parsing, before main-content detection: no more text blocks than ``limits.max_blocks``; then
    inline formatting past ``MAX_INLINE`` / ``MAX_INLINE_DEPTH`` is unwrapped in place (``limit_inline``),
    since main-content detection costs the square of the inline elements it walks."""
    from lxml import etree

    count = 0
    for element in tree.iter(*_TEXT_BLOCKS):
        if (element.text and not element.text.isspace()) or any(
            child.tail and not child.tail.isspace() for child in element
        ):
            count += 1
    if count > limits.max_blocks:
        raise _too_many(count, "blocks of text", limits.max_blocks, source)
    etree.strip_elements(tree, etree.Comment, with_tail=False)
    unwrapped = limit_inline(tree)
    if unwrapped:
        log.info("%s: unwrapped %d inline elements past the caps (their text is kept)", source, unwrapped)
    dropped = drop_empty(tree)
    if dropped:
        log.info("%s: removed %d empty elements past the cap", source, dropped)
    split_long_words(tree)


def check_plain(text: str, source: str, limits: InputLimits, *, markdown: bool = False) -> None:
    """Plain text or Markdown: no more paragraphs than ``limits.max_blocks``, no more characters than allowed;
    Markdown also no more table cells or link brackets than ``limits.max_blocks`` (markdown-it takes ~55 µs
    per unclosed ``[a](`` and is quadratic in a table's columns: 2,000 columns took 14 s)."""
    if len(text) > 2 * limits.max_article_chars:
        raise InputTooCostly(
            "{} is {} characters long; the limit is {} (twice READER_MAX_ARTICLE_CHARS)".format(
                source, *_amounts(len(text), 2 * limits.max_article_chars)
            ),
            cause="a book or a data dump rather than an article",
            remedy="raise READER_MAX_ARTICLE_CHARS if it is an article",
        )
    count = len(_PARAGRAPH_BREAK.findall(text)) + 1
    if count > limits.max_blocks:
        raise _too_many(count, "paragraphs", limits.max_blocks, source)
    if markdown:
        for mark, what in (("|", "table cell borders"), ("[", "link brackets")):
            count = text.count(mark)
            if count > limits.max_blocks:
                raise _too_many(count, what, limits.max_blocks, source)
        # markdown-it holds ~1.5 KB per emphasis or code token: "*a* " 250,000 times took 430 MB
        count = text.count("*") + text.count("_") + text.count("`")
        if count > 2 * limits.max_blocks:
            raise _too_many(count, "emphasis and code marks", 2 * limits.max_blocks, source)
    long_run = _LONG_PLAIN_RUN.search(text)
    if long_run is not None:
        length = len(_RUN.match(text, long_run.start()).group(0))  # type: ignore[union-attr]
        raise InputTooCostly(
            f"{source} holds a word of {length:,} characters without a space, more than the "
            f"{MAX_PLAIN_WORD_CHARS:,} a word may have",
            cause="binary or encoded data (base64, minified code) rather than an article",
        )


def check_article(blocks: tuple[object, ...] | list[object], source: str, limits: InputLimits) -> None:
    """After extraction: the article's blocks and characters within the limits (speech planning is per sentence)."""
    if len(blocks) > limits.max_blocks:
        raise _too_many(len(blocks), "paragraphs", limits.max_blocks, source)
    chars = sum(len(getattr(block, "text", "")) for block in blocks)
    if chars > limits.max_article_chars:
        raise InputTooCostly(
            "the article in {} is {} characters; the limit is {} (READER_MAX_ARTICLE_CHARS)".format(
                source, *_amounts(chars, limits.max_article_chars)
            ),
            cause="a book or a data dump rather than an article",
            remedy="raise READER_MAX_ARTICLE_CHARS if it is an article",
        )
    sentences = sum(len(_SENTENCE_END.findall(getattr(block, "text", ""))) for block in blocks)
    if sentences > limits.max_sentences:
        raise InputTooCostly(
            "the article in {} has about {} sentences; the limit is {} (READER_MAX_SENTENCES)".format(
                source, *_amounts(sentences, limits.max_sentences)
            ),
            cause="a book or a data dump rather than an article",
            remedy="raise READER_MAX_SENTENCES if it is an article",
        )
