"""Roman numerals in names and titles: King Charles III, World War II, Super Bowl LVIII, Title IX.

After a title word (War, Bowl, Title, Chapter…) a numeral is a cardinal ("World
War Two"); after a name it is regnal ("Charles the Third"). A lone "I" is the
pronoun except in "World War I" and after a monarch's name at a phrase's end.
"""

from __future__ import annotations

import re

from reader.normalize import spell

__all__ = ["read_roman_numerals", "roman_value"]

_VALID = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ANY_NUMERAL = re.compile(r"(?=[IVXLCDM])\b[IVXLCDM]+\b")
_SINGLE = {"I": "First", "V": "Fifth", "X": "Tenth"}
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_CARDINAL_CONTEXT = (
    "War|Bowl|Title|Chapter|Part|Act|Phase|Vol|Volume|Book|Article|Section|Class|Type|Stage|Grade|Level|Round|"
    "Tier|Apollo|Vatican|Rocky|Episode|Schedule|Appendix|Mark|Mk|Series|Division|Category|League|Olympiad|"
    "Symphony|Psalm|Canto|Amendment|Gemini|Formula|Fleet|Corps|Sector|Zone|Region|Annex|Protocol|Battalion|Army|"
    "Artemis|Voyager|Pioneer|Mariner|Ariane|Falcon|Saturn|Titan|Trident|Soyuz|Luna|Surveyor|Explorer|Sputnik|Game|"
    "Wars|Fantasy|Theft|Auto|Civilization|Madden|Ultima|Doom|Quake|Halo|Resident|Evil|Liga|Ligue|Serie|Division|"
    "Pillar|Basel|Dodd|Frank|Grade|Mk|Model"
)
_MONARCHS = (
    "Elizabeth|Charles|James|George|Henry|Edward|William|Mary|Richard|John|Louis|Napoleon|Peter|Catherine|"
    "Alexander|Nicholas|Frederick|Philip|Felipe|Carlos|Pius|Benedict|Leo|Gregory|Paul|Francis|Wilhelm|Ferdinand|"
    "Isabella|Alfonso|Umberto|Haakon|Olav|Harald|Gustav|Christian|Frederik|Victoria|Anne|Constantine|Selim|"
    "Suleiman|Mehmed|Ivan|Rama|Abdullah|Hussein|Mohammed|Akihito|Albert|Baudouin|Willem|Juliana|Beatrix"
)
_NOT_REGNAL_AFTER = r"(?! (?:am|was|have|had|will|would|think|know|said|say|do|did|can|could|should|'m|'ve|'d|'ll)\b)"
_CONTEXT_WORDS = frozenset(_CARDINAL_CONTEXT.lower().split("|"))
_IN_TITLE = re.compile(r"(?=[A-Z])\b([A-Z][A-Za-z]*) ([IVXLCDM]+)\b(?!['-]\w|\.\w)")
_REGNAL = re.compile(r"(?=[A-Z])\b([A-Z][a-z]+) ([IVX]{2,}|IV|VI|IX|XI|XV|XX)((?:'s)?)\b(?!['-]\w|\.\w)")
# Only "I" can be the pronoun, so only it is checked against the verb after it ("George I think").
_FIRST = re.compile(rf"(?=[A-Z])\b({_MONARCHS}) ([IVX])((?:'s)?)\b(?!['.-]\w)(?:(?<=[VXs])|{_NOT_REGNAL_AFTER})")
# A lone C, D, L or M is a letter (Schedule C, Class D); "Series X" is the name of a console, not "Series ten".
_LETTER_NOT_NUMERAL = frozenset({"C", "D", "L", "M"})
_LETTER_AFTER = {"series": "X"}


def roman_value(numeral: str) -> int | None:
    """XIV → 14; None when ``numeral`` is not a well-formed Roman numeral."""
    if not numeral or not _VALID.fullmatch(numeral):
        return None
    total = 0
    for current, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _VALUES[current]
        total += -value if following and _VALUES[following] > value else value
    return total


def _title(match: re.Match[str]) -> str:
    if match.group(1).lower() not in _CONTEXT_WORDS:
        return match.group()
    numeral = match.group(2)
    if numeral in _LETTER_NOT_NUMERAL or _LETTER_AFTER.get(match.group(1).lower()) == numeral:
        return match.group()
    value = roman_value(numeral)
    return f"{match.group(1)} {spell.cardinal(value)}" if value else match.group()


def _regnal(match: re.Match[str]) -> str:
    value = roman_value(match.group(2))
    if not value or value > 39:
        return match.group()
    return f"{match.group(1)} the {spell.ordinal(value).capitalize()}{match.group(3)}"


def read_roman_numerals(text: str) -> str:
    """World War II → World War two, Charles III → Charles the Third, Super Bowl LVIII → Super Bowl fifty-eight."""
    if not _ANY_NUMERAL.search(text):
        return text
    text = _IN_TITLE.sub(_title, text)
    text = _REGNAL.sub(_regnal, text)
    return _FIRST.sub(lambda m: f"{m.group(1)} the {_SINGLE[m.group(2)]}{m.group(3)}", text)
