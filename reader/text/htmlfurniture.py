"""Page furniture removed by structure: tags, ARIA roles and class/id names.

Navigation, share bars, comment forms, cookie banners, ads and the like are named by
the rule data in ``reader/data/furniture.toml``. A furniture name inside a long class
list must not take the article with it, so what plainly is the article is spared
(see ``strip_furniture``). Captions made only by looks (a centred or italic line under
an image) are dropped here too.
"""

from __future__ import annotations

import re

from lxml import html

from reader.text.furniture import FurnitureRules
from reader.text.htmlnodes import HEADINGS, MAX_NAME_LENGTH, drop, flat_text, paragraph_words, title_heading, word_count

__all__ = ["is_furniture", "strip_furniture"]

_FOOTNOTE_REF = re.compile(r"^\[?(\d{1,3}|[*†‡§]+|[a-z])\]?$")
_MAX_CAPTION_WORDS = 20
_CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_OPENING_QUOTE = re.compile(r"^[\"“”‘'«»„‚「『]")
_CAPTION_STYLE_TAGS = frozenset({"i", "em", "small", "cite"})
_ALWAYS_DROP = frozenset({"img", "figcaption", "button", "input", "select", "textarea", "audio", "video", "iframe"})
_MIN_PARAGRAPH_WORDS = 50
_QUOTATION_WORDS = 5
_QUOTATION_SHARE = 0.6
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot"})
_INLINE_TAGS = frozenset(
    {"a", "span", "em", "strong", "b", "i", "u", "mark", "abbr", "cite", "time", "small", "q", "font", "code"}
)
_WORD = re.compile(r"\w")


def is_furniture(element: html.HtmlElement, rules: FurnitureRules) -> bool:
    """Whether the element's tag, role or a class/id-like name marks it as furniture."""
    if element.tag in rules.drop_tags:
        return True
    role = (element.get("role") or "").strip().lower()
    if role and role in rules.drop_roles:
        return True
    return any(
        rules.is_furniture_name(value)
        for attr, value in element.attrib.items()
        if rules.name_attributes.match(attr) and len(value) < MAX_NAME_LENGTH
    )


def strip_furniture(tree: html.HtmlElement, rules: FurnitureRules, *, title: str = "") -> None:
    """Remove page furniture by structure, sparing what is plainly the article.

    A furniture name inside a long class list ("layout-with-sidebar", "tag-holiday-deals")
    must not take the article with it, so the structural rules never remove: an element
    holding a large share of the page's paragraph words (or of all its words, on pages built
    without paragraphs), the ancestors of the title's h1, the rows and cells of a table, or an
    inline element with text on both sides in its paragraph (it is part of a sentence).
    """
    body = tree.find("body")
    root = body if body is not None else tree
    for element in root.xpath(".//script|.//style|.//noscript|.//template|.//svg"):
        drop(element)
    for element in root.xpath(".//sup[a]|.//a[@role='doc-noteref']"):
        if _FOOTNOTE_REF.match(" ".join(element.itertext()).strip()):
            drop(element)  # a note marker ("[3]", "12", "*") links elsewhere and is not read
    _drop_visual_captions(root)
    total = max(word_count(root), 1)
    # Pages built without paragraphs (text in divs and line breaks) are measured by all their words.
    paragraphs = paragraph_words(root)
    paragraphs = paragraphs if paragraphs >= _MIN_PARAGRAPH_WORDS else float("inf")
    h1, _ = title_heading(tree, title)
    spared = set(h1.iterancestors()) | {h1} if h1 is not None else set()
    stack = list(reversed(root))
    while stack:
        element = stack.pop()
        if not isinstance(element, html.HtmlElement):
            continue  # comments and processing instructions
        if element.tag in _ALWAYS_DROP and is_furniture(element, rules):
            drop(element)
            continue
        if (
            is_furniture(element, rules)
            and element not in spared
            and element.tag not in _TABLE_PARTS
            and not _inside_sentence(element)
            and not _holds_quotation(element)
            and word_count(element) / total < rules.keep_share
            and paragraph_words(element) / paragraphs < rules.keep_share
        ):
            drop(element)
            continue
        stack.extend(reversed(element))


def _holds_quotation(element: html.HtmlElement) -> bool:
    """A box that is mostly a quotation ("social-media-embed" around an embedded post): a quoted source."""
    quoted = sum(word_count(q) for q in element.iter("blockquote"))
    return quoted >= _QUOTATION_WORDS and quoted >= _QUOTATION_SHARE * word_count(element)


def _inside_sentence(element: html.HtmlElement) -> bool:
    """An inline element with words before and after it in its parent: part of the sentence."""
    parent = element.getparent()
    if element.tag not in _INLINE_TAGS or parent is None:
        return False
    after = (element.tail or "") + "".join(" ".join(s.itertext()) + (s.tail or "") for s in element.itersiblings())
    if not _WORD.search(after):
        return False
    before = (parent.text or "") + "".join(
        " ".join(s.itertext()) + (s.tail or "") for s in element.itersiblings(preceding=True)
    )
    return bool(_WORD.search(before))


def _is_image_only(element: html.HtmlElement) -> bool:
    return element.tag in ("img", "picture") or (
        bool(element.xpath(".//img|.//picture")) and not "".join(element.itertext()).strip()
    )


def _looks_like_caption(element: html.HtmlElement) -> bool:
    """A short line styled as a caption: centred, or all in italics or small type, with no sentence after it."""
    if not isinstance(element.tag, str) or element.tag in HEADINGS or word_count(element) > _MAX_CAPTION_WORDS:
        return False
    if not word_count(element) or element.xpath(".//p|.//li|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        return False
    if _OPENING_QUOTE.match(flat_text(element)):
        return False  # a quotation set in italics is the article's words, not a caption
    if _CENTRED_STYLE.search(element.get("style", "")) or element.get("align", "").lower() == "center":
        return True
    children = [c for c in element if isinstance(c.tag, str)]
    loose = (element.text or "").strip() or any((c.tail or "").strip() for c in children)
    return len(children) == 1 and children[0].tag in _CAPTION_STYLE_TAGS and not loose


def _drop_visual_captions(root: html.HtmlElement) -> None:
    """Drop a caption made only by looks: the short centred or italic line right under an image.

    Blog editors (Blogger, older WordPress, hand-written pages) put an image in its own
    block and its caption in the next one, with no figure or caption markup to name it.
    """
    for holder in root.xpath(".//*[.//img or self::img]"):
        if not _is_image_only(holder) or (holder.tail or "").strip():
            continue
        following = holder.getnext()
        if following is not None and _looks_like_caption(following):
            drop(following)
