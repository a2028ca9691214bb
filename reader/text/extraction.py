"""Source (URL, HTML, text, Markdown, stdin bytes) → Article: what a listener should hear.

``extract`` is the one entry point: it reads the source (``reader.text.sources``,
the only part that touches files or the network, through ``reader.text.fetch``),
then hands the decoded text to the pure extractor for its kind:
``extract_html`` (trafilatura plus the listener's cleanup), ``extract_text``
or ``extract_markdown``. Callers that already hold text call those directly.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from urllib.parse import urlsplit

from reader.article import Article
from reader.errors import ExtractError, ReaderError
from reader.lazy import lazy_door
from reader.text.furniture import FurnitureRules
from reader.text.input_limits import InputLimits, check_article, check_plain
from reader.text.sources import Document, load_source, safe_link

__all__ = ["extract", "extract_document"]  # and, loaded on first use, extract_html, extract_markdown, extract_text

log = logging.getLogger(__name__)

# The extractors load with the first document of their kind: an article found in the extract cache
# (reader.text.extract_cache) never imports trafilatura or lxml.
__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.text.extract_html": ("extract_html",),
        "reader.text.extract_markdown": ("extract_markdown",),
        "reader.text.extract_text": ("extract_text",),
    },
)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _with_links(article: Article, document: Document, trust_claimed_url: bool) -> Article:
    """The article's URL is metadata: kept only as an http(s) address of sane length. Its identity URL
    is the address the page was fetched from -- or the canonical link the page names when that is on
    the same site (so ``?utm=`` variants of a story share one id, as before) -- and, for content
    whose publisher vouches for it (``trust_claimed_url``), the URL it claims. Otherwise None: the
    article is identified by its content, whatever URL it claims."""
    url = safe_link(article.url)
    identity = None
    if document.url:  # fetched by us from document.url (after redirects)
        identity = url if url and _host(url) == _host(document.url) else document.url
    elif trust_claimed_url:
        identity = url
    if url == article.url and identity == article.identity_url:
        return article
    return dataclasses.replace(article, url=url, identity_url=identity)


def extract_document(
    document: Document,
    *,
    rules: FurnitureRules | None = None,
    limits: InputLimits | None = None,
    trust_claimed_url: bool = False,
) -> Article:
    """A decoded document → Article, by its kind. Pure. Past ``limits`` (``reader.text.input_limits``): InputError.

    ``trust_claimed_url``: let a URL the content claims (canonical link, front-matter ``url:``)
    decide the article's id; only for content whose publisher vouches for it (see ``_with_links``).
    """
    limits = limits or InputLimits()
    try:
        if document.kind == "html":
            from reader.text.extract_html import extract_html

            article = extract_html(document.text, url=document.url, rules=rules, source=document.name, limits=limits)
        else:
            check_plain(document.text, document.name, limits, markdown=document.kind == "markdown")
            if document.kind == "markdown":
                from reader.text.extract_markdown import extract_markdown

                article = extract_markdown(document.text, rules=rules, source=document.name)
            else:
                from reader.text.extract_text import extract_text

                article = extract_text(document.text, rules=rules, source=document.name)
        check_article(article.blocks, document.name, limits)
        return _with_links(article, document, trust_claimed_url)
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
    allow_paths: bool = False,
    trust_claimed_url: bool = False,
    cache: bool = False,
) -> Article:
    """Read ``source`` and return the article it holds.

    ``source`` is a URL (http/https, fetched safely: see ``reader.text.fetch``), HTML, Markdown or
    plain text as a string, bytes (stdin), or a ``Path``. A string names a local file only with
    ``allow_paths=True`` -- for callers whose user owns the machine (the CLI); the web app and
    queue jobs never pass it, so nothing sent over the web is read from disk. ``trust_claimed_url``:
    the caller vouches for the content, so a URL it claims may decide its id (a fetched page's
    address always does). ``policy`` is a ``FetchPolicy`` for URLs; ``rules`` replaces the
    bundled furniture rules; ``limits`` the size caps (default: ``InputLimits.from_env()``).
    ``cache``: keep the article in, and take it from, the extract cache under the cache root
    (``reader.text.extract_cache``; not with custom ``rules``), for a command line that reads the same
    page again and again.
    """
    limits = limits or InputLimits.from_env()
    document = load_source(source, policy=policy, allow_paths=allow_paths)

    def extract_now() -> Article:
        return extract_document(document, rules=rules, limits=limits, trust_claimed_url=trust_claimed_url)

    if cache and rules is None:
        from reader.text.extract_cache import ExtractCache

        kept = ExtractCache.default()
        if kept is not None:
            options = {"limits": dataclasses.astuple(limits), "trust_claimed_url": trust_claimed_url}
            return kept.extract(document, options, extract_now)
    return extract_now()
