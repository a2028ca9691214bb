"""An HTML page → Article: trafilatura finds the article, then the listener's cleanup.

Metadata (title, byline, site name, date, canonical URL, lead image) comes from
the whole page; the body from a copy with the publisher's skips and the page
furniture removed (``reader.text.htmldom``, ``htmlfurniture``, ``htmlheadline``), passed through trafilatura's
main-content detection, then filtered by wording (``reader.text.cleanup``).
"""

from __future__ import annotations

import copy
import logging
import re

import trafilatura
from lxml import etree, html
from trafilatura.metadata import extract_metadata

from reader.article import Article, Block
from reader.normalize import page_language
from reader.text.cleanup import clean_blocks, require_body
from reader.text.furniture import FurnitureRules, count_words, default_rules, normalize_for_compare
from reader.text.htmldom import blocks_from_dom, only_marked, page_lang, parse_html, strip_publisher_skips
from reader.text.htmlfurniture import strip_furniture
from reader.text.htmlheadline import drop_title_kickers, find_standfirst
from reader.text.htmlnotes import find_endnotes
from reader.text.input_limits import InputLimits, check_markup, check_tree, drop_huge_inline
from reader.text.script import split_sentences

__all__ = ["extract_html"]

log = logging.getLogger(__name__)

_HEAD_LEVEL = re.compile(r"h([1-6])")
_SMALL_PAGE_WORDS = 150
_QUOTE_WRAPPER_LEVELS = 2
_TITLE_SEPARATOR = re.compile(r"\s+[—–|·:-]+\s+\S.{0,80}")
_TITLE_PREFIX = re.compile(r"\S.{0,80}?\s*[—–|·:»›]+\s+")
# Trafilatura's main-content detection leans one way or the other. Measured on real pages
# (bench/extract.py --real --mode …, tuning pages only): see TRAFILATURA_MODE.
_TRAFILATURA_MODES: dict[str, dict[str, bool]] = {
    "recall": {"favor_recall": True},
    "balanced": {},
    "precision": {"favor_precision": True},
}
TRAFILATURA_MODE = "precision"
_SKIP_XML = frozenset({"graphic", "code", "del", "fw", "note"})
_INLINE_XML = frozenset({"hi", "ref", "span", "a", "b", "i", "em", "strong"})


