"""Localization: translations that do not fit their source's placeholders, logged at start and
spoken as the source text, and what a translation may reach of a value."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from alexaskill.i18n import Translations
from alexaskill.ssml import Ssml, emphasis

from .catalogs import catalog
from .i18n_shared import locales as locales


def test_a_translation_with_wrong_placeholders_falls_back_to_the_source(
    locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    german = Translations(locales).translator("de-DE")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("Broken {city}.", city="Bonn") == "Broken Bonn."
    assert "de-DE translation of 'Broken {city}.' does not fit" in caplog.text
    with pytest.raises(KeyError):  # the source text's own mistake is the handler's bug
        german.gettext("No such {field}.", city="Bonn")


def test_a_translation_must_name_the_placeholders_of_its_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Checked whether or not values are given: a placeholder the translation adds would be
    # spoken as "{name}", one it drops loses what the user asked for.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Welcome."
        msgstr "Willkommen, {name}."

        msgid "It will be sunny in {city}."
        msgstr "Es wird sonnig."

        msgid "Say {{yes}}."
        msgstr "Sag {{ja}}."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "ein Tag"
        msgstr[1] "{n} Tage"
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    assert len(caplog.records) == 2  # said at start too (the plural form is checked when used)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("Welcome.") == "Welcome."
        assert (
            german.gettext("It will be sunny in {city}.", city="Rom") == "It will be sunny in Rom."
        )
        assert german.gettext("Say {{yes}}.") == "Sag {{ja}}."  # no values: used as written
        assert german.ngettext("{n} day", "{n} days", 1) == "ein Tag"  # {n} is always offered
        assert german.ngettext("{n} day", "{n} days", 3) == "3 Tage"
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith(
        "the de-DE translation of 'Welcome.' does not fit its placeholders"
    )
    assert "'It will be sunny in {city}.' does not fit its placeholders" in messages[1]


def test_n_is_exempt_from_the_placeholder_check_only_in_plural_forms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A plural form may leave {n} out ("ein Tag"); a plain sentence's {n} is a value like any
    # other: dropped, the number was lost; added, "{n}" was spoken as written.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} items are left."
        msgstr "Es sind Artikel übrig."

        msgid "Welcome."
        msgstr "Willkommen, {n}."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    assert len(caplog.records) == 2  # said at start too
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("{n} items are left.", n=3) == "3 items are left."
        assert german.gettext("Welcome.") == "Welcome."
        assert german.pgettext("shop", "{n} items are left.", n=2) == "2 items are left."
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2  # pgettext: no translation in that context, the source as is
    assert "'{n} items are left.' does not fit its placeholders (dropped: n)" in messages[0]
    assert "'Welcome.' does not fit its placeholders (added: n)" in messages[1]


def test_a_translation_that_indexes_or_formats_a_value_wrongly_falls_back_to_the_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A translation naming the right placeholder but using it as its value cannot be used
    # ({t[0]} of a number, a format spec the value's type refuses) raised TypeError: the user
    # heard the apology instead of the source text, as for a KeyError or ValueError.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {t} degrees."
        msgstr "Es sind {t[0]} Grad."

        msgid "Hello {name}."
        msgstr "Hallo {name:>10}."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("It is {t} degrees.", t=21) == "It is 21 degrees."
        assert german.gettext("It is {t} degrees.", t=None) == "It is None degrees."
        assert german.gettext("Hello {name}.", name=None) == "Hello None."
        spoken = german.gettext("It is {t} degrees.", t=3, u=emphasis("x"))
        assert spoken == Ssml("It is 3 degrees.")
    # (Said once: the same line again within MISFIT_EVERY seconds is counted, not said.)
    assert caplog.text.count("de-DE translation of 'It is {t} degrees.' does not fit") == 1
    assert "(TypeError: " in caplog.text
    with pytest.raises(TypeError):  # the source text's own mistake stays the handler's bug
        german.gettext("Hi {name[0]}.", name=3)


def test_the_source_text_spoken_instead_of_a_broken_translation_writes_numbers_its_way(
    tmp_path: Path,
) -> None:
    # The values were written with the request language's marks before the translation was
    # tried, and kept them when it failed: an English source text said "3,5" to a German user
    # (README: "a sentence spoken in the source text keeps the default locale's way").
    catalog(tmp_path, "de", 'msgid "It is {t:,} degrees."\nmsgstr "Es sind {t:q} Grad."\n')
    catalog(tmp_path, "fr", 'msgid "Es sind {t:,} Grad."\nmsgstr "Il fait {t:q} degrés."\n')
    english = Translations(tmp_path).translator("de-DE")
    assert english.gettext("It is {t:,} degrees.", t=1234.5) == "It is 1,234.5 degrees."
    german = Translations(tmp_path, default_locale="de-DE").translator("fr-FR")
    assert german.gettext("Es sind {t:,} Grad.", t=1234.5) == "Es sind 1.234,5 Grad."


def test_a_translation_that_does_not_fit_its_placeholders_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It was found only when a user's request spoke it (and the source text was said): a
    # translator's typo stayed unseen until then. Now each is logged as the catalogs are read,
    # naming the file, the sentence and the names (in a context too; a plural form may leave
    # {n} out).
    catalog(
        tmp_path,
        "de",
        """\
        msgid "It will be sunny in {city}."
        msgstr "In {stadt} wird es sonnig."

        msgctxt "shop"
        msgid "{count} items are left."
        msgstr "Es sind Artikel übrig."

        msgid "Hello {name}."
        msgstr "Hallo {name}."

        msgid "Broken."
        msgstr "Kaputt {."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "ein Tag"
        msgstr[1] "{n} Tage"
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Translations(tmp_path)
    messages = sorted(record.getMessage() for record in caplog.records)
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    assert messages == [
        f"translations: {compiled}: the translation of 'Broken.' does not fit its placeholders "
        "(a brace without its pair: write {{ or }} for one spoken); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of 'It will be sunny in {{city}}.' does not "
        "fit its placeholders (added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of '{{count}} items are left.' does not fit "
        f"its placeholders (dropped: count); the source text is spoken instead{fix}",
    ]


