"""Properties of the normalizer that hold for any input (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.normalize import load_rule_data, normalize
from reader.normalize.language import dominant_script

FORBIDDEN = re.compile(r"[0-9%$€£&@#°]")
PLAIN_WORDS = (
    "the of and to in that it was for on are with as his they be at one have this from "
    "had by word but not what all were we when your can said there use each which she do how their "
    "if will up other about out many then them these so some her would make like him into time has look "
    "two more write go see number way could people my than first water been call who oil its now find long "
    "down day did get come made may part peace talks ukraine minister budget war election"
).split()
NEWS_TOKENS = [
    "5%", "$3.5 billion", "€250bn", "£20m", "1,204", "-5", "21st", "1/2", "10-15", "3-2", "1990s", "'90s",
    "Feb. 13, 2025", "13 February 2025", "2025-02-13", "10:30 a.m.", "7 p.m.", "14:00", "9/11", "24/7", "5 km",
    "25°C", "60 mph", "(555) 123-4567", "https://www.example.com/a/b", "jane@example.com", "@user", "#MeToo",
    "Dr.", "St.", "No. 10", "GDP", "NATO", "U.S.", "World War II", "Charles III", "&", "+", "#", "@", "°", "™",
    "—", "…", "(", ")", '"', "'", "2001", "1984", "0.5", "½", "x", "50p", "US$5", "#1", "3x", "G7", "AT&T",
]  # fmt: skip

news_text = st.lists(st.one_of(st.sampled_from(PLAIN_WORDS), st.sampled_from(NEWS_TOKENS)), max_size=25).map(" ".join)
any_text = st.one_of(st.text(max_size=80), news_text, st.text(alphabet="0123456789.,-/:%$€£&@#° aAmMpP", max_size=30))

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_text)
def test_never_raises_and_english_output_has_no_digits_or_symbols(text):
    spoken = normalize(text)
    if dominant_script(text) not in (None, "LATIN"):
        return  # text in another script gets no English rules: its digits are left to its own voice
    assert not FORBIDDEN.search(spoken), f"{text!r} → {spoken!r}"


@FAST
@given(any_text)
def test_normalizing_twice_changes_nothing(text):
    once = normalize(text)
    assert normalize(once) == once, f"{text!r} → {once!r}"


@FAST
@given(st.lists(st.tuples(st.sampled_from(PLAIN_WORDS), st.sampled_from(["", *NEWS_TOKENS])), max_size=15))
def test_words_that_need_no_change_survive_in_order(pairs):
    text = " ".join(f"{word} {token}" for word, token in pairs)
    spoken_words = re.findall(r"[a-z]+", normalize(text).lower())
    position = 0
    for word, _ in pairs:
        assert word in spoken_words[position:], f"{word!r} lost from {text!r}"
        position = spoken_words.index(word, position) + 1


_DATA = load_rule_data("en")
_TABLE_WORDS = (
    {
        key.lower().rstrip(".")
        for table in (
            *(_DATA.always, _DATA.titles, _DATA.places, _DATA.units, _DATA.months, _DATA.scales, _DATA.symbols),
            *(_DATA.currency_symbols, _DATA.currency_codes),
        )
        for key in table
    }
    | set(_DATA.subunit_suffixes)
    | set(_DATA.tlds)
    | {"pm", "am", "no", "nos"}  # "No 5" is "Number five"
)
any_word = st.from_regex(r"[A-Za-z][a-z]{1,7}", fullmatch=True).filter(lambda w: w.lower() not in _TABLE_WORDS)


@FAST
@given(st.lists(st.tuples(any_word, st.sampled_from(["", *NEWS_TOKENS])), max_size=12))
def test_any_ordinary_word_survives_in_order(pairs):
    """Words outside the rule tables (which need no change) come out as they went in, in the same order."""
    text = " ".join(f"{word} {token}" for word, token in pairs)
    spoken_words = re.findall(r"[A-Za-z]+", normalize(text))
    position = 0
    for word, _ in pairs:
        assert word in spoken_words[position:], f"{word!r} lost from {text!r}"
        position = spoken_words.index(word, position) + 1


@FAST
@given(st.text(max_size=60), st.sampled_from(["de", "fr", "es", "it", "ja", "xx", "", "en-GB", "de-AT"]))
def test_other_languages_never_raise(text, lang):
    normalize(text, lang)
