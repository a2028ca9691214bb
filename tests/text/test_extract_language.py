"""A page's declared language yields to the language its text is written in (the voice follows the words).

Pages declare ``lang="de"`` on English text (a template copied from another edition) or tag
Portuguese as Spanish. The project's one detector (``reader.normalize.detect_language``) decides
when the text is long enough to judge; a short page keeps its declaration.
"""

from __future__ import annotations

import pytest

from reader import extract

ENGLISH = (
    "The city council voted on Tuesday to close the old bridge for repairs that engineers say are long overdue. "
    "Residents who cross it every day to reach the market will have to use the ferry until the spring. "
    "The mayor said the work would cost less than building a new crossing and promised regular updates."
)
PORTUGUESE = (
    "A câmara municipal votou na terça-feira o encerramento da ponte velha para obras que os engenheiros "
    "consideram urgentes. Os moradores que a atravessam todos os dias para chegar ao mercado terão de usar "
    "o barco até à primavera. O presidente da câmara disse que a obra custará menos do que uma nova travessia."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für Reparaturen zu schließen, die nach Ansicht "
    "der Ingenieure längst überfällig sind. Anwohner, die sie täglich überqueren, müssen bis zum Frühjahr die "
    "Fähre nehmen. Der Bürgermeister sagte, die Arbeiten kosteten weniger als ein Neubau."
)


def page(lang: str, body: str) -> str:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in body.split(". ") if sentence.strip())
    return (
        f'<!doctype html><html lang="{lang}"><head><title>Bridge</title></head><body><article>'
        f"<h1>The bridge closes</h1>{paragraphs}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("declared", "body", "expected"),
    [
        ("de", ENGLISH, "en"),  # a template from the German edition around an English story
        ("es", PORTUGUESE, "pt"),  # Portuguese tagged as Spanish
        ("de", GERMAN, "de"),  # a declaration that agrees stands
        ("en", ENGLISH, "en"),
    ],
)
def test_the_voice_follows_the_words_not_the_declaration(declared, body, expected):
    assert extract(page(declared, body)).lang == expected


def test_a_page_too_short_to_judge_keeps_its_declaration():
    assert extract(page("de", "The bridge closes on Tuesday for repairs. Residents must take the ferry")).lang == "de"


def test_a_page_that_declares_nothing_gets_the_detected_language():
    html = page("", PORTUGUESE).replace(' lang=""', "")
    assert extract(html).lang == "pt"
