"""`reader script`: the speech script on stdout, and one clean line for every kind of failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli.commands import cli

ARTICLE_HTML = (
    "<html lang='en'><head><title>Harbour Wall Repaired</title></head><body><article><h1>Harbour Wall Repaired</h1>"
    "<p>Engineers finished repairing the harbour wall on Friday, three months after winter storms broke it open. "
    "The work cost less than expected because the old stone could be reused.</p>"
    "<p>Fishing boats will be able to use the inner harbour again from next week, the harbour master said.</p>"
    "</article></body></html>"
)


def run(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["script", *args], input=stdin)


def assert_one_clean_line(result, exit_code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == exit_code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("reader: error: ") and message in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_text_format_prints_block_markers_and_sentences(seed_html: Path) -> None:
    result = run(str(seed_html))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "[title]"
    assert "[heading]" in lines and "[paragraph]" in lines
    assert "There is no betrayal there." in result.output.replace("\u201d", "").replace("\u201c", "")


def test_json_format_has_title_lang_and_sentences(seed_text: Path) -> None:
    result = run(str(seed_text), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"].startswith("US Push for Ukraine Peace")
    assert data["lang"] == "en"
    first = data["sentences"][0]
    assert set(first) == {"block", "kind", "written", "spoken"} and first["kind"] == "title"
    assert all("LEAVE A REPLY" not in s["written"] for s in data["sentences"])


def test_stdin_html_bytes(tmp_path: Path) -> None:
    result = run("-", stdin=ARTICLE_HTML.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "Harbour Wall Repaired" in result.output and "harbour master said" in result.output


def test_stdin_plain_text_in_latin_1() -> None:
    text = (
        "Caf\u00e9 Owners Win Appeal\n\nThe owners of the caf\u00e9 on Market Street won their appeal against"
        " the council on Monday, after a hearing that lasted three days.\n"
    )
    result = run("-", stdin=text.encode("latin-1"))
    assert result.exit_code == 0, result.output
    assert "Caf\u00e9 Owners Win Appeal" in result.output


@pytest.mark.parametrize(
    ("make", "exit_code", "message"),
    [
        (lambda d: str(d / "missing.html"), 2, "no such file"),
        (lambda d: str(d), 2, "is a directory"),
        (lambda d: _write(d / "empty.html", b""), 2, "is empty"),
        (lambda d: _write(d / "blank.txt", b"  \n\t\n "), 2, "is empty"),
        (lambda d: _write(d / "photo.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), 2, "a PNG image"),
        (lambda d: _write(d / "doc.txt", b"%PDF-1.7\n" + bytes(range(256)) * 4), 2, "a PDF document"),
        (lambda d: _write(d / "blob.bin", bytes(range(256)) * 64), 2, "binary"),
        (
            lambda d: _write(
                d / "nav.html", b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
            ),
            3,
            "no article found",
        ),
        (lambda d: _write(d / "furniture.txt", b"Share\n\nAdvertisement\n\nLeave a reply\n"), 3, "no article found"),
    ],
    ids=["missing", "directory", "empty", "whitespace", "png", "pdf", "binary", "nav-only", "furniture-only"],
)
def test_bad_files_fail_with_one_clean_line(tmp_path: Path, make, exit_code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert_one_clean_line(run(make(tmp_path)), exit_code, message)


def test_device_file_is_refused_not_read_forever() -> None:
    assert_one_clean_line(run("/dev/zero"), 2, "not a regular file")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "huge.html"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no real disk used
    assert_one_clean_line(run(str(big)), 2, "too large")


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("stdin", "exit_code", "message"),
    [
        (b"", 2, "empty"),
        (b"\n\n   \n", 2, "empty"),
        (b"\x00\x01\x02\x03" * 100, 2, "binary"),
        (b"\x1f\x8b\x08\x00", 2, "gzip"),
    ],
)
def test_bad_stdin_fails_with_one_clean_line(stdin: bytes, exit_code: int, message: str) -> None:
    assert_one_clean_line(run("-", stdin=stdin), exit_code, message)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/story.html", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://127.0.0.1/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://user:pw@example.com/", "credentials"),
    ],
)
def test_refused_urls_fail_with_one_clean_line(url: str, message: str) -> None:
    assert_one_clean_line(run(url), 4, message)


def test_help_carries_an_example() -> None:
    result = CliRunner().invoke(cli, ["script", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "reader script" in result.output


def test_an_unexpected_bug_is_still_one_line(monkeypatch: pytest.MonkeyPatch, seed_html: Path) -> None:
    import reader.text

    def broken(source: object, **options: object) -> None:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(reader.text, "extract", broken)  # `reader script` takes it from the door when it runs
    assert_one_clean_line(run(str(seed_html)), 1, "internal error: RuntimeError: something nobody planned for")