#: Read by the translation below through a value's attributes (it must never be spoken).
TOKEN_FOR_THE_TEST = "secret-token-0001"


def test_a_translation_reaches_only_what_its_source_reaches_in_a_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only a field's first name was compared with the source's: a translation could follow
    # any attribute or index of a value ({w.__init__.__globals__[...]}) and speak a module's
    # secrets, or another field of the value than the one the source text said.
    class Weather:
        def __init__(self, temp: float, wind: float) -> None:
            self.temp = temp
            self.wind = wind

    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {w.temp} degrees."
        msgstr "Es sind {w.__init__.__globals__[TOKEN_FOR_THE_TEST]} Grad."

        msgid "Wind {w.wind} km/h."
        msgstr "Wind {w.temp} km/h."

        msgid "{w.temp} degrees, {p[0]} euros."
        msgstr "{w.temp:.1f} Grad, {p[0]} Euro."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        weather = Weather(3.5, 20)
        assert german.gettext("It is {w.temp} degrees.", w=weather) == "It is 3.5 degrees."
        assert german.gettext("Wind {w.wind} km/h.", w=weather) == "Wind 20 km/h."
        spoken = german.gettext("{w.temp} degrees, {p[0]} euros.", w=weather, p=[2.5])
        assert spoken == "3,5 Grad, 2,5 Euro."  # the same fields, formatted otherwise: taken
    assert TOKEN_FOR_THE_TEST not in caplog.text
    assert "(added: w.__init__.__globals__[TOKEN_FOR_THE_TEST]; dropped: w.temp)" in caplog.text
    assert "(added: w.temp; dropped: w.wind)" in caplog.text


