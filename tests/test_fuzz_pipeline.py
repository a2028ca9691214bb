"""Property-based fuzzing (hypothesis) of extraction, normalization and the URL check, on a bounded budget.

Marked ``fuzz``. Each test runs ``READER_FUZZ_EXAMPLES`` examples (default 40:
the whole file stays well under half a minute in CI on two busy cores); set it
higher for a long local run (``READER_FUZZ_EXAMPLES=5000 pytest -m fuzz``).
``tests/text/test_extract_properties.py`` and ``tests/normalize/test_normalize_properties.py``
hold the everyday properties; these go after hostile shapes: wrong encodings
of generated pages, deep and broken nesting, the whole text pipeline down to
chunks, numbers of any length in every language, and every spelling of an
address in a URL against an independent reference of what is public. Issue 11 added the hostile shapes of
the input budget (``tests/adversarial_inputs.py``, here repeated at fuzzed counts and mixed), lone
surrogates and U+FFFE: whatever the page holds, the article's text can be written to the podcast feed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import reader
from reader.normalize import normalize
from reader.publish import Episode, Show, build_feed
from reader.safe_text import xml_safe
from reader.text import FetchPolicy, chunk_script, make_script
from reader.text.fetch_policy import check_url

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=int(os.environ.get("READER_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("READER_FUZZ_RANDOM") is None,  # CI: the same examples every run, no flakes
    database=None,
)

# --- extraction --------------------------------------------------------------------------------------

_WORD = st.sampled_from(
    [
        "library",
        "council",
        "café",
        "Zoë",
        "東京",
        "naïve",
        "“quoted”",
        "—",
        "…",
        "3.5%",
        "$1,000",
        "Dr.",
        "U.S.",
        "&amp;",
    ]
)
_TEXT = st.lists(st.one_of(_WORD, st.text(max_size=12)), max_size=25).map(" ".join)
_TAG = st.sampled_from(["p", "div", "h1", "h2", "li", "ul", "blockquote", "span", "a", "b", "table", "tr", "td", "pre"])
_ATTR = st.sampled_from(["", " class='content'", " data-tts='skip'", " hidden", " lang='fr'", " style='x"])


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A page of random nesting (up to 400 deep), unclosed and stray tags, comments and entities."""
    parts = ["<html><head><title>", draw(_TEXT), "</title></head><body>"]
    open_tags: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        action = draw(st.integers(0, 5))
        if action <= 1:
            tag = draw(_TAG)
            depth = draw(st.sampled_from([1, 1, 1, 5, 50, 400]))
            parts.append(f"<{tag}{draw(_ATTR)}>" * depth)
            open_tags.extend([tag] * depth)
        elif action == 2 and open_tags:
            parts.append(f"</{open_tags.pop()}>")
        elif action == 3:
            parts.append(draw(st.sampled_from(["</div>", "<!--", "-->", "<![CDATA[", "&#0;", "&#xD800;", "<br/>"])))
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


_ENCODINGS = st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-16", "cp1252", "latin-1", "shift_jis", "koi8-r"])
_DECLARED = st.sampled_from(["", "utf-8", "iso-8859-1", "shift_jis", "utf-16", "x-bogus"])


def _article_or_reader_error(source: object) -> reader.Article | None:
    try:
        article = reader.extract(source)  # type: ignore[arg-type]
    except reader.ReaderError as error:
        assert str(error).strip()
        return None
    assert article.title.strip()
    assert article.blocks and all(block.text.strip() for block in article.blocks)
    return article


@FUZZ
@given(pages(), _ENCODINGS, _DECLARED)
def test_generated_pages_in_any_encoding_give_an_article_or_a_reader_error(
    page: str, encoding: str, declared: str
) -> None:
    if declared:
        page = page.replace("<head>", f"<head><meta charset='{declared}'>", 1)
    _article_or_reader_error(page.encode(encoding, errors="replace"))


@FUZZ
@given(pages(), st.integers(20, 400))
def test_the_whole_text_pipeline_keeps_chunks_within_the_limit(page: str, max_chars: int) -> None:
    article = _article_or_reader_error(page.encode())
    if article is None:
        return
    script = make_script(article)
    chunks = chunk_script(script, max_chars)
    assert all(0 < len(chunk.text) <= max_chars for chunk in chunks)
    assert [chunk.sentence for chunk in chunks] == sorted(chunk.sentence for chunk in chunks)
    assert {chunk.sentence for chunk in chunks} <= {sentence.index for sentence in script.sentences}


