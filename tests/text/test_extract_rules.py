"""The extraction rules one at a time: publisher markup, furniture, title once, sources, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

import reader
from reader.text.decode import decode_bytes
from reader.text.furniture import default_rules
from reader.text.sources import sniff_kind

BODY = (
    "<p>The town council approved the new cycle lanes on Wednesday after a long debate that ran past midnight.</p>"
    "<p>Work on the first lane, along the river, will start in the spring and should take about four months.</p>"
)


BODY2 = (
    "<p>The mayor said the lanes would be painted green so that drivers could see them clearly at junctions.</p>"
    "<p>Shopkeepers on the high street asked for loading bays to be kept, and the plan was changed to allow it.</p>"
)


def page(body: str, head: str = "<title>Cycle Lanes Approved</title>") -> str:
    return (
        f"<!doctype html><html lang='en'><head>{head}</head>"
        f"<body><article><h1>Cycle Lanes Approved</h1>{body}</article></body></html>"
    )


def texts(article: reader.Article) -> str:
    return " ".join(b.text for b in article.blocks)


@pytest.mark.parametrize(
    "marked",
    [
        "<p data-tts='skip'>Editor's note: this piece was updated to correct the date of the vote.</p>",
        "<div aria-hidden='true'>Editor's note: this piece was updated to correct the date of the vote.</div>",
        "<p class='note no-tts'>Editor's note: this piece was updated to correct the date of the vote.</p>",
        "<p hidden>Editor's note: this piece was updated to correct the date of the vote.</p>",
        "<p style='display: none'>Editor's note: this piece was updated to correct the date of the vote.</p>",
    ],
    ids=["data-tts-skip", "aria-hidden", "no-tts", "hidden", "display-none"],
)
def test_publisher_skip_markup_is_never_read(marked: str) -> None:
    article = reader.extract(page(BODY + marked + BODY2))
    assert "Editor's note" not in texts(article)
    assert "mayor" in texts(article)


def test_long_collapsed_text_is_read_though_hidden_by_style() -> None:
    collapsed = "<div style='display:none'><p>" + "The second half of the story was folded away. " * 8 + "</p></div>"
    assert "folded away" in texts(reader.extract(page(BODY + collapsed)))


def test_data_tts_only_reads_only_the_marked_elements() -> None:
    body = (
        "<p>A teaser paragraph that sits above the story on every page of this site and should not be read.</p>"
        "<div data-tts='only'><h2>The vote</h2>" + BODY + "</div>"
        "<p>Another paragraph outside the marked region, long enough to look like article text to anyone.</p>"
        "<p data-tts='only'>A final marked paragraph, read after the first region.</p>"
    )
    article = reader.extract(page(body))
    assert [b.kind for b in article.blocks] == ["heading", "paragraph", "paragraph", "paragraph"]
    assert "teaser" not in texts(article) and "outside the marked region" not in texts(article)
    assert article.blocks[-1].text == "A final marked paragraph, read after the first region."
    assert article.title == "Cycle Lanes Approved"


def test_data_tts_skip_inside_an_only_region_still_wins() -> None:
    body = "<div data-tts='only'>" + BODY + "<p data-tts='skip'>Hidden aside inside the region.</p></div>"
    assert "Hidden aside" not in texts(reader.extract(page(body)))


def test_title_is_not_repeated_in_the_body() -> None:
    article = reader.extract(page("<h2>Cycle Lanes Approved</h2>" + BODY))
    script = reader.make_script(article)
    assert sum("Cycle Lanes Approved" in s.written for s in script.sentences) == 1


def test_standfirst_is_the_subtitle_and_read_once() -> None:
    standfirst = "<p class='standfirst'>Two new routes will link the station with the university by next summer.</p>"
    html = page(standfirst + BODY)
    article = reader.extract(html)
    assert article.subtitle == "Two new routes will link the station with the university by next summer."
    script = reader.make_script(article)
    assert sum("Two new routes" in s.written for s in script.sentences) == 1
    assert script.sentences[1].kind == "subtitle"


@pytest.mark.parametrize(
    "furniture",
    [
        "<figure><img src='a.jpg'><figcaption>Cyclists on the bridge. Photo: Jan Berg</figcaption></figure>",
        "<p>Photo: Jan Berg / Reuters</p>",
        "<p>Courtesy: City Archive</p>",
        "<div class='social-share'><a>Facebook</a> <a>Twitter</a> <a>Email</a></div>",
        "<p>Share this article</p>",
        "<p>Also read: Why the bridge was closed for a year</p>",
        "<div>ADVERTISEMENT</div>",
        "<p>- Advertisement -</p>",
        "<div id='cookie-banner'><p>We use cookies to improve your experience on our site.</p></div>",
        "<p>We use cookies to improve your experience. By continuing you accept our use of cookies.</p>",
        "<p>5 min read</p>",
        "<p>1,234 views</p>",
        "<p>Sign up for our newsletter to get the best stories in your inbox.</p>",
        "<div class='newsletter-signup'><h3>Morning Brief</h3><p>The day's news, every weekday at seven.</p></div>",
        "<nav aria-label='Breadcrumb'><a>Home</a> › <a>Local</a></nav>",
        "<p>Home › Local › Transport</p>",
        "<section id='comments'><h3>Leave a Reply</h3><p>Please enter your comment!</p></section>",
        "<p>Listen to this article</p>",
        "<div class='related-posts'><h3>Related</h3><a>Bridge reopens</a></div>",
        "<p>Copyright © 2025 The Town Times. All rights reserved.</p>",
        "<p>By Jane Smith, Transport Correspondent</p>",
        "<p>Updated 14 March 2025, 10:45 GMT</p>",
    ],
)
def test_furniture_between_paragraphs_is_dropped(furniture: str) -> None:
    article = reader.extract(page(BODY + furniture + BODY2))
    body = texts(article)
    assert body.count("cycle lanes") == 1 and "mayor" in body
    for word in (
        "Photo",
        "Courtesy",
        "Facebook",
        "Share",
        "Also read",
        "ADVERTISEMENT",
        "Advertisement",
        "cookies",
        "min read",
        "views",
        "newsletter",
        "Morning Brief",
        "›",
        "Leave a Reply",
        "Listen",
        "Related",
        "Copyright",
        "Jane Smith",
        "Updated",
    ):
        assert word not in body, word


@pytest.mark.parametrize(
    "prose",
    [
        "By the end of the year, the council expects to have spent less than half of the budget.",
        "Copyright lawyers said the ruling would change how museums share images of old paintings online.",
        "Share prices rose after the announcement, with the company gaining more than ten percent by noon.",
        "Photographers were kept back from the bridge while the inspection went on through the afternoon.",
        "Related research from the university found that cycle lanes cut car journeys by about a fifth.",
        "Readers who subscribe to the print edition will find a map of the new routes on page seven.",
    ],
)
def test_prose_that_mentions_furniture_words_is_kept(prose: str) -> None:
    article = reader.extract(page(BODY + f"<p>{prose}</p>"))
    assert prose in texts(article)


def test_furniture_rows_split_by_separators() -> None:
    rules = default_rules()
    assert rules.furniture_kind("5 min read · Share on Twitter · Facebook")
    assert rules.furniture_kind("Facebook | Twitter | Email")
    assert rules.furniture_kind("News › Business › Technology")
    assert rules.furniture_kind("The mayor said · and then left") is None


def test_plain_text_figure_and_tail_are_dropped() -> None:
    text = (
        "Home › Local › Cycle Lanes Approved\n\nCycle Lanes Approved\n\nCyclists crossing the old bridge\n"
        "Photo: Jan Berg\n\n" + BODY.replace("<p>", "").replace("</p>", "\n\n") + "Leave a Reply\n\nGreat news!\n"
    )
    article = reader.extract(text)
    assert article.title == "Cycle Lanes Approved"
    assert "Cyclists crossing" not in texts(article) and "Great news" not in texts(article)
    assert len(article.blocks) == 2


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    text = (
        "Council Approves Cycle Lanes\n\nThe town council approved the new cycle lanes on Wednesday after\n"
        "a long debate that ran past midnight, with three members voting\nagainst the plan.\n\n"
        "Work will start in the spring.\n"
    )
    article = reader.extract(text)
    assert article.blocks[0].text.startswith("The town council approved") and "three members voting against" in (
        article.blocks[0].text
    )


def test_text_without_a_title_line_uses_its_first_sentence_once() -> None:
    article = reader.extract("\n" + BODY.replace("<p>", "").replace("</p>", "\n\n"))
    script = reader.make_script(article)
    assert article.title.startswith("The town council approved")
    assert sum("town council approved" in s.written for s in script.sentences) == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("<p>One</p><p>Two</p><p>Three</p>", "html"),
        ("# Title\n\nSome *text* here.", "markdown"),
        ("---\ntitle: x\n---\nbody", "markdown"),
        ("A title\n\nA paragraph of plain text. It has two sentences.", "text"),
        ("Prices rose 5% <3 times a year", "text"),
    ],
)
def test_kind_is_sniffed_from_content(text: str, kind: str) -> None:
    assert sniff_kind(text) == kind


def test_path_string_and_pathlike_are_read_as_files(seed_html: Path) -> None:
    assert reader.extract(str(seed_html), allow_paths=True).title == reader.extract(seed_html).title


def test_missing_file_name_is_an_input_error() -> None:
    with pytest.raises(reader.InputError, match="no such file"):
        reader.extract("no-such-article.html", allow_paths=True)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeff<p>caf\u00e9</p>".encode(), "caf\u00e9"),
        ("<p>caf\u00e9</p>".encode("utf-16"), "caf\u00e9"),
        (
            "<meta charset='iso-8859-1'><p>caf\u00e9 \u2013 na\u00efve</p>".encode("cp1252"),
            "caf\u00e9 \u2013 na\u00efve",
        ),
        (
            "<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>"
            "<p>\u043f\u0440\u0438\u0432\u0435\u0442</p>".encode("koi8-r"),
            "\u043f\u0440\u0438\u0432\u0435\u0442",
        ),
        ("<meta charset='iso-8859-1'><p>caf\u00e9</p>".encode(), "caf\u00e9"),  # declared Latin-1, sent UTF-8
        (
            "<p>Stra\u00dfe und Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Gr\u00fc\u00dfe</p>".encode("cp1252"),
            "Stra\u00dfe",
        ),
    ],
    ids=["utf8-bom", "utf16-bom", "meta-latin1", "meta-koi8r", "wrong-declaration", "detected"],
)
def test_html_bytes_decoding(data: bytes, expected: str) -> None:
    assert expected in decode_bytes(data)


def test_http_header_charset_wins_over_meta() -> None:
    data = "<meta charset='utf-8'><p>\u00e9t\u00e9</p>".encode("cp1252")
    assert "\u00e9t\u00e9" in decode_bytes(data, header_charset="windows-1252")


def test_html_snippet_keeps_its_heading_apart_from_the_text() -> None:
    snippet = "<h1>Storm Hits Coast</h1><h2>Roads closed</h2><p>A storm hit the coast on Monday night.</p>"
    article = reader.extract(snippet)
    assert article.title == "Storm Hits Coast"
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("heading", "Roads closed"),
        ("paragraph", "A storm hit the coast on Monday night."),
    ]


def test_page_without_a_title_reads_its_first_sentence_once() -> None:
    text = "The storm cut power to thousands of homes. " + "Crews worked all night. " * 3
    article = reader.extract(f"<p>{text}</p>")
    script = reader.make_script(article)
    assert article.title == "The storm cut power to thousands of homes."
    assert sum("cut power" in s.written for s in script.sentences) == 1


def test_title_glued_to_the_first_paragraph_is_read_once() -> None:
    article = reader.extract("Storm Hits Coast\n\nStorm Hits Coast: a storm hit the coast on Monday night.\n")
    assert article.blocks[0].text == "A storm hit the coast on Monday night."


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Jan Berg / Reuters",
        "Image source, Getty Images",
        "Media caption, Watch: the flood in two minutes",
        "(via Geeks Are Sexy)",
        "Listen · 5:32",
        "Play audio",
        "Rescue teams search the rubble in the old town on Tuesday. Photograph: Ana Ruiz/Reuters",
        "The new bridge at dusk. Photo: Getty Images",
        "Want more stories like this? Follow us on Google News.",
        "Got a tip? Email the newsroom.",
        "Subscribe to continue reading",
        "Audio: Listen to this article",
        "Listen to article 4:12",
        "Click to share on Facebook (Opens in new window)",
        "Like this:",
        "2 thoughts on “Village hall”",
        "Posted in Community",
        "Tagged village hall",
        "Reporting by Jill Serjeant; Editing by Mark Heinrich",
        "3 hours ago",
        "Published 2 days ago",
        "Home World Politics Business Sport",
        "News › Science › Environment",
        "Story continues below advertisement",
        "Sign up to our free daily newsletter and get the top stories in your inbox",
        "We use cookies to give you the best online experience.",
        "Member-only story",
        "312",
        "Credit...Ana Ruiz for The Daily Planet",
        "Listen to this article · 7:32 min Learn more",
        "Share full article",
        "Facebook Tweet Email Link",
        "SKIP ADVERTISEMENT",
        "Responses (12)",
        "Published in Towards Better Cities",
        "Posted by Kim Lee at 10:32 AM",
        "Labels: cycling, council",
        "Newer Post Older Post Home",
        "Help Status About Careers Press Blog Privacy Terms",
        "Associated Press writer Jo Bell in Leeds contributed to this report.",
        "A version of this article appears in print on March 3, 2025, Section A, Page 1 of the New York edition.",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert default_rules().furniture_kind(line), line


@pytest.mark.parametrize(
    "line",
    [
        "Home is where the heart is",
        "Published figures show a rise of 4% in March.",
        "By Monday, the talks had collapsed.",
        "Follow the money",
        "Save the date: the festival returns in June.",
        "The company updated its privacy policy in May.",
        "Photos, videos and witness accounts show the attack began at dawn.",
        "Courtesy and patience were in short supply at the meeting.",
        "Hear the story of how the bridge was saved",
        "She held up the photo: a blurry image of her father in 1962.",
        "Related research shows the effect is small",
        "What do you think happened next?",
        "What We Know About The Attack",
        "Home Secretary Visits Flooded Towns",
        "Credit card debt rose again in March.",
    ],
)
def test_prose_lines_are_not_furniture(line: str) -> None:
    assert default_rules().furniture_kind(line) is None, line


def test_summary_box_in_the_body_or_excerpts_of_other_posts_are_not_the_standfirst() -> None:
    related = (
        "<ul class='trending'><li><p class='post-excerpt'>A teaser for another story that runs here.</p></li></ul>"
    )
    long_paragraph = "<p>" + "The council met for six hours and heard from dozens of residents. " * 4 + "</p>"
    box = "<div class='summary'>Key points: the lanes open in June and cost four million pounds.</div>"
    article = reader.extract(
        page(long_paragraph + box + BODY2, head="<title>Cycle Lanes Approved</title>").replace(
            "<body>", "<body>" + related
        )
    )
    assert article.subtitle is None


def test_footnote_and_reference_marks_are_not_read() -> None:
    body = (
        "<p>The bridge opened in 1889<sup><a href='#n1'>[1]</a></sup> and carried trams until 1950.[2]"
        " Its designer was never paid in full.[citation needed] Engineers still study its arches today.</p>"
        "<p>Area: 40 m<sup>2</sup> of deck was replaced in the repairs of the following decades, mostly by hand.</p>"
    )
    text = texts(reader.extract(page(body)))
    assert "1889 and carried trams until 1950." in text
    assert "[" not in text and "citation" not in text
    assert "40 m2" in text  # an exponent is not a note
