"""Numbers in translated sentences are written as the request's language writes them."""

from __future__ import annotations

import decimal
import enum
from pathlib import Path

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.i18n import Translations, _, ngettext
from alexaskill.ssml import emphasis
from alexaskill.testing import TestClient

from .catalogs import catalog
from .conftest import SKILL_ID

ENTRIES = """\
msgid "{cups} cups are {liters} liters."
msgstr "{cups} TRANSLATED {liters}"

msgid "{n} gram"
msgid_plural "{n:,} grams"
msgstr[0] "{n} TRANSLATED"
msgstr[1] "{n:,} TRANSLATED"

msgid "{x:.2f} and {x!s}"
msgstr "{x:.2f} und {x!s}"

msgid "{x.real}"
msgstr "{x.real}!"

msgid "{a} {b} {c}"
msgstr "{a} {b} {c}!"
"""


@pytest.fixture
def translations(tmp_path: Path) -> Translations:
    directory = tmp_path / "locales"
    for language in ("de", "fr", "es", "ja", "pt_BR", "en"):
        catalog(directory, language, ENTRIES, "nplurals=2; plural=(n != 1);")
    catalog(directory, "it", 'msgid "other"\nmsgstr "altro"\n')
    return Translations(directory)


@pytest.mark.parametrize(
    ("locale", "spoken"),
    [
        ("en-US", "3.5 TRANSLATED 0.84"),
        ("de-DE", "3,5 TRANSLATED 0,84"),
        ("fr-FR", "3,5 TRANSLATED 0,84"),
        ("fr-CA", "3,5 TRANSLATED 0,84"),
        ("es-ES", "3,5 TRANSLATED 0,84"),
        ("es-MX", "3.5 TRANSLATED 0.84"),  # Mexico writes a decimal point
        ("pt-BR", "3,5 TRANSLATED 0,84"),
        ("ja-JP", "3.5 TRANSLATED 0.84"),
        # Italian has a catalog without this sentence: the default locale's (en), in English.
        ("it-IT", "3.5 TRANSLATED 0.84"),
    ],
)
def test_decimals_in_the_request_language(
    translations: Translations, locale: str, spoken: str
) -> None:
    assert (
        translations.translator(locale).gettext(
            "{cups} cups are {liters} liters.", cups=3.5, liters=decimal.Decimal("0.84")
        )
        == spoken
    )


@pytest.mark.parametrize(
    ("locale", "spoken"),
    [
        ("en-US", "12,500 TRANSLATED"),
        ("de-DE", "12.500 TRANSLATED"),
        ("fr-FR", "12\u202f500 TRANSLATED"),
        ("pt-BR", "12.500 TRANSLATED"),
        ("ja-JP", "12,500 TRANSLATED"),
    ],
)
def test_grouped_thousands_and_format_specs(
    translations: Translations, locale: str, spoken: str
) -> None:
    translator = translations.translator(locale)
    assert translator.ngettext("{n} gram", "{n:,} grams", 12500) == spoken
    comma = locale in ("de-DE", "fr-FR", "pt-BR")
    assert translator.gettext("{x:.2f} and {x!s}", x=0.5) == (
        "0,50 und 0,5" if comma else "0.50 und 0.5"
    )
    assert translator.gettext("{x.real}", x=2.5) == ("2,5!" if comma else "2.5!")


def test_other_values_and_ssml_keep_their_form(translations: Translations) -> None:
    german = translations.translator("de-DE")
    assert german.gettext("{a} {b} {c}", a="3.5", b=True, c=[1.5]) == "3.5 True [1.5]!"
    assert german.gettext("{cups} cups are {liters} liters.", cups=emphasis("2.5"), liters=1.5) == (
        '<emphasis level="moderate">2.5</emphasis> TRANSLATED 1,5'
    )


def test_in_a_handler(translations: Translations) -> None:
    skill = Skill(SKILL_ID, store="memory://", translations=translations)

    @skill.intent("Convert", utterances=["convert {cups} cups"])
    def convert(cups: float) -> Response:
        return speak(_("{cups} cups are {liters} liters.", cups=cups, liters=round(cups * 0.24, 2)))

    with TestClient(skill, locale="de-DE") as client:
        assert client.intent("Convert", cups="3.5").speech == "3,5 TRANSLATED 0,84"
    with TestClient(skill, locale="en-GB") as client:
        assert client.intent("Convert", cups="3.5").speech == "3.5 TRANSLATED 0.84"
    # Outside a request: the source text, Python's format.
    assert _("{x}", x=0.5) == "0.5"
    assert ngettext("{n} gram", "{n:,} grams", 2000) == "2,000 grams"


def test_numbers_a_field_reaches_are_written_as_the_language_writes_them(tmp_path: Path) -> None:
    # "{w.temp}" and "{prices[0]}" reach a number inside another value: German said "3.5",
    # where "{temp}" alone said "3,5".
    entries = (
        'msgid "{w.temp} now, {p[0]} and {d[low]} then, {w}"\n'
        'msgstr "{w.temp}|{p[0]}|{d[low]}|{w}"\n'
    )
    catalog(tmp_path / "locales", "de", entries, "nplurals=2; plural=(n != 1);")
    german = Translations(tmp_path / "locales").translator("de-DE")

    class Weather:
        temp = 3.5

        def __str__(self) -> str:
            return "sunny"

    said = german.gettext(
        "{w.temp} now, {p[0]} and {d[low]} then, {w}",
        w=Weather(),
        p=[1.25],
        d={"low": decimal.Decimal("0.5")},
    )
    assert said == "3,5|1,25|0,5|sunny"


def test_a_field_named_as_the_wrappers_own_reaches_the_value_s(tmp_path: Path) -> None:
    # The wrapper that writes reached numbers with the locale's marks kept its own ``value``
    # and ``marks``: "{t.value}" said the whole object ("Reading(value=3.5, ...)"), and an
    # enum's "{c.value}" its name, where the source language said the field.
    entries = 'msgid "{t.value} {t.marks} {c.value}"\nmsgstr "{t.value}|{t.marks}|{c.value}"\n'
    catalog(tmp_path / "locales", "de", entries, "nplurals=2; plural=(n != 1);")
    german = Translations(tmp_path / "locales").translator("de-DE")

    class Reading:
        value = 3.5
        marks = 2

    class Colour(enum.Enum):
        RED = "rot"

    said = german.gettext("{t.value} {t.marks} {c.value}", t=Reading(), c=Colour.RED)
    assert said == "3,5|2|rot"
