"""URLs, e-mail addresses, handles and hashtags, said sensibly.

A URL is shortened to its site ("example dot com"), a short path kept when it
is one plain word ("example dot com slash donate"); an address reads "jane dot
doe at example dot com"; "@user" reads "at user"; "#MeToo" reads "hashtag Me Too".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize import spell
from reader.normalize.acronyms import dotted
from reader.normalize.data import RuleData

__all__ = ["rules"]

_TRAILING = ".,;:!?)]}'\""
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,30})\b")
_HASHTAG = re.compile(r"(?<![\w&#])#([A-Za-z][A-Za-z0-9_]*)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|_")
_CAMEL_HANDLE = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")
# The stated rule for paths: a path a listener can say, and must hear to reach the page, is spoken:
# up to three short segments, each lowercase words joined by hyphens or a number ("/news",
# "/2024/results", "/apply-passport"). Anything else is left out and only the site is said: longer
# paths, query strings and fragments (tracking links, slugs of whole headlines) and codes that mix
# letters and digits or cases (short links such as bit.ly/3xYz, t.co/abc123).
_PLAIN_PATH = re.compile(r"(?:/(?:[a-z]{2,20}|\d{1,4})(?:-(?:[a-z]{1,20}|\d{1,4})){0,3}){1,3}/?")
# Link shorteners: their path is always a code, whatever it looks like (t.co/xyz).
_SHORT_LINK_HOSTS = frozenset({"t.co", "bit.ly", "ow.ly", "goo.gl", "tinyurl.com", "buff.ly", "dlvr.it", "trib.al"})
_DOTTED_WORD = re.compile(r"[A-Za-z0-9]\.[a-z]")
_LOCAL_SYMBOLS = {".": " dot ", "_": " underscore ", "-": " dash ", "+": " plus "}


_LABEL_WORDS = frozenset(
    {"co", "gov", "com", "org", "net", "new", "my", "go", "me", "who", "one", "art", "air", "all", "eye", "app", "you"}
)
_SYLLABLE = re.compile(r"[bcdfghjklmnpqrstvwxz][aeiou][bcdfghjklmnpqrstvwxz]", re.IGNORECASE)  # bit, fox


def _path_words(path: str) -> str:
    """/2024/apply-passport → slash 2024 slash apply dash passport (the numbers are read later)."""
    return "".join(f" slash {part.replace('-', ' dash ')}" for part in path.strip("/").split("/"))


def _label(label: str, tlds: dict[str, str], last: bool, sites: dict[str, str], letters: frozenset[str]) -> str:
    if last and label.lower() in tlds:
        return tlds[label.lower()]
    if label.lower() in sites:
        return sites[label.lower()]  # nytimes → N.Y. times
    if label.isdigit():
        return spell.digits(label)  # 111.nhs.uk
    if label.upper() in letters and label.lower() not in _LABEL_WORDS:
        return dotted(label)  # aclu.org: a known initialism
    if label.isalpha() and len(label) <= 3 and label.lower() not in _LABEL_WORDS and not _SYLLABLE.fullmatch(label):
        return dotted(label)  # bbc, cnn, t: letters; bit, fox: words
    return label.replace("-", " ")


def _host_words(host: str, tlds: dict[str, str], sites: dict[str, str], letters: frozenset[str]) -> str:
    labels = [part for part in host.lower().split(".") if part]
    if labels and labels[0] == "www":
        labels = labels[1:]
    return " dot ".join(_label(label, tlds, i == len(labels) - 1, sites, letters) for i, label in enumerate(labels))


def _read_web(data: RuleData) -> Callable[[str], str]:
    tlds, sites = dict(data.tlds), dict(data.site_labels)
    domain = re.compile(
        r"(?=[A-Za-z0-9])(?<![\w@./-])((?:[A-Za-z0-9-]+\.)+(?:" + "|".join(sorted(tlds, key=len, reverse=True)) + r"))"
        r"(/[^\s<>\"]*)?(?![\w-])"
    )

    def url(match: re.Match[str]) -> str:
        written = match.group()
        stripped = written.rstrip(_TRAILING)
        tail = written[len(stripped) :]
        rest = re.sub(r"^(?:https?://|ftp://)?", "", stripped, flags=re.IGNORECASE)
        host, _, path = rest.partition("/")
        host = host.split("@")[-1].split(":")[0]
        words = _host_words(host, tlds, sites, data.acronym_letters)
        if path and _PLAIN_PATH.fullmatch("/" + path) and host.lower() not in _SHORT_LINK_HOSTS:
            words += _path_words(path)
        return words + tail

    def bare_domain(match: re.Match[str]) -> str:
        host, path = match.group(1), match.group(2) or ""
        words = _host_words(host, tlds, sites, data.acronym_letters)
        clean_path = path.rstrip(_TRAILING)
        if clean_path and _PLAIN_PATH.fullmatch(clean_path) and host.lower() not in _SHORT_LINK_HOSTS:
            words += _path_words(clean_path)
        return words + path[len(clean_path) :]

    def email(match: re.Match[str]) -> str:
        local = "".join(_LOCAL_SYMBOLS.get(c, c) for c in match.group(1))
        return f"{local} at {_host_words(match.group(2), tlds, sites, data.acronym_letters)}"

    def hashtag(match: re.Match[str]) -> str:
        return "hashtag " + _CAMEL.sub(" ", match.group(1))

    def handle(match: re.Match[str]) -> str:
        name = _CAMEL_HANDLE.sub(" ", match.group(1)).replace("_", " ")
        said_at = match.string[max(0, match.start() - 3) : match.start()].lower() == "at "  # "follow her at @AOC"
        return name if said_at else "at " + name

    def read_web_addresses(text: str) -> str:
        """https://www.example.com/a/long/path → example dot com; jane@example.com → jane at example dot com."""
        if "://" in text or "www." in text or "WWW." in text:
            text = _URL.sub(url, text)
        if "@" in text:
            text = _EMAIL.sub(email, text)
        if _DOTTED_WORD.search(text):
            text = domain.sub(bare_domain, text)
        if "@" in text:
            text = _HANDLE.sub(handle, text)
        return _HASHTAG.sub(hashtag, text) if "#" in text else text

    return read_web_addresses


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"web": _read_web(data)}