@FUZZ
@given(st.binary(min_size=1, max_size=3000), st.sampled_from([b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]))
def test_any_bytes_after_any_byte_order_mark_give_an_article_or_a_reader_error(data: bytes, bom: bytes) -> None:
    _article_or_reader_error(bom + data)


# --- hostile shapes, surrogates and U+FFFE (issue 11) ---------------------------------------------------

_HOSTILE_UNIT = st.sampled_from(
    ["<b>x</b>", "<b>word</b> ", "<a href='/x'>w</a> ", "<i><b>", "</b></i>", "<br>", "<div>", "</div>", "<p>",
     "<!-- c -->", "<td>c</td>", "word ", "a. ", "x", "(", ")", "\n\n", "\ufffe", "\uffff", "\ud800", "\udfff",
     "&#xFFFE;", "&#0;", "\x00", "\x0b", "Dr. ", "…"]
)  # fmt: skip


@st.composite
def hostile_pages(draw: st.DrawFn) -> str:
    """Runs of the input budget's hostile units at fuzzed counts, mixed with ordinary prose."""
    parts = ["<html><head><title>", draw(_TEXT), draw(_HOSTILE_UNIT), "</title></head><body><article><p>"]
    for _ in range(draw(st.integers(1, 8))):
        parts.append(draw(_HOSTILE_UNIT) * draw(st.sampled_from([1, 3, 50, 400, 3000])))
        parts.append(draw(_TEXT))
    return "".join(parts)


def _show() -> Show:
    return Show("Show", "Stories", "Desk", "en", "https://pod.example/", "https://pod.example/feed.xml",
                "https://pod.example/a.jpg", "desk@pod.example")  # fmt: skip


def _feed_of(article: reader.Article) -> bytes:
    episode = Episode(
        guid="urn:uuid:1", title=article.title, pubdate=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        enclosure_url="https://pod.example/1.mp3", enclosure_length=1, duration=1.0,
        description=" ".join(block.text for block in article.blocks)[:400], link=article.url or "https://x.example/",
    )  # fmt: skip
    return build_feed(_show(), [episode])


@FUZZ
@given(hostile_pages(), st.integers(20, 400))
def test_hostile_shapes_give_chunks_within_the_limit_and_a_feed(page: str, max_chars: int) -> None:
    article = _article_or_reader_error(page.encode("utf-8", "surrogatepass"))
    if article is None:
        return
    assert all(xml_safe(text) == text for text in (article.title, *(block.text for block in article.blocks)))
    chunks = chunk_script(make_script(article), max_chars)
    assert all(0 < len(chunk.text) <= max_chars for chunk in chunks)
    _feed_of(article)


@FUZZ
@given(
    st.text(st.characters(codec=None, categories=None), min_size=1, max_size=200),
    st.sampled_from(["\ufffe", "\uffff", "\ud800", "\udbff\udbff", "\x00", "\x1f", ""]),
)
def test_any_text_with_surrogates_or_nonchars_becomes_an_article_the_feed_can_hold(text: str, bad: str) -> None:
    source = f"A title {bad}{text[:20]}\n\nA paragraph {text} with {bad} inside."
    try:
        article = reader.extract(source)
    except reader.ReaderError as error:
        assert str(error).strip()
        return
    assert "\ufffe" not in article.title and not any("\ud800" <= c <= "\udfff" for c in article.title)
    feed = _feed_of(article)
    assert b"<item>" in feed


# --- normalization -----------------------------------------------------------------------------------

_NUMBER = st.builds(
    lambda sign, digits, sep, frac, suffix: f"{sign}{sep.join(digits)}{frac}{suffix}",
    st.sampled_from(["", "-", "+", "$", "€", "£", "¥"]),
    st.lists(st.from_regex(r"\A[0-9]{1,12}\Z"), min_size=1, max_size=5),
    st.sampled_from(["", ",", ".", " ", "\u202f"]),
    st.sampled_from(["", ".5", ",25", ".000000000000000000001"]),
    st.sampled_from(["", "%", "th", "st", "º", "ª", "km", "°C", "x", "e10", "bn"]),
)
_LANGS = st.sampled_from(["en", "en-GB", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "ja", "zh", "xx"])


@FUZZ
@given(st.lists(st.one_of(_NUMBER, _WORD), min_size=1, max_size=8).map(" ".join), _LANGS)
@example("1000000000000000000000000000", "es")  # num2words raised OverflowError past its range
@example("10" * 40 + "º", "pt")
@example("-" + "9" * 60 + ",5 %", "fr")
def test_numbers_of_any_length_in_any_language_never_raise(text: str, lang: str) -> None:
    spoken = normalize(text, lang)
    assert isinstance(spoken, str)
    if lang.startswith("en"):
        assert not any(ch.isdigit() for ch in spoken), spoken


