"""Hostile inputs of up to 5 MB, by shape, and a runner that measures one in a fresh process.

The input budget (README, "Input budgets"): any input of up to ``MAX_INPUT_BYTES`` is read into an
article, scripted and chunked (the plan path, without audio) or refused with a ``ReaderError``, within
``BUDGET_MB`` of peak memory (the process's own VmHWM) and ``BUDGET_SECONDS`` of CPU. Each shape is the
largest of its kind that fits in 5 MB, or the largest that passes the cheap caps of
``reader.text.input_limits`` (so that the costly steps run); both when they differ. Shared by
``tests/test_input_budget.py`` and ``bench/adversarial.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

MAX_INPUT_BYTES = 5_000_000
BUDGET_MB = 500
BUDGET_SECONDS = 10.0

_ELEMENTS = 240_000  # just under reader.text.input_limits.MAX_ELEMENTS (250,000)
_BLOCKS = 9_900  # just under MAX_BLOCKS (10,000)
_CHARS = 990_000  # just under MAX_ARTICLE_CHARS (1,000,000)


def _page(body: str) -> str:
    return f"<html><head><title>A hostile page</title></head><body><article>{body}</article></body></html>"


def _fill(unit: str, size: int = MAX_INPUT_BYTES - 200) -> str:
    """``unit`` repeated to ``size`` characters (whole units only)."""
    return unit * (size // len(unit))


def _sentences(count: int) -> str:
    """Distinct paragraphs of plain sentences (repeated ones are dropped as furniture)."""
    return "".join(
        f"<p>The council met on day {i} and voted. It built {i} homes by the river.</p>" for i in range(count)
    )


def _real_article() -> str:
    from conftest import generated_article  # the tests' deterministic article generator

    return generated_article(5000, "A real article")


Shape = tuple[str, Callable[[], str]]  # (kind: "html", "text", "markdown" or "bytes", builder)

BASELINE = "baseline-5000-word-article"
SHAPES: dict[str, Shape] = {
    BASELINE: ("markdown", _real_article),
    # repeated inline tags (issue 11, finding 3) and their neighbours
    "html-inline-b-under-cap": ("html", lambda: _page("<p>" + "<b>x</b>" * _ELEMENTS + "</p>")),
    "html-inline-b-5mb": ("html", lambda: _page("<p>" + _fill("<b>x</b>") + "</p>")),
    "html-inline-words": ("html", lambda: _page("<p>" + "<b>word</b> " * _ELEMENTS + "</p>")),
    "html-links": ("html", lambda: _page("<p>" + '<a href="/x">word</a> ' * 220_000 + "</p>")),
    "html-inline-per-paragraph": ("html", lambda: _page(("<p>" + "<i>word</i> " * 100 + "</p>") * 2_350)),
    "html-inline-in-long-paragraph": ("html", lambda: _page("<p>" + "<em>a</em> " * 200 + "more " * 190_000 + "</p>")),
    "html-spans": ("html", lambda: _page("<p>" + "<span>word</span> " * _ELEMENTS + "</p>")),
    # deep nesting
    "html-nested-inline": (
        "html",
        lambda: _page(("<p>" + "<i><b>" * 100 + "word " + "</b></i>" * 100 + "</p>") * 1_150),
    ),
    "html-deep-divs": ("html", lambda: _page("<div>" * _ELEMENTS + "Some words here." + "</div>" * _ELEMENTS)),
    "html-deep-unclosed": ("html", lambda: _page(_fill("<div><p>x"))),
    "html-deep-lists": ("html", lambda: _page("<ul><li>item " * 100_000)),
    # huge attributes
    "html-huge-attribute": ("html", lambda: _page('<p title="' + _fill("a") + '">Some text here.</p>')),
    "html-many-attributes": ("html", lambda: _page("<p " + _fill('d="x" ') + ">Some text here.</p>")),
    "html-huge-style-attributes": ("html", lambda: _page(('<p style="' + "a" * 20_000 + '">word</p>') * 240)),
    # many tiny blocks, many paragraphs
    "html-tiny-blocks-under-cap": ("html", lambda: _page("<p>w</p>" * _BLOCKS)),
    "html-tiny-blocks-5mb": ("html", lambda: _page(_fill("<p>w</p>"))),
    "html-many-paragraphs": ("html", lambda: _page(_sentences(_BLOCKS))),
    "html-empty-divs": ("html", lambda: _page("<p>Some words here.</p>" + "<div></div>" * _ELEMENTS)),
    "html-images": ("html", lambda: _page("<p>Some words here.</p>" + "<img src=x>" * _ELEMENTS)),
    "html-many-empty-elements": ("html", lambda: _page("<p>Some words here.</p>" + "<br>" * _ELEMENTS)),
    # unpunctuated runs, long words, odd text
    "html-unpunctuated": ("html", lambda: _page("<p>" + _fill("word ") + "</p>")),
    "html-unpunctuated-under-cap": ("html", lambda: _page("<p>" + "word " * (_CHARS // 5) + "</p>")),
    "html-long-word": ("html", lambda: _page("<p>" + _fill("x") + "</p>")),
    "html-a-dots": ("html", lambda: _page("<p>" + "a. " * 19_000 + "</p>")),
    "html-brackets": ("html", lambda: _page("<p>" + "(" * 490_000 + "x" + ")" * 490_000 + "</p>")),
    "html-entities": ("html", lambda: _page("<p>" + _fill("&amp; ") + "</p>")),
    "html-newlines": ("html", lambda: _page("<p>Some words here.</p>" + _fill("\n"))),
    # huge tables
    "html-huge-table": (
        "html",
        lambda: _page("<table>" + ("<tr>" + "<td>cell</td>" * 50 + "</tr>") * 4_700 + "</table>"),
    ),
    "html-wide-table": ("html", lambda: _page("<table><tr>" + "<td>c</td>" * 200_000 + "</tr></table>")),
    "html-table-per-row-text": ("html", lambda: _page("<table>" + "<tr><td>row text</td></tr>" * 9_000 + "</table>")),
    # comments, scripts
    "html-many-comments": ("html", lambda: _page("<p>Some words here.</p>" + _fill("<!-- c -->"))),
    "html-huge-comment": ("html", lambda: _page("<p>Some words here.</p><!--" + _fill("x") + "-->")),
    "html-huge-script": ("html", lambda: _page("<p>Some words here.</p><script>" + _fill("x=1;") + "</script>")),
    # through the byte path (decoding and sniffing included)
    "bytes-inline-b": ("bytes", lambda: _page("<p>" + "<b>word</b> " * _ELEMENTS + "</p>")),
    "bytes-unpunctuated": ("bytes", lambda: "A title\n\n" + _fill("word ")),
    "bytes-binary-like": ("bytes", lambda: _fill("\x01\x02ab\x7f")),
    # plain text
    "text-unpunctuated": ("text", lambda: "A title\n\n" + _fill("word ")),
    "text-unpunctuated-under-cap": ("text", lambda: "A title\n\n" + "word " * (_CHARS // 5)),
    "text-long-word": ("text", lambda: "A title\n\n" + "x" * _CHARS),
    "text-twelve-long-words": ("text", lambda: "A title\n\n" + " ".join(["x" * 100_000] * 12)),
    "text-long-link-words": ("text", lambda: "A title\n\n" + " ".join(["link" * 25_000] * 12)),
    "html-twelve-long-words": ("html", lambda: _page("<p>" + " ".join(["x" * 10_000] * 12) + "</p>")),
    "text-spaces": ("text", lambda: "A title\n\na" + _fill(" ") + "b"),
    "text-a-dots": ("text", lambda: "A title\n\n" + "a. " * 19_000),
    "text-a-dots-5mb": ("text", lambda: "A title\n\n" + _fill("a. ")),
    "text-newlines": ("text", lambda: "A title\n\n" + _fill("\n") + "text"),
    "text-many-paragraphs": (
        "text",
        lambda: "A title\n\n" + "".join(f"Line {i} of the text.\n\n" for i in range(_BLOCKS)),
    ),
    "text-brackets": ("text", lambda: "A title\n\n" + "(" * 490_000 + "x" + ")" * 490_000),
    "text-digits": ("text", lambda: "A title\n\n" + "9" * _CHARS),
    "text-long-title": ("text", lambda: "x" * _CHARS + "\n\nA paragraph."),
    # Markdown
    "markdown-emphasis": ("markdown", lambda: "# Title\n\n" + _fill("*a* ")),
    "markdown-emphasis-under-cap": ("markdown", lambda: "# Title\n\n" + "*a* " * (_CHARS // 4)),
    "markdown-emphasis-under-mark-cap": ("markdown", lambda: "# Title\n\n" + "*a* word " * 9_900),
    "markdown-unclosed-emphasis": ("markdown", lambda: "# Title\n\n" + "**a " * (_CHARS // 4)),
    "markdown-nested-quotes": ("markdown", lambda: "# Title\n\n" + ">" * _CHARS + " a"),
    "markdown-nested-lists": ("markdown", lambda: "# Title\n\n" + "- " * 400_000 + "a"),
    "markdown-links": ("markdown", lambda: "# Title\n\n" + "[a](b) " * _BLOCKS),
    "markdown-backticks": ("markdown", lambda: "# Title\n\n" + "`" * _CHARS),
    "markdown-headings": ("markdown", lambda: "".join(f"# Heading {i}\n\n" for i in range(_BLOCKS))),
    "markdown-html-inline": ("markdown", lambda: "# Title\n\n" + "<b>x</b>" * 120_000),
}

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from adversarial_inputs import SHAPES
def peak_kb():
    # This interpreter's own high-water mark. ru_maxrss survives exec on Linux, so a child of a big
    # pytest process would report its parent's size; VmHWM belongs to the new address space alone.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kind, build = SHAPES[sys.argv[2]]
data = build()
from reader.text import chunk_script
from reader.errors import ReaderError
from reader.text import extract; from reader.text.extraction import extract_document
from reader.text import make_script
from reader.text.sources import Document
start, cpu = time.perf_counter(), time.process_time()
try:
    if kind == "bytes":
        article = extract(data.encode("utf-8"))
    else:
        article = extract_document(Document(text=data, kind=kind, name="the text"))
    chunks = chunk_script(make_script(article), 400)
    outcome, status = f"read: {len(article.blocks)} blocks, {len(chunks)} chunks", 200
except ReaderError as error:
    outcome, status = f"refused: {error}", error.http_status
print(json.dumps({
    "bytes": len(data.encode("utf-8", "surrogatepass")),
    "outcome": outcome[:160],
    "status": status,
    "seconds": round(time.perf_counter() - start, 2),
    "cpu_seconds": round(time.process_time() - cpu, 2),
    "peak_mb": round(peak_kb() / 1024),
}))
"""


def measure(name: str, *, timeout: float = 600) -> dict[str, object]:
    """Run one shape in a fresh interpreter; its input size, outcome, time, CPU time and peak memory."""
    tests = str(Path(__file__).resolve().parent)
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, tests, name],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{name}: the child failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return {"shape": name, **json.loads(completed.stdout.strip().splitlines()[-1])}
