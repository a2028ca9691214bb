"""Structural bugs found on real news pages, each pinned on a small page written here.

The pages are invented (never copies of the benchmark pages in ../shared/extract-dev); each
reproduces the shape of markup that made the reader lose article text or read page furniture.
"""

from __future__ import annotations

import pytest
from lxml import etree

import reader
from reader.text.extract_html import blocks_from_xml
from reader.text.furniture import default_rules

SENTENCE = "The harbour board met on Monday to discuss the plan for the new ferry terminal and its costs. "
LONG_BODY = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(4))


def page(article: str, *, title: str = "Ferry Plan", lang: str = "en", around: str = "") -> str:
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body>{around}<article><h1>{title}</h1>{article}</article>{around}</body></html>"
    )


def body_text(article: reader.Article) -> str:
    return " ".join(block.text for block in article.blocks)


# 1. HTML comments inside a paragraph.


def test_a_comment_inside_a_paragraph_does_not_cut_it() -> None:
    markup = page(
        LONG_BODY + "<p>Some of the money <!-- inline ad slot --> will come from the port authority, "
        "which agreed to the loan last year.</p>" + LONG_BODY
    )
    assert "Some of the money will come from the port authority" in body_text(reader.extract(markup))


# 2. Text between blocks (tail text) in trafilatura's XML.


def test_text_after_a_heading_or_list_in_the_same_parent_is_read() -> None:
    markup = page(
        LONG_BODY + "<div><h2>Costs</h2>The loose text after the heading is part of the article and is read."
        "<ul><li>One item of a list</li></ul>More loose text after the list belongs to the body too.</div>" + LONG_BODY
    )
    text = body_text(reader.extract(markup))
    assert "The loose text after the heading is part of the article" in text
    assert "More loose text after the list" in text


def test_blocks_from_xml_reads_tail_text_and_loose_text() -> None:
    body = etree.fromstring(
        "<body><head rend='h2'>Deals</head>Loose text after the heading.<list><item>An item</item></list>"
        "Text after the list.<p>A paragraph.</p><lb/>Text after a line break.</body>"
    )
    texts = [block.text for block in blocks_from_xml(body)]
    assert texts == [
        "Deals",
        "Loose text after the heading.",
        "An item",
        "Text after the list.",
        "A paragraph.",
        "Text after a line break.",
    ]


# 3. Class-name rules that remove the article, the title's header or a table.

LINKS = "".join(f"<li><a href=/s{{i}}/{j}>Section {{i}} story headline number {j}</a></li>" for j in range(20))
SITE_INDEX = "<div class='site-index'>" + "".join("<ul>" + LINKS.format(i=i) + "</ul>" for i in range(12)) + "</div>"


def test_the_title_header_is_kept_whatever_its_class_says() -> None:
    markup = page(
        "<div class='post tag-holiday-deals'><h1>Ferry Plan</h1>" + LONG_BODY + "</div>",
        around=SITE_INDEX,
    ).replace("<h1>Ferry Plan</h1><div", "<div", 1)
    article = reader.extract(markup)
    assert "harbour board" in body_text(article)
    assert "Section 3 story" not in body_text(article)


def test_a_container_holding_most_paragraph_words_is_kept() -> None:
    container = "<div class='entry-content layout-with-sidebar'>" + LONG_BODY + LONG_BODY + "</div>"
    markup = page(container, around=SITE_INDEX)
    assert "harbour board" in body_text(reader.extract(markup))


def test_rows_and_cells_of_a_body_table_are_kept() -> None:
    rows = "".join(
        f"<tr class='team-row-{i} row-meta'><td class='team-meta'>Team {i}</td>"
        f"<td class='stat-credit'>{i * 3} points</td></tr>"
        for i in range(1, 6)
    )
    markup = page(LONG_BODY + f"<table><tbody>{rows}</tbody></table>" + LONG_BODY)
    text = body_text(reader.extract(markup))
    assert "Team 3" in text and "9 points" in text


# 4. An inline element inside a sentence is part of the sentence, whatever its class.


@pytest.mark.parametrize("name", ["tag", "related-post-link", "topic-autolink tagged-term", "share-link"])
def test_an_inline_link_inside_a_sentence_is_read_whatever_its_class(name: str) -> None:
    markup = page(
        LONG_BODY + f"<p>The <a class='{name}' href='/t/band'>Harbour Singers</a> will reunite with their former "
        "singer for a concert on the quay next summer.</p>" + LONG_BODY
    )
    assert "The Harbour Singers will reunite" in body_text(reader.extract(markup))


def test_a_named_inline_element_at_the_end_of_a_paragraph_still_goes() -> None:
    markup = page(LONG_BODY + "<p>The board will vote next week. <span class='share-tools'>Share this</span></p>")
    assert "Share this" not in body_text(reader.extract(markup))


