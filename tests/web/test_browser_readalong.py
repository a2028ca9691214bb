"""Word-level read-along in a real browser (headless Chromium), on real renders (issue 17, item 3).

An article the project has never seen, with a money amount and a date, rendered for real (pyttsx3/eSpeak
NG, and Piper): while it plays at 1× and 2× the test samples the word highlight (the "reader-word" entry
of CSS.highlights) over and over and checks that it is the API's written span for that moment, inside the
highlighted sentence, moving forward through the sentence's words; that "$3.5bn" and "4 July 2025" are
each marked as one span; that nothing on the page moves (the Layout Instability API and the sentences'
boxes); in the app's article page and in the embed on another site's page. Seeking and clicking a
sentence mark the right word; with the setting off (READER_WORD_HIGHLIGHT=false, data-words="off") no word
is marked while the sentence still is. Screenshots go to test-output/.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest
from browser_support import OUTPUT, api, chromium, rendered, wait
from conftest import LiveServer, generated_article

pytestmark = pytest.mark.browser

TITLE = "Ferry plan agreed"
MONEY, DATE = "$3.5bn", "4 July 2025"
PARAGRAPHS = (
    f"The port authority agreed a {MONEY} plan on {DATE} to rebuild the old ferry terminal.",
    "Fishing crews said the work would close the northern quay for most of a year.",
    "Ferries will sail from a temporary pier while the new hall is built.",
)
TEXT = TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {reader};
 connect-src {reader}; media-src {reader}; style-src 'self'">
<link rel="canonical" href="{page}"></head>
<body><main><article id="story"><h1>{title}</h1>{paragraphs}</article></main>
<script src="{reader}/embed/v1/embed.js" data-selector="#story" {attributes} async></script>
</body></html>
"""
AUDIO_APP = "document.querySelector('#player audio')"
SHADOW = "document.querySelector('[data-reader-player]').shadowRoot"

# One sample of what the listener sees: the audio's time, the marked word and where it is, the sentence
# highlighted, and the boxes of the page's text (which must never move).
SAMPLE_APP = """(() => {
  const audio = document.querySelector('#player audio');
  const h = CSS.highlights.get('reader-word');
  const r = h && h.size ? [...h][0] : null;
  const cur = document.querySelector('.s.current');
  return {t: audio.currentTime, rate: audio.playbackRate, paused: audio.paused,
    live: document.getElementById('player').dataset.live === '1',
    sentence: cur ? +cur.dataset.i : null, sentenceText: cur ? cur.textContent : null,
    word: r ? [r.startOffset, r.endOffset, r.toString()] : null,
    inside: r ? !!cur && cur.contains(r.startContainer) && cur.contains(r.endContainer) : null,
    boxes: [...document.querySelectorAll('.s, .reader-body p')].map(n => {
      const b = n.getBoundingClientRect(); return [b.x, b.y + scrollY, b.width, b.height]; })};
})()"""
SAMPLE_EMBED = """(() => {
  const root = ROOT;
  const audio = root.querySelector('audio');
  const now = root.querySelector('.p-now');
  const h = CSS.highlights.get('reader-word');
  const r = h && h.size ? [...h][0] : null;
  return {t: audio.currentTime, rate: audio.playbackRate, paused: audio.paused,
    sentence: root.querySelector('section').dataset.sentence ? +root.querySelector('section').dataset.sentence : null,
    sentenceText: now.textContent,
    word: r ? [r.startOffset, r.endOffset, r.toString()] : null,
    inside: r ? now.contains(r.startContainer) && now.contains(r.endContainer) : null,
    visible: r ? (b => { const c = now.getBoundingClientRect();
      return b.top >= c.top - 1 && b.bottom <= c.bottom + 1; })(r.getBoundingClientRect()) : null,
    lines: Math.round(now.scrollHeight / parseFloat(getComputedStyle(now).lineHeight)),
    boxes: [...document.querySelectorAll('#story, #story p, [data-reader-player]'), now].map(n => {
      const b = n.getBoundingClientRect(); return [b.x, b.y + scrollY, b.width, b.height]; })};
})()""".replace("ROOT", SHADOW)
# Layout shifts from now on, as the browser scores them (scrolling is not a shift; a moved element is).
WATCH_SHIFTS = """window.readerShifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => readerShifts.push(e.value)))
  .observe({type: 'layout-shift'});"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Another origin: a static site serving the host pages the tests write."""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.root = root  # type: ignore[attr-defined]
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()


