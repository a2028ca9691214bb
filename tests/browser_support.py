"""The real browser for the player's tests: Debian's chromium, headless, driven by Playwright (no browser
download), with the helpers every browser test module uses (axe, polling under a strict CSP, screenshots)."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(os.environ.get("READER_TEST_OUTPUT", Path(__file__).resolve().parent.parent / "test-output"))
WIDTHS = (320, 390, 768, 1280)  # a small phone, a phone, a tablet, a laptop


def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One browser (a persistent context on a new, empty profile) for a whole test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: ./quickstart.sh test installs it")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 850},
        )
        try:
            yield context
        finally:
            context.close()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    from importlib.resources import files

    axe_source = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def wait(page, expression: str, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Poll ``expression`` until truthy. (Playwright's wait_for_function evaluates a string with eval,
    which the pages' Content-Security-Policy forbids; page.evaluate goes through DevTools.)"""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def api(url: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode() if body is not None else None, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def rendered(server_url: str, article_id: str, timeout: float = 300) -> dict:
    """Wait until the article is rendered; its final state."""
    deadline = time.monotonic() + timeout
    while True:
        data = api(f"{server_url}/api/articles/{article_id}")
        if data["status"] != "rendering":
            assert data["status"] == "complete", data.get("error")
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"still rendering after {timeout} s: {data['progress']}")
        time.sleep(0.3)


def no_horizontal_overflow(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
