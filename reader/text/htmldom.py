"""HTML page → a tree holding only what may be read, before main-content detection.

The publisher's own markup always wins: ``data-tts="skip"``, ``aria-hidden="true"``,
``hidden`` and class ``no-tts`` are never read, and when any element is marked
``data-tts="only"`` only those are read (``blocks_from_dom`` turns them into blocks).
Page furniture by structure is ``reader.text.htmlfurniture``; the title's kickers and
standfirst ``reader.text.htmlheadline``; end-notes ``reader.text.htmlnotes``.
"""

from __future__ import annotations

import re

from lxml import etree, html

from reader.article import Block
from reader.text.htmlnodes import HEADINGS, drop, word_count

__all__ = [
    "blocks_from_dom",
    "only_marked",
    "page_lang",
    "parse_html",
    "strip_publisher_skips",
]

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_XPATH = (
    "//*[@data-tts='skip' or @aria-hidden='true' or @hidden"
    " or contains(concat(' ', normalize-space(@class), ' '), ' no-tts ')]"
)
_MAX_HIDDEN_UI_WORDS = 40  # longer attribute values are data (JSON, URLs), not names
_LANG = re.compile(r"^[a-z]{2,3}$")
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "ul", "ol", "li", "blockquote", "table", "tr", "header", "footer"}
    | set(HEADINGS)
)
_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True)


def parse_html(markup: str) -> html.HtmlElement:
    """Parse a page; lxml recovers from malformed markup as browsers do.

    Comments and processing instructions are left out: a comment inside a paragraph
    ("<!-- ad slot -->") would otherwise split its text, and trafilatura keeps only
    the part before it.
    """
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)  # lxml refuses str input with an encoding declaration
    try:
        return html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>")


def page_lang(tree: html.HtmlElement) -> str | None:
    """The page's primary language subtag ("en" for lang="en-US"), from markup only."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath("//meta[translate(@http-equiv,'CONTENT-LAGU','content-lagu')='content-language']/@content")
    candidates += tree.xpath("//meta[@property='og:locale']/@content")
    for value in candidates:
        primary = (value or "").strip().replace("_", "-").split("-")[0].lower()
        if _LANG.match(primary):
            return primary
    return None


def strip_publisher_skips(tree: html.HtmlElement) -> None:
    """Remove what the publisher marked as never to be read, and short bits a browser hides."""
    for element in tree.xpath(_SKIP_XPATH):
        drop(element)
    for element in tree.xpath("//*[@style]"):
        # Short hidden bits are UI ("Cancel reply", labels); a long one is collapsed article
        # text that a script reveals ("Read more"), which a listener wants.
        if _HIDDEN_STYLE.search(element.get("style", "")) and word_count(element) <= _MAX_HIDDEN_UI_WORDS:
            drop(element)


def only_marked(tree: html.HtmlElement) -> list[html.HtmlElement]:
    """The outermost elements marked ``data-tts="only"``, in document order (empty when none are)."""
    marked = tree.xpath("//*[@data-tts='only']")
    return [el for el in marked if not any(a.get("data-tts") == "only" for a in el.iterancestors())]


def _inline_text(element: html.HtmlElement, skip: frozenset[str] = _BLOCK_TAGS) -> str:
    """Text of an element, without the text of nested block elements (they are blocks of their own)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in skip:
            parts.append(_inline_text(child, skip))
        elif isinstance(child.tag, str) and child.tag == "br":
            parts.append(" ")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def blocks_from_dom(element: html.HtmlElement, *, kind: str = "paragraph") -> list[Block]:
    """Blocks of an element by its own structure (headings, paragraphs, quotes, list items).

    Used for publisher-chosen ``data-tts="only"`` regions, where no main-content detection
    is wanted: the publisher already said what the article is.
    """
    blocks: list[Block] = []
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in HEADINGS:
        text = " ".join(" ".join(element.itertext()).split())
        return [Block("heading", text, HEADINGS[tag])] if text else []
    if tag == "blockquote":
        kind = "quote"
    elif tag == "li":
        kind = "list_item"
    own = _inline_text(element)
    if tag in ("pre", "code"):
        return []
    if own:
        blocks.append(Block(kind, own))  # type: ignore[arg-type]
    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            blocks.extend(blocks_from_dom(child, kind="quote" if kind == "quote" else "paragraph"))
    return blocks