def _server(tmp_path_factory, site, **env: str) -> LiveServer:
    root = tmp_path_factory.mktemp("live")
    (root / "cache").mkdir()
    host = site.origin.removeprefix("http://")
    return LiveServer(
        root / "cache",
        root,
        workers=1,
        env={
            "READER_CORS_ORIGINS": json.dumps([site.origin]),
            "READER_FETCH_ALLOW": host,
            "READER_ALLOWED_HOSTS": json.dumps([host]),
            **env,
        },
    )


@pytest.fixture(scope="module")
def espeak_server(tmp_path_factory, site):
    server = _server(tmp_path_factory, site, READER_BACKEND="pyttsx3")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def piper_server(tmp_path_factory, site):
    """Piper, with the app's word highlight turned off: the embed (its own switch) still marks words."""
    server = _server(tmp_path_factory, site, READER_BACKEND="piper", READER_WORD_HIGHLIGHT="false")
    yield server
    server.stop()


def _article(server: LiveServer) -> dict:
    """The unseen article, rendered; its API state (sentences with their words)."""
    created = api(server.url + "/api/articles", {"text": TEXT})
    return rendered(server.url, created["id"])


def _host_page(site, reader: str, name: str, attributes: str = "") -> str:
    url = f"{site.origin}/{name}.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = HOST_PAGE.format(title=TITLE, reader=reader, page=url, paragraphs=paragraphs, attributes=attributes)
    (site.root / f"{name}.html").write_text(page, encoding="utf-8")
    return url


def _triples(sentence: dict) -> list[tuple[int, int, int]]:
    flat = sentence.get("words") or []
    return [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]  # type: ignore[misc]


def _with_words(state: dict) -> dict[int, dict]:
    """The sentences that have word times, by index; the unseen sentence's money and date are one span each."""
    sentences = {s["index"]: s for s in state["sentences"] if s.get("words")}
    money = next(s for s in state["sentences"] if MONEY in s["written"])
    assert money["index"] in sentences, f"no word times for {money['written']!r}: {state['sentences']}"
    spans = [money["written"][b:e] for _, b, e in _triples(money)]
    assert MONEY in spans and DATE in spans, spans
    return sentences


def _expected(sentence: dict, t: float) -> int:
    """Which triple the listener should see marked at audio time t (the player leads by 50 ms)."""
    found = -1
    for i, (ms, _, _) in enumerate(_triples(sentence)):
        if ms <= (t - sentence["start"]) * 1000 + 50:
            found = i
    return found


def _play_and_sample(page, sample: str, until: float, timeout: float = 60) -> list[dict]:
    """Samples as fast as the page answers while the audio plays, up to audio time ``until``."""
    samples: list[dict] = []
    deadline = page.evaluate("performance.now()") + timeout * 1000
    while True:
        s = page.evaluate(sample)
        if not s["paused"]:
            samples.append(s)
        if s["t"] >= until or (s["paused"] and samples):
            return samples
        assert page.evaluate("performance.now()") < deadline, samples[-3:]
        page.wait_for_timeout(15)


def _check_following(samples: list[dict], sentences: dict[int, dict], rate: float) -> set[tuple[int, int, int]]:
    """Every marked word is the API's span for that moment, inside the highlighted sentence, in order."""
    assert samples and all(s["rate"] == rate for s in samples), samples[:1]
    by_text = {s["written"]: s for s in sentences.values()}
    seen: list[tuple[int, int]] = []
    marked: set[tuple[int, int, int]] = set()
    for s in samples:
        sentence = by_text.get(s["sentenceText"])
        if sentence is None or s["word"] is None:
            assert s["word"] is None, s  # no sentence with words highlighted: no word either
            continue
        begin, end, text = s["word"]
        triples = _triples(sentence)
        spans = [(b, e) for _, b, e in triples]
        assert (begin, end) in spans, (s, spans)
        assert text == sentence["written"][begin:end] and s["inside"], s
        index = spans.index((begin, end))
        # the mark was drawn on the last frame: the audio may be a frame or two (times the rate) further
        assert _expected(sentence, s["t"] - 0.3 * rate) <= index <= _expected(sentence, s["t"]), (s, triples)
        seen.append((sentence["index"], index))
        marked.add((sentence["index"], begin, end))
    assert seen == sorted(seen), seen  # forward only, through the sentences and through their words
    return marked


