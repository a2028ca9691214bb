"""Source (URL, HTML, text, Markdown, stdin bytes) → Article: what a listener should hear.

``extract`` is the one entry point: it reads the source (``reader.sources``,
the only part that touches files or the network, through ``reader.fetch``),
then hands the decoded text to the pure extractor for its kind:
``extract_html`` (trafilatura plus the listener's cleanup), ``extract_text``
or ``extract_markdown``. Callers that already hold text call those directly.
"""

from __future__ import annotations

import logging
import os

from reader.article import Article
from reader.errors import ExtractError, ReaderError
from reader.extract_html import extract_html
from reader.extract_markdown import extract_markdown
from reader.extract_text import extract_text
from reader.furniture import FurnitureRules
from reader.input_limits import InputLimits, check_article, check_plain
from reader.sources import Document, load_source

__all__ = ["extract", "extract_document", "extract_html", "extract_markdown", "extract_text"]

log = logging.getLogger(__name__)


def extract_document(
    document: Document, *, rules: FurnitureRules | None = None, limits: InputLimits | None = None
) -> Article:
    """A decoded document → Article, by its kind. Pure. Past ``limits`` (``reader.input_limits``): InputError."""
    limits = limits or InputLimits()
    try:
        if document.kind == "html":
            article = extract_html(document.text, url=document.url, rules=rules, source=document.name, limits=limits)
        else:
            check_plain(document.text, document.name, limits, markdown=document.kind == "markdown")
            if document.kind == "markdown":
                article = extract_markdown(document.text, rules=rules, source=document.name)
            else:
                article = extract_text(document.text, rules=rules, source=document.name)
        check_article(article.blocks, document.name, limits)
        return article
    except ReaderError:
        raise
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        # Third-party parsers fail in their own ways on hostile markup; the user gets one clean error.
        log.debug("extractor failed on %s", document.name, exc_info=True)
        raise ExtractError(f"could not read an article from {document.name}: {error}") from error


def extract(
    source: str | bytes | os.PathLike[str],
    *,
    policy: object | None = None,
    rules: FurnitureRules | None = None,
    limits: InputLimits | None = None,
) -> Article:
    """Read ``source`` and return the article it holds.

    ``source`` is a URL (http/https, fetched safely: see ``reader.fetch``), a path, HTML,
    Markdown or plain text as a string, or bytes (stdin). ``policy`` is a ``FetchPolicy``
    for URLs; ``rules`` replaces the bundled furniture rules; ``limits`` the size caps
    (default: ``InputLimits.from_env()``, see ``reader.input_limits``).
    """
    limits = limits or InputLimits.from_env()
    return extract_document(load_source(source, policy=policy), rules=rules, limits=limits)
