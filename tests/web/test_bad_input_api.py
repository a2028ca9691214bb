"""Bad input through the web app: every request gets a specific 4xx with a JSON message, never a 500.

The Flask app runs over an empty cache with its real library; bodies, query
strings and paths are what a hostile or careless client sends. A body that is
accepted would start a real render, so accepted cases are not part of this file.
"""

from __future__ import annotations

import codecs
from typing import Any

import pytest

STORY = (
    "The council voted on Tuesday to reopen the old library after years of delay. "
    "Residents said the building had been closed for far too long, and the mayor agreed. "
) * 2


def _error(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["status"] == status and words in error["message"], error
    assert "Traceback" not in error["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        ("[]", "application/json", 400, "must be a JSON object"),
        ('[{"url": "https://news.example/"}]', "application/json", 400, "must be a JSON object"),
        ("42", "application/json", 400, "must be a JSON object"),
        ('"https://news.example/"', "application/json", 400, "must be a JSON object"),
        ("null", "application/json", 400, "must be a JSON object"),
        ("{", "application/json", 400, "must be a JSON object"),
        ("{'url': 'single quotes'}", "application/json", 400, "must be a JSON object"),
        ("\xff\xfe{}", "application/json", 400, "must be a JSON object"),
        ("{}", "application/json", 400, "give exactly one of url, html or text"),
        ('{"url": "", "text": ""}', "application/json", 400, "give exactly one of url, html or text"),
        ('{"url": "https://a.example/", "text": "x"}', "application/json", 400, "give exactly one"),
        ('{"url": 5}', "application/json", 400, "url must be a string"),
        ('{"url": ["https://a.example/"]}', "application/json", 400, "url must be a string"),
        ('{"url": {"href": "https://a.example/"}}', "application/json", 400, "url must be a string"),
        ('{"text": true}', "application/json", 400, "text must be a string"),
        ('{"html": {"nested": {"deeper": []}}}', "application/json", 400, "html must be a string"),
        ('{"text": "   \\n\\t"}', "application/json", 400, "text is empty"),
        ('{"url": "   "}', "application/json", 400, "url is empty"),
        ('{"url": "news.example/story"}', "application/json", 400, "http or https"),
        ('{"url": "javascript:alert(1)"}', "application/json", 400, "http or https"),
        ('{"url": "https://a.example/ with words"}', "application/json", 400, "http or https"),
        ('{"url": "https://a.example/\\nsecond line"}', "application/json", 400, "http or https"),
        ('{"text": "x", "callback": "y"}', "application/json", 400, "unknown field(s): callback"),
        ('{"text": "x", "__proto__": {}}', "application/json", 400, "unknown field(s): __proto__"),
        ('{"text": "x", "backend": 7}', "application/json", 400, "backend must be a non-empty string"),
        ('{"text": "x", "voice": ["a"]}', "application/json", 400, "voice must be a non-empty string"),
        ('{"text": "x", "voice": ""}', "application/json", 400, "voice must be a non-empty string"),
        ('{"text": "x", "lang": {"en": 1}}', "application/json", 400, "lang must be a non-empty string"),
        ('{"text": "x", "rate": "fast"}', "application/json", 400, "rate must be a positive number"),
        ('{"text": "x", "rate": true}', "application/json", 400, "rate must be a positive number"),
        ('{"text": "x", "rate": -100}', "application/json", 400, "rate must be a positive number"),
        ('{"text": "x", "rate": 1e999}', "application/json", 400, "rate must be a positive number"),
        ('{"text": "x", "rate": NaN}', "application/json", 400, "rate must be a positive number"),
        ('{"text": "x"}', "text/plain", 415, "Content-Type: application/json"),
        ('{"text": "x"}', "application/x-www-form-urlencoded", 415, "Content-Type: application/json"),
        ("text=hello", "application/x-www-form-urlencoded", 415, "Content-Type: application/json"),
        ('{"text": "x"}', "", 415, "Content-Type: application/json"),
        ('{"text": "x"}', "multipart/form-data; boundary=x", 415, "Content-Type: application/json"),
    ],
)
def test_post_articles_refuses_wrong_shapes_types_and_content_types(
    client: Any, body: str, content_type: str, status: int, words: str
) -> None:
    data = body.encode("latin-1") if body.startswith("\xff") else body.encode()
    _error(client.post("/api/articles", data=data, content_type=content_type), status, words)