def _check_still(samples: list[dict], page) -> None:
    assert all(s["boxes"] == samples[0]["boxes"] for s in samples), "the text moved"
    assert page.evaluate("readerShifts") == []


def _money_words_marked(marked: set, sentences: dict[int, dict]) -> None:
    money = next(s for s in sentences.values() if MONEY in s["written"])
    texts = [money["written"][b:e] for i, b, e in marked if i == money["index"]]
    assert MONEY in texts and DATE in texts, texts
    # nearly every word of the sentence was seen marked (a word shorter than a sample may slip by at 2×)
    assert len(texts) >= 0.6 * len(_triples(money)), (texts, _triples(money))


@pytest.mark.parametrize("rate", [1, 2])
def test_the_app_marks_each_word_in_the_highlighted_sentence_at_1x_and_2x(espeak_server, browser, rate):
    state = _article(espeak_server)
    page = browser.new_page()
    sentences = _with_words(state)
    page.goto(espeak_server.url + state["page_url"])
    page.evaluate(f"localStorage.clear(); localStorage.setItem('reader:rate', '{rate}')")
    page.reload()
    page.wait_for_selector("#player .p-play")
    wait(page, "document.querySelectorAll('.s.ready').length > 2")
    page.evaluate(WATCH_SHIFTS)
    page.click("#player .p-play")
    money = next(s for s in sentences.values() if MONEY in s["written"])
    samples = _play_and_sample(page, SAMPLE_APP, until=sentences[money["index"] + 1]["start"] + 0.4)
    marked = _check_following(samples, sentences, rate)
    _money_words_marked(marked, sentences)
    assert {s["sentence"] for s in samples} >= {money["index"], money["index"] + 1}
    _check_still(samples, page)
    if rate == 2:
        page.set_viewport_size({"width": 1280, "height": 700})
        page.evaluate("document.querySelector('#player audio').pause()")
        page.evaluate(f"document.getElementById('player').readerPlayer.seekTo({money['start']} + 2.2)")
        page.wait_for_timeout(400)  # the previous sentence's highlight fades out (.2 s)
        page.screenshot(path=str(OUTPUT / "readalong-app.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 520})

    # Paused, a seek marks the word of that moment; a click on a sentence plays it from its first word
    page.evaluate("document.querySelector('#player audio').pause()")
    for ms, begin, end in _triples(money):
        page.evaluate(f"document.getElementById('player').readerPlayer.seekTo({money['start'] + ms / 1000 + 0.001})")
        s = page.evaluate(SAMPLE_APP)
        assert s["sentence"] == money["index"] and s["inside"], s
        assert s["word"][:2] == list(_triples(money)[_expected(money, s["t"])][1:]), (s, ms, begin, end)
    last = max(sentences)
    page.click(f".s[data-i='{last}']")
    first = sentences[last]["start"] + _triples(sentences[last])[0][0] / 1000  # after a short silence
    wait(page, f"document.querySelector('#player audio').currentTime > {first} + 0.3")
    page.evaluate("document.querySelector('#player audio').pause()")
    s = page.evaluate(SAMPLE_APP)
    assert s["sentence"] == last and s["inside"], s
    assert s["word"][:2] == list(_triples(sentences[last])[_expected(sentences[last], s["t"])][1:]), s
    page.close()


@pytest.mark.parametrize("rate", [1, 2])
def test_the_embed_shows_the_sentence_and_marks_its_words_on_another_site(espeak_server, browser, site, rate):
    url = _host_page(site, espeak_server.url, f"readalong-{rate}")
    # published first, as a CMS would: the embed finds it by its URL
    state = rendered(espeak_server.url, api(espeak_server.url + "/api/articles", {"url": url})["id"])
    page = browser.new_page()
    if rate == 2:  # a phone: the long sentence takes more lines than the caption's two
        page.set_viewport_size({"width": 320, "height": 640})
    sentences = _with_words(state)
    page.goto(url)
    page.evaluate(f"localStorage.clear(); localStorage.setItem('reader:rate', '{rate}')")
    page.reload()
    page.locator("[data-reader-player] >> css=.p-play").wait_for(timeout=60_000)
    wait(page, f"{SHADOW}.querySelector('.p-now').textContent.length > 0")
    page.evaluate(WATCH_SHIFTS)
    page.locator("[data-reader-player] >> css=.p-play").click()
    money = next(s for s in sentences.values() if MONEY in s["written"])
    samples = _play_and_sample(page, SAMPLE_EMBED, until=sentences[money["index"] + 1]["start"] + 0.4)
    marked = _check_following(samples, sentences, rate)
    _money_words_marked(marked, sentences)
    _check_still(samples, page)
    # the marked word is always in sight in the two-line caption, even in a sentence of more lines
    assert all(s["visible"] for s in samples if s["word"]), [s for s in samples if s["word"] and not s["visible"]]
    if rate == 2:
        assert max(s["lines"] for s in samples) >= 3, samples
    # the word is painted: the highlight's colour (the player's accent) is on the word, inside the shadow root
    style = f"getComputedStyle({SHADOW}.querySelector('.p-now'), '::highlight(reader-word)')"
    colour = page.evaluate(style + ".backgroundColor")
    assert colour == page.evaluate(f"getComputedStyle({SHADOW}.querySelector('.p-play')).backgroundColor"), colour
    if rate == 1:
        page.set_viewport_size({"width": 390, "height": 640})
        page.evaluate(f"{SHADOW}.querySelector('audio').pause()")
        clip = {"x": 0, "y": 0, "width": 390, "height": 360}
        page.screenshot(path=str(OUTPUT / "readalong-embed-390.png"), clip=clip)
    page.close()


def test_with_data_words_off_the_embed_shows_the_sentence_but_marks_no_word(espeak_server, browser, site):
    url = _host_page(site, espeak_server.url, "readalong-off", 'data-words="off"')
    state = rendered(espeak_server.url, api(espeak_server.url + "/api/articles", {"url": url})["id"])
    page = browser.new_page()
    _with_words(state)
    page.goto(url)
    page.locator("[data-reader-player] >> css=.p-play").click(timeout=60_000)
    samples = _play_and_sample(page, SAMPLE_EMBED, until=4)
    assert all(s["word"] is None for s in samples), samples
    assert {s["sentence"] for s in samples} >= {0, 1} and all(s["sentenceText"] for s in samples)
    page.close()


def test_piper_in_the_embed_at_2x_and_the_apps_setting_off(piper_server, browser, site):
    url = _host_page(site, piper_server.url, "readalong-piper")
    state = rendered(piper_server.url, api(piper_server.url + "/api/articles", {"url": url})["id"])
    page = browser.new_page()
    sentences = _with_words(state)
    page.goto(url)
    page.evaluate("localStorage.clear(); localStorage.setItem('reader:rate', '2')")
    page.reload()
    page.locator("[data-reader-player] >> css=.p-play").wait_for(timeout=60_000)
    page.evaluate(WATCH_SHIFTS)
    page.locator("[data-reader-player] >> css=.p-play").click()
    money = next(s for s in sentences.values() if MONEY in s["written"])
    samples = _play_and_sample(page, SAMPLE_EMBED, until=sentences[money["index"] + 1]["start"] + 0.4)
    _money_words_marked(_check_following(samples, sentences, 2), sentences)
    _check_still(samples, page)

    # READER_WORD_HIGHLIGHT=false: the app's article page highlights the sentence, never a word
    state = _article(piper_server)
    _with_words(state)  # the words are there: it is the setting that keeps them off the page
    page.goto(piper_server.url + state["page_url"])
    assert page.get_attribute("#player", "data-words") == "off"
    page.click("#player .p-play")
    samples = _play_and_sample(page, SAMPLE_APP, until=4)
    assert all(s["word"] is None for s in samples) and {s["sentence"] for s in samples} >= {0, 1}, samples
    page.close()


def _paused_at(page, t: float) -> dict:
    page.evaluate(f"document.getElementById('player').readerPlayer.seekTo({t})")
    return page.evaluate(SAMPLE_APP)


def _open_paused(page, url: str) -> None:
    page.goto(url)
    wait(page, "document.querySelectorAll('.s.ready').length > 2")
    page.click("#player .p-play")
    wait(page, "!document.querySelector('#player audio').paused")
    page.evaluate("document.querySelector('#player audio').pause()")


def test_w_turns_word_marking_off_and_on_for_good_and_a_sentence_without_words_keeps_its_highlight(
    espeak_server, browser
):
    state = _article(espeak_server)
    sentences = _with_words(state)
    money = next(s for s in sentences.values() if MONEY in s["written"])
    at = money["start"] + next(ms for ms, b, e in _triples(money) if money["written"][b:e] == MONEY) / 1000 + 0.001
    page = browser.new_page()
    page.goto(espeak_server.url + state["page_url"])
    page.evaluate("localStorage.clear()")
    _open_paused(page, espeak_server.url + state["page_url"])
    assert _paused_at(page, at)["word"][2] == MONEY
    page.keyboard.press("w")
    s = page.evaluate(SAMPLE_APP)
    assert s["word"] is None and s["sentence"] == money["index"], s
    assert page.inner_text("#player .p-status") == "Only the sentence is marked."
    assert "W" in page.inner_text("#player .p-help")  # listed with the other keys
    _open_paused(page, espeak_server.url + state["page_url"])  # remembered in this browser
    assert _paused_at(page, at)["word"] is None
    page.keyboard.press("W")
    assert page.evaluate(SAMPLE_APP)["word"][2] == MONEY
    assert page.evaluate("localStorage.getItem('reader:words')") is None

    # A sentence the backend gave no word times (gTTS, a chunk cached before word times): its highlight only
    def without_money_words(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        body = response.json()
        for s in body.get("sentences") or []:
            if MONEY in s["written"]:
                s.pop("words", None)
        route.fulfill(response=response, json=body)

    page.route(f"**/api/articles/{state['id']}", without_money_words)
    _open_paused(page, espeak_server.url + state["page_url"])
    s = _paused_at(page, at)
    assert s["sentence"] == money["index"] and s["word"] is None, s
    after = sentences[money["index"] + 1]
    s = _paused_at(page, after["start"] + _triples(after)[1][0] / 1000 + 0.001)
    assert s["sentence"] == after["index"] and s["word"][:2] == list(_triples(after)[1][1:]), s
    page.close()


def test_while_the_article_is_still_rendering_the_marks_follow_the_live_stream(espeak_server, browser):
    """The words arrive with each sentence's timing by polling, and the marks follow the stream as they
    follow the finished file. (The player's 50 ms for the stream's missing delay tag is below what a
    sampling test on a shared machine can tell apart; docs/word-times.md has the measurement.)"""
    created = api(espeak_server.url + "/api/articles", {"text": generated_article(1500, "Marks on the live stream")})
    page = browser.new_page()
    page.goto(espeak_server.url + created["page_url"])
    page.evaluate(WATCH_SHIFTS)
    page.click("#player .p-play")
    wait(page, f"{AUDIO_APP}.currentTime > 0.3", timeout=90_000)
    assert api(espeak_server.url + f"/api/articles/{created['id']}")["status"] == "rendering"
    samples = _play_and_sample(page, SAMPLE_APP, until=page.evaluate(f"{AUDIO_APP}.currentTime") + 6)
    assert all(s["live"] for s in samples) and sum(1 for s in samples if s["word"]) > len(samples) / 2, samples
    sentences = {s["index"]: s for s in rendered(espeak_server.url, created["id"])["sentences"] if s.get("words")}
    _check_following(samples, sentences, 1)
    _check_still(samples, page)
    page.close()
