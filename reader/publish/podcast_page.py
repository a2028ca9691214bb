"""The podcast site's web page: ``index.html`` and its ``style.css``, for people who open the site in a browser.

A listener who follows a link to the show lands here, not in a podcast app, so
the page must play: each episode gets an ``<audio>`` element with its
captions, its date, length and description, and the show's subscribe link. It
looks like the reader's own pages (the same colours, type and dark mode), and
needs nothing but static hosting: no script, no third-party request, the
stylesheet beside it (a host's strict Content-Security-Policy allows it).
"""

from __future__ import annotations

import html

from reader.publish.podcast import Episode, Show
from reader.safe_text import http_url, xml_safe, xml_safe_fields

__all__ = ["STYLESHEET", "index_html", "stylesheet"]

STYLESHEET = "style.css"

_CSS = """\
/* The podcast site: the reader app's colours and type, system fonts, light and dark. */
:root {
  --bg: #fdfcfa; --fg: #1d1d1f; --muted: #5a5a60; --accent: #0b57d0;
  --panel: #f1efe9; --line: #d6d3cc; --focus: #c2410c;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #151517; --fg: #ececef; --muted: #a9a9b2; --accent: #8ab4f8;
    --panel: #232327; --line: #3b3b42; --focus: #fdba74;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
.show { display: flex; flex-wrap: wrap; gap: 1rem 1.25rem; align-items: center; padding-bottom: 1.25rem;
  border-bottom: 1px solid var(--line); }
.show img { width: 8rem; height: 8rem; border-radius: .75rem; flex: none; }
.show h1 { font-size: clamp(1.5rem, 4.5vw, 2.2rem); line-height: 1.2; margin: 0 0 .25rem; }
.show p { margin: .25rem 0; color: var(--muted); }
.subscribe { display: inline-block; margin-top: .5rem; padding: .45rem .9rem; border-radius: 999px;
  background: var(--accent); color: var(--bg); font-weight: 600; text-decoration: none; }
.episodes { list-style: none; padding: 0; margin: 0; }
.episodes li { padding: 1.25rem 0; border-bottom: 1px solid var(--line); }
.episodes h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 .75rem; }
audio { display: block; width: 100%; margin: .5rem 0; border-radius: .5rem; background: var(--panel); }
.links { font-size: .95rem; margin: .25rem 0 0; }
.links a + a { margin-left: 1rem; }
"""


def stylesheet() -> str:
    """The site's ``style.css``."""
    return _CSS


def _length(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def index_html(show: Show, episodes: list[Episode], artwork: str) -> str:
    """The page listing ``episodes``, newest first, each with a player."""

    def e(text: str) -> str:
        return html.escape(xml_safe(text))

    show = xml_safe_fields(show)
    items = []
    for ep in sorted(episodes, key=lambda item: (item.pubdate, item.number or 0), reverse=True):
        slug = ep.enclosure_url.rsplit("/", 1)[-1].removesuffix(".mp3")
        article = http_url(ep.link)
        if article and article.endswith(f"#{slug}"):  # a local file's episode links to its own entry here
            article = None
        article_link = f'<a href="{e(article)}" rel="noopener noreferrer">Read the article</a>' if article else ""
        items.append(
            f'<li id="{e(slug)}"><article aria-labelledby="{e(slug)}-title">'
            f'<h2 id="{e(slug)}-title">{e(ep.title)}</h2>'
            f'<p class="meta"><time datetime="{ep.pubdate.isoformat()}">{ep.pubdate.day} {ep.pubdate:%B %Y}</time>'
            f" · {_length(ep.duration)}</p>"
            f'<audio controls preload="metadata" src="episodes/{e(slug)}.mp3" aria-label="Play {e(ep.title)}">'
            f'<track kind="captions" src="episodes/{e(slug)}.vtt" srclang="{e(show.language)}" label="Transcript">'
            f'<a href="episodes/{e(slug)}.mp3">Download the episode (MP3)</a></audio>'
            f"<p>{e(ep.description)}</p>"
            f'<p class="links"><a href="episodes/{e(slug)}.vtt">Transcript</a>'
            f'<a href="episodes/{e(slug)}.mp3" download>MP3</a>{article_link}</p></article></li>'
        )
    listing = f'<ol class="episodes" reversed>{"".join(items)}</ol>' if items else "<p>No episodes yet.</p>"
    return (
        f'<!doctype html>\n<html lang="{e(show.language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(show.title)}</title>'
        f'<meta name="description" content="{e(show.description)}">'
        f'<link rel="stylesheet" href="{STYLESHEET}">'
        f'<link rel="alternate" type="application/rss+xml" title="{e(show.title)}" href="feed.xml">'
        f'<link rel="icon" href="{e(artwork)}"></head>\n<body><main>'
        f'<header class="show"><img src="{e(artwork)}" alt="" width="128" height="128"><div>'
        f"<h1>{e(show.title)}</h1><p>{e(show.description)}</p><p>{e(show.author)}</p>"
        f'<a class="subscribe" href="feed.xml">Subscribe (RSS)</a></div></header>'
        f"\n{listing}\n</main></body></html>\n"
    )
