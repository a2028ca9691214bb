"""The voice menu: readable names, the reader's language first, the best (neural) voice first.

Engines name voices for engineers ("joe (en-us, medium, 1 speaker, 22050 Hz)",
or a bare "Afrikaans" that two engines share). A listener wants "Joe (American
English, neural)", in groups by language, theirs on top, the hundred others
behind "Other languages". Language names come from CLDR through Babel, in the
interface's language (English: the pages are written in English).

The library form sends a voice id without a backend, so the menu offers what
such a request can render: Piper's voices (chosen by id) and the default
engine's; gTTS sends the text to Google and stays an explicit API choice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from babel import Locale, UnknownLocaleError

from reader.backends import DEFAULT_BACKEND, Voice, list_voices, resolve_backend
from reader.errors import ReaderError

__all__ = [
    "NEURAL_BACKENDS",
    "OTHER_LANGUAGES",
    "UI_LANGUAGE",
    "article_voice",
    "form_voices",
    "language_name",
    "ordered",
    "readable",
    "voice_entries",
    "voice_groups",
]

log = logging.getLogger(__name__)

NEURAL_BACKENDS = frozenset({"piper"})  # neural text-to-speech models, against formant synthesis
OTHER_LANGUAGES = "Other languages"
UI_LANGUAGE = "en"
_ENGINE_LABELS = {"pyttsx3": "eSpeak", "espeak": "eSpeak", "gtts": "Google"}


def _primary(tag: str | None) -> str:
    return (tag or "").replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=64)
def _locale(ui: str) -> Locale:
    try:
        return Locale.parse(ui.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(UI_LANGUAGE)


def language_name(tag: str, ui: str = UI_LANGUAGE) -> str:
    """``en-us`` → "American English", ``de`` → "German", in the interface's language (CLDR)."""
    names = _locale(ui).languages
    parts = tag.replace("_", "-").split("-")
    primary = parts[0].lower()
    if len(parts) > 1 and len(parts[1]) == 2:
        regional = names.get(f"{primary}_{parts[1].upper()}")
        if regional:
            return regional
        territory = _locale(ui).territories.get(parts[1].upper())
        if territory and primary in names:
            return f"{names[primary]} ({territory})"
    return names.get(primary) or tag


def readable(voice: Voice, ui: str = UI_LANGUAGE) -> str:
    """A name a listener reads: "Joe (American English, neural)", "English (America, eSpeak)"."""
    if voice.backend in NEURAL_BACKENDS:
        speaker = voice.id.replace("_", "-").split("-")
        person = speaker[2] if len(speaker) >= 3 else voice.name.split(" (")[0]
        return f"{person.replace('_', ' ').title()} ({language_name(voice.lang, ui)}, neural)"
    engine = _ENGINE_LABELS.get(voice.backend, voice.backend)
    name = voice.name.strip() or language_name(voice.lang, ui)
    return f"{name[:-1]}, {engine})" if name.endswith(")") else f"{name} ({engine})"


def voice_entries(voices: Iterable[Voice], ui: str = UI_LANGUAGE, *, one_per_id: bool = False) -> list[dict[str, Any]]:
    """The voices as the API and the menu show them; ``one_per_id``: the first backend offering an id
    wins (the form sends only the id, so eSpeak's "de" through pyttsx3 and through espeak is one choice)."""
    seen: set[tuple[str, str]] = set()
    entries = []
    for voice in voices:
        key = (voice.id, "" if one_per_id else voice.backend)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            {
                "id": voice.id,
                "name": readable(voice, ui),
                "engine_name": voice.name,
                "lang": voice.lang,
                "gender": voice.gender,
                "backend": voice.backend,
                "neural": voice.backend in NEURAL_BACKENDS,
            }
        )
    return entries


def _best_first(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda entry: (not entry["neural"], entry["name"].casefold()))


def voice_groups(
    entries: Sequence[dict[str, Any]], preferred: Sequence[str], ui: str = UI_LANGUAGE
) -> list[dict[str, Any]]:
    """Groups for the menu: one per ``preferred`` language that has voices (the article's, then the
    reader's), best first, then "Other languages" (by name). Empty groups are left out."""
    groups: list[dict[str, Any]] = []
    taken: set[str] = set()
    for tag in preferred:
        primary = _primary(tag)
        if not primary or primary in taken:
            continue
        members = [entry for entry in entries if _primary(entry["lang"]) == primary]
        if members:
            taken.add(primary)
            groups.append({"label": language_name(primary, ui), "voices": _best_first(members)})
    rest = sorted(
        (entry for entry in entries if _primary(entry["lang"]) not in taken),
        key=lambda entry: entry["name"].casefold(),
    )
    if rest:
        groups.append({"label": OTHER_LANGUAGES, "voices": rest})
    return groups


def ordered(entries: Sequence[dict[str, Any]], preferred: Sequence[str]) -> list[dict[str, Any]]:
    """The entries in the menu's order, flat (``/api/voices``)."""
    return [entry for group in voice_groups(entries, preferred) for entry in group["voices"]]


def form_voices(backend: str | None) -> list[Voice]:
    """The voices a request naming only a voice id can use: the configured backend's, else Piper's
    and the default engine's. None when no engine answers (the form then offers the default)."""
    names = [backend] if backend else ["piper", DEFAULT_BACKEND]
    found: list[Voice] = []
    for name in names:
        try:
            found.extend(list_voices(backend=name))
        except ReaderError as error:
            log.info("no voices from %s: %s", name, error)
    return found


def article_voice(options: dict[str, Any], lang: str) -> str | None:
    """The readable name of the voice an article was rendered with (its options; the default voice for
    its language when they name none), or None when no installed engine knows it."""
    voice = (options.get("voice") or "").partition("#")[0] or None
    try:
        backend = options.get("backend") or resolve_backend(None, lang, voice)
        voices = list_voices(backend=backend)
    except ReaderError:
        return None
    if voice:
        match = next((v for v in voices if v.id == voice), None)
    else:
        exact = [v for v in voices if v.lang.lower() == lang.lower()]
        match = next(iter(exact or [v for v in voices if _primary(v.lang) == _primary(lang)]), None)
    return readable(match) if match is not None else None