# 5. Captions by styling, and final lines ending in another script's full stop.


def test_a_quotation_in_italics_under_an_image_is_not_a_caption() -> None:
    markup = page(
        LONG_BODY + "<p><img src='quay.jpg' alt=''></p><p><em>“We will build it on time and on budget,” "
        "the chair said.</em></p>" + LONG_BODY
    )
    assert "We will build it on time" in body_text(reader.extract(markup))


def test_a_plain_italic_caption_under_an_image_still_goes() -> None:
    markup = page(LONG_BODY + "<p><img src='quay.jpg' alt=''></p><p><em>The quay at dawn</em></p>" + LONG_BODY)
    assert "The quay at dawn" not in body_text(reader.extract(markup))


@pytest.mark.parametrize("last", ["今後に期待。", "本当に良かった！", "どうなるのか？"])
def test_a_short_final_line_ending_in_a_cjk_full_stop_is_read(last: str) -> None:
    sentence = "港湾局は月曜日に新しいフェリーターミナルの計画と費用について話し合った。"
    body = "".join(f"<p>{sentence * 4}</p>" for _ in range(4))
    markup = page(body + f"<p>{last}</p>", title="フェリー計画", lang="ja")
    assert body_text(reader.extract(markup)).endswith(last)


# 6. Languages written without spaces.


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("The board met on Monday.", 5, 5),
        ("港湾局は月曜日に新しいフェリーターミナルの計画について話し合った。", 12, 30),
        ("新的渡轮码头计划在周一讨论。", 5, 12),
        ("Apple の新しい iPhone は高い。", 5, 12),
    ],
)
def test_count_words_counts_cjk_text_sensibly(text: str, low: int, high: int) -> None:
    from reader.text.furniture import count_words

    assert low <= count_words(text) <= high


def test_a_japanese_page_is_not_read_as_a_small_page() -> None:
    # On the small-page path the whole body is read, a list of links in an unnamed box included.
    sentence = "港湾局は月曜日に新しいフェリーターミナルの計画と費用について長い時間をかけて話し合った。"
    body = "".join(f"<p>{sentence * 3}</p>" for _ in range(5))
    items = "".join(f"<li><a href='/r{i}'>人気記事{i}</a></li>" for i in range(8))
    links = f"<div class='box'><ul>{items}</ul></div>"
    article = reader.extract(page(body, title="フェリー計画", lang="ja", around=links))
    assert "港湾局" in body_text(article)
    assert "人気記事3" not in body_text(article)


def test_japanese_pasted_text_finds_its_title_and_body() -> None:
    from reader.text.extraction import extract_text

    sentence = "港湾局は月曜日に新しいフェリーターミナルの計画と費用について長い時間をかけて話し合った。"
    text = "ホーム\nニュース\n\nフェリー計画に反対の声\n\n" + "\n\n".join(sentence * 3 for _ in range(4))
    article = extract_text(text)
    assert article.title == "フェリー計画に反対の声"
    assert len(article.blocks) == 4 and "ニュース" not in body_text(article)


# 8. Wording families that leak (each with its language variants).


@pytest.mark.parametrize(
    "line",
    [
        "[Also read: The ten best ferries of the year]",
        "(See also: How the port was built)",
        "[READ MORE: Harbour plans]",
        "RELATED COVERAGE:",
        "DON'T MISS:",
        "Get the latest headlines delivered to your phone by tapping here.",
        "For the latest news, download our free app by clicking here",
        "Subscribe for just $1 a week to read every story.",
        "Get unlimited digital access for only £2.99 a month",
        "Copyright Harbour Times 2024",
        "ⓒ Harbour Times",
        "Tags Ferries Harbour Port authority",
        "Write to Jane Roe at jane.roe@example.com",
        "Follow Jane Roe on Twitter",
        "Jane Roe can be reached at jroe@example.com or 555-0100.",
        "(credit: Harbour Agency/Jane Roe)",
        "(photo: Jane Roe)",
        "Leggi anche: Il porto cambia volto",
        "Leia também: O novo terminal de balsas",
        "Leia mais",
        "Pubblicità",
        "Publicidade",
        "Condividi su Facebook",
        "Compartilhe",
        "Iscriviti alla newsletter",
        "Assine a nossa newsletter",
        "Lesen Sie auch: Der neue Hafen",
        "Hear the harbour report live at 12:45 on weekdays - or listen back here.",
        "Follow him on Twitter @janeroe.",
        "Listen: https://example.com/ep1 Download: https://example.com/ep1.mp3",
        "An error has occurred, please try again later.",
        "This article has been sent to",
        "Jane Roe may be reached at jroe@example.com.",
        "Follow @HarbourDeals on Twitter to keep up with the latest deals from around the web.",
        "Prices are subject to change without notice and coupons may expire at any time.",
        "Quantities may be limited.",
        "Harbour Times may receive a commission on orders placed through this article.",
        "(Voir aussi : le port)",
    ],
)
def test_furniture_wording_families(line: str) -> None:
    assert default_rules().furniture_kind(line), line


