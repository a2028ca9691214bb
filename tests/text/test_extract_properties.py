"""Whatever comes in, extract gives an Article or a ReaderError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader

_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "h1",
        "h2",
        "blockquote",
        "li",
        "ul",
        "figure",
        "figcaption",
        "nav",
        "article",
        "span",
        "table",
        "td",
        "script",
    ]
)
_ATTRS = st.sampled_from(
    [
        "",
        " data-tts='skip'",
        " data-tts='only'",
        " aria-hidden='true'",
        " class='no-tts'",
        " class='share'",
        " role='dialog'",
        " hidden",
    ]
)
_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts = ["<html><body>"]
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        parts.append(f"<{tag}{draw(_ATTRS)}>{draw(_WORDS)}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    return "".join(parts)


def _extract_or_reader_error(source: object) -> None:
    try:
        article = reader.extract(source)  # type: ignore[arg-type]
    except reader.ReaderError as error:
        assert str(error)
        return
    assert article.blocks
    reader.make_script(article)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _extract_or_reader_error(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    _extract_or_reader_error("\n" + text)  # a newline makes it content, never a path or URL


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages())
def test_arbitrary_html(page: str) -> None:
    _extract_or_reader_error(page)
    _extract_or_reader_error(page.encode("utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "# Title",
                "## Heading",
                "- item",
                "> quote",
                "```",
                "---",
                "text line",
                "",
                "[a](b)",
                "![x](y)",
                "<div data-tts='skip'>x</div>",
                "Share",
                "Comments",
            ]
        ),
        max_size=30,
    )
)
def test_arbitrary_markdown(lines: list[str]) -> None:
    _extract_or_reader_error("---\ntitle: T\n---\n" + "\n".join(lines))
