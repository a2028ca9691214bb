"""Footnotes and endnotes: the author's words set apart at the end, read after the body."""

from __future__ import annotations

import copy
import re

from lxml import html

from reader.text.htmlnodes import NAME_SPLIT, drop, flat_text

__all__ = ["find_endnotes"]

_NOTES_PREFILTER = (
    ".//*[contains(translate(@class, 'NOTES', 'notes'), 'notes')"
    " or contains(translate(@id, 'NOTES', 'notes'), 'notes')]"
)
_NOTES_TOKENS = frozenset({"footnotes", "endnotes"})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BACKLINK = re.compile(r"^(?:[↩↑^⏎]\ufe0e?|back( to (text|content))?|return to text)?$", re.IGNORECASE)


def _note_containers(root: html.HtmlElement) -> list[html.HtmlElement]:
    marked = root.xpath(".//*[@role='doc-endnotes' or @role='doc-footnotes']")
    if not marked:
        marked = [
            el
            for el in root.xpath(_NOTES_PREFILTER)
            if isinstance(el.tag, str)
            and _NOTES_TOKENS
            & set(NAME_SPLIT.split(_CAMEL.sub("-", el.get("class", "") + " " + el.get("id", "")).lower()))
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
                    drop(link)
            text = flat_text(item)
            if len(text.split()) >= 2:
                notes.append(text)
    return notes