@pytest.mark.parametrize(
    "line",
    [
        "The chair said the ferry would run every hour, and tickets would cost $3 a trip.",
        "(The board has met 12 times this year.)",
        "Follow the money, the auditor said, and you will see where the plan went wrong.",
        "She wrote to the minister at the end of May asking for more money for the harbour.",
        "Copyright law was not the issue in the case, the judge said.",
        "Tags on the crates showed they came from the old quay.",
        "Read the full report, the auditor told the council, before you vote on it.",
    ],
)
def test_prose_like_the_furniture_families_is_kept(line: str) -> None:
    assert default_rules().furniture_kind(line) is None, line


def test_furniture_sentences_at_the_end_of_a_paragraph_are_dropped() -> None:
    last = (
        "<p>Jane Roe's book about the harbour, Tides, is out now. Follow her on Twitter @janeroe. "
        "Follow us on Twitter @harbourtimes or Facebook.</p>"
    )
    text = body_text(reader.extract(page(LONG_BODY + last)))
    assert text.endswith("Tides, is out now.")


def test_a_paragraph_made_only_of_furniture_sentences_is_dropped() -> None:
    last = (
        "<p>Have a tip? Jane Roe may be reached at jroe@example.com. Follow her on Twitter @janeroe or on Facebook.</p>"
    )
    text = body_text(reader.extract(page(LONG_BODY + last)))
    assert "tip" not in text and "Jane Roe" not in text


def test_an_embedded_post_is_read_as_a_quotation_without_its_attribution() -> None:
    embed = (
        "<div class='social-media-embed'><blockquote class='twitter-tweet'><p>The new ferry is late again and "
        "nobody at the harbour will say why. <a href='https://t.co/abc'>https://t.co/abc</a></p>— Jane Roe "
        "(@janeroe) <a href='https://twitter.com/x/1'>March 3, 2025</a></blockquote></div>"
    )
    text = body_text(reader.extract(page(LONG_BODY + embed + LONG_BODY)))
    assert "nobody at the harbour will say why" in text
    assert "@janeroe" not in text and "t.co" not in text


# 9. Deks and section-prefixed title repeats.


def test_an_unnamed_h2_under_the_title_is_the_subtitle_read_once() -> None:
    dek = "The harbour board wants a new terminal, but nobody has yet said who will pay for it"
    markup = page(f"<h2>{dek}</h2>" + LONG_BODY + "<h2>What happens next</h2>" + LONG_BODY)
    article = reader.extract(markup)
    assert article.subtitle == dek
    assert dek not in body_text(article)
    assert "What happens next" in body_text(article)


def test_a_promo_box_summary_beside_the_article_is_not_the_subtitle() -> None:
    promo = (
        "<div role='complementary'><h2>Top stories</h2><a><strong>Storm hits the coast</strong>"
        "<p class='promo-story-summary'>High winds closed roads and ports along the coast overnight.</p></a></div>"
    )
    short = "".join(f"<p>{SENTENCE}</p>" for _ in range(12))
    markup = page(short).replace("</article>", "</article>" + promo).replace("<article>", "<div><article>")
    markup = markup.replace("</body>", "</div></body>")
    assert reader.extract(markup).subtitle is None


def test_a_second_headline_in_the_h1_is_not_read_after_the_title() -> None:
    head = "<meta property='og:title' content='Ferry row seems to be over'>"
    markup = page(LONG_BODY, title="The ferry may run after all")
    markup = markup.replace("<head>", f"<head>{head}").replace("<title>The ferry may run after all</title>", "")
    article = reader.extract(markup)
    assert article.title == "Ferry row seems to be over"
    assert "may run after all" not in body_text(article)


@pytest.mark.parametrize(
    "prefixed", ["Opinion | Ferry Plan Is a Mistake", "Harbour Times | Local news: Ferry Plan Is a Mistake"]
)
def test_a_title_with_a_section_or_site_prefix_is_read_as_the_h1_says_it(prefixed: str) -> None:
    markup = (
        f"<html lang='en'><head><meta property='og:title' content='{prefixed}'></head><body><article>"
        f"<h1>Ferry Plan Is a Mistake</h1><p>{prefixed}</p>{LONG_BODY}</article></body></html>"
    )
    article = reader.extract(markup)
    assert article.title == "Ferry Plan Is a Mistake"
    assert "Ferry Plan" not in body_text(article)
