"""Spoken words back to written spans (reader.normalize.alignment), over the real normalizer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.normalize import align_spoken as align_words
from reader.normalize import normalize
from reader.normalize.alignment import align_words as align_without_normalizer
from reader.normalize.alignment import spoken_words

PLAIN_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "that",
    "it",
    "was",
    "for",
    "on",
    "are",
    "with",
    "as",
    "his",
    "they",
    "be",
    "at",
    "have",
    "this",
    "from",
    "had",
    "by",
    "word",
    "but",
    "not",
    "what",
    "all",
    "were",
    "we",
    "when",
    "your",
    "can",
    "said",
    "there",
    "use",
    "each",
    "which",
    "she",
    "do",
    "how",
    "their",
    "if",
    "will",
    "up",
    "other",
    "about",
    "out",
    "many",
    "then",
    "them",
    "these",
    "so",
    "some",
    "her",
    "would",
    "make",
    "like",
    "him",
    "into",
    "time",
    "has",
    "look",
    "more",
    "write",
    "go",
    "see",
    "way",
    "could",
    "people",
    "my",
    "than",
    "water",
    "been",
    "call",
    "who",
    "oil",
    "its",
    "now",
    "find",
    "long",
    "down",
    "day",
    "did",
    "get",
    "come",
    "made",
    "may",
    "part",
    "peace",
    "talks",
    "budget",
]
NEWS_TOKENS = [
    "5%", "$3.5bn", "$3.5 billion", "€250bn", "£20m", "1,204", "-5", "21st", "1/2", "10-15", "1990s", "'90s",
    "Feb. 13, 2025", "13 February 2025", "2025-02-13", "10:30 a.m.", "7 p.m.", "9/11", "5 km", "25°C",
    "Dr.", "St.", "No. 10", "GDP", "NATO", "U.S.", "World War II", "&", "—", "…", "(", ")", '"', "2001",
    "0.5", "½", "50p", "#1", "3x", "G7", "AT&T", "July 4, 2025", "4 July",
]  # fmt: skip

plain_text = st.lists(st.sampled_from(PLAIN_WORDS), min_size=1, max_size=15).map(" ".join)
news_text = st.lists(st.one_of(st.sampled_from(PLAIN_WORDS), st.sampled_from(NEWS_TOKENS)), max_size=18).map(" ".join)
any_text = st.one_of(news_text, st.text(max_size=50), st.text(alphabet="0123456789.,-/:%$€£ aAmMpPJulyb", max_size=25))

FEW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(any_text)
def test_every_spoken_word_maps_to_a_written_span_in_order(written):
    spoken = normalize(written)
    aligned = align_words(written, spoken)
    assert tuple(a.word for a in aligned) == spoken_words(spoken)
    for a in aligned:
        assert 0 <= a.start < a.end <= len(written)
        assert written[a.start : a.end].strip() == written[a.start : a.end]  # never starts or ends on a space
    starts = [a.start for a in aligned]
    ends = [a.end for a in aligned]
    assert starts == sorted(starts)
    assert ends == sorted(ends)


@FEW
@given(plain_text)
def test_text_the_rules_did_not_touch_maps_one_to_one(written):
    spoken = normalize(written)
    assert spoken == written  # the precondition: these words are left alone
    aligned = align_words(written, spoken)
    assert [written[a.start : a.end] for a in aligned] == written.split()


@FEW
@given(plain_text, st.sampled_from(NEWS_TOKENS), plain_text)
def test_untouched_words_around_a_rewritten_token_keep_their_own_spans(before, token, after):
    written = f"{before} {token} {after}"
    aligned = align_words(written, normalize(written))
    head = [written[a.start : a.end] for a in aligned[: len(before.split())]]
    tail = [written[a.start : a.end] for a in aligned[len(aligned) - len(after.split()) :]]
    assert head == before.split()
    assert tail == after.split()


@pytest.mark.parametrize(
    ("written", "span", "words"),
    [
        ("It paid $3.5bn for the firm.", "$3.5bn", "three point five billion dollars"),
        ("On 4 July 2025, Dr. Smith spoke.", "4 July 2025", "the fourth of July twenty twenty-five"),
        ("They met on July 4, 2025 in Ohio.", "July 4, 2025", "July fourth, twenty twenty-five"),
        ("Sales rose 12% (a record).", "12%", "twelve percent"),
        ("It cost 1,200 euros.", "1,200", "one thousand two hundred"),
        ("We met Dr. Smith.", "Dr", "Doctor"),
    ],
)
def test_an_amount_a_date_and_an_abbreviation_are_one_written_span(written, span, words):
    spoken = normalize(written)
    aligned = align_words(written, spoken)
    reading = [a.word for a in aligned if written[a.start : a.end] == span]
    assert " ".join(reading).rstrip(",.") == words


def test_spoken_words_of_a_rewritten_run_are_shared_out_word_by_word():
    written = "In the 1990s, 3/4 of GDP grew."
    aligned = align_words(written, normalize(written))
    assert [(a.word, written[a.start : a.end]) for a in aligned][2:6] == [
        ("nineteen", "1990s"),
        ("nineties,", "1990s"),
        ("three", "3/4"),
        ("quarters", "3/4"),
    ]


def test_words_inserted_at_the_start_read_the_first_written_word():
    aligned = align_without_normalizer("cats sleep", "oh cats sleep")
    assert [(a.start, a.end) for a in aligned] == [(0, 4), (0, 4), (5, 10)]


def test_nothing_spoken_aligns_to_nothing():
    assert align_words("—", "") == ()
    assert [(a.start, a.end) for a in align_words("", "hello")] == [(0, 0)]


def test_without_the_normalizer_a_rewritten_run_is_one_span():
    written = "In 1990s, 3/4 grew."
    aligned = align_without_normalizer(written, "In nineteen nineties, three quarters grew.")
    assert {written[a.start : a.end] for a in aligned[1:5]} == {"1990s, 3/4"}


@pytest.mark.parametrize("limit", [40, 100, 400])
def test_the_words_of_a_sentences_chunks_are_its_spoken_words(limit):
    """What lets chunk word times meet the written spans: a sentence's chunks, in order, say its spoken words."""
    from reader.text import chunk_script, extract, make_script

    seed = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "seed_article.txt"
    script = make_script(extract(str(seed), allow_paths=True))
    chunks = chunk_script(script, limit)
    for sentence in script.sentences:
        said = [w for chunk in chunks if chunk.sentence == sentence.index for w in spoken_words(chunk.text)]
        assert tuple(said) == spoken_words(sentence.spoken)
        assert len(align_words(sentence.written, sentence.spoken)) == len(said)
