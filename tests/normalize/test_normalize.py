"""The normalizer's options and contracts: lexicon, replaceable rules, languages, sentence alignment, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import reader
from reader.cli.commands import cli
from reader.errors import InputError, NormalizeError
from reader.normalize import PASS_THROUGH_RULES, Lexicon, default_rules, load_lexicon, normalize
from reader.normalize.cleanup import tidy_spacing

LEXICON = """
say_as_letters = ["Kpmg"]
say_as_words = ["WHO"]

[replace]
Kyiv = "Keev"

[replace_case_sensitive]
AIM = "aim"

[[regex]]
pattern = '\\bNo\\. 10\\b'
replacement = "Number Ten"
"""


@pytest.fixture
def lexicon_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(LEXICON, encoding="utf-8")
    return path


def test_lexicon_replaces_whole_words_any_case_and_runs_before_the_rules(lexicon_file):
    lexicon = load_lexicon(lexicon_file)
    assert normalize("KYIV and Kyiv, not Kyivan", lexicon=lexicon) == "Keev and Keev, not Kyivan"
    assert normalize("No. 10 said", lexicon=lexicon) == "Number Ten said"  # before the built-in "Number ten"


def test_lexicon_case_sensitive_words_and_letter_and_word_lists(lexicon_file):
    lexicon = load_lexicon(lexicon_file)
    assert normalize("AIM and Aim", lexicon=lexicon) == "aim and Aim"
    assert normalize("the WHO said", lexicon=lexicon) == "the WHO said"
    assert normalize("the WHO said") == "the W.H.O. said"
    assert normalize("Kpmg audited", lexicon=lexicon) == "K.P.M.G. audited"


def test_default_lexicon_comes_from_reader_lexicon(lexicon_file, monkeypatch):
    monkeypatch.setenv("READER_LEXICON", str(lexicon_file))
    assert normalize("in Kyiv") == "in Keev"
    assert normalize("in Kyiv", lexicon=Lexicon()) == "in Kyiv"  # an empty lexicon switches it off


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[replace\n", "not valid TOML"),
        ("colour = 1", "unknown key"),
        ("[[regex]]\npattern = '('", "not a valid pattern"),
        ("[replace]\nx = 3", "must map words"),
    ],
)
def test_a_bad_lexicon_is_a_clear_input_error(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_lexicon(path)


def test_cli_script_applies_the_lexicon(lexicon_file, seed_text):
    result = CliRunner().invoke(cli, ["script", str(seed_text), "--lexicon", str(lexicon_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    spoken = " ".join(s["spoken"] for s in json.loads(result.output)["sentences"])
    assert "Keev" in spoken and "Kyiv" not in spoken


def test_cli_script_reports_a_missing_lexicon(seed_text, tmp_path):
    result = CliRunner().invoke(cli, ["script", str(seed_text), "--lexicon", str(tmp_path / "none.toml")])
    assert result.exit_code == InputError.exit_code
    assert "cannot read lexicon" in result.output


def test_rules_are_an_ordered_tuple_replaceable_per_call():
    rules = default_rules("en")
    assert isinstance(rules, tuple) and all(callable(r) for r in rules)
    names = [r.__name__ for r in rules]
    assert names.index("read_money") < names.index("read_cardinals") < names.index("spell_initialisms")
    assert normalize("5% of GDP", rules=(str.upper, tidy_spacing)) == "5% OF GDP"
    assert normalize("5% of GDP", rules=PASS_THROUGH_RULES) == "5% of GDP"
    without_initialisms = tuple(r for r in rules if r.__name__ != "spell_initialisms")
    assert normalize("the GDP", rules=without_initialisms) == "the GDP"


def test_normalize_rejects_what_is_not_text():
    with pytest.raises(NormalizeError):
        normalize(b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "written", "spoken"),
    [
        ("de", "Die Preise stiegen um 5,5 %.", "Die Preise stiegen um fünf Komma fünf Prozent."),
        ("de", "Am 13. Februar 2025", "Am dreizehnten Februar zweitausendfünfundzwanzig"),
        ("de", "3,5 Mrd. €", "drei Komma fünf Milliarden Euro"),
        ("de", "1.204 Menschen", "eintausendzweihundertvier Menschen"),
        ("de", "zum 3. Mal", "zum dritten Mal"),
        ("de", "um 14:30 Uhr", "um vierzehn Uhr dreißig"),
        ("de", "13.02.2025", "dreizehnter Februar zweitausendfünfundzwanzig"),
        ("de", "im Jahr 1984", "im Jahr neunzehnhundertvierundachtzig"),
        ("fr", "Le 1er janvier 2025", "Le premier janvier deux mille vingt-cinq"),
        ("fr", "250 €", "deux cent cinquante euros"),
        ("fr", "5 % des voix", "cinq pour cent des voix"),
        ("fr", "le 2e tour", "le deuxième tour"),
        ("fr", "1 204,5", "mille deux cent quatre virgule cinq"),
        ("fr", "3,5 milliards €", "trois virgule cinq milliards d'euros"),
        ("fr", "à 14h30", "à quatorze heures trente"),
        ("es", "El 13 de febrero de 2025", "El trece de febrero de dos mil veinticinco"),
        ("es", "un 5 %", "un cinco por ciento"),
        ("es", "1.204,5 euros", "mil doscientos cuatro coma cinco euros"),
        ("es", "el 1.º puesto", "el primero puesto"),
        ("es", "la 3.ª vez", "la tercera vez"),
        ("es", "21 €", "veintiún euros"),
        ("es", "13/02/2025", "trece de febrero de dos mil veinticinco"),
        ("de", "100 Mrd. Euro", "einhundert Milliarden Euro"),
        ("de", "am 1.1.2000", "am ersten Januar zweitausend"),
        ("de", "z. B. Karl III. und Nr. 5", "zum Beispiel Karl der Dritte und Nummer fünf"),
        ("de", "19,99 €", "neunzehn Euro neunundneunzig"),
        ("de", "-5 °C", "minus fünf Grad Celsius"),
        ("fr", "Le XXIe siècle et Louis XIV.", "Le vingt et unième siècle et Louis quatorze."),
        ("fr", "M. Macron et Mme Dupont", "Monsieur Macron et Madame Dupont"),
        ("fr", "Le 14 juillet 1789", "Le quatorze juillet mille sept cent quatre-vingt-neuf"),
        ("fr", "1 500 euros", "mille cinq cents euros"),
        ("es", "El rey Felipe VI", "El rey Felipe sexto"),
        ("es", "El Sr. García, de EE. UU.", "El señor García, de Estados Unidos"),
        ("es", "El 20 de noviembre de 1975", "El veinte de noviembre de mil novecientos setenta y cinco"),
    ],
)
def test_german_french_and_spanish_in_their_own_words(lang, written, spoken):
    assert normalize(written, lang) == spoken


@pytest.mark.parametrize("lang", ["it", "ja", "xx", "zh-Hans"])
def test_unknown_languages_pass_through_without_english_words(lang):
    spoken = normalize("Il 5% del PIL — “sì”… (2025)", lang)
    assert spoken == "Il 5% del PIL, sì, 2025"
    assert not re.search(r"\b(percent|five|twenty)\b", spoken)


def test_every_script_sentence_keeps_its_own_written_text(seed_text):
    script = reader.make_script(reader.extract(seed_text))
    for sentence in script.sentences:
        assert sentence.spoken == normalize(sentence.written, script.lang)
        assert "\n" not in sentence.spoken


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The American push for peace in Ukraine does not mean abandoning Kyiv, the secretary said on Thursday.", "en"),
        ("Die Regierung hat am Montag beschlossen, dass die Preise für Energie nicht weiter steigen sollen.", "de"),
        ("Le gouvernement a annoncé que les prix de l'énergie ne vont pas augmenter dans les prochains mois.", "fr"),
        ("El gobierno anunció que los precios de la energía no van a subir en los próximos meses por la crisis.", "es"),
        ("Hegseth Kyiv NATO", None),
        ("", None),
    ],
)
def test_guess_language_answers_only_when_sure(text, lang):
    from reader.normalize.language import guess_language

    assert guess_language(text) == lang


GERMAN = (
    "Die Regierung hat am Montag beschlossen, dass die Preise für Energie nicht weiter steigen sollen. "
    "Der Minister sagte, die Entlastung sei für die Haushalte und die Unternehmen ein wichtiges Signal. "
    "Die Opposition kritisierte, dass die Pläne nicht weit genug gehen und zu spät kommen."
)


def test_an_html_page_without_a_language_is_read_in_the_language_it_is_written_in():
    page = f"<html><head><title>Energiepreise</title></head><body><article><h1>Energiepreise</h1><p>{GERMAN}</p>"
    page += f"<p>{GERMAN}</p></article></body></html>"
    article = reader.extract(page.encode("utf-8"))
    assert article.lang == "de"
    assert reader.make_script(article).lang == "de"


def test_the_words_win_over_a_declared_language_that_disagrees():
    """Issue 14: a page that declares French around German text is read by a German voice."""
    page = f'<html lang="fr"><body><article><h1>Titre</h1><p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>'
    assert reader.extract(page.encode("utf-8")).lang == "de"


def test_plain_text_is_read_in_the_language_it_is_written_in():
    assert reader.extract(f"Energiepreise\n\n{GERMAN}\n\n{GERMAN}\n").lang == "de"
