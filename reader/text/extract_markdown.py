"""Markdown → Article, with the same furniture rules as HTML and text.

Parsed with markdown-it (CommonMark): the first level-1 heading (or front
matter ``title:``) is the title; headings, paragraphs, block quotes and list
items become blocks; images, code blocks and raw HTML are not read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from reader.article import Article, Block
from reader.text.cleanup import clean_blocks, cut_tail, require_body
from reader.text.furniture import FurnitureRules, default_rules, normalize_for_compare
from reader.text.htmldom import blocks_from_dom, parse_html, strip_publisher_skips
from reader.text.htmlfurniture import strip_furniture
from reader.text.markdown_cues import FRONT_MATTER, looks_like_markdown

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["extract_markdown", "looks_like_markdown"]

_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_HEADER_PROSE_WORDS = 20


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """markdown-it, loaded with the first Markdown page: an HTML page or a command's start does not need it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields = {}
    for line in match.group(1).splitlines():
        field = _FRONT_FIELD.match(line)
        if field:
            fields[field.group(1).lower()] = field.group(2).strip().strip("\"'")
    return fields, text[match.end() :]


def _inline(token: Token) -> str:
    """The readable text of an inline token: links keep their words, images and raw HTML go."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)  # images and raw inline HTML are not read
    return " ".join("".join(parts).split())


def _html_block(markup: str, rules: FurnitureRules) -> list[Block]:
    tree = parse_html(markup)
    strip_publisher_skips(tree)
    strip_furniture(tree, rules)
    body = tree.find("body")
    return blocks_from_dom(body) if body is not None else []


def _blocks(tokens: list[Token], rules: FurnitureRules) -> tuple[str | None, list[Block]]:
    title: str | None = None
    blocks: list[Block] = []
    context: list[str] = []  # enclosing blockquote / list_item
    heading_level = 0
    for token in tokens:
        if token.type in ("blockquote_open", "list_item_open"):
            context.append(token.type)
        elif token.type in ("blockquote_close", "list_item_close"):
            context.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "inline":
            text = _inline(token)
            if not text:
                continue
            if heading_level:
                if heading_level == 1 and title is None and not blocks:
                    title = text
                else:
                    blocks.append(Block("heading", text, heading_level))
            elif "list_item_open" in context[-1:]:
                blocks.append(Block("list_item", text))
            elif "blockquote_open" in context:
                blocks.append(Block("quote", text))
            else:
                blocks.append(Block("paragraph", text))
        elif token.type == "html_block":
            blocks.extend(_html_block(token.content, rules))
    return title, blocks


def _after_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """Drop a page header exported above the title's own heading (a section label, a paywall line).

    Only when the title is also a level-1 heading in the body and nothing before it reads as prose.
    """
    wanted = normalize_for_compare(title)
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.level == 1 and normalize_for_compare(block.text) == wanted:
            if any(len(b.text.split()) >= _HEADER_PROSE_WORDS for b in blocks[:index]):
                return blocks
            return blocks[index:]
    return blocks


def extract_markdown(text: str, *, rules: FurnitureRules | None = None, source: str = "the text") -> Article:
    """Read Markdown into an Article. Pure: no network, no files."""
    rules = rules or default_rules()
    fields, body = _front_matter(text.replace("\r\n", "\n"))
    md_title, blocks = _blocks(_parser().parse(body), rules)
    title = fields.get("title") or md_title
    if title is None:
        first = next((b for b in blocks if b.kind == "heading"), blocks[0] if blocks else None)
        if first is not None and len(first.text.split()) <= 30:
            title = first.text
            blocks.remove(first)
    subtitle = fields.get("subtitle") or None
    blocks = _after_title_heading(blocks, title or "")
    blocks = cut_tail(blocks, rules)
    blocks = clean_blocks(blocks, rules, title=title or "", subtitle=subtitle)
    require_body(blocks, source)
    lang = (fields.get("lang") or fields.get("language") or "en").split("-")[0].lower()
    return Article(
        title=title or "Untitled article",
        blocks=tuple(blocks),
        subtitle=subtitle,
        byline=fields.get("author") or None,
        site_name=fields.get("site") or fields.get("site_name") or None,
        date=fields.get("date") or None,
        lang=lang or "en",
        url=fields.get("canonical_url") or fields.get("url") or None,
        image=fields.get("image") or None,
        source_text=text,
    )