def _text(element: etree._Element) -> str:
    """An element's text with inline markup flattened; line breaks become spaces."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag in _SKIP_XML:
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            if child.tag == "lb":
                parts.append(" ")
                parts.append(child.tail or "")
            elif child.tag in ("list", "quote", "table"):
                parts.append(child.tail or "")  # nested blocks are read on their own
            else:
                walk(child)
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def blocks_from_xml(body: etree._Element) -> list[Block]:
    """Trafilatura's XML body (head, p, quote, list/item, table/row/cell) → blocks.

    Text between blocks (a container's own text, the tail after a heading or a list,
    inline elements outside any paragraph) is article text too: it is gathered into a
    paragraph of its own, up to the next block or line break.
    """
    blocks: list[Block] = []
    pending: list[str] = []

    def flush(kind: str) -> None:
        text = " ".join("".join(pending).split())
        pending.clear()
        if text:
            blocks.append(Block(kind, text))  # type: ignore[arg-type]

    def walk(node: etree._Element, kind: str) -> None:
        pending.append(node.text or "")
        for child in node:
            tag = child.tag
            if tag in _INLINE_XML:
                pending.append(_text(child))  # its tail follows below
            elif tag == "lb" or tag in _SKIP_XML:
                flush(kind)
            else:
                flush(kind)
                walk_block(child, kind)
            pending.append(child.tail or "")
        flush(kind)

    def walk_block(child: etree._Element, kind: str) -> None:
        tag = child.tag
        if tag == "head":
            match = _HEAD_LEVEL.search(child.get("rend") or "")
            blocks.append(Block("heading", _text(child), int(match.group(1)) if match else 2))
        elif tag == "p":
            blocks.append(Block(kind, _text(child)))  # type: ignore[arg-type]
            walk_nested(child, kind)
        elif tag == "quote":
            if any(grand.tag in ("p", "list", "head") for grand in child):
                walk(child, "quote")
            else:
                blocks.append(Block("quote", _text(child)))
        elif tag == "list":
            for item in child.iter("item"):
                blocks.append(Block("list_item", _text(item)))
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                blocks.append(Block(kind, ", ".join(c for c in cells if c)))  # type: ignore[arg-type]
        else:
            walk(child, kind)

    def walk_nested(node: etree._Element, kind: str) -> None:
        for child in node:
            if child.tag in ("list", "quote", "table"):
                walk(_wrap(child), kind)

    walk(body, "paragraph")
    return [b for b in blocks if b.text]


def _wrap(element: etree._Element) -> etree._Element:
    """A copy of a nested block inside a bare parent, so the block walker can read it on its own."""
    wrapper = etree.Element("div")
    wrapper.append(copy.deepcopy(element))
    return wrapper


def _title(meta_title: str | None, tree: html.HtmlElement, site_name: str | None = None) -> str | None:
    if meta_title and meta_title.strip():
        title = " ".join(meta_title.split())
        return _without_site_suffix(title, tree, site_name)
    for h1 in tree.xpath("//h1"):
        text = " ".join(" ".join(h1.itertext()).split())
        if text:
            return text
    return None


def _without_site_suffix(title: str, tree: html.HtmlElement, site_name: str | None) -> str:
    """The title without the site's name glued on ("A Weekend Away — Wander Slowly").

    The page's own h1 says the title alone; failing that, a trailing separator and the
    site's name are cut. Otherwise the listener would hear the site's name in the title.
    """
    for h1 in tree.xpath("//body//h1"):
        text = " ".join(" ".join(h1.itertext()).split())
        if text and text != title and title.startswith(text) and _TITLE_SEPARATOR.fullmatch(title[len(text) :]):
            return text
        if text and text != title and title.endswith(text) and _TITLE_PREFIX.fullmatch(title[: -len(text)]):
            return text  # "Opinion | The title", "Site: The title": a section or site name before it
    if site_name:
        suffix = re.search(rf"\s+[—–|·:-]+\s+{re.escape(' '.join(site_name.split()))}$", title)
        if suffix and suffix.start() > 0:
            return title[: suffix.start()]
    return title


def _title_from_body(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """A page without any title: its first heading, or else its first sentence, stands in (read once)."""
    heading = next((b for b in blocks if b.kind == "heading"), None)
    if heading is not None:
        return heading.text, blocks
    if not blocks:
        return None, blocks
    sentences = split_sentences(blocks[0].text)
    if not sentences:
        return None, blocks
    rest = blocks[0].text[len(sentences[0]) :].strip()
    first = [Block(blocks[0].kind, rest, blocks[0].level)] if rest else []
    return sentences[0], first + blocks[1:]


def _body_blocks(tree: html.HtmlElement, url: str | None, rules: FurnitureRules, title: str = "") -> list[Block]:
    """Main content of the cleaned page as blocks (publisher's data-tts="only" regions win)."""
    marked = only_marked(tree)
    if marked:
        blocks: list[Block] = []
        for element in marked:
            strip_furniture(element, rules, title=title)
            blocks.extend(blocks_from_dom(element))
        return blocks
    strip_furniture(tree, rules, title=title)
    body = tree.find("body")
    if body is not None and count_words(" ".join(body.itertext())) < _SMALL_PAGE_WORDS:
        # A snippet or a tiny page: nothing to detect once the furniture is gone, and
        # trafilatura's fallback for small pages flattens headings into the text.
        return blocks_from_dom(body)
    _unlink_headings(tree)
    _unname_quotations(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        **_TRAFILATURA_MODES[TRAFILATURA_MODE],
    )
    if document is None or document.body is None:
        return []
    return _with_endnotes(blocks_from_xml(document.body), find_endnotes(tree))


def _unlink_headings(tree: html.HtmlElement) -> None:
    """Headings keep their words but lose their links before main-content detection.

    A linked section heading ("<h3><a>Product name</a></h3>") is all link, and trafilatura's
    precision mode drops it as a link list; links are never read, so nothing else changes.
    """
    for link in tree.xpath("//body//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]//a"):
        link.drop_tag()


def _unname_quotations(tree: html.HtmlElement) -> None:
    """Quotations and the wrappers that hold only them lose their class and id names.

    An embedded post ("twitter-tweet" inside "social-media-embed") is a quoted source the
    article cites; trafilatura discards it by those names. Its attribution line and media
    link are dropped later by wording (``reader.text.cleanup``).
    """
    for quote in tree.xpath("//body//blockquote"):
        words = _words_in(quote)
        node = quote
        for _ in range(_QUOTE_WRAPPER_LEVELS + 1):
            if node is None or node.tag in ("body", "article", "main") or _words_in(node) != words:
                break
            for name in ("class", "id"):
                node.attrib.pop(name, None)
            node = node.getparent()


def _words_in(element: html.HtmlElement) -> int:
    return len(" ".join(element.itertext()).split())


def _without_headline(blocks: list[Block], tree: html.HtmlElement, title: str) -> list[Block]:
    """The body without the page's h1 at its start when the title read is another headline.

    A page may set one headline in its metadata (the title read first) and another in its h1;
    the listener has heard the title, and the h1 on top of the body is not the article.
    """
    if not blocks or not title:
        return blocks
    first = normalize_for_compare(blocks[0].text)
    for h1 in tree.xpath("//body//h1")[:1]:
        if first and first == normalize_for_compare(" ".join(h1.itertext())):
            return blocks[1:]
    return blocks


def _with_endnotes(blocks: list[Block], notes: list[str]) -> list[Block]:
    """The body, then the notes under a "Notes" heading, so a listener hears where the notes begin.

    Main-content detection may have left the notes out, or kept them as a bare list at the end.
    """
    if not blocks or not notes:
        return blocks
    wanted = {normalize_for_compare(note) for note in notes}
    body = [b for b in blocks if normalize_for_compare(b.text) not in wanted]
    return [*body, Block("heading", "Notes", 2), *(Block("paragraph", note) for note in notes)]


def extract_html(
    markup: str,
    *,
    url: str | None = None,
    rules: FurnitureRules | None = None,
    source: str = "the page",
    limits: InputLimits | None = None,
) -> Article:
    """Read an HTML page (already decoded) into an Article. Pure: no network, no files.

    Raises ``InputError`` for a page past ``limits`` (see ``reader.text.input_limits``) before the costly steps.
    """
    rules = rules or default_rules()
    limits = limits or InputLimits()
    markup = drop_huge_inline(markup)
    check_markup(markup, source, limits)
    tree = parse_html(markup)
    check_tree(tree, source, limits)
    # The date only from what the page says is its date (meta tags, JSON-LD, <time>, a date stamp, the
    # URL), never from a year somewhere in the text: "rebuilt after the storms of 2019" or a "© 2022"
    # footer is not when the article was published, and a podcast episode would be filed under it.
    meta = extract_metadata(copy.deepcopy(tree), default_url=url, extensive=False)
    lang = page_lang(tree) or (meta.language or "").split("-")[0].lower()
    title = _title(meta.title, tree, meta.sitename)
    subtitle = find_standfirst(tree, title or "", rules)

    body_tree = copy.deepcopy(tree)
    strip_publisher_skips(body_tree)
    drop_title_kickers(body_tree, title or "")
    blocks = _body_blocks(body_tree, url, rules, title or "")
    if not title:
        title, blocks = _title_from_body(blocks)
    blocks = _without_headline(blocks, tree, title or "")
    blocks = clean_blocks(blocks, rules, title=title or "", subtitle=subtitle)
    if subtitle and rules.furniture_kind(subtitle):
        subtitle = None
    require_body(blocks, source)
    return Article(
        title=title or "Untitled article",
        blocks=tuple(blocks),
        subtitle=subtitle,
        byline=meta.author or None,
        site_name=meta.sitename or None,
        date=meta.date or None,
        lang=page_language(lang, " ".join(block.text for block in blocks[:30])) or "en",
        url=meta.url or url,
        image=meta.image or None,
        source_text=None,
    )