@pytest.mark.parametrize(
    ("options", "status", "words"),
    [
        ({"backend": "nope"}, 400, "unknown backend 'nope' (known:"),
        ({"backend": "../../bin/sh"}, 400, "unknown backend"),
        ({"voice": "no-such-voice"}, 400, "has no voice 'no-such-voice'"),
        ({"voice": "../../../etc/passwd"}, 400, "has no voice"),
        ({"voice": "v" * 201}, 400, "voice must be a non-empty string"),
        ({"rate": 100_000}, 400, "rate must be 40-600"),
        ({"lang": "../.."}, 400, "lang must be a language tag"),
        ({"lang": "en\u0000"}, 400, "lang must be a language tag"),
    ],
)
def test_post_articles_refuses_unknown_backends_voices_and_options(
    client: Any, cache_dir: Any, options: dict[str, Any], status: int, words: str
) -> None:
    _error(client.post("/api/articles", json={"text": STORY, **options}), status, words)
    assert not any(cache_dir.rglob("*.mp3"))


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"text": "\u0000\u0001\u0002 binary"}, "binary data"),
        ({"html": "<html><body><nav><a href='/'>Home</a></nav></body></html>"}, "no article found"),
        ({"html": "<p>tiny</p>" * 20_000}, "blocks of text; the limit is 10,000"),
        ({"text": "".join(f"Line {i}.\n\n" for i in range(12_000))}, "paragraphs; the limit is 10,000"),
    ],
)
def test_post_articles_refuses_unreadable_content(client: Any, payload: dict[str, str], words: str) -> None:
    response = client.post("/api/articles", json=payload)
    assert response.status_code in (400, 422)
    _error(response, response.status_code, words)


def test_post_articles_over_the_body_limit_is_413(client: Any) -> None:
    body = b'{"text": "' + b"word " * 1_100_000 + b'"}'  # 5.5 MB, over the 5 MB default
    _error(client.post("/api/articles", data=body, content_type="application/json"), 413, "too large")


def test_utf16_json_body_is_read_or_refused_cleanly(client: Any) -> None:
    body = codecs.BOM_UTF16_LE + '{"text": 5}'.encode("utf-16-le")
    response = client.post("/api/articles", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json


TRICKS = [
    "..",
    "../../etc/passwd",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2f..%2fetc%2fpasswd",
    "%252e%252e",
    "/etc/passwd",
    "abc%00def",
    "a" * 5000,
    "C:%5cWindows",
    "abcdef..",
    "%c0%ae%c0%ae",
]


@pytest.mark.parametrize("trick", TRICKS)
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("get", "/api/articles/{}"),
        ("get", "/api/articles/{}/audio.mp3"),
        ("get", "/api/articles/{}/captions.vtt"),
        ("post", "/api/articles/{}/refresh"),
        ("delete", "/api/articles/{}"),
    ],
)
def test_path_tricks_in_article_ids_are_json_404s(client: Any, trick: str, method: str, template: str) -> None:
    response = getattr(client, method)(template.format(trick))
    assert response.status_code in (404, 405), response.status_code
    assert response.is_json and "error" in response.get_json()


@pytest.mark.parametrize("trick", TRICKS)
def test_path_tricks_in_page_and_static_urls_are_404s(client: Any, trick: str) -> None:
    for path in (f"/articles/{trick}", f"/articles/{trick}/script", f"/static/{trick}", f"/static/../{trick}"):
        response = client.get(path, follow_redirects=True)  # werkzeug redirects "//" to "/" first
        assert response.status_code == 404, (path, response.status_code)
        assert b"Traceback" not in response.data and b"root:" not in response.data


@pytest.mark.parametrize(
    "query",
    [
        {"url": "https://news.example/a", "rate": "nan"},
        {"url": "https://news.example/a", "rate": "inf"},
        {"url": "https://news.example/a", "rate": "-5"},
        {"url": "https://news.example/a", "rate": "fast"},
        {"url": "https://news.example/a", "lang": "../.."},
        {"url": "ftp://news.example/a"},
        {"url": "https://news.example/" + "a" * 3000},
    ],
)
def test_embed_lookup_refuses_bad_queries_without_a_500(client: Any, query: dict[str, str]) -> None:
    response = client.get("/api/articles", query_string=query)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.is_json and response.get_json()["error"]["message"]


def test_voices_with_an_unknown_backend_is_a_400(client: Any) -> None:
    _error(client.get("/api/voices", query_string={"backend": "nope"}), 400, "unknown backend 'nope'")


def test_wrong_methods_are_json_405s(client: Any) -> None:
    for method, path in (("put", "/api/articles"), ("patch", "/api/articles"), ("get", "/api/articles/abcdef/refresh")):
        response = getattr(client, method)(path)
        assert response.status_code == 405 and response.is_json
