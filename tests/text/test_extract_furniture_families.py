"""Furniture families that real news pages leak past main-content detection, in several languages.

Each family is a general rule in ``reader/data/furniture.toml``; the lines and pages here are
written for these tests (never copies of the benchmark pages in ../shared/extract-dev). Each
family is pinned three ways: the line alone is furniture, prose that looks like it is not, and
on a whole page the line is not read while the article around it is.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import reader
from reader.text.furniture import default_rules

PLACES = ["north quay", "old pier", "fish market", "east basin", "ferry ramp", "dry dock"]
PARAGRAPHS = [
    f"<p>The harbour board met on Monday to discuss the plan for the {place} and its costs. "
    f"Members asked how the work at the {place} would be paid for, and when it would start. "
    f"The chair said a report on the {place} would come before the board next month.</p>"
    for place in PLACES
]

FAMILIES = {
    "related story as 'Section | Headline'": [
        "Politics | Senate passes the harbour budget after a long night",
        "Business | Ferry operator posts its first profit in years",
        "Wirtschaft | Hafenbetreiber meldet den ersten Gewinn seit Jahren",
        "Ferry operator posts its first profit in years 3 hours ago",
    ],
    "copyright line with text after the year": [
        "Copyright Harbour Times 2024 — Published by Harbour Media Group",
        "Copyright © Harbour Media 2023. Reproduction prohibited.",
        "2024 © Harbour Media Group",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "© Jornal do Porto. Proibida a reprodução.",
        "Nachdruck nur mit Genehmigung der Redaktion",
    ],
    "post meta row: published by, category, tags": [
        "Publicado por Ana Lima Categoria Política Tags eleições, congresso",
        "Published by Jane Roe Category Local News Tags ferries, harbour",
        "Etiquetas: política, economía, puerto",
        "Categoria: Política",
        "Schlagwörter: Hafen, Fähre, Haushalt",
        "Mots-clés : port, ferry, budget",
        "Parole chiave: porto, traghetti",
        "Publicado em Política",
        "Pubblicato da Mario Rossi",
        "Atualizado em 12/03/2024 às 10h30",
        "Actualizado el 3 de marzo de 2024, 10:30",
        "Aktualisiert am 12.03.2024, 10:30 Uhr",
        "Por Ana Lima",
        "Von Hans Müller",
    ],
    "shopping widget": [
        "$49.99 $39.99",
        "Was: $59.99",
        "Price: £29.99",
        "View deal",
        "Get the deal at Amazon",
        "Add to cart",
        "Free shipping",
        "(Save 25%)",
        "4.5 out of 5 stars",
        "Jetzt kaufen",
        "Ver oferta",
    ],
    "photo credit": [
        "Foto: dpa",
        "Bild: Keystone",
        "Crédito: Divulgação",
        "Reprodução/Instagram",
        "REUTERS/Jane Roe",
        "Jane Roe/AFP via Getty Images",
        "Photo illustration by Jane Roe",
        "© Jane Roe / Harbour Agency",
        "写真：共同通信",
        "（撮影：山田太郎）",
    ],
    "newsletter, channel and app pitch": [
        "Join our WhatsApp channel for the latest news",
        "Join the Harbour Times Telegram channel",
        "Get breaking news alerts on your phone",
        "Get the Harbour Times app",
        "Get our free Morning Tide newsletter",
        "Get the latest news on the go with the Harbour Times app",
        "Enjoyed this story? Sign up for more like it every morning.",
        "Inscreva-se na nossa newsletter",
        "Abonnieren Sie unseren Newsletter mit den wichtigsten Nachrichten",
        "Inscrivez-vous à notre newsletter quotidienne",
        "Suscríbete a nuestro boletín de noticias",
        "Siga-nos no Instagram",
        "Folgen Sie uns auf Instagram",
        "Clique aqui para receber as notícias no WhatsApp",
    ],
    "gallery or media control": ["(16 Videos)", "3 of 12", "View gallery", "Toggle caption", "Bildergalerie"],
    "comment widget": [
        "Show new comments (0)",
        "Loading comments...",
        "You must log in to post a comment.",
        "Комментарии",
        "Kommentarer (4)",
    ],
    "promos, share labels, notices and ads in other languages and scripts": [
        "Lees ook: Haven krijgt nieuwe veerterminal",
        "Läs också: Hamnen får en ny färjeterminal",
        "Czytaj także: Port dostanie nowy terminal",
        "Читайте также: В порту построят новый терминал",
        "Поделиться",
        "【関連記事】港の新しいフェリーターミナル計画",
        "関連記事",
        "シェア",
        "無断転載禁止",
        "広告",
        "延伸阅读：港口将建新码头",
        "版权所有 未经许可，不得转载",
        "관련기사",
    ],
    "site lists and reprints": [
        "Popular on The Harbour Times",
        "Trending in Politics",
        "Order Reprints",
        "Print Article",
        "This copy is for your personal, non-commercial use only.",
        "Advertisement - Scroll to continue",
        "Report an error",
    ],
}

PROSE = [
    "Part 1 | The beginning",
    "They urged supporters to join the protest via Telegram and Signal.",
    "Get the offer letter in writing before you resign",
    "Di Maio",
    "De Niro and Pacino",
    "The game is available on the App Store for $4.99.",
    "Publicado en el Boletín Oficial del Estado el lunes.",
    "Temas como la vivienda y el empleo dominaron el debate.",
    "Foto de familia en la cumbre de la OTAN en Madrid.",
    "Video games are a big business now.",
    "Price rises hit families hardest, the report said.",
    "Copyright law has changed since 1998, lawyers say.",
    "Copyright Act 1976 says so",
    "Von Berlin aus fuhr sie weiter nach Prag.",
    "Read on the train, at home and in bed",
    "Most read in the city, the paper grew",
    "He paid $5 for it and $3 for the other.",
    "LOOK WHAT YOU MADE ME DO",
    "HD, THE HOME DEPOT INC., 225.86, -12.99, -5.44%",
    "The photo, taken in 1969, shows the crew.",
    "関連するニュースは少なかった。",
    "広告収入が減った。",
    "Delen van de haven blijven gesloten tot maart.",
    "Get the app from the store and open its settings.",
    "The ferry left the harbour three hours ago.",
    "The ferry left the harbour 3 hours ago.",
    "Users can download the app for free, the company said.",
]


def _cases() -> list[tuple[str, str]]:
    return [(family, line) for family, lines in FAMILIES.items() for line in lines]


@pytest.mark.parametrize(("family", "line"), _cases())
def test_each_family_line_is_furniture(family: str, line: str) -> None:
    assert default_rules().furniture_kind(line), f"{family}: {line!r} should be furniture"


@pytest.mark.parametrize("line", PROSE)
def test_prose_shaped_like_a_family_is_kept(line: str) -> None:
    assert default_rules().furniture_kind(line) is None


def _page(lines: list[str], *, lang: str = "en") -> str:
    extra = "".join(f"<p>{line}</p>" for line in lines)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Ferry Plan</title></head>"
        f"<body><article><h1>Ferry Plan</h1>{''.join(PARAGRAPHS[:3])}{extra}{''.join(PARAGRAPHS[3:])}{extra}"
        "</article></body></html>"
    )


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_page_does_not_read_the_family_but_reads_its_article(family: str) -> None:
    article = reader.extract(_page(FAMILIES[family]))
    text = " ".join(block.text for block in article.blocks)
    assert text.count("The harbour board met on Monday") == len(PLACES)
    for line in FAMILIES[family]:
        assert line not in text


def test_a_page_reads_prose_shaped_like_the_families() -> None:
    article = reader.extract(_page(PROSE[:8]))
    text = " ".join(block.text for block in article.blocks)
    for line in PROSE[:8]:
        assert line in text


def test_a_japanese_page_reads_its_article_without_its_promos_and_notices() -> None:
    sentences = [
        f"港湾局は月曜日に{place}の計画と費用について長い時間をかけて話し合った。委員は工事の費用の出どころを尋ねた。"
        for place in ("北埠頭", "旧桟橋", "魚市場", "東の船だまり", "フェリー乗り場")
    ]
    furniture = ["【関連記事】港の新しいフェリーターミナル計画", "シェア", "無断転載禁止", "広告"]
    body = "".join(f"<p>{s}</p>" for s in sentences[:3]) + "".join(f"<p>{f}</p>" for f in furniture)
    body += "".join(f"<p>{s}</p>" for s in sentences[3:]) + f"<p>{furniture[2]}</p>"
    markup = (
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>フェリー計画</title></head>"
        f"<body><article><h1>フェリー計画</h1>{body}</article></body></html>"
    )
    text = " ".join(block.text for block in reader.extract(markup).blocks)
    assert all(s in text for s in sentences)
    assert not any(f in text for f in furniture)


def test_a_long_block_is_checked_too() -> None:
    """No length cut-off: a 6,000-character tracking link on its own line is still furniture."""
    link = "https://example.com/track?" + "a" * 6000
    assert default_rules().furniture_kind(link) == "link line"


def test_a_long_glued_run_costs_no_memory_in_the_share_bar_rules() -> None:
    """A backtracking repeat kept a frame per share-bar label: ~13 MB per 50,000 glued labels.

    In a fresh interpreter, every wording rule over 400,000-character one-word runs must stay
    within a few MB of peak memory (the old share-bar pattern needed over 100 MB here).
    """
    code = textwrap.dedent(
        """
        import re
        from reader.text.furniture import default_rules

        def peak_kb():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

        rules = default_rules()
        patterns = [p for g in rules.groups for p in g.patterns]
        runs = ["x" * 400_000, "link|" * 80_000, "x," * 200_000, "facebook" * 50_000]
        for run in runs[:1]:
            for pattern in patterns:
                pattern.search(run)
        before = peak_kb()
        for run in runs:
            rules.furniture_kind(run)
            for pattern in patterns:
                pattern.search(run)
        print(peak_kb() - before)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert int(result.stdout.strip()) < 20_000, result.stdout
