"""The site's navigation in a real Chromium: on a server whose statistics page opens, it links it,
and the header still fits a 320 px phone (no horizontal scroll, axe clean)."""

from __future__ import annotations

import pytest
from browser_support import WIDTHS, axe_violations, chromium, no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory)


@pytest.mark.parametrize("width", [WIDTHS[0], WIDTHS[-1]])
def test_the_nav_links_the_stats_page_and_fits_a_phone(live_server, browser, width):
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 700})
        page.goto(live_server.url + "/")  # an --open server: anyone may read its statistics
        link = page.get_by_role("navigation", name="Site").get_by_role("link", name="Listening stats")
        assert link.is_visible()
        assert no_horizontal_overflow(page), width
        assert axe_violations(page) == []
        link.click()
        page.wait_for_url(live_server.url + "/stats")
        assert page.title() and no_horizontal_overflow(page)
    finally:
        page.close()
