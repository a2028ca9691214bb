"""Page furniture: the rules that tell a listener's article from the page around it.

The rule data (HTML tags, ARIA roles, class-name parts, and the wording that
sites share) lives in ``reader/data/furniture.toml``; this module compiles it
once into a frozen ``FurnitureRules`` value that the HTML, text and Markdown
extractors take as a parameter, so a caller can pass rules of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path

__all__ = ["FurnitureRules", "PatternGroup", "count_words", "default_rules", "load_rules", "normalize_for_compare"]

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_NOT_WORD = re.compile(r"[^\w]+")
_SEPARATORS = re.compile(r"\s[·•|]\s|\s[-–—]\s")
_MAX_ROW_WORDS = 30
# Scripts written without spaces between words (Chinese, Japanese kana and kanji; not Hangul, which
# has spaces). Words there average about two characters, so two characters count as one word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_UNSPACED_CHARS_PER_WORD = 2
_WORDLIKE = re.compile(r"\S*\w\S*")
_TAIL_CHARS = 200  # end-anchored patterns are short credits and labels


def count_words(text: str) -> int:
    """Words in ``text``: whitespace-separated words, and about one per two CJK characters.

    Counting by whitespace alone makes a Japanese or Chinese paragraph one "word", so a whole
    article would look like a snippet and a long paragraph like a short label.
    """
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    rest = len(_WORDLIKE.findall(_UNSPACED.sub(" ", text)))
    return rest + -(-unspaced // _UNSPACED_CHARS_PER_WORD)


def _search(pattern: re.Pattern[str], text: str) -> bool:
    """Search a block; a pattern anchored only at the end ("… Getty Images$") needs only its tail."""
    if pattern.pattern.endswith("$") and not pattern.pattern.startswith("^"):
        text = text[-_TAIL_CHARS:]
    return pattern.search(text) is not None


@dataclass(frozen=True)
class PatternGroup:
    """One kind of furniture recognised by wording, on texts of at most ``max_words`` words.

    The patterns compile on first use: most groups are never tried on a page (the prefilter of
    ``FurnitureRules`` turns most blocks away), and compiling all ~200 cost a start about 0.1 s.
    """

    name: str
    max_words: int
    sources: tuple[str, ...]  # the regular expressions, matched case-insensitively

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(source, re.IGNORECASE) for source in self.sources)

    def matches(self, text: str, words: int | None = None) -> bool:
        if (count_words(text) if words is None else words) > self.max_words:
            return False
        return any(_search(pattern, text) for pattern in self.patterns)


@dataclass(frozen=True)
class FurnitureRules:
    drop_tags: frozenset[str]
    drop_roles: frozenset[str]
    class_tokens: frozenset[str]
    exact_only_tokens: frozenset[str]
    name_attributes: re.Pattern[str]
    keep_share: float
    groups: tuple[PatternGroup, ...]
    tail: PatternGroup
    tail_weak: PatternGroup
    figure: PatternGroup

    @cached_property
    def _prefilter(self) -> tuple[int, re.Pattern[str] | None, tuple[tuple[int, re.Pattern[str]], ...]]:
        """A quick check that most blocks (prose) fail fast: the longest block any group applies to,
        every group's start-anchored patterns in one regex (tried once, at the block's start), and
        the other patterns with their groups' word limits, longest limit first.

        One alternation for all lengths, not one per word limit: compiling a regex per limit cost
        about 0.3 s at every start; a short block that matches a pattern of a group with a lower
        limit only goes on to the exact check by group.
        """
        longest = max((group.max_words for group in self.groups), default=0)
        anchored = "|".join(f"(?:{p})" for g in self.groups for p in g.sources if p.startswith("^"))
        others = sorted(
            (
                (g.max_words, re.compile(p, re.IGNORECASE))
                for g in self.groups
                for p in g.sources
                if not p.startswith("^")
            ),
            key=lambda pair: -pair[0],
        )
        return longest, re.compile(anchored, re.IGNORECASE) if anchored else None, tuple(others)

    def _may_be_furniture(self, text: str, words: int) -> bool:
        longest, anchored, others = self._prefilter
        if words > longest:
            return False
        if anchored is not None and anchored.match(text):
            return True
        for limit, pattern in others:
            if words > limit:
                return False
            if _search(pattern, text):
                return True
        return False

    @cached_property
    def stems(self) -> tuple[str, ...]:
        """Class tokens that also match as the start of a longer name."""
        return tuple(sorted(t for t in self.class_tokens - self.exact_only_tokens if len(t) > 3))

    def furniture_kind(self, text: str) -> str | None:
        """The kind of furniture ``text`` (one block or line) is, or None when it is content."""
        text = " ".join(text.split())
        if not text:
            return "empty"
        words = count_words(text)
        if self._may_be_furniture(text, words):
            for group in self.groups:
                if group.matches(text, words):
                    return group.name
        # "5 min read · Share on Twitter · Facebook": a row of furniture items with separators.
        segments = [part for part in _SEPARATORS.split(text) if part.strip()]
        if len(segments) > 1 and words <= _MAX_ROW_WORDS:
            kinds = [self.furniture_kind(part) for part in segments]
            if all(kinds):
                return kinds[0]
        return None

    def is_tail_marker(self, text: str) -> bool:
        """A line after which pasted page text holds only furniture (comments, related links)."""
        return self.tail.matches(" ".join(text.split()))

    def is_weak_tail_marker(self, text: str) -> bool:
        """A line that ends the article only if no prose follows it ("More from Technology")."""
        return self.tail_weak.matches(" ".join(text.split()))

    def is_credit_line(self, text: str) -> bool:
        """A photo credit line ("Courtesy: …", "Photo: …") in pasted page text."""
        return self.figure.matches(" ".join(text.split()))

    def is_furniture_name(self, name: str) -> bool:
        """Whether a class or id value names furniture ("td-post-sharing", "relatedPosts")."""
        for token in _NAME_SPLIT.split(_CAMEL.sub("-", name)):
            token = token.lower()
            if not token:
                continue
            if token in self.class_tokens:
                return True
            if any(token.startswith(stem) for stem in self.stems):
                return True
        return False


def _group(data: dict, name: str) -> PatternGroup:
    return PatternGroup(
        name=data.get("name", name),
        max_words=int(data["max_words"]),
        sources=tuple(data["patterns"]),
    )


def load_rules(path: str | Path) -> FurnitureRules:
    """Compile the furniture rules in a TOML file shaped like ``reader/data/furniture.toml``."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    html, text = data["html"], data["text"]
    return FurnitureRules(
        drop_tags=frozenset(html["drop_tags"]),
        drop_roles=frozenset(html["drop_roles"]),
        class_tokens=frozenset(t.lower() for t in html["class_tokens"]),
        exact_only_tokens=frozenset(t.lower() for t in html["exact_only_tokens"]),
        name_attributes=re.compile(html.get("name_attributes", "^(class|id)$")),
        keep_share=float(html["keep_share"]),
        groups=tuple(_group(g, g["name"]) for g in text["groups"]),
        tail=_group(text["tail"], "tail"),
        tail_weak=_group(text["tail_weak"], "tail_weak"),
        figure=_group(text["figure"], "figure"),
    )


@lru_cache(maxsize=1)
def default_rules() -> FurnitureRules:
    """The bundled rules (package data), compiled once per process."""
    return load_rules(Path(str(files("reader") / "data" / "furniture.toml")))


def normalize_for_compare(text: str) -> str:
    """Casefolded words only, to tell whether two texts say the same thing (title vs. heading)."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())