# --- the URL check ------------------------------------------------------------------------------------

_V4_SPECIAL = st.sampled_from(
    [0, 0x7F000001, 0x7F010203, 0x0A000001, 0xAC100001, 0xC0A80001, 0xA9FEA9FE, 0x64400001, 0x64646464, 0xE0000001,
     0xF0000001, 0xFFFFFFFF, 0x5DB8D822, 0x08080808, 0x01010101, 0xC0000001, 0xC6336401]
)  # fmt: skip
_V4 = st.one_of(_V4_SPECIAL, st.integers(0, 2**32 - 1))


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """The reference, written apart from the code under test: global, not reserved or multicast, and not a
    cloud metadata address; an IPv6 address that carries an IPv4 one is what it carries."""
    metadata = {"169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254"}
    if isinstance(address, ipaddress.IPv6Address):
        v4 = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if v4 is None and address in ipaddress.ip_network("64:ff9b::/96"):
            v4 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if v4 is not None:
            return _public(v4)
    return address.is_global and not (address.is_multicast or address.is_reserved) and str(address) not in metadata


@st.composite
def ipv4_spellings(draw: st.DrawFn) -> tuple[str, ipaddress.IPv4Address]:
    """An IPv4 address and one of the ways a URL can spell it (dotted, decimal, hex, octal, short forms)."""
    value = draw(_V4)
    octets = list(value.to_bytes(4, "big"))

    def part(number: int) -> str:
        return draw(st.sampled_from([str(number), hex(number), hex(number).upper().replace("X", "x"), f"0{number:o}"]))

    form = draw(st.sampled_from(["dotted", "int", "a.b", "a.b.c"]))
    if form == "dotted":
        host = ".".join(part(o) for o in octets)
    elif form == "int":
        host = part(value)
    elif form == "a.b":
        host = f"{part(octets[0])}.{part(value & 0xFFFFFF)}"
    else:
        host = f"{part(octets[0])}.{part(octets[1])}.{part(value & 0xFFFF)}"
    return host, ipaddress.IPv4Address(value)


@st.composite
def ipv6_spellings(draw: st.DrawFn) -> tuple[str, ipaddress.IPv6Address]:
    v4 = ipaddress.IPv4Address(draw(_V4))
    form = draw(st.sampled_from(["mapped", "mapped-hex", "nat64", "6to4", "raw"]))
    if form == "mapped":
        text = f"::ffff:{v4}"
    elif form == "mapped-hex":
        text = f"::ffff:{int(v4) >> 16:x}:{int(v4) & 0xFFFF:x}"
    elif form == "nat64":
        text = f"64:ff9b::{v4}"
    elif form == "6to4":
        text = f"2002:{int(v4) >> 16:x}:{int(v4) & 0xFFFF:x}::1"
    else:
        text = str(ipaddress.IPv6Address(draw(st.integers(0, 2**128 - 1))))
    address = ipaddress.IPv6Address(text)
    return f"[{draw(st.sampled_from([text, text.upper(), address.exploded]))}]", address


def _refuse_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"an IP literal {host} went to DNS")


@FUZZ
@given(st.one_of(ipv4_spellings(), ipv6_spellings()), st.sampled_from(["http", "https", "HTTP"]), st.booleans())
def test_every_spelling_of_an_address_is_allowed_exactly_when_it_is_public(
    spelled: tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address], scheme: str, trailing_dot: bool
) -> None:
    host, address = spelled
    url = f"{scheme}://{host}{'.' if trailing_dot and not host.startswith('[') else ''}/story"
    try:
        target = check_url(url, FetchPolicy(resolver=_refuse_dns))
    except reader.FetchError as error:
        assert not _public(address), f"{url} ({address}) is public but was refused: {error}"
        return
    assert _public(address), f"{url} ({address}) is not public but was allowed"
    assert ipaddress.ip_address(target.address) == address


@FUZZ
@given(
    st.lists(st.one_of(_V4.map(ipaddress.IPv4Address), ipv6_spellings().map(lambda s: s[1])), min_size=1, max_size=4)
)
def test_a_name_is_allowed_only_when_every_address_it_resolves_to_is_public(
    addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address],
) -> None:
    policy = FetchPolicy(resolver=lambda host, port: [str(a) for a in addresses])
    try:
        target = check_url("https://news.example/story", policy)
    except reader.FetchError:
        assert not all(_public(a) for a in addresses)
        return
    assert all(_public(a) for a in addresses)
    assert ipaddress.ip_address(target.address) == addresses[0]  # the connection goes to a checked address
