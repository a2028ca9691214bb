"""Chunking: one sentence per chunk, split to a backend's limit at clauses, then spaces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text import Script, Sentence, chunk_key, chunk_script, split_to_limit


def test_short_sentence_is_one_chunk_with_its_punctuation():
    assert split_to_limit("The war goes on.", 100) == ["The war goes on."]


def test_long_sentence_splits_at_clause_punctuation_first():
    text = (
        "Hegseth addressed concerns that the approach might favour Russia,"
        " and he emphasised that America remains the strongest supporter."
    )
    pieces = split_to_limit(text, 100)
    assert pieces[0].endswith("Russia,")
    assert pieces[-1].endswith("supporter.")
    assert all(len(p) <= 100 for p in pieces)


def test_splits_at_last_space_when_no_clause_fits():
    pieces = split_to_limit("word " * 30 + "end.", 40)
    assert all(len(p) <= 40 for p in pieces)
    assert " ".join(pieces).split() == ("word " * 30 + "end.").split()


def test_punctuation_only_pieces_are_dropped():
    assert split_to_limit("Yes. ...", 5) == ["Yes."]


def test_never_two_sentences_in_one_chunk():
    script = Script("t", "en", (Sentence(0, 0, "title", "A.", "A."), Sentence(1, 1, "paragraph", "B.", "B.")))
    chunks = chunk_script(script, 100)
    assert [(c.sentence, c.text) for c in chunks] == [(0, "A."), (1, "B.")]


def test_chunk_key_changes_with_anything_that_changes_the_sound():
    identity = {"backend": "pyttsx3", "voice": "en", "rate": 175}
    base = chunk_key("Hello.", identity)
    assert base == chunk_key("Hello.", dict(identity))
    assert base != chunk_key("Hello!", identity)
    assert base != chunk_key("Hello.", {**identity, "rate": 176})


def test_limit_must_be_positive():
    with pytest.raises(Exception, match="at least 1"):
        split_to_limit("x", 0)


words = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=20)
punctuation = st.sampled_from(["", ",", ";", ":", ".", "!", "?", " —"])
sentences = st.lists(st.tuples(words, punctuation).map("".join), min_size=1, max_size=60).map(" ".join)


@given(sentences, st.integers(min_value=25, max_value=200))
def test_chunks_fit_keep_every_word_in_order_and_are_never_empty(text, limit):
    pieces = split_to_limit(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)

    def spoken_words(t: str) -> list[str]:
        return [w for w in t.split() if any(ch.isalnum() for ch in w)]

    assert spoken_words(" ".join(pieces)) == spoken_words(text)
