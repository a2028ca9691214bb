"""``reader podcast init``: a new FEED.toml, every key explained in a comment beside it.

A show is started by editing a file, not by reading a reference: the template
names each key, says what podcast apps do with it and shows the default in force
(an optional key is written commented out, with its default or an example).
The values written are checked by ``load_feed_file`` before the file is kept, so
``reader podcast init`` followed by ``reader podcast build`` always works.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.atomic import atomic_write
from reader.errors import InputError

__all__ = ["feed_template", "write_feed_template"]

_TEMPLATE = """\
# A podcast made of articles: `reader podcast build {name} -o site/` renders each episode
# and writes the site (feed.xml, episodes/, artwork.jpg, index.html) into site/.
# Every key is checked when the feed is built; an unknown or misspelt key is an error.

[show]
title = {title}
description = {description}
# itunes:author: who makes the show
author = {author}
# a language tag: en, en-GB, fr …
language = {language}
# where site/ will be served from: the feed's and the audio's URLs start with it
base_url = {base_url}
# itunes:owner; Apple mails this address to verify the show
owner_email = {owner_email}
# one of Apple's top-level categories (and optionally a subcategory under it)
category = "News"
# subcategory = "Daily News"
explicit = false

# Optional keys. Commented out, their default is in force.
# owner_name = "Dana Desk"        # default: the author
# locked = true                   # the default: podcast:locked "yes", other platforms may not import
#                                 # the show without the owner's consent; false allows it
# artwork = "cover.jpg"           # a square JPEG or PNG, 1400-3000 px, in this folder;
#                                 # default: one drawn from the title
# link = "https://example.org/"   # the show's web page; default: base_url
# copyright = "© 2026 The newsroom"
# backend = "piper"               # default: the best offline voice installed for each article's
#                                 # language (piper, else pyttsx3), as everywhere (see `reader voices`)
# voice = "en-gb"                 # default: the engine's voice for the show's language
# rate = 170                      # words per minute, 50-500; default: the voice's own pace

# One [[episodes]] table per article, oldest first; `reader podcast add {name} SOURCE` appends one.
# source: a URL, or an HTML, text or Markdown file in this folder (or below it).
# title and date are optional: by default the article's own title, and its date from the page's
# metadata (else the time of the first build that publishes it).
#
# [[episodes]]
# source = "articles/first-story.html"
# title = "A better title"
# date = 2026-05-01
"""


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def feed_template(
    *,
    name: str = "FEED.toml",
    title: str = "My articles, read aloud",
    description: str = "Articles worth your time, read aloud.",
    author: str = "The newsroom",
    language: str = "en",
    base_url: str = "https://example.org/podcast/",
    owner_email: str = "podcast@example.org",
) -> str:
    """The commented FEED.toml text for these show values."""
    return _TEMPLATE.format(
        name=name,
        title=_toml_string(title),
        description=_toml_string(description),
        author=_toml_string(author),
        language=_toml_string(language),
        base_url=_toml_string(base_url),
        owner_email=_toml_string(owner_email),
    )


def write_feed_template(path: str | Path, *, force: bool = False, **values: str) -> Path:
    """Write a commented FEED.toml at ``path``; an existing file is kept unless ``force``.

    The result is read back with ``load_feed_file`` first, so a bad value (an e-mail
    without ``@``, a base URL that is not http(s)) is refused with the same error a
    build would give, and no file is left behind.
    """
    from reader.publish.feedfile import load_feed_file

    path = Path(path)
    if path.exists() and not force:
        raise InputError(f"{path} already exists; not overwriting it (pass --force to replace it)")
    if not path.parent.is_dir():
        raise InputError(f"cannot write {path}: the folder {path.parent} does not exist")
    text = feed_template(name=path.name, **values)
    probe = path.parent / f".{path.name}.init-check"
    try:
        atomic_write(probe, text)
        load_feed_file(probe)
    finally:
        probe.unlink(missing_ok=True)
    atomic_write(path, text)
    return path
