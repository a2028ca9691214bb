"""The data model every stage passes on: an article as a listener will hear it.

Values are frozen so that a stage can never change what an earlier one produced;
operations return new values (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from reader.safe_text import clean_fields

BlockKind = Literal["heading", "paragraph", "quote", "list_item"]
BLOCK_KINDS: tuple[str, ...] = ("heading", "paragraph", "quote", "list_item")


@dataclass(frozen=True)
class Block:
    """One unit of the article's body, in reading order."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level (1-6) for headings, 0 otherwise

    def __post_init__(self) -> None:
        clean_fields(self)  # characters XML cannot hold never enter the model (reader.safe_text)


@dataclass(frozen=True)
class Article:
    """An extracted article: metadata plus body blocks.

    The title (and subtitle, when the page has a standfirst) are fields, not
    blocks, so that the script speaks each exactly once, first.
    """

    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
    byline: str | None = None
    site_name: str | None = None
    date: str | None = None  # ISO 8601 date, as published
    lang: str = "en"
    url: str | None = None  # canonical URL when known: display metadata (http(s) only, see reader.text.sources)
    image: str | None = None  # lead image URL when the page has one
    source_text: str | None = field(default=None, repr=False, compare=False)
    # The URL that decides the article's id: set only when the page was fetched from it (or its
    # publisher vouched for it); None for pasted content, which is identified by its content.
    identity_url: str | None = None

    def __post_init__(self) -> None:
        clean_fields(self)  # characters XML cannot hold never enter the model (reader.safe_text)


def article_to_dict(article: Article, *, source_text: bool = True) -> dict[str, Any]:
    """The article as JSON values (blocks as ``[kind, text, level]``), for what crosses a process or a
    restart: the job queue's payload (without ``source_text``, which may be large) and the extract cache."""
    data = {f.name: getattr(article, f.name) for f in fields(article)}
    data["blocks"] = [[block.kind, block.text, block.level] for block in article.blocks]
    if not source_text:
        del data["source_text"]
    return data


def article_from_dict(data: Any) -> Article:
    """The article ``article_to_dict`` wrote; any other shape (a torn or edited file) raises ValueError,
    TypeError or KeyError."""
    values = dict(data)
    blocks = tuple(Block(kind, text, level) for kind, text, level in values.pop("blocks"))
    if any(block.kind not in BLOCK_KINDS for block in blocks):
        raise ValueError("bad block kind")
    names = {f.name for f in fields(Article)} - {"blocks"}
    if not names - {"source_text"} <= set(values) <= names or not isinstance(values["title"], str):
        raise ValueError("fields differ")
    for block in blocks:
        if not (isinstance(block.text, str) and isinstance(block.level, int)):
            raise ValueError("bad block")
    return Article(blocks=blocks, **values)
