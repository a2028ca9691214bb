"""HTML page → a tree holding only what may be read, before main-content detection.

Two kinds of rules run here, on the parsed page (lxml):

* the publisher's own markup, which always wins: ``data-tts="skip"``,
  ``aria-hidden="true"``, ``hidden`` and class ``no-tts`` are never read, and
  when any element is marked ``data-tts="only"`` only those are read;
* page furniture by structure: tags, ARIA roles and class/id names that mark
  navigation, share bars, comment forms, cookie banners, ads and the like
  (rule data in ``reader/data/furniture.toml``). An element holding a large
  share of the page's text is kept whatever its name says: that is the article.
"""

from __future__ import annotations

import copy
import logging
import re

from lxml import etree, html

from reader.article import Block
from reader.text.furniture import FurnitureRules, count_words

__all__ = [
    "blocks_from_dom",
    "find_endnotes",
    "find_standfirst",
    "only_marked",
    "page_lang",
    "parse_html",
    "strip_furniture",
]

log = logging.getLogger(__name__)

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_XPATH = (
    "//*[@data-tts='skip' or @aria-hidden='true' or @hidden"
    " or contains(concat(' ', normalize-space(@class), ' '), ' no-tts ')]"
)
_STANDFIRST_TOKENS = frozenset(
    {"standfirst", "subtitle", "subheadline", "subhead", "dek", "deck", "strapline", "excerpt", "lede", "summary"}
    | {"entradilla", "vorspann", "chapo", "chapeau"}  # the same in Spanish, German and French themes
)
# Names that mean the standfirst only beside the title's own h1 (a blog's header h1 has a site description).
_TITLE_BOUND_STANDFIRST_TOKENS = frozenset({"description", "intro", "teaser"})
_FOOTNOTE_REF = re.compile(r"^\[?(\d{1,3}|[*†‡§]+|[a-z])\]?$")
_MAX_NAME_LENGTH = 200
_MAX_HIDDEN_UI_WORDS = 40  # longer attribute values are data (JSON, URLs), not names
_STANDFIRST_SCOPE_LEVELS = 3  # how far above the h1 a standfirst may sit (header, article header)
_BODY_PARAGRAPH_WORDS = 40
_MAX_CAPTION_WORDS = 20
_CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_OPENING_QUOTE = re.compile(r"^[\"“”‘'«»„‚「『]")
_CAPTION_STYLE_TAGS = frozenset({"i", "em", "small", "cite"})
_KICKER_LEVELS = 2
_DEK_LEVELS = 2
_DEK_WORDS = (6, 60)
_KICKER_WORDS = 6
_KICKER_HEADER_WORDS = 150  # a header block, not the article itself
_KICKER_STOP = frozenset({"body", "main", "article", "html"})
_NOTES_PREFILTER = (
    ".//*[contains(translate(@class, 'NOTES', 'notes'), 'notes')"
    " or contains(translate(@id, 'NOTES', 'notes'), 'notes')]"
)
_NOTES_TOKENS = frozenset({"footnotes", "endnotes"})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BACKLINK = re.compile(r"^(?:[↩↑^⏎]\ufe0e?|back( to (text|content))?|return to text)?$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"[^a-z0-9]+")
_LANG = re.compile(r"^[a-z]{2,3}$")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_ALWAYS_DROP = frozenset({"img", "figcaption", "button", "input", "select", "textarea", "audio", "video", "iframe"})
_MIN_PARAGRAPH_WORDS = 50
_QUOTATION_WORDS = 5
_QUOTATION_SHARE = 0.6
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot"})
_INLINE_TAGS = frozenset(
    {"a", "span", "em", "strong", "b", "i", "u", "mark", "abbr", "cite", "time", "small", "q", "font", "code"}
)
_WORD = re.compile(r"\w")
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "ul", "ol", "li", "blockquote", "table", "tr", "header", "footer"}
    | set(_HEADINGS)
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


