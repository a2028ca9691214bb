"""Word-level read-along data through the API (issue 17): real renders, real engines, the JSON the player reads.

The article is new to the project: a money amount and a date the normalizer rewrites into several spoken
words each, which must come back as one written span each, in JavaScript's (UTF-16) string indices.
"""

from __future__ import annotations

import re
import time

import pytest
import webvtt

ARTICLE = (
    "A Deal Made in July\n\n"
    "Northwind 🚀 said on Friday it had raised $3.5bn from investors on 4 July 2025, far more than expected. "
    "The money will pay for two new plants.\n\n"
    "Analysts were surprised by the size of the round."
)


def _complete(client, body: dict, timeout: float = 300) -> dict:
    response = client.post("/api/articles", json=body)
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    article_id = response.get_json()["id"]
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering":
            assert data["status"] == "complete", data["error"]
            return data
        assert time.monotonic() < deadline, f"render of {article_id} did not finish: {data['progress']}"
        time.sleep(0.2)


def _utf16(text: str, index: int) -> int:
    """Python's code-point index → JavaScript's UTF-16 index."""
    return len(text[:index].encode("utf-16-le")) // 2


def _spans(sentence: dict) -> list[tuple[int, str]]:
    """(ms, written text) of each triple, the offsets read as JavaScript would."""
    units = sentence["written"].encode("utf-16-le")
    words = sentence["words"]
    return [(words[i], units[2 * words[i + 1] : 2 * words[i + 2]].decode("utf-16-le")) for i in range(0, len(words), 3)]


def _check_words(sentence: dict) -> None:
    """The interface's promises: flat triples, times non-decreasing and inside the sentence, spans in order."""
    words = sentence["words"]
    assert words and len(words) % 3 == 0 and all(isinstance(v, int) for v in words)
    times = words[0::3]
    assert times == sorted(times) and times[0] >= 0
    assert times[-1] < (sentence["end"] - sentence["start"]) * 1000
    length = len(sentence["written"].encode("utf-16-le")) // 2
    previous_end = 0
    for b, e in zip(words[1::3], words[2::3], strict=True):
        assert previous_end <= b < e <= length
        previous_end = e


@pytest.mark.parametrize("backend", ["pyttsx3", "piper"])
def test_the_api_gives_each_sentence_its_words_with_an_amount_and_a_date_as_one_span_each(client, backend):
    data = _complete(client, {"text": ARTICLE, "backend": backend})
    sentences = data["sentences"]
    for sentence in sentences:
        _check_words(sentence)
    deal = next(s for s in sentences if "$3.5bn" in s["written"])
    spans = _spans(deal)
    texts = [text for _, text in spans]
    assert "$3.5bn" in texts and "4 July 2025" in texts
    # An emoji is two UTF-16 units: the offsets are JavaScript's, or every later span would be one off.
    assert texts[:4] == ["Northwind", "🚀", "said", "on"]
    assert _utf16(deal["written"], deal["written"].index("$")) == deal["written"].index("$") + 1
    # The amount takes longer to say than a short word: the next span starts well after it.
    amount = texts.index("$3.5bn")
    assert spans[amount + 1][0] - spans[amount][0] > 600


def test_captions_carry_a_timestamp_tag_before_each_timed_word_inside_its_cue(client):
    data = _complete(client, {"text": ARTICLE, "backend": "pyttsx3"})
    text = client.get(data["captions_url"]).get_data(as_text=True)
    captions = webvtt.from_string(text).captions
    assert len(captions) == len(data["sentences"])
    stamp = re.compile(r"<(\d\d):(\d\d):(\d\d\.\d{3})>")
    for caption, sentence in zip(captions, data["sentences"], strict=True):
        times = [int(h) * 3600 + int(m) * 60 + float(s) for h, m, s in stamp.findall(caption.raw_text)]
        start, end = (
            sum(float(x) * 60**i for i, x in enumerate(reversed(t.split(":")))) for t in (caption.start, caption.end)
        )
        assert all(a < b for a, b in zip([start, *times], [*times, end], strict=True))
        assert stamp.sub("", caption.raw_text) == sentence["written"].replace("&", "&amp;")
        assert len(times) >= len(sentence["words"]) // 3 - 1  # every word but the first, at the cue's start
    deal = next(c.raw_text for c in captions if "$3.5bn" in c.raw_text)
    assert re.search(r" <[0-9:.]+>\$3\.5bn <[0-9:.]+>from ", deal)  # one tag for the amount's five words
    assert re.search(r" <[0-9:.]+>4 July 2025, <[0-9:.]+>far ", deal)  # and one for the date's six


def test_a_cached_render_gives_the_same_words(client, app, cache_dir):
    first = _complete(client, {"text": ARTICLE, "backend": "pyttsx3"})
    from web import create_app

    fresh = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0})
    again = fresh.test_client().get(f"/api/articles/{first['id']}").get_json()
    assert [s["words"] for s in again["sentences"]] == [s["words"] for s in first["sentences"]]
    # The same sentences in another article: every chunk comes from the cache, with its stored times.
    other = _complete(client, {"text": ARTICLE + "\n\nOne more line.", "backend": "pyttsx3"})
    assert [s["words"] for s in other["sentences"][: len(first["sentences"])]] == [
        s["words"] for s in first["sentences"]
    ]
