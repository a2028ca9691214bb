"""The title's surroundings: the standfirst (dek) to read after the title, and the kickers above it to leave out."""

from __future__ import annotations

from lxml import html

from reader.text.furniture import FurnitureRules
from reader.text.htmlfurniture import is_furniture
from reader.text.htmlnodes import drop, flat_text, name_tokens, title_heading, word_count

__all__ = ["drop_title_kickers", "find_standfirst"]

_STANDFIRST_TOKENS = frozenset(
    {"standfirst", "subtitle", "subheadline", "subhead", "dek", "deck", "strapline", "excerpt", "lede", "summary"}
    | {"entradilla", "vorspann", "chapo", "chapeau"}  # the same in Spanish, German and French themes
)
# Names that mean the standfirst only beside the title's own h1 (a blog's header h1 has a site description).
_TITLE_BOUND_STANDFIRST_TOKENS = frozenset({"description", "intro", "teaser"})
_STANDFIRST_SCOPE_LEVELS = 3  # how far above the h1 a standfirst may sit (header, article header)
_BODY_PARAGRAPH_WORDS = 40
_KICKER_LEVELS = 2
_DEK_LEVELS = 2
_DEK_WORDS = (6, 60)
_KICKER_WORDS = 6
_KICKER_HEADER_WORDS = 150  # a header block, not the article itself
_KICKER_STOP = frozenset({"body", "main", "article", "html"})


def drop_title_kickers(tree: html.HtmlElement, title: str) -> None:
    """Drop the short labels set above the title in its header: a section kicker, a rubric, a flag.

    "Food", "Features", "Editors' Pick", "Supported by": a few words placed before the h1
    that says the title, in the same header block, never read as part of the article.
    """
    h1, exact = title_heading(tree, title)
    node = h1 if exact else None
    for _ in range(_KICKER_LEVELS):
        if node is None or node.tag in _KICKER_STOP:
            return
        for sibling in list(node.itersiblings(preceding=True)):
            if isinstance(sibling.tag, str) and 0 < word_count(sibling) <= _KICKER_WORDS:
                drop(sibling)
        parent = node.getparent()
        if parent is None or word_count(parent) > _KICKER_HEADER_WORDS:
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
    h1, exact = title_heading(tree, title)
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
        named = name_tokens(element) & names or element.get("itemprop") == "alternativeHeadline"
        if named and element.tag in ("p", "h2", "h3", "div", "span") and not _in_furniture(element, scope, rules):
            text = flat_text(element)
            if 5 <= len(text.split()) <= 80 and text != title:
                return text
        if element.tag == "p" and len(flat_text(element).split()) >= _BODY_PARAGRAPH_WORDS:
            break  # the body has begun
    dek = _heading_dek(h1)
    if dek is not None:
        return dek
    header = next((a for a in h1.iterancestors() if a.tag == "header"), None)
    if header is not None:
        for sibling in h1.itersiblings():
            if sibling.tag in ("p", "h2") and 8 <= len(flat_text(sibling).split()) <= 80:
                return flat_text(sibling)
    return None


def _in_furniture(element: html.HtmlElement, scope: html.HtmlElement, rules: FurnitureRules | None) -> bool:
    """Whether ``element`` sits in furniture below ``scope`` (a promo box's "summary" is no standfirst)."""
    if rules is None:
        return False
    for ancestor in element.iterancestors():
        if ancestor is scope:
            return False
        if is_furniture(ancestor, rules):
            return True
    return False


def _heading_dek(h1: html.HtmlElement) -> str | None:
    """A dek set as an unnamed h2 right after the title's h1 (or after the block that holds it).

    A sentence-long h2 straight under the title is its standfirst, not a section heading:
    section headings come after some body text and are a few words long.
    """
    node = h1
    for _ in range(_DEK_LEVELS):
        following = next((s for s in node.itersiblings() if isinstance(s.tag, str) and word_count(s)), None)
        if following is not None:
            text = flat_text(following)
            if following.tag == "h2" and _DEK_WORDS[0] <= len(text.split()) <= _DEK_WORDS[1]:
                return text
            return None
        node = node.getparent()
        if node is None or node.tag in _KICKER_STOP:
            return None
    return None