def _drop(element: html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()  # keeps the element's tail text, which belongs to its parent


def _text_len(element: html.HtmlElement) -> int:
    return count_words(" ".join(element.itertext()))


def _paragraph_words(element: html.HtmlElement) -> int:
    """Words in the paragraphs and quotes inside ``element``: prose, not menus or link lists."""
    return sum(_text_len(p) for p in element.iter("p", "blockquote", "pre"))


def strip_publisher_skips(tree: html.HtmlElement) -> None:
    """Remove what the publisher marked as never to be read, and short bits a browser hides."""
    for element in tree.xpath(_SKIP_XPATH):
        _drop(element)
    for element in tree.xpath("//*[@style]"):
        # Short hidden bits are UI ("Cancel reply", labels); a long one is collapsed article
        # text that a script reveals ("Read more"), which a listener wants.
        if _HIDDEN_STYLE.search(element.get("style", "")) and _text_len(element) <= _MAX_HIDDEN_UI_WORDS:
            _drop(element)


def only_marked(tree: html.HtmlElement) -> list[html.HtmlElement]:
    """The outermost elements marked ``data-tts="only"``, in document order (empty when none are)."""
    marked = tree.xpath("//*[@data-tts='only']")
    return [el for el in marked if not any(a.get("data-tts") == "only" for a in el.iterancestors())]


def _is_furniture(element: html.HtmlElement, rules: FurnitureRules) -> bool:
    if element.tag in rules.drop_tags:
        return True
    role = (element.get("role") or "").strip().lower()
    if role and role in rules.drop_roles:
        return True
    return any(
        rules.is_furniture_name(value)
        for attr, value in element.attrib.items()
        if rules.name_attributes.match(attr) and len(value) < _MAX_NAME_LENGTH
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
        _drop(element)
    for element in root.xpath(".//sup[a]|.//a[@role='doc-noteref']"):
        if _FOOTNOTE_REF.match(" ".join(element.itertext()).strip()):
            _drop(element)  # a note marker ("[3]", "12", "*") links elsewhere and is not read
    _drop_visual_captions(root)
    total = max(_text_len(root), 1)
    # Pages built without paragraphs (text in divs and line breaks) are measured by all their words.
    paragraphs = _paragraph_words(root)
    paragraphs = paragraphs if paragraphs >= _MIN_PARAGRAPH_WORDS else float("inf")
    h1, _ = _title_heading(tree, title)
    spared = set(h1.iterancestors()) | {h1} if h1 is not None else set()
    stack = list(reversed(root))
    while stack:
        element = stack.pop()
        if not isinstance(element, html.HtmlElement):
            continue  # comments and processing instructions
        if element.tag in _ALWAYS_DROP and _is_furniture(element, rules):
            _drop(element)
            continue
        if (
            _is_furniture(element, rules)
            and element not in spared
            and element.tag not in _TABLE_PARTS
            and not _inside_sentence(element)
            and not _holds_quotation(element)
            and _text_len(element) / total < rules.keep_share
            and _paragraph_words(element) / paragraphs < rules.keep_share
        ):
            _drop(element)
            continue
        stack.extend(reversed(element))


def _holds_quotation(element: html.HtmlElement) -> bool:
    """A box that is mostly a quotation ("social-media-embed" around an embedded post): a quoted source."""
    quoted = sum(_text_len(q) for q in element.iter("blockquote"))
    return quoted >= _QUOTATION_WORDS and quoted >= _QUOTATION_SHARE * _text_len(element)


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
    if not isinstance(element.tag, str) or element.tag in _HEADINGS or _text_len(element) > _MAX_CAPTION_WORDS:
        return False
    if not _text_len(element) or element.xpath(".//p|.//li|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        return False
    if _OPENING_QUOTE.match(_words(element)):
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
            _drop(following)


def _note_containers(root: html.HtmlElement) -> list[html.HtmlElement]:
    marked = root.xpath(".//*[@role='doc-endnotes' or @role='doc-footnotes']")
    if not marked:
        marked = [
            el
            for el in root.xpath(_NOTES_PREFILTER)
            if isinstance(el.tag, str)
            and _NOTES_TOKENS
            & set(_NAME_SPLIT.split(_CAMEL.sub("-", el.get("class", "") + " " + el.get("id", "")).lower()))
        ]
    return [el for el in marked if not any(a in marked for a in el.iterancestors())]


def find_endnotes(root: html.HtmlElement) -> list[str]:
    """The texts of the article's footnotes or endnotes, each without its back-link ("↩").

    Notes are the author's words, set apart at the end (Markdown, Pandoc, Hugo, Jekyll and
    magazine themes mark them ``role="doc-endnotes"`` or name them "footnotes"); main-content
    detection often leaves them out, so they are found here and read after the body.
    """
    notes: list[str] = []
    for container in _note_containers(root):
        for item in container.xpath(".//li") or container.xpath(".//p"):
            item = copy.deepcopy(item)
            for link in item.xpath(".//a"):
                if link.get("role") == "doc-backlink" or _BACKLINK.match(" ".join(link.itertext()).strip()):
                    _drop(link)
            text = _words(item)
            if len(text.split()) >= 2:
                notes.append(text)
    return notes


def _tokens(element: html.HtmlElement) -> set[str]:
    names = " ".join(
        value
        for attr, value in element.attrib.items()
        if attr in ("class", "id", "itemprop") or (attr.startswith("data-") and len(value) < _MAX_NAME_LENGTH)
    )
    return set(_NAME_SPLIT.split(names.lower())) - {""}


def _title_heading(tree: html.HtmlElement, title: str) -> tuple[html.HtmlElement | None, bool]:
    """The h1 that carries the title (or the first h1), and whether it says the title."""
    headings = tree.xpath("//body//h1")
    wanted = " ".join(title.split()).casefold()
    for h1 in headings:
        if " ".join(" ".join(h1.itertext()).split()).casefold() == wanted:
            return h1, True
    return (headings[0] if headings else None), False


def _words(element: html.HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())


def drop_title_kickers(tree: html.HtmlElement, title: str) -> None:
    """Drop the short labels set above the title in its header: a section kicker, a rubric, a flag.

    "Food", "Features", "Editors' Pick", "Supported by": a few words placed before the h1
    that says the title, in the same header block, never read as part of the article.
    """
    h1, exact = _title_heading(tree, title)
    node = h1 if exact else None
    for _ in range(_KICKER_LEVELS):
        if node is None or node.tag in _KICKER_STOP:
            return
        for sibling in list(node.itersiblings(preceding=True)):
            if isinstance(sibling.tag, str) and 0 < _text_len(sibling) <= _KICKER_WORDS:
                _drop(sibling)
        parent = node.getparent()
        if parent is None or _text_len(parent) > _KICKER_HEADER_WORDS:
            return
        node = parent


def find_standfirst(tree: html.HtmlElement, title: str, rules: FurnitureRules | None = None) -> str | None:
    """The page's standfirst (subtitle, dek) when it has one, between the title and the body.

    It is an element named so (class/id such as "standfirst", "subtitle", "dek",
    "excerpt", or itemprop="alternativeHeadline"), or the lead paragraph right under
    the h1 in its header. Only elements after the title's h1 and before the first
    long paragraph count: a "summary" box in the body or an excerpt in a list of
    related posts is not the standfirst.
    """
    h1, exact = _title_heading(tree, title)
    names = _STANDFIRST_TOKENS | (_TITLE_BOUND_STANDFIRST_TOKENS if exact else frozenset())
    if h1 is None:
        return None
    scope = h1
    for _ in range(_STANDFIRST_SCOPE_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag == "body":
            break
        scope = parent
    seen_title = False
    for element in scope.iter():
        if element is h1:
            seen_title = True
            continue
        if not seen_title or not isinstance(element.tag, str) or h1 in element.iterancestors():
            continue
        named = _tokens(element) & names or element.get("itemprop") == "alternativeHeadline"
        if named and element.tag in ("p", "h2", "h3", "div", "span") and not _in_furniture(element, scope, rules):
            text = _words(element)
            if 5 <= len(text.split()) <= 80 and text != title:
                return text
        if element.tag == "p" and len(_words(element).split()) >= _BODY_PARAGRAPH_WORDS:
            break  # the body has begun
    dek = _heading_dek(h1)
    if dek is not None:
        return dek
    header = next((a for a in h1.iterancestors() if a.tag == "header"), None)
    if header is not None:
        for sibling in h1.itersiblings():
            if sibling.tag in ("p", "h2") and 8 <= len(_words(sibling).split()) <= 80:
                return _words(sibling)
    return None


def _in_furniture(element: html.HtmlElement, scope: html.HtmlElement, rules: FurnitureRules | None) -> bool:
    """Whether ``element`` sits in furniture below ``scope`` (a promo box's "summary" is no standfirst)."""
    if rules is None:
        return False
    for ancestor in element.iterancestors():
        if ancestor is scope:
            return False
        if _is_furniture(ancestor, rules):
            return True
    return False


def _heading_dek(h1: html.HtmlElement) -> str | None:
    """A dek set as an unnamed h2 right after the title's h1 (or after the block that holds it).

    A sentence-long h2 straight under the title is its standfirst, not a section heading:
    section headings come after some body text and are a few words long.
    """
    node = h1
    for _ in range(_DEK_LEVELS):
        following = next((s for s in node.itersiblings() if isinstance(s.tag, str) and _text_len(s)), None)
        if following is not None:
            text = _words(following)
            if following.tag == "h2" and _DEK_WORDS[0] <= len(text.split()) <= _DEK_WORDS[1]:
                return text
            return None
        node = node.getparent()
        if node is None or node.tag in _KICKER_STOP:
            return None
    return None


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
    if tag in _HEADINGS:
        text = " ".join(" ".join(element.itertext()).split())
        return [Block("heading", text, _HEADINGS[tag])] if text else []
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