def test_a_translation_names_no_other_value_in_a_format_spec(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A field inside a format spec ({t:{x}}) is filled too, and was not compared with the
    # source's: a translation could read any value there (the error then logged it).
    class Weather:
        def __init__(self) -> None:
            self.temp = 3.5

    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {w.temp} degrees."
        msgstr "Es sind {w.temp:{w.__init__.__globals__[TOKEN_FOR_THE_TEST]}} Grad."

        msgid "It is {t:{width}} degrees."
        msgstr "Es sind {t:{width}} Grad."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        assert german.gettext("It is {w.temp} degrees.", w=Weather()) == "It is 3.5 degrees."
        assert german.gettext("It is {t:{width}} degrees.", t=2, width=">3") == "Es sind   2 Grad."
    assert TOKEN_FOR_THE_TEST not in caplog.text
    assert "(added: w.__init__.__globals__[TOKEN_FOR_THE_TEST])" in caplog.text


def test_a_translation_that_does_not_fit_says_what_to_do_and_names_a_stray_brace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A translation whose braces do not pair ("Kaputt {.") was said as "(added: {)", as if it
    # named a placeholder "{"; and neither line said where to mend it (the .mo is compiled).
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Broken in {city}."
        msgstr "Kaputt in {city {."

        msgid "It will be sunny in {city}."
        msgstr "In {stadt} wird es sonnig."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        at_start = sorted(record.getMessage() for record in caplog.records)
        caplog.clear()
        assert german.gettext("Broken in {city}.", city="Bonn") == "Broken in Bonn."
        (spoken,) = [record.getMessage() for record in caplog.records]
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    brace = "a brace without its pair: write {{ or }} for one spoken"
    assert at_start == [
        f"translations: {compiled}: the translation of 'Broken in {{city}}.' does not fit its "
        f"placeholders ({brace}); the source text is spoken instead{fix}",
        f"translations: {compiled}: the translation of 'It will be sunny in {{city}}.' does not "
        "fit its placeholders (added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
    ]
    assert spoken == (
        f"the de-DE translation of 'Broken in {{city}}.' does not fit its placeholders "
        f"({brace}); the source text is spoken instead{fix}"
    )


def test_a_plural_form_that_does_not_fit_its_placeholders_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Plural forms were checked only when spoken (the compiled catalog as gettext reads it
    # keeps no plural source text): a translator's typo in one stayed unseen until a user's
    # request hit it. Each form is checked at start now against its source ({n} may be left
    # out), in a context too; forms that fit are not logged.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} day in {city}"
        msgid_plural "{n} days in {city}"
        msgstr[0] "ein Tag in {city}"
        msgstr[1] "{n} Tage in {stadt}"

        msgctxt "shop"
        msgid "{n} item for {name}"
        msgid_plural "{n} items for {name}"
        msgstr[0] "{n} Artikel für {name"
        msgstr[1] "{n} Artikel für {name}"

        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "eine Woche"
        msgstr[1] "{n} Wochen"
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    assert sorted(record.getMessage() for record in caplog.records) == [
        f"translations: {compiled}: the translation of '{{n}} day in {{city}}' does not fit its "
        f"placeholders (msgstr[1]: added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of '{{n}} item for {{name}}' does not fit "
        "its placeholders (msgstr[0]: a brace without its pair: write {{ or }} for one spoken); "
        f"the source text is spoken instead{fix}",
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):  # as when spoken, as before
        assert german.ngettext("{n} day in {city}", "{n} days in {city}", 1, city="Rom") == (
            "ein Tag in Rom"
        )
        assert german.ngettext("{n} day in {city}", "{n} days in {city}", 2, city="Rom") == (
            "2 days in Rom"
        )
    assert len(caplog.records) == 1


def test_a_translation_that_does_not_fit_is_not_logged_on_every_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Said at start, then again each time the sentence was spoken: a sentence of every request
    # wrote a WARNING beside every request line. Once a minute a sentence now, with the count.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Hello {name}."
        msgstr "Hallo {nme}."

        msgid "It is {t} degrees."
        msgstr "Es sind {t[0]} Grad."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    caplog.clear()  # (the lines said at start)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        for _ in range(5):
            assert german.gettext("Hello {name}.", name="Ada") == "Hello Ada."
            assert german.gettext("It is {t} degrees.", t=3) == "It is 3 degrees."
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2, said
    assert said[0].startswith("the de-DE translation of 'Hello {name}.' does not fit")
    assert said[1].startswith("the de-DE translation of 'It is {t} degrees.' does not fit")


def test_a_value_the_source_text_cannot_take_is_not_blamed_on_the_translation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A handler's str given to "{v:.1f}" failed in the translation first, and the log said the
    # German translation did not fit its placeholders: the translator was sent to fix a .po
    # that is right. The handler's mistake is raised, and nothing said of the translation.
    catalog(tmp_path, "de", 'msgid "{v:.1f} cups"\nmsgstr "{v:.1f} Tassen"\n')
    german = Translations(tmp_path).translator("de-DE")
    assert german.gettext("{v:.1f} cups", v=2.5) == "2,5 Tassen"
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        pytest.raises(ValueError, match="format code"),
    ):
        german.gettext("{v:.1f} cups", v="2.5")
    assert caplog.records == []
